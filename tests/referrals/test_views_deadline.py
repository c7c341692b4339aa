"""The answer clock where the coordinator reads it: the triage board and the review page (decision 0030)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Referral
from teams.models import Membership
from tests.factories import ReferrerFactory, member
from tests.referrals import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)


@pytest.fixture
def coordinator():
    return member(Membership.Role.KOORDINATOR)


def _paused(referrer, coordinator, *, received_days_ago: int, asked_days_ago: int) -> Referral:
    today = timezone.localdate()
    referral = builders.submitted(referrer)
    services.referral_request_info(referral=referral, by=coordinator, message="Mer, tack.")
    Referral.objects.filter(pk=referral.pk).update(
        received_on=today - timedelta(days=received_days_ago),
        answer_deadline=today - timedelta(days=received_days_ago) + timedelta(days=14),
        paused_since=today - timedelta(days=asked_days_ago),
    )
    referral.refresh_from_db()
    return referral


def test_a_referral_with_the_referrer_shows_paused_not_overdue(client, coordinator) -> None:
    referrer = ReferrerFactory.create()
    referral = _paused(referrer, coordinator, received_days_ago=36, asked_days_ago=30)  # 22 days past the old deadline
    running = builders.submitted(referrer)
    client.force_login(coordinator)
    html = client.get(reverse("referrals:triage")).content.decode()
    paused_since = referral.paused_since
    assert paused_since is not None
    assert f"komplettering hos inremittenten sedan {paused_since:%Y-%m-%d}, dag 6 av 14" in html
    assert "Försenad" not in html
    assert "dag 0 av 14, 14 dagar kvar" in html  # the one sent today
    rows = [row.referral.pk for row in client.get(reverse("referrals:triage")).context["rows"]]
    assert rows == [running.pk, referral.pk]  # the paused after the running
    review = client.get(reverse("referrals:review", args=[referral.pk])).content.decode()
    assert "Pausad" in review
    assert "Försenad" not in review


def test_the_board_reads_the_clock_without_a_query_per_row(client, coordinator, django_assert_max_num_queries) -> None:
    referrer = ReferrerFactory.create()
    _paused(referrer, coordinator, received_days_ago=10, asked_days_ago=3)
    builders.submitted(referrer)
    client.force_login(coordinator)
    client.get(reverse("referrals:triage"))
    with django_assert_max_num_queries(40) as baseline:
        client.get(reverse("referrals:triage"))
    for _ in range(3):
        _paused(referrer, coordinator, received_days_ago=12, asked_days_ago=2)
        builders.submitted(referrer)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(reverse("referrals:triage"))


def test_the_referrer_reads_that_the_clock_is_paused(client, coordinator) -> None:
    referrer = ReferrerFactory.create()
    referral = _paused(referrer, coordinator, received_days_ago=5, asked_days_ago=2)
    client.force_login(referrer)
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Svarstiden är pausad sedan" in html
