"""Reads of the access log (Loggkontroll)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from django.db.models import Q, QuerySet
from django.utils import timezone

from ist.audit.recording import DENIED
from teams.access import team_ids_where
from teams.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# What a reviewer filters by; keys are the form's choices.
ACTIONS: dict[str, Q] = {
    # Not ~Q(additional_data__outcome=DENIED) alone: for a row without the key that is NOT (NULL) in
    # SQL, which dropped every ordinary read from "Läsning"; hence the two "no outcome" cases. Not
    # JSON containment either: SQLite (the embedded default) has none, and Loggkontroll answered 500.
    "read": Q(action=LogEntry.Action.ACCESS)
    & (
        Q(additional_data__isnull=True) | Q(additional_data__outcome__isnull=True) | ~Q(additional_data__outcome=DENIED)
    ),
    "change": Q(action__in=[LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE]),
    "denied": Q(action=LogEntry.Action.ACCESS, additional_data__outcome=DENIED),
}


def may_review_log(user: User | AnonymousUser) -> bool:
    """Administrators review everything; coordinators their teams."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_administrator or bool(team_ids_where(user, action="manage"))


def log_entries_for(user: User) -> QuerySet[LogEntry]:
    """Log entries the user may review: all for administrators; for coordinators,
    entries about their teams' data, and entries by their teams' members about
    data that belongs to no team (e.g. user accounts). A member's reads of
    another team's data stay with that team's coordinators."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if user.is_administrator:
        return entries
    team_ids = list(team_ids_where(user, action="manage"))
    if not team_ids:
        return entries.none()
    members = User.objects.filter(memberships__team__in=team_ids).values("pk")
    teamless = Q(actor__in=members) & (Q(additional_data__isnull=True) | ~Q(additional_data__has_key="team"))
    return entries.filter(Q(additional_data__team__in=team_ids) | teamless)


def filter_log(
    entries: QuerySet[LogEntry],
    *,
    actor: User | None = None,
    people: list[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    action: str = "",
) -> QuerySet[LogEntry]:
    """Narrow `entries` by who acted, whom it concerned, when (inclusive local dates) and what."""
    if actor is not None:
        entries = entries.filter(actor=actor)
    if people is not None:
        entries = entries.filter(additional_data__person__in=people)
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(timestamp__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        entries = entries.filter(timestamp__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    if action:
        entries = entries.filter(ACTIONS[action])
    return entries
