"""Due rules at their edges, against dates computed by hand."""

from __future__ import annotations

from datetime import date

import pytest

from ist.questionnaires.due import CLOSURE, ENROLMENT, EVERY, RuleFacts, add_months, count_in, open_occasion

AT_START = RuleFacts(1, ENROLMENT, None, 30)
EVERY_3 = RuleFacts(2, EVERY, 3, 30)
AT_END = RuleFacts(3, CLOSURE, None, 14)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day a year later
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # over the new year
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_at_enrolment_is_open_from_the_start_day_for_its_days() -> None:
    start = date(2026, 3, 1)
    assert open_occasion(AT_START, start=start, closed_on=None, today=date(2026, 2, 28)) is None
    assert open_occasion(AT_START, start=start, closed_on=None, today=start) == start
    assert open_occasion(AT_START, start=start, closed_on=None, today=date(2026, 3, 30)) == start  # day 30
    assert open_occasion(AT_START, start=start, closed_on=None, today=date(2026, 3, 31)) is None  # day 31


def test_every_three_months_from_the_end_of_january() -> None:
    start = date(2026, 1, 31)
    # 31 Jan + 3 months = 30 Apr (April has 30 days); open 30 days: to 29 May.
    assert open_occasion(EVERY_3, start=start, closed_on=None, today=date(2026, 4, 29)) is None
    assert open_occasion(EVERY_3, start=start, closed_on=None, today=date(2026, 4, 30)) == date(2026, 4, 30)
    assert open_occasion(EVERY_3, start=start, closed_on=None, today=date(2026, 5, 29)) == date(2026, 4, 30)
    assert open_occasion(EVERY_3, start=start, closed_on=None, today=date(2026, 5, 30)) is None
    # The next one: 31 Jan + 6 months = 31 Jul.
    assert open_occasion(EVERY_3, start=start, closed_on=None, today=date(2026, 7, 31)) == date(2026, 7, 31)


def test_closure_only_once_closed_and_the_others_stop_at_closure() -> None:
    start, closed = date(2026, 1, 10), date(2026, 6, 10)
    assert open_occasion(AT_END, start=start, closed_on=None, today=date(2026, 6, 10)) is None
    assert open_occasion(AT_END, start=start, closed_on=closed, today=date(2026, 6, 10)) == closed
    assert open_occasion(AT_END, start=start, closed_on=closed, today=date(2026, 6, 23)) == closed  # day 14
    assert open_occasion(AT_END, start=start, closed_on=closed, today=date(2026, 6, 24)) is None
    # 10 Apr was open until 9 May; once closed, every-N and enrolment occasions are not asked for.
    assert open_occasion(EVERY_3, start=start, closed_on=closed, today=date(2026, 6, 12)) is None
    assert open_occasion(AT_START, start=start, closed_on=closed, today=date(2026, 6, 12)) is None


def test_occasions_due_in_a_period() -> None:
    start = date(2026, 1, 15)
    h1 = (date(2026, 1, 1), date(2026, 6, 30))
    assert count_in(AT_START, start=start, closed_on=None, first=h1[0], last=h1[1]) == 1
    assert count_in(EVERY_3, start=start, closed_on=None, first=h1[0], last=h1[1]) == 1  # 15 Apr (15 Jul is H2)
    assert count_in(EVERY_3, start=start, closed_on=date(2026, 4, 14), first=h1[0], last=h1[1]) == 0
    assert count_in(AT_END, start=start, closed_on=date(2026, 4, 14), first=h1[0], last=h1[1]) == 1
    assert count_in(AT_END, start=start, closed_on=date(2026, 7, 1), first=h1[0], last=h1[1]) == 0
