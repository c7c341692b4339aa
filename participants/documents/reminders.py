"""Document deadlines: the first and the next handlingsplan, and the återrapport.

When each is due is decided in one place, participants.documents.schedule.due_dates; this module only
decides who is reminded and when.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from django.urls import reverse

from ist.reminders.models import DeadlineSettings, Kind
from ist.reminders.registry import register
from ist.reminders.rules import Due, Rule, coordinators_by_team, initials, iso, narrow
from participants.documents.models import Document
from participants.documents.schedule import due_dates
from participants.models import Enrollment


def _write_url(enrollment_id: int, kind: str) -> str:
    """The participant page's Dokument section, where the handledare starts the document (starting
    one is a POST, so a reminder's link cannot do it itself)."""
    return reverse("participants:detail", kwargs={"enrollment_pk": enrollment_id}) + "#documents-heading"


def plans_and_reports(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """Handlingsplan: from `plan_days_before` days before it is due → the responsible handledare; once
    overdue → "overdue" to the handledare and the team's coordinators, until a plan is finalised.
    Återrapport: from `report_days_before` days before it is due, until one is finalised → the handledare."""
    enrollments = {
        pk: (team_id, responsible_id, first, last)
        for pk, team_id, responsible_id, first, last in narrow(Enrollment.objects, "pk", only)
        .filter(status=Enrollment.Status.ACTIVE)
        .values_list("pk", "team_id", "responsible_id", "participant__first_name", "participant__last_name")
    }
    if not enrollments:
        return []
    coordinators = coordinators_by_team()
    items = []
    for pk, due in due_dates(list(enrollments)).items():
        team_id, responsible_id, first, last = enrollments[pk]
        who = initials(first, last)
        plan = due.plan_due_on
        if plan is not None and plan < today:
            title = f"Handlingsplan för {who} skulle ha varit klar {iso(plan)}"
            url = _write_url(pk, Document.Kind.ACTION_PLAN)
            items.append(Due(responsible_id, Kind.PLAN_OVERDUE, Enrollment, pk, plan, title, url, team_id))
            items += [
                Due(user, Kind.PLAN_OVERDUE, Enrollment, pk, plan, title, url, team_id)
                for user in coordinators.get(team_id, [])
                if user != responsible_id
            ]
        elif plan is not None and plan <= today + timedelta(days=config.plan_days_before):
            title = f"Handlingsplan för {who} ska vara klar {iso(plan)}"
            url = _write_url(pk, Document.Kind.ACTION_PLAN)
            items.append(Due(responsible_id, Kind.PLAN_DUE, Enrollment, pk, plan, title, url, team_id))
        report = due.report_due_on
        if report is not None and report <= today + timedelta(days=config.report_days_before):
            verb = "skulle ha skickats" if report < today else "ska skickas senast"
            title = f"Återrapport för {who} {verb} {iso(report)}"
            url = _write_url(pk, Document.Kind.REPORT)
            items.append(Due(responsible_id, Kind.REPORT_DUE, Enrollment, pk, report, title, url, team_id))
    return items


RULES = [Rule((Kind.PLAN_DUE, Kind.PLAN_OVERDUE, Kind.REPORT_DUE), Enrollment, plans_and_reports)]
AREA = register("documents", RULES)
