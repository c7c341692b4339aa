"""The answer clock pauses while a komplettering is with the referrer (referrals/deadline.py).

Dates counted by hand on a calendar of December 2026 (calendar days: weekends count, as the seeds'
"14 dagar" and the deadline `received_on + 14` always have). Tuesday 2026-12-01 is day 0, the
deadline Tuesday 2026-12-15 is day 14.
"""

from __future__ import annotations

from datetime import date

import pytest

from referrals import deadline
from referrals.models import Referral

DEC = 12


def d(day: int) -> date:
    return date(2026, DEC, day)


def fresh() -> Referral:
    return Referral(received_on=d(1), answer_deadline=d(15))


def test_without_a_komplettering_the_clock_counts_calendar_days_over_the_weekend() -> None:
    referral = fresh()
    # Tue 1 → day 0; Sat 5 and Sun 6 count: Mon 7 is day 6.
    assert deadline.of(referral, d(1)).detail == "dag 0 av 14, 14 dagar kvar"
    assert deadline.of(referral, d(7)).detail == "dag 6 av 14, 8 dagar kvar"
    assert deadline.of(referral, d(14)).detail == "dag 13 av 14, 1 dag kvar"
    assert (deadline.of(referral, d(15)).state, deadline.of(referral, d(15)).detail) == (
        "soon",
        "dag 14 av 14, svar i dag",
    )
    late = deadline.of(referral, d(17))
    assert (late.state, late.label, late.detail) == ("overdue", "Försenad", "dag 16 av 14, 2 dagar över")


def test_one_komplettering_pauses_the_clock_and_moves_the_deadline() -> None:
    referral = fresh()
    # Asked for on Fri 4 (day 3), completed on Thu 10: 6 days away, deadline Tue 15 → Mon 21.
    assert deadline.pause(referral, d(4)) == ["paused_since"]
    paused = deadline.of(referral, d(9))
    assert paused.state == "paused"
    assert paused.label == "Pausad"
    assert paused.detail == "komplettering hos inremittenten sedan 2026-12-04, dag 3 av 14"
    # Far past the old deadline, still no overdue while it is with the referrer.
    assert deadline.of(referral, d(20)).state == "paused"
    deadline.resume(referral, d(10))
    assert referral.paused_since is None
    assert referral.paused_days == 6
    assert referral.answer_deadline == d(21)
    assert deadline.of(referral, d(10)).detail == "dag 3 av 14, 11 dagar kvar"
    assert deadline.of(referral, d(21)).detail == "dag 14 av 14, svar i dag"
    assert deadline.of(referral, d(22)).detail == "dag 15 av 14, 1 dag över"


def test_two_kompletteringar_add_up() -> None:
    referral = fresh()
    deadline.pause(referral, d(2))  # Wed 2, day 1
    deadline.resume(referral, d(5))  # Sat 5: 3 days away, deadline → Fri 18
    deadline.pause(referral, d(8))  # Tue 8: day 1 + (8 − 5) = day 4
    assert deadline.of(referral, d(12)).detail == "komplettering hos inremittenten sedan 2026-12-08, dag 4 av 14"
    deadline.resume(referral, d(14))  # Mon 14: 6 more days, 9 in all, deadline → Thu 24
    assert referral.paused_days == 9
    assert referral.answer_deadline == d(24)
    assert deadline.of(referral, d(14)).detail == "dag 4 av 14, 10 dagar kvar"
    assert deadline.of(referral, d(28)).detail == "dag 18 av 14, 4 dagar över"


def test_a_komplettering_answered_the_same_day_costs_nothing_and_a_second_pause_changes_nothing() -> None:
    referral = fresh()
    deadline.pause(referral, d(3))
    assert deadline.pause(referral, d(5)) == []  # already paused: still from the 3rd
    assert referral.paused_since == d(3)
    deadline.resume(referral, d(3))
    assert (referral.paused_days, referral.answer_deadline) == (0, d(15))
    assert deadline.resume(referral, d(4)) == []


@pytest.mark.parametrize(
    ("steps", "since", "days"),
    [
        ([], None, 0),
        ([("pause", d(4)), ("resume", d(10))], None, 6),
        ([("pause", d(2)), ("resume", d(5)), ("pause", d(8))], d(8), 3),
        ([("resume", d(5))], None, 0),  # a resume without a pause counts nothing
        ([("pause", d(2)), ("pause", d(4)), ("resume", d(6))], None, 4),
    ],
)
def test_replay_from_the_timeline_gives_the_same_numbers(steps, since, days) -> None:
    assert deadline.replay(steps) == deadline.Replayed(since, days)


def test_no_deadline_and_no_arrival_day() -> None:
    assert deadline.of(Referral(), d(1)).state == "none"
    old = deadline.of(Referral(answer_deadline=d(10)), d(12))
    assert (old.state, old.detail) == ("overdue", "2 dagar över")
