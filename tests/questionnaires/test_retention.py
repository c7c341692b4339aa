"""Gallring of answers: a closed enrolment's self-assessments become anonymous (the statistics keep their
counts); anonymous answers are deleted after their period; nothing before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ist.questionnaires.due import add_months
from ist.questionnaires.models import Answer, Invitation, Response
from ist.retention import services
from ist.retention.models import Kind, RetentionRule
from participants.models import Closure
from tests.questionnaires import builders

pytestmark = pytest.mark.django_db


def test_self_assessments_go_with_the_closed_enrolment_and_anonymous_answers_after_their_period(journey) -> None:
    RetentionRule.objects.filter(kind__in=[Kind.IDENTIFIED_ANSWER, Kind.ANONYMOUS_ANSWER]).update(active=True)
    closed, active = journey["closed"], journey["enrollment"]
    closed_on = Closure.objects.get(enrollment=closed).date
    builders.self_assessment(closed, 3, closed_on)
    kept = builders.self_assessment(active, 4, closed_on)
    old = builders.example_answer(active, 5, 4, date(2015, 3, 10))
    Invitation.objects.create(
        version=kept.version, enrollment=closed, occasion=closed_on, how="lank", created_by=journey["handledare"]
    )
    # 60 months after the closure: the closed enrolment's answer becomes anonymous, the other stays.
    today = add_months(closed_on, 60) + timedelta(days=1)
    services.retention_run(today=today)
    made_anonymous = Response.objects.exclude(pk__in=[kept.pk, old.pk]).get()
    assert (made_anonymous.identified, made_anonymous.enrollment_id, made_anonymous.answered_on) == (False, None, None)
    assert made_anonymous.month == closed_on.replace(day=1)
    assert Answer.objects.filter(response=made_anonymous).count() == 2  # the chosen steps stay for the statistics
    assert not Invitation.objects.filter(enrollment=closed).exists()
    kept.refresh_from_db()
    assert kept.enrollment_id == active.pk
    # The 2015 answer is more than 120 months old by then: deleted.
    assert not Response.objects.filter(pk=old.pk).exists()
