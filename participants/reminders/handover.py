"""Work a deactivated user left behind: the coordinators of each team concerned get one item per user,
dated the day of the deactivation, until every participant and information meeting has a new
handledare ("Flytta alla" on the page the item links to). Swept at once by the deactivation itself
(teams.services.user_deactivate) and hourly after that.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from ist.reminders.models import DeadlineSettings, Kind
from ist.reminders.registry import register
from ist.reminders.rules import Due, Rule, coordinators_by_team, narrow
from participants.documents.models import Document
from participants.models import Enrollment
from referrals.models import InformationMeeting
from teams.models import User


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def handover_items(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """Four queries whatever the numbers: the deactivated users (those in `only`, when given), their
    active enrolments per team, their draft documents per team, their upcoming information meetings
    per team."""
    users = {
        u.pk: u
        for u in narrow(User.objects, "pk", only)
        .filter(is_active=False, deactivated_at__isnull=False)
        .only("pk", "first_name", "last_name", "deactivated_at")
    }
    if not users:
        return []
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"p": 0, "d": 0, "m": 0})
    active = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
    for field in ("responsible", "second_contact"):
        rows = active.filter(**{f"{field}_id__in": list(users)}).values(field, "team_id").annotate(n=Count("pk"))
        for row in rows:
            counts[(row[field], row["team_id"])]["p"] += row["n"]
    drafts = (
        Document.objects.filter(
            status=Document.Status.DRAFT,
            enrollment__status=Enrollment.Status.ACTIVE,
            enrollment__responsible_id__in=list(users),
        )
        .values("enrollment__responsible", "enrollment__team_id")
        .annotate(n=Count("pk"))
    )
    for row in drafts:
        counts[(row["enrollment__responsible"], row["enrollment__team_id"])]["d"] += row["n"]
    meetings = (
        InformationMeeting.objects.filter(Q(attendees__in=list(users)), date__gte=today, outcome="")
        .values("attendees", "referral__team_id")
        .annotate(n=Count("pk"))
    )
    for row in meetings:
        counts[(row["attendees"], row["referral__team_id"])]["m"] += row["n"]
    coordinators = coordinators_by_team()
    items = []
    for (user_id, team_id), c in sorted(counts.items()):
        if not (c["p"] or c["m"]):
            continue  # drafts follow their enrolments; nothing else to move
        user = users[user_id]
        parts = [_plural(c["p"], "deltagare", "deltagare")]
        if c["d"]:
            parts.append(_plural(c["d"], "utkast", "utkast"))
        if c["m"]:
            parts.append(_plural(c["m"], "informationsmöte", "informationsmöten"))
        title = (
            f"{user.get_full_name()} är avaktiverad: {', '.join(parts)} utan ansvarig – flytta till en annan handledare"
        )
        url = reverse("participants:handover", args=[user_id])
        due_on = timezone.localdate(user.deactivated_at)
        items += [
            Due(c_id, Kind.HANDOVER, User, user_id, due_on, title[:200], url, team_id)
            for c_id in coordinators.get(team_id, [])
        ]
    return items


RULES = [Rule((Kind.HANDOVER,), User, handover_items)]
AREA = register("handover", RULES)
