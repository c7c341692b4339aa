"""The monthly level of the activity rollup (reports/rollup.py, `ActivityMonth`, decision 0034): the
reader takes whole clean months from it, the edge days from `ActivityDay` and the rest live, and the
figures are those of the rows counted by hand, on the fixed data set with a move between teams, after
a late correction in a closed month (before and after the worker counted it again), and for periods
that start or end mid-month."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from participants import services
from participants.inputs import ActivityFields
from participants.models import Activity, Enrollment, Transfer
from reports import rollup
from reports.models import ActivityDay, ActivityMonth, RollupDay
from reports.statistics import Period, previous_period
from teams.models import Team
from tests.reports import dataset

pytestmark = pytest.mark.django_db

TODAY = date(2026, 9, 15)
MOVED_ON = date(2026, 7, 8)
PERIODS = [
    Period(date(2026, 7, 1), date(2026, 8, 31)),  # two whole months
    Period(date(2026, 7, 5), date(2026, 8, 20)),  # starts and ends mid-month: days only
    Period(date(2026, 6, 20), date(2026, 9, 10)),  # edge days, two whole months, edge days
    Period.parse("2026Q3"),  # ends after today: its last days live
    Period(date(2025, 10, 1), date(2026, 9, 30)),  # a year
]


@pytest.fixture
def data():
    """The fixed data set, E1 moved from team A to B on MOVED_ON, the rollup counted up to TODAY."""
    found = dataset.build()
    e1 = Enrollment.objects.get(participant__first_name="P1")
    Transfer.objects.create(
        enrollment=e1,
        from_team=found["a"],
        to_team=found["b"],
        date=MOVED_ON,
        status=Transfer.Status.ACCEPTED,
        proposed_by=found["staff"],
        decided_by=found["staff"],
    )
    Enrollment.objects.filter(pk=e1.pk).update(team=found["b"])
    rollup.refresh(today=TODAY)
    return found


def _scopes(data) -> list:
    return [
        Team.objects.filter(pk=data["a"].pk),
        Team.objects.filter(pk=data["b"].pk),
        Team.objects.filter(pk__in=[data["a"].pk, data["b"].pk]),
    ]


def _by_hand(teams, period: Period) -> Counter:
    """Activities by (kind, attendance) for the team that held the enrolment on the day, in Python."""
    ids = set(teams.values_list("pk", flat=True))
    counted: Counter = Counter()
    for activity in Activity.objects.filter(date__range=(period.start, period.end)).select_related("enrollment"):
        later = Transfer.objects.filter(
            enrollment=activity.enrollment, status=Transfer.Status.ACCEPTED, date__gt=activity.date
        ).order_by("date", "pk")
        held = later[0].from_team_id if later else activity.enrollment.team_id
        if held in ids:
            counted[(activity.kind_id, activity.attendance)] += 1
    return counted


def _assert_equal_by_hand(data) -> None:
    for teams in _scopes(data):
        for period in PERIODS:
            now, then = rollup.counts_over(teams, [period, previous_period(period)], today=TODAY)
            assert Counter(now) == _by_hand(teams, period), (teams, period)
            assert Counter(then) == _by_hand(teams, previous_period(period)), (teams, period)
            assert Counter(rollup.counts(teams, period, today=TODAY)) == _by_hand(teams, period), (teams, period)


def _month_sums() -> dict:
    return {
        (row["month"], row["team_id"], row["kind"], row["attendance"]): (row["n"], row["minutes"])
        for row in ActivityMonth.objects.values("month", "team_id", "kind", "attendance", "n", "minutes")
    }


def _day_sums() -> dict:
    sums: dict = {}
    for row in ActivityDay.objects.values("day", "team_id", "kind", "attendance").annotate(
        n_=Sum("n"), m_=Sum("minutes")
    ):
        key = (row["day"].replace(day=1), row["team_id"], row["kind"], row["attendance"])
        n, minutes = sums.get(key, (0, 0))
        sums[key] = (n + row["n_"], minutes + row["m_"])
    return sums


def _reads_months(teams, period: Period) -> bool:
    with CaptureQueriesContext(connection) as queries:
        rollup.counts(teams, period, today=TODAY)
    return any(ActivityMonth._meta.db_table in query["sql"] for query in queries.captured_queries)


def test_the_months_are_the_sums_of_their_days(data) -> None:
    assert ActivityMonth.objects.filter(month=date(2026, 7, 1)).exists()
    assert _month_sums() == _day_sums()
    rollup.build_months(None)  # what the migration and a full rebuild do: the same rows
    assert _month_sums() == _day_sums()


def test_whole_months_edge_days_and_live_days_equal_the_rows_counted_by_hand(data) -> None:
    teams = _scopes(data)[2]
    assert _reads_months(teams, PERIODS[0])
    assert not _reads_months(teams, PERIODS[1])  # no whole month inside: the days
    _assert_equal_by_hand(data)


def test_a_late_correction_in_a_closed_month(data) -> None:
    e1 = Enrollment.objects.get(participant__first_name="P1")
    late = Activity.objects.filter(enrollment=e1, date__gte=MOVED_ON).order_by("date").first()
    assert late is not None
    assert late.date.month == 7  # July: counted and closed
    services.activity_correct(
        activity=late,
        by=data["staff"],
        values=ActivityFields.of(late, date=date(2026, 7, 2), attendance="unexcused"),  # before the move: A's
        expected_version=late.version,
        today=TODAY,
    )
    teams = _scopes(data)[2]
    assert RollupDay.objects.filter(dirty=True, day__month=7).exists()
    assert not _reads_months(teams, Period(date(2026, 7, 1), date(2026, 7, 31)))  # July: its days, two live
    _assert_equal_by_hand(data)
    rollup.refresh(today=TODAY)  # the worker counts the days and the month again, in one transaction
    assert not RollupDay.objects.filter(dirty=True, day__lt=TODAY).exists()
    assert _month_sums() == _day_sums()
    assert _reads_months(teams, Period(date(2026, 7, 1), date(2026, 7, 31)))
    _assert_equal_by_hand(data)
