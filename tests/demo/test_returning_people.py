"""The demo's returning people (participants/demo_history.py, docs/decisions/0031)."""

from __future__ import annotations

from participants.demo_history import PEOPLE
from referrals.person_history import person_history
from teams.models import User


def test_demo_has_returning_people_seen_by_each_coordinator_as_far_as_their_teams_go(demo) -> None:
    one = User.objects.get(email="koordinator@ist.example")
    two = User.objects.get(email="koordinator2@ist.example")
    rut, omar, sara = (PEOPLE[k][0] for k in ("rut", "omar", "sara"))

    both_mine = person_history(one, rut)
    assert [s.team.name for s in both_mine.stays] == ["IST Halmstad/Hylte", "IST Laholm"]
    assert both_mine.stays[1].end is not None
    assert both_mine.stays[1].exit_reason
    assert both_mine.elsewhere == []

    split = person_history(one, omar)
    assert [s.team.name for s in split.stays] == ["IST Halmstad/Hylte"]
    assert [t.name for t in split.elsewhere] == ["IST Varberg"]
    assert [s.team.name for s in person_history(two, omar).stays] == ["IST Varberg"]

    waiting = person_history(one, sara)
    assert [r.status for r in waiting.referrals] == ["submitted"]
    assert waiting.referrals[0].address == ""  # nothing copied from the Varberg record
    assert [t.name for t in waiting.elsewhere] == ["IST Varberg"]
