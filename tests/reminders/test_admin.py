"""Administrators change the reminder offsets in the admin; the next sweep uses them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from ist.reminders import sweeps
from ist.reminders.models import DeadlineSettings, Kind, Notification
from tests.referrals import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
CHANGE = reverse("admin:notifications_deadlinesettings_change", args=[1])


def test_the_migration_seeds_one_row_with_the_issues_defaults():
    config = DeadlineSettings.objects.get()
    assert (config.answer_days_before, config.needs_info_days, config.prova_pa_days_before) == (3, 14, 5)
    assert (config.plan_days_before, config.inriktningstid_days_before) == (14, 30)


def test_an_administrator_changes_an_offset_and_the_next_sweep_uses_it(client, users):
    client.force_login(users["administrator"])
    assert client.get(reverse("admin:notifications_deadlinesettings_changelist")).status_code == 200
    data = {k: v for k, v in model_to_dict(DeadlineSettings.objects.get()).items() if k != "id"}
    response = client.post(CHANGE, {**data, "answer_days_before": 20})
    assert response.status_code == 302
    assert DeadlineSettings.objects.get().answer_days_before == 20
    builders.submitted(users["referrer"])  # answer deadline in 14 days: inside 20 days, not inside 3
    sweeps.sweep("referrals")
    assert Notification.objects.filter(recipient=users["koordinator"], kind=Kind.ANSWER_SOON).exists()


def test_a_board_day_outside_the_month_is_refused_beside_the_field(client, users):
    client.force_login(users["administrator"])
    data = {k: v for k, v in model_to_dict(DeadlineSettings.objects.get()).items() if k != "id"}
    response = client.post(CHANGE, {**data, "december_board_day": 32})
    assert response.status_code == 200
    assert "december_board_day" in response.context["adminform"].form.errors
    assert DeadlineSettings.objects.get().december_board_day == 10


def test_nobody_adds_or_deletes_the_settings_row(client, users):
    client.force_login(users["administrator"])
    assert client.get(reverse("admin:notifications_deadlinesettings_add")).status_code == 403
    assert client.get(reverse("admin:notifications_deadlinesettings_delete", args=[1])).status_code == 403


def test_team_staff_do_not_reach_the_settings(client, users):
    client.force_login(users["koordinator"])
    response = client.get(CHANGE)
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_an_unset_row_falls_back_to_the_defaults():
    DeadlineSettings.objects.all().delete()
    assert DeadlineSettings.current().answer_days_before == 3
    assert timedelta(days=DeadlineSettings.current().needs_info_days) == timedelta(days=14)
