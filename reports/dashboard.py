"""The coordinator's overview of their teams: a handful of aggregate queries, whatever the team size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DurationField, ExpressionWrapper, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least

from participants.documents.schedule import DueCounts, due_counts
from participants.models import Activity, ActivityKind, Attendance, Enrollment, Phase, PhasePeriod
from participants.selectors import requirements_per_week
from referrals.models import Referral

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from teams.models import Team

# Waiting for the team's answer (one sent back for more information waits for the referrer instead).
WAITING = (Referral.Status.SUBMITTED, Referral.Status.ON_AGENDA)
SOON_DAYS = 3  # a referral whose answer is due within this many days is flagged
DOCUMENTS_SOON_DAYS = 14


@dataclass
class TeamPanel:
    team: Team
    phases: list[tuple[StrOrPromise, int]] = field(default_factory=list)
    active: int = 0
    caseload: list[tuple[str, int, int]] = field(default_factory=list)  # name, count, the handledare's id
    waiting: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    fulfilment: list[dict[str, Any]] = field(default_factory=list)
    definition: str = ""  # how "Uppfyllt" is computed, printed beside it


def panels(teams: QuerySet[Team], *, today: date) -> list[TeamPanel]:
    """One panel per team. Eight queries: teams, phases, caseload, waiting referrals, the document
    schedule (one, in SQL), and for this month's fulfilment the phase-days, the activities done and
    the requirements."""
    result = {team.pk: TeamPanel(team) for team in teams}
    ids = list(result)

    by_phase: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        PhasePeriod.objects.filter(
            end__isnull=True, enrollment__status=Enrollment.Status.ACTIVE, enrollment__team_id__in=ids
        )
        .values("enrollment__team_id", "phase")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_phase[row["enrollment__team_id"]][row["phase"]] = row["n"]
    for pk, panel in result.items():
        panel.phases = [(label, by_phase[pk].get(value, 0)) for value, label in Phase.choices]
        panel.active = sum(n for _label, n in panel.phases)

    for row in (
        Enrollment.objects.filter(status=Enrollment.Status.ACTIVE, team_id__in=ids)
        .values("team_id", "responsible_id", "responsible__first_name", "responsible__last_name")
        .annotate(n=Count("pk"))
        .order_by("team_id", "-n", "responsible__last_name")
    ):
        name = f"{row['responsible__first_name']} {row['responsible__last_name']}"
        result[row["team_id"]].caseload.append((name, row["n"], row["responsible_id"]))

    for panel in result.values():
        panel.waiting = {"n": 0, "overdue": 0, "soon": 0, "oldest": None}
    for row in (
        Referral.objects.filter(status__in=WAITING, team_id__in=ids)
        .values("team_id")
        .annotate(
            n=Count("pk"),
            # A referral out for komplettering has its clock paused: neither overdue nor soon (decision 0030).
            overdue=Count("pk", filter=Q(answer_deadline__lt=today, paused_since__isnull=True)),
            soon=Count(
                "pk",
                filter=Q(
                    answer_deadline__gte=today,
                    answer_deadline__lte=today + timedelta(SOON_DAYS),
                    paused_since__isnull=True,
                ),
            ),
            oldest=Min("received_on"),
        )
        .order_by()
    ):
        row["age_days"] = (today - row["oldest"]).days if row["oldest"] else None
        result[row["team_id"]].waiting = row

    due = due_counts(ids, today=today, soon=today + timedelta(days=DOCUMENTS_SOON_DAYS))  # one query, in SQL
    for pk, panel in result.items():
        panel.documents = asdict(due.get(pk, DueCounts()))

    _fulfilment(result, today=today)
    return list(result.values())


def phase_days(team_ids: list[int], *, today: date) -> dict[int, dict[str, float]]:
    """Per team and phase: the participant-days spent in the phase this month so far (today included).

    Every phase period that overlaps the month counts for the days it covered. A period runs from
    its start up to the day before its end: the day of a phase change belongs to the new phase (as
    in participants.services.phase_change) and the day of a closure to nothing. One query."""
    month_start = today.replace(day=1)
    tomorrow = today + timedelta(days=1)
    covered = ExpressionWrapper(
        Least(Coalesce("end", Value(tomorrow)), Value(tomorrow)) - Greatest("start", Value(month_start)),
        output_field=DurationField(),
    )
    result: dict[int, dict[str, float]] = defaultdict(dict)
    for row in (
        PhasePeriod.objects.filter(enrollment__team_id__in=team_ids, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gt=month_start))
        .values("enrollment__team_id", "phase")
        .annotate(days=Sum(covered))
        .order_by()
    ):
        result[row["enrollment__team_id"]][row["phase"]] = row["days"].total_seconds() / 86400
    return result


def enrollment_phase_days(team_ids: list[int], *, today: date) -> dict[tuple[int, int], dict[str, float]]:
    """Per (team, enrolment) and phase: the days spent in the phase this month so far, counted as in
    `phase_days` (a period runs up to the day before its end). One query, one row per enrolment and
    phase: the fulfilment caps each person at their own requirement."""
    month_start = today.replace(day=1)
    tomorrow = today + timedelta(days=1)
    covered = ExpressionWrapper(
        Least(Coalesce("end", Value(tomorrow)), Value(tomorrow)) - Greatest("start", Value(month_start)),
        output_field=DurationField(),
    )
    result: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for row in (
        PhasePeriod.objects.filter(enrollment__team_id__in=team_ids, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gt=month_start))
        .values("enrollment__team_id", "enrollment_id", "phase")
        .annotate(days=Sum(covered))
        .order_by()
    ):
        key = (row["enrollment__team_id"], row["enrollment_id"])
        result[key][row["phase"]] = row["days"].total_seconds() / 86400
    return result


FULFILMENT_DEFINITION = (
    "Uppfyllt: genomförda aktiviteter (närvarande) mot vad faserna begär för dagarna hittills denna månad "
    "(1–{day}). Varje deltagare räknas högst upp till sitt eget krav, så 100 % är taket; fler aktiviteter "
    "än kravet visas under Genomförda men höjer inte andelen."
)


def capped_share(pairs: list[tuple[int, float]]) -> int | None:
    """The share of the requirement met, in percent: each (done, expected) of a person counts at most
    its expected, so the share is at most 100 (issue 17: "Uppfyllt 365 %")."""
    expected = sum(e for _d, e in pairs)
    if not expected:
        return None
    return round(100 * sum(min(d, e) for d, e in pairs) / expected)


def _fulfilment(result: dict[int, TeamPanel], *, today: date) -> None:
    """This month so far: activities done (present) against what the phases asked for on the days
    each participant was in them, so a phase change or a closure mid-month is counted exactly; each
    participant counts at most up to their own requirement (`capped_share`).
    Three queries: phase-days per enrolment, activities done per enrolment, requirements."""
    month_start = today.replace(day=1)
    days = enrollment_phase_days(list(result), today=today)
    done: dict[tuple[int, int, str], int] = {
        (row["enrollment__team_id"], row["enrollment_id"], row["kind__category"]): row["n"]
        for row in Activity.objects.filter(
            enrollment__team_id__in=list(result),
            date__range=(month_start, today),
            attendance=Attendance.PRESENT,
        )
        .values("enrollment__team_id", "enrollment_id", "kind__category")  # counts toward its kind's category
        .annotate(n=Count("pk"))
        .order_by()
    }
    per_week = requirements_per_week(on=today)
    for pk, panel in result.items():
        panel.definition = FULFILMENT_DEFINITION.format(day=today.day)
        enrollments = [e for (team, e) in days if team == pk]
        for kind, label in ActivityKind.choices:
            pairs = [
                (
                    done.get((pk, e, kind), 0),
                    sum(n / 7 * per_week.get((phase, kind), 0) for phase, n in days[(pk, e)].items()),
                )
                for e in enrollments
            ]
            expected = sum(e for _d, e in pairs)
            # Every activity done counts under Genomförda, also one of someone no phase asked it of.
            count = sum(n for (team, _e, k), n in done.items() if team == pk and k == kind)
            # One decimal: early in the month the phases ask for a fraction of an activity (0,3), which a
            # whole number would show as 0 beside a share of 0 %.
            panel.fulfilment.append(
                {"label": label, "done": count, "expected": round(expected, 1), "share": capped_share(pairs)}
            )
