"""When the next handlingsplan and återrapport are due (DOMAIN.md steps 6–7).

The first plan is written when the participant enters Arbetsförberedande (due 14 days after), then
one every three months after the last finalised one; a report back at least every three months
after the last one (the first three months after the start). Reminders (issue 6) and dashboards
(issue 7) read these dates from here, so the rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Max, Min, Q
from django.utils import timezone

from participants.documents.models import Document
from participants.models import Enrollment, Phase, PhasePeriod

PLAN_FIRST_WITHIN_DAYS = 14
PLAN_EVERY_MONTHS = 3
REPORT_EVERY_MONTHS = 3

DONE = (Document.Status.PENDING, Document.Status.FINAL)


@dataclass(frozen=True)
class DueDates:
    plan_due_on: date | None
    report_due_on: date | None


def _local_date(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date()


def due_dates(enrollment_ids: list[int]) -> dict[int, DueDates]:
    """Due dates of the next plan and report per active enrolment. Three queries, whatever the count."""
    active = dict(
        Enrollment.objects.filter(pk__in=enrollment_ids, status=Enrollment.Status.ACTIVE).values_list(
            "pk", "start_date"
        )
    )
    if not active:
        return {}
    last = (
        Document.objects.filter(enrollment_id__in=active, status__in=DONE)
        .values("enrollment_id")
        .annotate(
            plan=Max("finalised_at", filter=Q(kind=Document.Kind.ACTION_PLAN)),
            report=Max("finalised_at", filter=Q(kind=Document.Kind.REPORT)),
        )
    )
    last_by_id = {row["enrollment_id"]: row for row in last}
    entered = dict(
        PhasePeriod.objects.filter(enrollment_id__in=active, phase=Phase.ARBETSFORBEREDANDE)
        .values("enrollment_id")
        .annotate(first=Min("start"))
        .values_list("enrollment_id", "first")
    )
    result = {}
    for pk, start in active.items():
        row = last_by_id.get(pk, {})
        last_plan, last_report = _local_date(row.get("plan")), _local_date(row.get("report"))
        if last_plan:
            plan_due = last_plan + relativedelta(months=PLAN_EVERY_MONTHS)
        elif pk in entered:
            plan_due = entered[pk] + timedelta(days=PLAN_FIRST_WITHIN_DAYS)
        else:
            plan_due = None  # still in Prova på: no plan yet
        report_due = (last_report or start) + relativedelta(months=REPORT_EVERY_MONTHS)
        result[pk] = DueDates(plan_due_on=plan_due, report_due_on=report_due)
    return result


@dataclass(frozen=True)
class DueCounts:
    """Per team: active enrolments whose next plan or report is overdue, or due within `soon`."""

    plan_overdue: int = 0
    plan_soon: int = 0
    report_overdue: int = 0
    report_soon: int = 0


# The rule of due_dates above, in SQL: one query for every team, however many active enrolments.
# `months` and `days` are the constants above; a finalisation's date is its local (Swedish) date,
# and PostgreSQL's date + interval 'n months' clamps to the month's last day as relativedelta does.
_DUE_COUNTS_SQL = """
WITH active AS (
    SELECT e.id, e.team_id, e.start_date FROM participants_enrollment e
    WHERE e.status = %(active)s AND e.team_id = ANY(%(teams)s)
), last AS (
    SELECT d.enrollment_id,
           MAX(d.finalised_at) FILTER (WHERE d.kind = %(plan)s) AS plan,
           MAX(d.finalised_at) FILTER (WHERE d.kind = %(report)s) AS report
    FROM participants_document d JOIN active a ON a.id = d.enrollment_id
    WHERE d.status = ANY(%(done)s)
    GROUP BY d.enrollment_id
), entered AS (
    SELECT p.enrollment_id, MIN(p.start) AS first
    FROM participants_phaseperiod p JOIN active a ON a.id = p.enrollment_id
    WHERE p.phase = %(entered_phase)s
    GROUP BY p.enrollment_id
), due AS (
    SELECT a.team_id,
           CASE WHEN l.plan IS NOT NULL
                THEN ((l.plan AT TIME ZONE %(tz)s)::date + make_interval(months => %(plan_months)s))::date
                WHEN n.first IS NOT NULL THEN n.first + %(plan_first_days)s
           END AS plan_due,
           (COALESCE((l.report AT TIME ZONE %(tz)s)::date, a.start_date)
            + make_interval(months => %(report_months)s))::date AS report_due
    FROM active a LEFT JOIN last l ON l.enrollment_id = a.id LEFT JOIN entered n ON n.enrollment_id = a.id
)
SELECT team_id,
       COUNT(*) FILTER (WHERE plan_due < %(today)s),
       COUNT(*) FILTER (WHERE plan_due >= %(today)s AND plan_due <= %(soon)s),
       COUNT(*) FILTER (WHERE report_due < %(today)s),
       COUNT(*) FILTER (WHERE report_due >= %(today)s AND report_due <= %(soon)s)
FROM due GROUP BY team_id
"""


def due_counts(team_ids: list[int], *, today: date, soon: date) -> dict[int, DueCounts]:
    """Per team, how many active enrolments have their next plan or report overdue (before `today`) or
    due soon (`today` to `soon`), by the rule of due_dates. One query on PostgreSQL; elsewhere (the
    embedded SQLite default) due_dates per enrolment, with the same result."""
    if not team_ids:
        return {}
    if connection.vendor != "postgresql":
        return _due_counts_python(team_ids, today=today, soon=soon)
    params: dict[str, Any] = {
        "active": Enrollment.Status.ACTIVE.value,
        "teams": list(team_ids),
        "plan": Document.Kind.ACTION_PLAN.value,
        "report": Document.Kind.REPORT.value,
        "done": [status.value for status in DONE],
        "entered_phase": Phase.ARBETSFORBEREDANDE.value,
        "tz": timezone.get_current_timezone_name(),
        "plan_months": PLAN_EVERY_MONTHS,
        "plan_first_days": PLAN_FIRST_WITHIN_DAYS,
        "report_months": REPORT_EVERY_MONTHS,
        "today": today,
        "soon": soon,
    }
    with connection.cursor() as cursor:
        cursor.execute(_DUE_COUNTS_SQL, params)
        return {team_id: DueCounts(*numbers) for team_id, *numbers in cursor.fetchall()}


def _due_counts_python(team_ids: list[int], *, today: date, soon: date) -> dict[int, DueCounts]:
    active = list(
        Enrollment.objects.filter(status=Enrollment.Status.ACTIVE, team_id__in=team_ids).values_list("pk", "team_id")
    )
    dates = due_dates([pk for pk, _team in active])
    counts: dict[int, dict[str, int]] = {}
    for pk, team_id in active:
        due = dates[pk]
        team = counts.setdefault(team_id, {"plan_overdue": 0, "plan_soon": 0, "report_overdue": 0, "report_soon": 0})
        for what, on in (("plan", due.plan_due_on), ("report", due.report_due_on)):
            if on is not None and on < today:
                team[f"{what}_overdue"] += 1
            elif on is not None and on <= soon:
                team[f"{what}_soon"] += 1
    return {team_id: DueCounts(**numbers) for team_id, numbers in counts.items()}
