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


# The count of `count_in` in SQL (PostgreSQL), so the statistics count every enrolment's occasions in
# the database: `count_in_sql` reads an enrolment row (`enrolments_sql`) and a period row (`period_sql`).
# Each date comes with its month number (year × 12 + month), computed once per row, so whole months
# between two dates are a subtraction of integers. Both rows end in `OFFSET 0`, which keeps PostgreSQL
# from pulling the subquery up into the expressions: pulled up, every mention of a month number is
# an EXTRACT again, per row (measured: the count took 3× as long).


def _month_number_sql(day: str) -> str:
    return f"(EXTRACT(YEAR FROM {day})::int * 12 + EXTRACT(MONTH FROM {day})::int)"


def enrolments_sql(rows: str) -> str:
    """SQL: the rows of the subquery `rows` (an enrolment's start `s` and closure day `c`, NULL while
    open, and any other columns) with the month numbers count_in_sql reads."""
    months = f"{_month_number_sql('r.s')} AS s_month, {_month_number_sql('r.c')} AS c_month"
    return f"SELECT r.*, {months} FROM ({rows}) AS r OFFSET 0"  # noqa: S608 - SQL built here, values as params


def period_sql() -> str:
    """SQL: one row of a period's days as count_in_sql reads them, from two parameters: its first and
    last day."""
    return (
        "SELECT d.first, d.last, d.first - 1 AS before, "  # noqa: S608 - SQL built here, values as params
        f"{_month_number_sql('d.first - 1')} AS before_month, {_month_number_sql('d.last')} AS last_month "
        "FROM (SELECT %s::date AS first, %s::date AS last) AS d OFFSET 0"
    )


def count_in_sql(rule: RuleFacts, *, enrolment: str, period: str) -> str:
    """`count_in` as an SQL expression over the enrolment row `enrolment` (enrolments_sql) and the
    period row `period` (period_sql), both aliases. Equal to `count_in` for every date
    (tests/questionnaires/test_due_sql.py)."""
    e, p = enrolment, period
    if rule.trigger == ENROLMENT:
        return f"(CASE WHEN {e}.s BETWEEN {p}.first AND {p}.last THEN 1 ELSE 0 END)"
    if rule.trigger == CLOSURE:  # while open the closure day is NULL: not between
        return f"(CASE WHEN {e}.c BETWEEN {p}.first AND {p}.last THEN 1 ELSE 0 END)"
    if not rule.months:
        return "0"
    months = int(rule.months)
    # The occasions up to the period's last day or the closure (LEAST skips a NULL) less those before
    # the period's first day.
    until_end = _every_n_until(e, f"LEAST({p}.last, {e}.c)", f"LEAST({p}.last_month, {e}.c_month)", months)
    before = _every_n_until(e, f"{p}.before", f"{p}.before_month", months)
    return f"GREATEST({until_end} - {before}, 0)"


def _every_n_until(e: str, day: str, day_month: str, months: int) -> str:
    """SQL: how many k ≥ 1 have add_months(start, k × months) ≤ day. Arithmetic, not a loop: the
    largest k whose month is not after day's month, less one when that occasion falls in day's month
    but after day. PostgreSQL's `date + make_interval(months => n)` clamps to the month's last day
    exactly as add_months does (31 Jan + 1 month = 28/29 Feb)."""
    k = f"(GREATEST({day_month} - {e}.s_month, 0) / {months})"
    too_late = f"CASE WHEN ({e}.s + make_interval(months => {k} * {months}))::date > {day} THEN 1 ELSE 0 END"
    return f"GREATEST({k} - {too_late}, 0)"


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
