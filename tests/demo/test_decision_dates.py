"""Demo decisions dated like a working team's (issue 17, point 6): spread over the year, on the day of
a samverkansteam meeting, mostly within the answer deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.demo import seed_decision_dates
from referrals.models import AgendaItem, Referral
from reports.statistics import Period, answer_times
from teams.models import Team

pytestmark = pytest.mark.django_db


def test_demo_decisions_fall_on_meeting_days_spread_over_the_year(demo) -> None:
    today = timezone.localdate()
    decided = list(Referral.objects.filter(decided_at__isnull=False, referrer__email__endswith="@ist.example"))
    assert len(decided) > 50
    days = {timezone.localtime(r.decided_at).date() for r in decided}
    # not all at seeding time: decisions in at least eight different months of the last twelve
    assert len({(d.year, d.month) for d in days if d > today - timedelta(days=365)}) >= 8
    assert all(d < today for d in days)
    for item in AgendaItem.objects.exclude(decision="").filter(referral__in=decided).select_related("meeting"):
        assert timezone.localtime(item.decided_at).date() == item.meeting.date
    for r in decided:
        assert r.received_on is not None
        assert 0 < (timezone.localtime(r.decided_at).date() - r.received_on).days <= 30
        assert r.answer_deadline == r.received_on + timedelta(days=14)

    # The statistics over the last year look like a working team's.
    year = Period(today - timedelta(days=365), today)
    answered, mean_days, within = answer_times(Team.objects.all(), year)
    assert answered.value is not None
    assert mean_days.value is not None
    assert within.value is not None
    assert answered.value >= 50
    assert 5 <= mean_days.value <= 16
    assert 60 <= within.value <= 95

    # A second run changes nothing.
    assert seed_decision_dates() == {"decisions_dated": 0}
