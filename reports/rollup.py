"""The daily rollup of activities that Statistik reads instead of a year of activity rows.

`ActivityDay` holds, per day, team, kind and attendance, how many activities were booked (and their
minutes). The worker counts finished days (`refresh`, a beat task every few minutes); Statistik adds
what the rollup cannot know yet, live (`activities_by_kind`):

- the current day (and any later day of the period);
- every day that is *dirty*: an activity of that day was logged, corrected or removed since the
  worker last counted it. Every service that changes activities calls `mark_dirty` in its own
  transaction, so a late correction is in the figures at once (counted live) and in the rollup
  after the next refresh;
- every day the rollup has not counted yet (a fresh install, a data load that bypassed the
  services: `manage.py rebuild_activity_rollup` marks every day for counting again).

So the figures are always those of the live aggregate; the rollup only makes them cheap.
Correctness under concurrency (docs/decisions/0024-national-pages.md): a writer upserts the day's
`RollupDay` row as dirty; the worker locks the rows of the days it counts before it reads the
activities and clears `dirty` in the same transaction, so a change that commits while the worker
counts waits for the lock and leaves the day dirty again.

To count by something else (a category of activity kind), add the column to `ActivityDay` and to
`KEY` below, and rebuild.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import BigIntegerField, Count, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from participants.models import Activity, Attendance, Enrollment, Transfer
from reports.models import ActivityDay, RollupDay

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from reports.statistics import Period
    from teams.models import Team

log = logging.getLogger(__name__)

# The columns the rollup is keyed on besides day and team: what reports.statistics groups by.
KEY = ("kind", "attendance")
BATCH_DAYS = 31  # days counted per transaction by the worker


def held_by() -> Coalesce:
    """The team that held an activity's enrolment on the activity's day (docs/decisions/0028): the
    team it left by the first accepted transfer dated after the day, else its current team."""
    left_later = Transfer.objects.filter(
        enrollment=OuterRef("enrollment"), status=Transfer.Status.ACCEPTED, date__gt=OuterRef("date")
    ).order_by("date", "pk")
    return Coalesce(
        Subquery(left_later.values("from_team_id")[:1]), F("enrollment__team_id"), output_field=BigIntegerField()
    )


# -- Writers ----------------------------------------------------------------------------------


def mark_dirty(*, days: Iterable[date]) -> None:
    """The activities of these days changed: count them live until the worker has counted them again.
    Call inside the transaction that changes the activities. One query."""
    wanted = sorted(set(days))
    if not wanted:
        return
    RollupDay.objects.bulk_create(
        [RollupDay(day=day, dirty=True) for day in wanted],
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["dirty"],
    )


def mark_all_dirty() -> int:
    """Every day is counted again by the next refresh (after a data load that bypassed the services)."""
    return RollupDay.objects.update(dirty=True)


# -- The worker --------------------------------------------------------------------------------


def _add_missing_days(*, until: date) -> int:
    """Days from the first enrolment to `until` that the rollup has never seen get a dirty row."""
    first = Enrollment.objects.aggregate(first=Min("start_date"))["first"]
    if first is None or first > until:
        return 0
    known = set(RollupDay.objects.filter(day__range=(first, until)).values_list("day", flat=True))
    missing = [first + timedelta(days=i) for i in range((until - first).days + 1)]
    missing = [day for day in missing if day not in known]
    RollupDay.objects.bulk_create([RollupDay(day=day) for day in missing], ignore_conflicts=True, batch_size=1000)
    return len(missing)


@transaction.atomic
def _count_batch(*, before: date, now: Any) -> int:
    """Count up to BATCH_DAYS dirty days before `before`. Returns how many were counted."""
    days = list(
        RollupDay.objects.select_for_update()
        .filter(dirty=True, day__lt=before)
        .order_by("day")
        .values_list("day", flat=True)[:BATCH_DAYS]
    )
    if not days:
        return 0
    ActivityDay.objects.filter(day__in=days).delete()
    rows = (
        Activity.objects.filter(date__in=days)
        .annotate(held_by=held_by())
        .values("date", "held_by", *KEY)
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by()
    )
    ActivityDay.objects.bulk_create(
        [
            ActivityDay(
                day=row["date"],
                team_id=row["held_by"],
                n=row["n"],
                minutes=row["minutes"] or 0,
                **{column: row[column] for column in KEY},
            )
            for row in rows
        ],
        batch_size=2000,
    )
    RollupDay.objects.filter(day__in=days).update(dirty=False, counted_at=now)
    return len(days)


def refresh(*, today: date | None = None) -> dict[str, int]:
    """Count every finished day that is dirty or never counted. Idempotent; a run lost with its
    worker is repaired by the next."""
    today = today or timezone.localdate()
    added = _add_missing_days(until=today - timedelta(days=1))
    counted = 0
    now = timezone.now()
    while n := _count_batch(before=today, now=now):
        counted += n
    log.info("activity rollup: %d new day(s), %d day(s) counted", added, counted)
    return {"added": added, "counted": counted}


# -- The reader --------------------------------------------------------------------------------


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days (first, last)."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def counts(teams: QuerySet[Team], period: Period, *, today: date | None = None) -> dict[tuple[str, ...], int]:
    """Activities booked in the period by the teams, per KEY (kind, attendance): counted days from the
    rollup, the rest live. At most three queries (the days counted, the rollup, the live rest)."""
    today = today or timezone.localdate()
    counted = set(
        RollupDay.objects.filter(
            day__range=(period.start, min(period.end, today - timedelta(days=1))), dirty=False
        ).values_list("day", flat=True)
    )
    result: dict[tuple[str, ...], int] = defaultdict(int)
    if counted:  # each day is read from exactly one place: the rollup if counted when we looked, else live
        for row in (
            ActivityDay.objects.filter(team__in=teams, day__in=sorted(counted))
            .values(*KEY)
            .annotate(n=Sum("n"))
            .order_by()
        ):
            result[tuple(row[column] for column in KEY)] += row["n"]
    every_day = [period.start + timedelta(days=i) for i in range((period.end - period.start).days + 1)]
    live = _runs([day for day in every_day if day not in counted])
    if live:
        within = Q()
        for first, last in live:
            within |= Q(date__range=(first, last))
        for row in (
            Activity.objects.filter(within)
            .annotate(held_by=held_by())
            .filter(held_by__in=teams)
            .values(*KEY)
            .annotate(n=Count("pk"))
            .order_by()
        ):
            result[tuple(row[column] for column in KEY)] += row["n"]
    return dict(result)


COLUMNS = {
    Attendance.PRESENT.value: "present",
    Attendance.EXCUSED.value: "excused",
    Attendance.UNEXCUSED.value: "unexcused",
}


def activities_by_kind(teams: QuerySet[Team], period: Period) -> list[dict[str, Any]]:
    """What reports.statistics.activities counts: per kind, the activities present, excused and
    unexcused (the same rows its live aggregate gave)."""
    by_kind: dict[str, dict[str, Any]] = {}
    for (kind, attendance), n in counts(teams, period).items():
        row = by_kind.setdefault(kind, {"kind": kind, "present": 0, "excused": 0, "unexcused": 0})
        column = COLUMNS.get(attendance)
        if column:
            row[column] += n
    return list(by_kind.values())
