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

Above the days, `ActivityMonth` holds each month's sum of its day rows, recomputed by the worker in
the transaction that counts any day of the month (`build_months`); the reader takes a month from it
only when the whole month is in the period and every day of it is counted and clean.

So the figures are always those of the live aggregate; the rollup only makes them cheap.
Correctness under concurrency (docs/decisions/0024-national-pages.md): a writer upserts the day's
`RollupDay` row as dirty; the worker locks the rows of the days it counts before it reads the
activities and clears `dirty` in the same transaction, so a change that commits while the worker
counts waits for the lock and leaves the day dirty again.

To count by something else (a category of activity kind), add the column to `ActivityDay`,
`ActivityMonth` and `KEY` below, and rebuild.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, Count, F, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from participants.models import Activity, Attendance, Enrollment, Transfer
from reports.models import ActivityDay, ActivityMonth, RollupDay

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from reports.statistics import Period
    from teams.models import Team

log = logging.getLogger(__name__)

# The columns the rollup is keyed on besides day and team: what reports.statistics groups by.
KEY = ("kind", "attendance")
BATCH_DAYS = 31  # days counted per transaction by the worker


def held_by(day: date | str = "date", *, via: str = "enrollment") -> Case:
    """The team that held an enrolment on `day` (docs/decisions/0028): the team it left by the first
    accepted transfer dated after the day, else its current team. The one definition of "whose was
    it that day": the rollup, its live part and every per-enrolment figure of reports.statistics
    use it.

    `via` is the path from the row to its enrolment ("enrollment" for activities, "" for
    enrolments themselves); `day` a date, or the name of the row's own date field (default: the
    activity's `date`). Only enrolments that ever moved need the transfers: the few moved ones are
    one uncorrelated (hashed) subquery, and the correlated lookup runs for those rows alone, so a
    scan of every enrolment or a year of activities pays a hash probe per row, not an index probe.
    """
    on: date | OuterRef = OuterRef(day) if isinstance(day, str) else day
    enrollment = f"{via}_id" if via else "pk"
    team = f"{via}__team_id" if via else "team_id"
    left_later = Transfer.objects.filter(
        enrollment=OuterRef(enrollment), status=Transfer.Status.ACCEPTED, date__gt=on
    ).order_by("date", "pk")
    return Case(
        When(
            Q(**{f"{enrollment}__in": moved()}),
            then=Coalesce(Subquery(left_later.values("from_team_id")[:1]), F(team)),
        ),
        default=F(team),
        output_field=BigIntegerField(),
    )


def moved() -> QuerySet[Transfer, Any]:
    """The enrolments that ever moved between teams (by an accepted transfer), as a subquery."""
    return Transfer.objects.filter(status=Transfer.Status.ACCEPTED).values("enrollment_id")


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
    build_months({day.replace(day=1) for day in days})
    RollupDay.objects.filter(day__in=days).update(dirty=False, counted_at=now)
    return len(days)


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def build_months(
    months: Iterable[date] | None, *, day_model: type[Any] = ActivityDay, month_model: type[Any] = ActivityMonth
) -> None:
    """Recompute the `ActivityMonth` rows of these months (their first days; None: every month) from
    the `ActivityDay` rows, in SQL: one DELETE and one `INSERT … SELECT … GROUP BY`, so the worker's
    transaction and `rebuild_activity_rollup` pay a few thousand day rows per month, not its
    activities. The worker calls it in the transaction that counts the days; the migration that
    added the table, with its historical models."""
    with transaction.atomic():
        _build_months(months, day_model, month_model)


def _build_months(months: Iterable[date] | None, day_model: type[Any], month_model: type[Any]) -> None:
    if connection.vendor == "postgresql":
        # Two workers (the beat task and the command) counting days of the same month would each
        # rebuild it from a snapshot without the other's days; taken in turn, the second sees the first's.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('reports.activity_month'))")
    old = month_model.objects.all()
    days = day_model.objects.all()
    if months is not None:
        wanted = sorted(set(months))
        if not wanted:
            return
        ranges = Q()
        for month in wanted:
            ranges |= Q(day__range=(month, _month_end(month)))
        old = old.filter(month__in=wanted)
        days = days.filter(ranges)
    old.delete()
    select = (
        days.values("team_id", *KEY)
        .annotate(month=TruncMonth("day"), total=Sum("n"), total_minutes=Sum("minutes"))
        .order_by()
    )
    sql, params = select.query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(c) for c in ("team_id", *KEY, "month", "n", "minutes"))
    table = connection.ops.quote_name(month_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


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
    return counts_over(teams, [period], today=today)[0]


def _whole_months(period: Period, live: set[date]) -> list[date]:
    """The months (first days) wholly inside the period with no day to count live: read from
    `ActivityMonth`."""
    months = []
    month = period.start.replace(day=1)
    while month <= period.end:
        end = _month_end(month)
        if month >= period.start and end <= period.end and not any(month <= day <= end for day in live):
            months.append(month)
        month = end + timedelta(days=1)
    return months


def _ranges(days: Iterable[date], field: str) -> Q:
    """Sorted days as `field__range` lookups, one per run of consecutive days."""
    q = Q()
    for first_day, last_day in _runs(list(days)):
        q |= Q(**{f"{field}__range": (first_day, last_day)})
    return q


def counts_over(
    teams: QuerySet[Team], periods: Sequence[Period], *, today: date | None = None
) -> list[dict[tuple[str, ...], int]]:
    """`counts` for several periods (the page's and the one before) in the same three queries: each
    query reads the days of every period once and sums per period with `FILTER (WHERE day in it)`.
    Each day of a period is read from exactly one place: its month's `ActivityMonth` rows if every
    day of that month is in the period and counted (clean) when we looked, else its `ActivityDay`
    rows if it is counted, else live. The months and the edge days are one query (UNION ALL)."""
    today = today or timezone.localdate()
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    counted = set(
        RollupDay.objects.filter(day__range=(first, min(last, today - timedelta(days=1))), dirty=False).values_list(
            "day", flat=True
        )
    )
    each_period = [[p.start + timedelta(days=i) for i in range((p.end - p.start).days + 1)] for p in periods]
    wanted = sorted({day for days in each_period for day in days})
    live = [day for day in wanted if day not in counted]
    live_set = set(live)
    months = [_whole_months(period, live_set) for period in periods]
    # Per period, the counted days outside its whole months: its edge days (and the days of months
    # with a dirty day) from ActivityDay.
    edge = [
        _ranges((day for day in days if day in counted and day.replace(day=1) not in whole), "day")
        for days, whole in zip(each_period, (set(in_months) for in_months in months), strict=True)
    ]
    results: list[dict[tuple[str, ...], int]] = [defaultdict(int) for _ in periods]
    parts = []
    if any(months):
        sums = {
            f"n_{i}": Coalesce(Sum("n", filter=Q(month__in=in_months)), 0) if in_months else Value(0)
            for i, in_months in enumerate(months)
        }
        everything = sorted({month for in_months in months for month in in_months})
        parts.append(
            ActivityMonth.objects.filter(month__in=everything, team__in=teams).values(*KEY).annotate(**sums).order_by()
        )
    if any(edge):
        sums = {f"n_{i}": Coalesce(Sum("n", filter=ranges), 0) if ranges else Value(0) for i, ranges in enumerate(edge)}
        within = Q()
        for ranges in edge:
            within |= ranges
        parts.append(ActivityDay.objects.filter(within, team__in=teams).values(*KEY).annotate(**sums).order_by())
    if parts:
        rows = parts[0] if len(parts) == 1 else parts[0].union(parts[1], all=True)
        _add(results, rows)
    if live:
        each = {f"n_{i}": Count("pk", filter=Q(date__range=(p.start, p.end))) for i, p in enumerate(periods)}
        rows = (
            Activity.objects.filter(_ranges(live, "date"))
            .alias(held_by=held_by())
            .filter(held_by__in=teams)
            .values(*KEY)
            .annotate(**each)
            .order_by()
        )
        _add(results, rows)
    return [dict(result) for result in results]


def _add(results: list[dict[tuple[str, ...], int]], rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        key = tuple(row[column] for column in KEY)
        for i, result in enumerate(results):
            if row[f"n_{i}"]:
                result[key] += row[f"n_{i}"]


COLUMNS = {
    Attendance.PRESENT.value: "present",
    Attendance.EXCUSED.value: "excused",
    Attendance.UNEXCUSED.value: "unexcused",
}


def activities_by_kind(teams: QuerySet[Team], period: Period) -> list[dict[str, Any]]:
    """What reports.statistics.activities counts: per kind, the activities present, excused and
    unexcused (the same rows its live aggregate gave)."""
    return activities_by_kind_over(teams, [period])[0]


def activities_by_kind_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[list[dict[str, Any]]]:
    """`activities_by_kind` for several periods, in the queries of one (counts_over)."""
    result = []
    for period_counts in counts_over(teams, periods):
        by_kind: dict[str, dict[str, Any]] = {}
        for (kind, attendance), n in period_counts.items():
            row = by_kind.setdefault(kind, {"kind": kind, "present": 0, "excused": 0, "unexcused": 0})
            column = COLUMNS.get(attendance)
            if column:
                row[column] += n
        result.append(list(by_kind.values()))
    return result
