"""When questionnaires are due: the occasions the due rules (`DueRule`, data) give an enrolment.

- at enrolment: the start date;
- every N months: start + N, 2N, … months (the same day of the month, or the month's last day), while
  the enrolment is active;
- at closure: the closure date.

An occasion is open from its day for the rule's `days_open` days (the last day is the deadline shown in
"Att göra"), until a questionnaire is handed out for it (an `Invitation` for the rule, enrolment and
occasion). Enrolment and every-N occasions are open only while the enrolment is active; closure
occasions only once it is closed. Pure functions of dates, so the edges are tested by hand-computed dates.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

ENROLMENT, EVERY, CLOSURE = "inskrivning", "var_n_manad", "avslut"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day where it has no such day (31 Jan + 1 → 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class RuleFacts:
    pk: int
    trigger: str
    months: int | None
    days_open: int


def occasions(rule: RuleFacts, *, start: date, closed_on: date | None, until: date) -> list[date]:
    """Every occasion of `rule` for an enrolment from `start` (closed on `closed_on`) up to `until`."""
    if rule.trigger == ENROLMENT:
        return [start] if start <= until else []
    if rule.trigger == CLOSURE:
        return [closed_on] if closed_on and closed_on <= until else []
    if not rule.months:
        return []
    end = min(until, closed_on) if closed_on else until
    result, k = [], 1
    while (day := add_months(start, k * rule.months)) <= end:
        result.append(day)
        k += 1
    return result


def deadline(rule: RuleFacts, occasion: date) -> date:
    """The last day the occasion is open."""
    return occasion + timedelta(days=rule.days_open - 1)


def open_occasion(rule: RuleFacts, *, start: date, closed_on: date | None, today: date) -> date | None:
    """The occasion of `rule` open today (at most one: the latest that has begun), or None."""
    if (rule.trigger == CLOSURE) != (closed_on is not None):
        return None  # enrolment and every-N while active; closure once closed
    days = occasions(rule, start=start, closed_on=closed_on, until=today)
    if not days or deadline(rule, days[-1]) < today:
        return None
    return days[-1]


def count_in(rule: RuleFacts, *, start: date, closed_on: date | None, first: date, last: date) -> int:
    """How many occasions of `rule` fall between `first` and `last` (both included): those due in a period."""
    return sum(1 for day in occasions(rule, start=start, closed_on=closed_on, until=last) if day >= first)


def due_pairs(
    rules: Iterable[RuleFacts], *, start: date, closed_on: date | None, today: date
) -> list[tuple[int, date]]:
    """(rule pk, occasion) of every rule open today for one enrolment."""
    result = []
    for rule in rules:
        day = open_occasion(rule, start=start, closed_on=closed_on, today=today)
        if day is not None:
            result.append((rule.pk, day))
    return result
