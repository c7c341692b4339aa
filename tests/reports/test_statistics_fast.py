"""Statistik's fast path (one query per figure group for the period and the one before, activity
figures from the daily rollup) gives the figures of the live aggregate, on the fixed data set with a
move between teams and a late correction of an activity (issue 16, docs/decisions/0034)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participants import services
from participants.inputs import ActivityFields
from participants.models import Activity, Enrollment, Transfer
from reports import questionnaires, rollup
from reports.models import ActivityDay, RollupDay
from reports.statistics import Period, Section, all_sections, previous_period, with_previous
from teams.models import Team
from tests.reports import dataset

pytestmark = pytest.mark.django_db

TODAY = date(2026, 9, 15)
Q3 = Period.parse("2026Q3")
MOVED_ON = date(2026, 7, 8)  # E1 moves from A to B between its activities of 07-03 and 07-09


def _flat(sections: list[Section]) -> list[object]:
    """Every label, value and measure of the sections, comparable with ==."""
    return [
        (
            section.key,
            [
                (table.key, [str(c) for c in table.columns], [(str(label), values) for label, values in table.rows])
                for table in section.tables
            ],
            [(m.label, m.value, m.basis) for m in section.measures],
        )
        for section in sections
    ]


@pytest.fixture
def data():
    """The fixed data set, E1 moved from A to B on MOVED_ON (an accepted transfer, the team-period
    record), and the rollup counted up to TODAY, then a late correction of a counted day."""
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
    late = Activity.objects.get(enrollment=e1, date=date(2026, 7, 9))  # after the move: B's
    services.activity_correct(
        activity=late,
        by=found["staff"],
        values=ActivityFields.of(late, date=date(2026, 7, 2), attendance="present"),  # before the move: A's
        expected_version=late.version,
        today=TODAY,
    )
    return found


def _scopes(data) -> list:
    return [
        Team.objects.filter(pk=data["a"].pk),
        Team.objects.filter(pk=data["b"].pk),
        Team.objects.filter(pk__in=[data["a"].pk, data["b"].pk]),
    ]


def _live_activities(teams, period: Period) -> Counter:
    """Activities by (kind, attendance) for the team that held the enrolment on the activity's day,
    counted in Python from the rows and the transfers: the definition, without SQL."""
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


PERIODS = [Q3, Period(date(2026, 7, 1), date(2026, 7, 7)), Period(MOVED_ON, TODAY)]


def test_the_activity_figures_equal_the_rows_counted_by_hand(data) -> None:
    assert RollupDay.objects.filter(dirty=True, day__lt=TODAY).exists()  # the corrected days: live
    assert ActivityDay.objects.exists()  # the other days: from the rollup
    for teams in _scopes(data):
        for period in PERIODS:
            now, then = rollup.counts_over(teams, [period, previous_period(period)], today=TODAY)
            assert Counter(now) == _live_activities(teams, period), (teams, period)
            assert Counter(then) == _live_activities(teams, previous_period(period)), (teams, period)


def test_the_fast_path_equals_each_period_counted_live_on_its_own(data) -> None:
    fast = {
        (i, period): [_flat(sections) for sections in with_previous(teams, period)[:2]]
        for i, teams in enumerate(_scopes(data))
        for period in PERIODS
    }
    RollupDay.objects.all().delete()  # nothing from the rollup: every day live, one period at a time
    ActivityDay.objects.all().delete()
    for i, teams in enumerate(_scopes(data)):
        for period in PERIODS:
            alone = [_flat(all_sections(teams, period)), _flat(all_sections(teams, previous_period(period)))]
            assert fast[(i, period)] == alone, (teams, period)


def _at_end_and_present(teams, period: Period) -> tuple[int, int]:
    volume = next(t for s in with_previous(teams, period)[0] for t in s.tables if t.key == "volume")
    rows = {str(label): n for label, (n,) in volume.rows}
    return rows["Inskrivna vid periodens slut"], rows["Inskrivna någon gång under perioden"]


def test_the_move_counts_for_each_team_by_the_day(data) -> None:
    a, b = _scopes(data)[:2]
    before_move, after_move = PERIODS[1], PERIODS[2]
    assert _at_end_and_present(a, before_move) == (2, 2)  # E1 (still A's), E4
    assert _at_end_and_present(b, before_move) == (1, 1)  # E5
    assert _at_end_and_present(a, after_move) == (1, 2)  # E2 at the end; E4 closed 08-01
    assert _at_end_and_present(b, after_move) == (2, 2)  # E5 and E1 from the move on


def test_both_periods_take_the_queries_of_one(data) -> None:
    teams = _scopes(data)[2]
    with CaptureQueriesContext(connection) as one:
        all_sections(teams, Q3)
    with CaptureQueriesContext(connection) as both:
        with_previous(teams, Q3)
    # The participants' voice (reports/questionnaires.py, issue 20) too: one pass for both periods
    # (its due occasions counted in SQL), so the second period costs no query.
    with CaptureQueriesContext(connection) as voice:
        questionnaires.section(teams, Q3)
    assert len(voice) > 0
    assert len(both) == len(one)


def _as_sets(rows_per_period: list[dict[str, list[dict]]]) -> list[dict[str, list[str]]]:
    return [{group: sorted(map(repr, rows)) for group, rows in groups.items()} for groups in rows_per_period]


def test_the_grouping_sets_queries_equal_one_query_per_group(data, monkeypatch) -> None:
    """PostgreSQL's one GROUPING SETS query for the people groups and for the closure tables gives the
    rows the one-query-per-group path gives (what SQLite runs), the reasons in the same order. (On
    SQLite both sides are that path.)"""
    from reports import statistics

    compared = 0
    for teams in _scopes(data):
        for period in PERIODS:
            periods = [period, previous_period(period)]
            people, closures = statistics._people_rows(teams, periods), statistics._closure_rows(teams, periods)
            with monkeypatch.context() as patched:
                patched.setattr(connection, "vendor", "sqlite")
                people_apart = statistics._people_rows(teams, periods)
                closures_apart = statistics._closure_rows(teams, periods)
            assert _as_sets(people) == _as_sets(people_apart), (teams, period)
            assert _as_sets(closures) == _as_sets(closures_apart), (teams, period)
            assert [groups["reasons"] for groups in closures] == [groups["reasons"] for groups in closures_apart]
            compared += sum(len(rows) for groups in closures + people for rows in groups.values())
    assert compared > 50  # the data set has people and closures in these periods to compare
