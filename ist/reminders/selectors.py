"""Reads of "Att göra": a user sees their own items only."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from ist.reminders.models import Kind, Notification
from teams.models import Membership, User


def open_items(user: User, today: date) -> QuerySet[Notification]:
    """Open and not snoozed: what the bell counts and the inbox lists, most urgent first: overdue
    answers to referrals of a team the user coordinates, then everything else overdue, then by
    deadline (docs/decisions/0030)."""
    own_teams = Membership.objects.filter(user=user, role=Membership.Role.KOORDINATOR).values("team_id")
    urgency = Case(
        When(kind=Kind.ANSWER_OVERDUE, team_id__in=own_teams, then=Value(0)),
        When(due_on__lt=today, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Notification.objects.filter(recipient=user, state=Notification.State.OPEN)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
        .select_related("team")
        .alias(urgency=urgency)
        .order_by("urgency", "due_on", "pk")
    )


# What the start page counts for a coordinator: new work still waiting (the rules keep the item
# while the referral or question waits, even if the coordinator marked it done).
WAITING_WORK = {
    "new_referrals": Kind.NEW_REFERRAL,
    "resubmitted": Kind.REFERRAL_RESUBMITTED,
    "questions": Kind.NEW_QUESTION,
}


def waiting_work(user: User) -> dict[str, int]:
    """Counts of new work waiting for the user, by WAITING_WORK name, in one query."""
    rows = Notification.objects.filter(recipient=user, kind__in=list(WAITING_WORK.values())).exclude(
        state=Notification.State.RESOLVED
    )
    return rows.aggregate(**{name: Count("pk", filter=Q(kind=kind)) for name, kind in WAITING_WORK.items()})


def snoozed_items(user: User, today: date) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user, state=Notification.State.OPEN, snoozed_until__gt=today)
        .select_related("team")
        .order_by("snoozed_until", "pk")
    )


def own_item(user: User, pk: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, pk=pk)
