"""The daily activity rollup (reports/rollup.py) gives the figures of the live aggregate: on the fixed
data set, before and after the worker counted, and after late corrections of activities."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from participants import services
from participants.inputs import ActivityFields
from participants.models import Activity, Attendance, Enrollment
from reports import rollup
from reports.models import ActivityDay, RollupDay
from reports.statistics import Period, activities
from teams.models import Team
from tests.reports import dataset

pytestmark = pytest.mark.django_db

TODAY = date(2026, 9, 15)  # inside 2026Q3: the period's last days are today and later
Q3 = Period.parse("2026Q3")
YEAR = Period(date(2025, 10, 1), date(2026, 9, 30))


def live(teams, period: Period) -> dict[tuple[str, str], int]:
    """The aggregate Statistik ran before the rollup, over the activity rows."""
    return {
        (row["kind"], row["attendance"]): row["n"]
        for row in Activity.objects.filter(enrollment__team__in=teams, date__range=(period.start, period.end))
        .values("kind", "attendance")
        .annotate(n=Count("pk"))
        .order_by()
    }


@pytest.fixture
def data():
    return dataset.build()


@pytest.fixture
def scopes(data):
    return [
        Team.objects.filter(slug="halmstad-hylte"),
        Team.objects.filter(slug="varberg"),
        Team.objects.filter(slug__in=["halmstad-hylte", "varberg"]),
    ]


def assert_matches_live(scopes, today: date = TODAY) -> None:
    for teams in scopes:
        for period in (Q3, YEAR, Period(date(2026, 7, 3), date(2026, 7, 9)), Period(TODAY, TODAY)):
            assert rollup.counts(teams, period, today=today) == live(teams, period), (teams, period)


def test_before_the_worker_counted_every_day_is_counted_live(scopes) -> None:
    assert not RollupDay.objects.exists()
    assert_matches_live(scopes)
    assert rollup.counts(scopes[0], Q3, today=TODAY)[("samtal", "present")] == 1


def test_after_the_worker_counted_the_rollup_gives_the_same_figures(scopes) -> None:
    result = rollup.refresh(today=TODAY)
    earliest = Enrollment.objects.order_by("start_date").first()
    assert earliest is not None
    first = earliest.start_date
    assert result["added"] == (TODAY - first).days  # every finished day since the first enrolment
    assert not RollupDay.objects.filter(dirty=True, day__lt=TODAY).exists()
    assert ActivityDay.objects.filter(day=date(2026, 7, 2), kind="samtal", attendance="present").get().n == 1
    assert not ActivityDay.objects.filter(day__gte=TODAY).exists()  # today is never rolled up
    assert_matches_live(scopes)
    assert rollup.refresh(today=TODAY) == {"added": 0, "counted": 0}  # nothing changed: nothing to do


def test_the_rollup_is_read_for_counted_days_and_not_the_activity_rows(scopes) -> None:
    rollup.refresh(today=TODAY)
    # Change an activity behind the services' back: a counted day keeps its rolled-up figure,
    # which shows the figure comes from the rollup (the services mark the day; see below).
    Activity.objects.filter(date=date(2026, 7, 2)).update(attendance=Attendance.UNEXCUSED)
    assert rollup.counts(scopes[0], Q3, today=TODAY)[("samtal", "present")] == 1
    rollup.mark_all_dirty()
    assert rollup.counts(scopes[0], Q3, today=TODAY).get(("samtal", "present"), 0) == 0
    rollup.refresh(today=TODAY)
    assert_matches_live(scopes)


def test_the_current_day_is_added_live(data, scopes) -> None:
    rollup.refresh(today=TODAY)
    e1 = Enrollment.objects.get(participant__first_name__endswith="1", team=data["a"])
    services.activity_log(
        enrollment=e1, kind="samtal", day=TODAY, attendance="present", duration_minutes=30, note="",
        by=data["staff"], today=TODAY,
    )  # fmt: skip
    assert rollup.counts(scopes[0], Period(TODAY, TODAY), today=TODAY) == {("samtal", "present"): 1}
    assert_matches_live(scopes)


def test_late_corrections_are_in_the_figures_at_once_and_in_the_rollup_after_the_worker(data, scopes) -> None:
    rollup.refresh(today=TODAY)
    staff = data["staff"]
    e1 = Enrollment.objects.get(participant__first_name__endswith="1", team=data["a"])
    e5 = Enrollment.objects.get(team=data["b"])
    moved = Activity.objects.get(enrollment=e1, date=date(2026, 7, 2))
    services.activity_correct(
        activity=moved, by=staff, values=ActivityFields.of(moved, date=date(2026, 8, 3), attendance="excused"),
        expected_version=1,
        today=TODAY,
    )  # fmt: skip
    services.activity_delete(activity=Activity.objects.get(enrollment=e1, date=date(2026, 7, 3)), by=staff)
    services.activity_log(
        enrollment=e1, kind="fysisk", day=date(2026, 7, 20), attendance="present", duration_minutes=60, note="",
        by=staff, today=TODAY,
    )  # fmt: skip
    services.group_session_log(
        team_id=data["b"].pk, kind="samtal", day=date(2026, 8, 4), duration_minutes=90, note="",
        attendance={e5.pk: "unexcused"}, by=staff, today=TODAY,
    )  # fmt: skip
    dirty = set(RollupDay.objects.filter(dirty=True).values_list("day", flat=True))
    assert dirty == {date(2026, 7, 2), date(2026, 8, 3), date(2026, 7, 3), date(2026, 7, 20), date(2026, 8, 4)}
    assert_matches_live(scopes)  # counted live while dirty
    assert rollup.refresh(today=TODAY)["counted"] == 5
    assert not RollupDay.objects.filter(dirty=True).exists()
    assert_matches_live(scopes)  # and from the rollup afterwards
    assert ActivityDay.objects.filter(day=date(2026, 8, 4), team=data["b"]).get().attendance == "unexcused"
    assert (
        not ActivityDay.objects.filter(day__in=[date(2026, 7, 2), date(2026, 7, 3)], team=data["a"])
        .filter(Q(kind="samtal") | Q(kind="fysisk"), attendance="present")
        .exists()
    )


def test_the_statistics_table_is_the_same_from_the_rollup(scopes) -> None:
    before = [activities(teams, Q3).rows for teams in scopes]
    rollup.refresh()  # today, after 2026Q3
    assert RollupDay.objects.filter(day=Q3.end).get().dirty is False
    assert [activities(teams, Q3).rows for teams in scopes] == before
    assert dict(before[0])["Individuellt samtal"] == [1, 1, 0]  # 07-02 present, 07-09 excused (06-30 is before)
    assert dict(before[0])["Fysisk träning"] == [2, 0, 1]


def test_the_reader_takes_three_queries_whatever_the_number_of_days(scopes, django_assert_num_queries) -> None:
    rollup.refresh(today=TODAY)
    rollup.mark_dirty(days=[date(2026, 7, 9), date(2026, 8, 1)])  # two live runs besides today
    with django_assert_num_queries(3):
        rollup.counts(scopes[2], YEAR, today=TODAY)
    with django_assert_num_queries(3):
        rollup.counts(scopes[2], Period(YEAR.start - timedelta(days=365), YEAR.end), today=TODAY)


def test_the_rebuild_command_counts_every_day_again(scopes) -> None:
    from io import StringIO

    from django.core.management import call_command

    rollup.refresh()
    Activity.objects.filter(date=date(2026, 7, 2)).update(kind="kunskap")  # behind the services' back
    out = StringIO()
    call_command("rebuild_activity_rollup", stdout=out)
    assert "dag(ar) räknade" in out.getvalue()
    assert ActivityDay.objects.filter(day=date(2026, 7, 2), kind="kunskap").exists()
    assert not ActivityDay.objects.filter(day=date(2026, 7, 2), kind="samtal").exists()
    assert_matches_live(scopes, today=timezone.localdate())  # the command counts up to the real today
