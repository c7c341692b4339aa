"""When the next handlingsplan and återrapport are due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from participants.documents.models import Document
from participants.documents.schedule import due_dates
from tests.participants.documents import builders

pytestmark = pytest.mark.django_db


def test_no_plan_is_due_in_prova_pa_and_the_first_report_three_months_after_the_start(journey):
    enrollment = journey["enrollment"]
    due = due_dates([enrollment.pk])[enrollment.pk]
    assert due.plan_due_on is None
    assert due.report_due_on == enrollment.start_date + relativedelta(months=3)


def test_the_first_plan_is_due_14_days_after_entering_arbetsforberedande(journey):
    enrollment = journey["enrollment"]
    builders.phase_two(enrollment, journey["handledare"])
    entered = timezone.localdate() - timedelta(days=20)
    assert due_dates([enrollment.pk])[enrollment.pk].plan_due_on == entered + timedelta(days=14)


def test_the_next_plan_is_due_three_months_after_the_last_finalised_one(journey):
    enrollment = journey["enrollment"]
    builders.phase_two(enrollment, journey["handledare"])
    plan = builders.final_plan(enrollment, journey["handledare"])
    finalised_on = timezone.localtime(plan.finalised_at).date()
    assert due_dates([enrollment.pk])[enrollment.pk].plan_due_on == finalised_on + relativedelta(months=3)


def test_a_draft_does_not_count_and_closed_enrolments_have_no_dates(journey):
    enrollment, closed = journey["enrollment"], journey["closed"]
    builders.phase_two(enrollment, journey["handledare"])
    builders.draft_plan(journey)
    assert Document.objects.filter(enrollment=enrollment).count() == 1
    dates = due_dates([enrollment.pk, closed.pk])
    assert closed.pk not in dates
    assert dates[enrollment.pk].plan_due_on == timezone.localdate() - timedelta(days=6)


def test_due_dates_take_three_queries_whatever_the_number_of_enrolments(journey, django_assert_num_queries):
    ids = [journey["enrollment"].pk, journey["closed"].pk]
    with django_assert_num_queries(3):
        due_dates(ids)
