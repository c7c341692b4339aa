"""Journey deadlines: the end of Prova på, the end of the inriktningstid, last week's activity log,
and the follow-ups 6 and 12 months after closure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta

from django.urls import reverse

from ist.reminders.models import DeadlineSettings, Kind
from ist.reminders.registry import register
from ist.reminders.rules import Due, Rule, coordinators_by_team, initials, iso, narrow
from participants import rules as journey_rules
from participants.models import Activity, Enrollment, FollowUp, Phase, PhasePeriod
from teams.models import User

ACTIVE = Enrollment.Status.ACTIVE
MAX_TITLE = 200


def prova_pa_ending(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """Prova på ends (start + `prova_pa_weeks`) within `prova_pa_days_before` days, or has ended and the
    participant is still in it → the responsible handledare decides the next phase."""
    length = timedelta(weeks=config.prova_pa_weeks)
    latest_start = today + timedelta(days=config.prova_pa_days_before) - length
    periods = (
        narrow(PhasePeriod.objects, "enrollment_id", only)
        .filter(phase=Phase.PROVA_PA, end__isnull=True, enrollment__status=ACTIVE, start__lte=latest_start)
        .values_list(
            "enrollment_id",
            "start",
            "enrollment__responsible_id",
            "enrollment__participant__first_name",
            "enrollment__participant__last_name",
        )
    )
    items = []
    for enrollment_id, start, responsible_id, first, last in periods:
        ends = start + length
        title = f"Prova på för {initials(first, last)} slutar {iso(ends)}: bestäm nästa fas"
        url = reverse("participants:phase", kwargs={"enrollment_pk": enrollment_id})
        items.append(Due(responsible_id, Kind.PROVA_PA_ENDING, Enrollment, enrollment_id, ends, title, url))
    return items


def inriktningstid(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """The inriktningstid ends within `inriktningstid_days_before` days, or has ended without an extension
    or closure → the responsible handledare and the team's coordinators."""
    coordinators = coordinators_by_team()
    enrollments = (
        narrow(Enrollment.objects, "pk", only)
        .filter(status=ACTIVE, target_end__lte=today + timedelta(days=config.inriktningstid_days_before))
        .values_list(
            "pk", "team_id", "responsible_id", "target_end", "participant__first_name", "participant__last_name"
        )
    )
    items = []
    for pk, team_id, responsible_id, target_end, first, last in enrollments:
        overdue = target_end < today
        kind = Kind.INRIKTNINGSTID_OVERDUE if overdue else Kind.INRIKTNINGSTID_ENDING
        title = f"Inriktningstiden för {initials(first, last)} " + (
            f"gick ut {iso(target_end)}: förläng eller avsluta" if overdue else f"slutar {iso(target_end)}"
        )
        handledare_url = reverse("participants:detail", kwargs={"enrollment_pk": pk})
        coordinator_url = reverse("participants:extend", kwargs={"enrollment_pk": pk})
        items.append(Due(responsible_id, kind, Enrollment, pk, target_end, title, handledare_url, team_id))
        items += [
            Due(user, kind, Enrollment, pk, target_end, title, coordinator_url, team_id)
            for user in coordinators.get(team_id, [])
            if user != responsible_id
        ]
    return items


def week_logs(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """From Monday: participants with nothing logged last week → one item per handledare and week
    (not one per participant), naming them by initials."""
    monday = journey_rules.week_start(today)
    last_monday, last_sunday = monday - timedelta(weeks=1), monday - timedelta(days=1)
    logged = Activity.objects.filter(date__gte=last_monday, date__lte=last_sunday).values("enrollment_id")
    # The item hangs on the handledare (one per week, however many participants): `only` are handledare.
    missing = (
        narrow(Enrollment.objects, "responsible_id", only)
        .filter(status=ACTIVE, start_date__lte=last_sunday)
        .exclude(pk__in=logged)
        .order_by("participant__last_name", "participant__first_name")
        .values_list("responsible_id", "participant__first_name", "participant__last_name")
    )
    by_handledare: dict[int, list[str]] = defaultdict(list)
    for responsible_id, first, last in missing:
        by_handledare[responsible_id].append(initials(first, last))
    week = journey_rules.week_label(last_monday)
    url = f"{reverse('participants:week')}?vecka={journey_rules.week_param(last_monday)}"
    items = []
    for responsible_id, people in by_handledare.items():
        count = f"{len(people)} deltagare" if len(people) > 1 else "1 deltagare"
        title = f"Veckologg saknas för {week}: {count} ({', '.join(people)})"
        if len(title) > MAX_TITLE:
            title = title[: MAX_TITLE - 2] + "…)"
        items.append(Due(responsible_id, Kind.WEEK_LOG_MISSING, User, responsible_id, monday, title, url))
    return items


def follow_ups(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """A follow-up 6 or 12 months after closure from `follow_up_days_before` days before it is due,
    until it is recorded → the handledare who was responsible."""
    rows = (
        narrow(FollowUp.objects, "pk", only)
        .filter(found="", due_on__lte=today + timedelta(days=config.follow_up_days_before))
        .values_list(
            "pk",
            "months",
            "due_on",
            "enrollment__responsible_id",
            "enrollment__participant__first_name",
            "enrollment__participant__last_name",
        )
    )
    items = []
    for pk, months, due_on, responsible_id, first, last in rows:
        title = f"Uppföljning {months} månader efter avslut för {initials(first, last)}, senast {iso(due_on)}"
        url = reverse("participants:follow_up", kwargs={"follow_up_pk": pk})
        items.append(Due(responsible_id, Kind.FOLLOW_UP_DUE, FollowUp, pk, due_on, title, url))
    return items


RULES = [
    Rule((Kind.PROVA_PA_ENDING,), Enrollment, prova_pa_ending),
    Rule((Kind.INRIKTNINGSTID_ENDING, Kind.INRIKTNINGSTID_OVERDUE), Enrollment, inriktningstid),
    Rule((Kind.WEEK_LOG_MISSING,), User, week_logs),
    Rule((Kind.FOLLOW_UP_DUE,), FollowUp, follow_ups),
]
AREA = register("journey", RULES)
