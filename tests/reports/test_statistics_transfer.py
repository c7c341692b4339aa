"""Statistics after a move between teams: each team counts the enrolment for the days it had it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participants import services
from reports import statistics
from reports.statistics import Period
from teams.models import Team
from tests.factories import member

pytestmark = pytest.mark.django_db


def _present(teams, period: Period) -> int:
    rows = dict(statistics.volume(teams, period).rows)
    return rows["Inskrivna någon gång under perioden"][0]


def _finsam(teams, period: Period) -> int:
    return sum(n for _label, (n,) in statistics.finsam(teams, period).rows)


def test_both_teams_count_the_right_period(journey) -> None:
    enrollment = journey["enrollment"]  # started 60 days ago in Halmstad/Hylte, the only active one there
    today = timezone.localdate()
    moved_on = today - timedelta(days=10)
    halmstad = Team.objects.filter(pk=enrollment.team_id)
    laholm = Team.objects.filter(slug="laholm")
    before, after, across = (
        Period(today - timedelta(days=40), today - timedelta(days=20)),
        Period(today - timedelta(days=5), today),
        Period(today - timedelta(days=15), today - timedelta(days=5)),
    )
    counts_before = {p: (_present(halmstad, p), _finsam(halmstad, p)) for p in (before, after, across)}
    proposal = services.transfer_propose(
        enrollment=enrollment, to_team=laholm.get(), day=moved_on, note="", by=journey["koordinator"]
    )
    services.transfer_accept(
        transfer=proposal, responsible=member("handledare", "laholm"), by=member("koordinator", "laholm")
    )
    # Halmstad/Hylte keeps it before the move and in the period across it; loses it after.
    assert (_present(halmstad, before), _finsam(halmstad, before)) == counts_before[before]
    assert (_present(halmstad, across), _finsam(halmstad, across)) == counts_before[across]
    assert _present(halmstad, after) == counts_before[after][0] - 1
    assert _finsam(halmstad, after) == counts_before[after][1] - 1
    # Laholm has it from the move on only.
    assert (_present(laholm, before), _finsam(laholm, before)) == (0, 0)
    assert (_present(laholm, across), _finsam(laholm, across)) == (1, 1)
    assert (_present(laholm, after), _finsam(laholm, after)) == (1, 1)
