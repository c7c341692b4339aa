"""Reads of the organisation on a user's behalf."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from teams.access import team_ids_where, teams_where
from teams.models import Membership, Municipality, Team, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def teams_for(user: User | AnonymousUser, *, action: str = "view") -> QuerySet[Team]:
    """The user's teams for `action`, with municipalities and members for display."""
    members = Membership.objects.select_related("user").filter(user__is_active=True).order_by("role", "user__last_name")
    return (
        Team.objects.filter(pk__in=team_ids_where(user, action=action))
        .prefetch_related("municipalities", Prefetch("memberships", queryset=members))
        .order_by("name")
    )


def team_directory_for(user: User | AnonymousUser) -> QuerySet[Team]:
    """Teams whose member list the user may open: their own; all for administrators."""
    teams = (
        Team.objects.all() if user.is_authenticated and user.is_administrator else teams_where(user, action="member")
    )
    members = Membership.objects.select_related("user").filter(user__is_active=True).order_by("role", "user__last_name")
    return Team.objects.filter(pk__in=teams.values("pk")).prefetch_related(
        "municipalities", Prefetch("memberships", queryset=members)
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's own roles, for the start page and navigation."""
    return Membership.objects.filter(user=user, team__active=True).select_related("team").order_by("team__name", "role")


def users_visible_to(user: User | AnonymousUser) -> QuerySet[User]:
    """Users whose activity the viewer may review: all for administrators, the
    members of their teams for coordinators, nobody for others."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.is_administrator:
        return User.objects.all()
    return User.objects.filter(memberships__team__in=team_ids_where(user, action="manage")).distinct()


def user_subjects_matching(viewer: User, text: str) -> list[tuple[str, str]]:
    """Audit subjects (users) matching a name or e-mail, as (key, label), for Loggkontroll."""
    words = text.split()
    if not words:
        return []
    condition = Q()
    for word in words:
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
    users = users_visible_to(viewer).filter(condition).order_by("last_name", "first_name")[:20]
    return [(f"user:{u.pk}", f"{u.get_full_name()} ({u.email})") for u in users]


def municipalities_with_team() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("team").order_by("name")
