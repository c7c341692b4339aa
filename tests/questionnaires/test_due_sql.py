"""The occasions due counted in SQL (due.count_in_sql, what the statistics run on PostgreSQL) equal
`due.count_in` (Python, what SQLite runs): on hand-picked edge dates with the counts written out, on a
grid of start and closure days around month ends, and through `due_counts_over` on real enrolments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from ist.questionnaires import due
from ist.questionnaires.due import CLOSURE, ENROLMENT, EVERY, RuleFacts, count_in
from reports import questionnaires as voice
from reports.statistics import Period, previous_period
from teams.models import Team
from tests.databases import postgresql_only
from tests.participants import builders as participant_builders

# count_in_sql is PostgreSQL's (make_interval): skipped only on the embedded SQLite outside CI, never in CI.
pytestmark = [pytest.mark.django_db, postgresql_only]

AT_START = RuleFacts(1, ENROLMENT, None, 30)
AT_END = RuleFacts(2, CLOSURE, None, 30)
EVERY_1, EVERY_3, EVERY_6, EVERY_12 = (RuleFacts(10 + n, EVERY, n, 30) for n in (1, 3, 6, 12))
NO_MONTHS = RuleFacts(9, EVERY, None, 30)
RULES = [AT_START, AT_END, EVERY_1, EVERY_3, EVERY_6, EVERY_12, NO_MONTHS]


def counted_in_sql(
    enrolments: list[tuple[date, date | None]], first: date, last: date
) -> dict[tuple[date, date | None], list[int]]:
    """(start, closure day) → count_in_sql of every rule in RULES for the period, in one query."""
    values = ", ".join("(%s::date, %s::date)" for _ in enrolments)
    rows = f"SELECT v.s, v.c FROM (VALUES {values}) AS v(s, c)"  # noqa: S608 - placeholders only
    counts = ", ".join(due.count_in_sql(rule, enrolment="e", period="p0") for rule in RULES)
    query = f"SELECT e.s, e.c, {counts} FROM ({due.enrolments_sql(rows)}) AS e CROSS JOIN ({due.period_sql()}) AS p0"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, [*(day for pair in enrolments for day in pair), first, last])
        return {(start, closed): [int(n) for n in ns] for start, closed, *ns in cursor.fetchall()}


def counted_in_python(start: date, closed_on: date | None, first: date, last: date) -> list[int]:
    return [count_in(rule, start=start, closed_on=closed_on, first=first, last=last) for rule in RULES]


# (start, closure day, period's first and last day) → the counts of RULES, computed by hand.
EDGES = [
    # 31 Jan + 1 month is 28 Feb (2026) and 29 Feb (2024, a leap year); the month's last day is due.
    ((date(2026, 1, 31), None, date(2026, 2, 1), date(2026, 2, 28)), [0, 0, 1, 0, 0, 0, 0]),
    ((date(2024, 1, 31), None, date(2024, 2, 1), date(2024, 2, 29)), [0, 0, 1, 0, 0, 0, 0]),
    ((date(2024, 1, 31), None, date(2024, 2, 1), date(2024, 2, 28)), [0, 0, 0, 0, 0, 0, 0]),
    # 31 Jan + 3 months = 30 Apr, + 6 = 31 Jul: a period from 30 Apr to 30 Jul holds the first only.
    ((date(2026, 1, 31), None, date(2026, 4, 30), date(2026, 7, 30)), [0, 0, 3, 1, 0, 0, 0]),
    ((date(2026, 1, 31), None, date(2026, 5, 1), date(2026, 7, 31)), [0, 0, 3, 1, 1, 0, 0]),
    # A leap day + 12 months: 28 Feb of the years after.
    ((date(2020, 2, 29), None, date(2026, 1, 1), date(2026, 6, 30)), [0, 0, 6, 2, 1, 1, 0]),
    # Started in the period (15 Mar): at enrolment, then 15 Apr, May, Jun (monthly), 15 Jun (every 3).
    ((date(2026, 3, 15), None, date(2026, 1, 1), date(2026, 6, 30)), [1, 0, 3, 1, 0, 0, 0]),
    # Started after the period: nothing.
    ((date(2026, 7, 1), None, date(2026, 1, 1), date(2026, 6, 30)), [0, 0, 0, 0, 0, 0, 0]),
    # Closed before the period: nothing, not even the closure.
    ((date(2026, 1, 15), date(2026, 3, 31), date(2026, 7, 1), date(2026, 12, 31)), [0, 0, 0, 0, 0, 0, 0]),
    # Closed in the period (31 Mar): 15 Feb and 15 Mar are due, 15 Apr is not; the closure is.
    ((date(2026, 1, 15), date(2026, 3, 31), date(2026, 1, 1), date(2026, 6, 30)), [1, 1, 2, 0, 0, 0, 0]),
    # Closed on the occasion's day (15 Apr): that occasion is still due.
    ((date(2026, 1, 15), date(2026, 4, 15), date(2026, 1, 1), date(2026, 6, 30)), [1, 1, 3, 1, 0, 0, 0]),
    # Closed after the period: its occasions up to the period's end, no closure.
    ((date(2026, 1, 15), date(2026, 8, 1), date(2026, 1, 1), date(2026, 6, 30)), [1, 0, 5, 1, 0, 0, 0]),
    # The occasions on the period's first day (1 Jan) and on its last (1 Apr) both count.
    ((date(2025, 10, 1), None, date(2026, 1, 1), date(2026, 4, 1)), [0, 0, 4, 2, 1, 0, 0]),
    # Over the new year from 30 Nov: 28 Feb (the month's last day) and 30 May, the period's edges.
    ((date(2025, 11, 30), None, date(2026, 2, 28), date(2026, 5, 30)), [0, 0, 4, 2, 1, 0, 0]),
]


@pytest.mark.parametrize(("dates", "expected"), EDGES)
def test_the_sql_count_equals_count_in_on_edge_dates(dates, expected) -> None:
    start, closed, first, last = dates
    assert counted_in_python(start, closed, first, last) == expected  # the hand count holds for Python
    assert counted_in_sql([(start, closed)], first, last)[(start, closed)] == expected


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_the_sql_count_equals_count_in_on_a_grid_of_dates() -> None:
    """Every start day around three month ends (a leap February among them), each open and closed on
    days around the periods' edges and month ends, in five periods with edges on the 1st, the 28th
    to 31st and mid-month."""
    starts = _days(date(2023, 12, 26), date(2024, 3, 3)) + _days(date(2025, 8, 27), date(2025, 9, 2))
    starts += [date(2025, 10, 31), date(2025, 11, 30), date(2025, 12, 31), date(2026, 1, 31), date(2026, 5, 31)]
    closures = [None, date(2024, 2, 28), date(2024, 2, 29), date(2025, 6, 30), date(2026, 2, 28), date(2026, 6, 15)]
    closures += [date(2026, 7, 31), date(2026, 12, 31)]
    enrolments = [(start, closed) for start in starts for closed in closures if closed is None or closed >= start]
    year = Period(date(2025, 12, 7), date(2026, 12, 7))
    periods = [
        year,
        previous_period(year),
        Period.parse("2026H1"),
        Period.parse("2024Q1"),
        Period(date(2026, 1, 31), date(2026, 4, 29)),
    ]
    for period in periods:
        in_sql = counted_in_sql(enrolments, period.start, period.end)
        for start, closed in enrolments:
            assert in_sql[(start, closed)] == counted_in_python(start, closed, period.start, period.end), (
                start,
                closed,
                period,
            )


def test_due_counts_over_both_periods_in_sql_equals_python(users) -> None:
    """Enrolments of the team with edge dates; the statistics' due counts for a period and the one before,
    in one SQL query, equal the Python count of each period alone (the SQLite path)."""
    from participants import services as participant_services
    from participants.inputs import ClosureFields
    from participants.models import Enrollment, ExitReason

    reason = ExitReason.objects.get(code="arbete")
    for start, closed in [
        (date(2025, 1, 31), None),
        (date(2025, 8, 31), date(2026, 2, 28)),
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2026, 3, 1), None),
        (date(2024, 2, 29), date(2025, 12, 31)),
    ]:
        enrollment = participant_builders.enrolled(
            users["referrer"], users["koordinator"], users["handledare"], start=start
        )
        if closed:
            participant_services.close(
                enrollment=enrollment, by=users["koordinator"], values=ClosureFields(date=closed, reason=reason)
            )
    teams = Team.objects.filter(slug="halmstad-hylte")
    assert Enrollment.objects.filter(team__in=teams).count() == 5
    rules = voice._rules()
    period = Period(date(2025, 12, 7), date(2026, 12, 7))
    periods = [period, previous_period(period)]
    enrollments = Enrollment.objects.filter(team__in=teams)
    in_sql = voice._due_in_sql(enrollments, rules, periods)
    assert in_sql == voice._due_in_python(enrollments, rules, periods)
    assert sum(map(sum, in_sql)) > 10  # every kind of rule had occasions to count
    both = voice.due_counts_over(teams, periods)
    assert both == [voice.due_counts(teams, period) for period in periods]
