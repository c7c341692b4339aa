"""Reads of "Att göra": a user sees their own items only."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from ist.reminders.models import Notification
from teams.models import User


def open_items(user: User, today: date) -> QuerySet[Notification]:
    """Open and not snoozed: what the bell counts and the inbox lists, earliest deadline first."""
    return (
        Notification.objects.filter(recipient=user, state=Notification.State.OPEN)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
        .order_by("due_on", "pk")
    )


def snoozed_items(user: User, today: date) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, state=Notification.State.OPEN, snoozed_until__gt=today).order_by(
        "snoozed_until", "pk"
    )


def own_item(user: User, pk: int) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, pk=pk)
