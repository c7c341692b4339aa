"""When the next handlingsplan and återrapport are due (DOMAIN.md steps 6–7).

The first plan is written when the participant enters Arbetsförberedande (due 14 days after), then
one every three months after the last finalised one; a report back at least every three months
after the last one (the first three months after the start). Reminders (issue 6) and dashboards
(issue 7) read these dates from here, so the rule lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
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
