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


def _volume(teams, period: Period) -> dict[str, int]:
    return {str(label): n for label, (n,) in statistics.volume(teams, period).rows}


def _activities(teams, period: Period) -> int:
    return sum(sum(counts) for _label, counts in statistics.activities(teams, period).rows)


def test_started_at_end_and_activities_follow_the_transfer_date(journey) -> None:
    from participants.models import ActivityKind

    enrollment = journey["enrollment"]  # started 60 days ago; one activity yesterday
    today = timezone.localdate()
    services.activity_log(
        enrollment=enrollment,
        kind=ActivityKind.TALK,
        day=today - timedelta(days=15),
        attendance="present",
        duration_minutes=60,
        note="",
        by=journey["handledare"],
    )
    halmstad = Team.objects.filter(pk=enrollment.team_id)
    laholm = Team.objects.filter(slug="laholm")
    whole, before = (
        Period(today - timedelta(days=70), today),
        Period(today - timedelta(days=70), today - timedelta(days=11)),
    )
    was = {p: (_volume(halmstad, p), _activities(halmstad, p)) for p in (whole, before)}
    proposal = services.transfer_propose(
        enrollment=enrollment, to_team=laholm.get(), day=today - timedelta(days=10), note="", by=journey["koordinator"]
    )
    services.transfer_accept(
        transfer=proposal, responsible=member("handledare", "laholm"), by=member("koordinator", "laholm")
    )
    started, at_end = "Inskrivna under perioden", "Inskrivna vid periodens slut"
    # Started in Halmstad/Hylte: it stays counted there, never in Laholm.
    assert _volume(halmstad, whole)[started] == was[whole][0][started]
    assert _volume(laholm, whole)[started] == 0
    # Active at the end: Laholm's today, Halmstad/Hylte's at the end of a period before the move.
    assert _volume(laholm, whole)[at_end] == 1
    assert _volume(halmstad, whole)[at_end] == was[whole][0][at_end] - 1
    assert _volume(halmstad, before)[at_end] == was[before][0][at_end]
    # Activities: the one 15 days ago is Halmstad/Hylte's, yesterday's is Laholm's.
    assert _activities(halmstad, whole) == was[whole][1] - 1
    assert _activities(laholm, whole) == 1
    assert _activities(halmstad, before) == was[before][1]
