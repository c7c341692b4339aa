"""What the start page shows each user, by role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from ist.reminders.selectors import waiting_work
from teams.access import roles_of
from teams.models import Membership, Municipality, Team
from teams.selectors import memberships_of, municipalities_with_team, teams_for

if TYPE_CHECKING:
    from teams.models import User

Role = Membership.Role


@dataclass
class StartPage:
    roles: frozenset[str]
    memberships: list[Membership] = field(default_factory=list)
    my_teams: list[Team] = field(default_factory=list)
    all_teams: QuerySet[Team] | None = None
    municipalities: QuerySet[Municipality] | None = None
    # A coordinator's new work waiting (ist.reminders.selectors.WAITING_WORK names → counts).
    waiting: dict[str, int] | None = None


def start_page_for(user: User) -> StartPage:
    """Everything the start page needs, in a fixed number of queries per role."""
    roles = roles_of(user)
    page = StartPage(roles=roles)
    if roles:
        page.memberships = list(memberships_of(user))
        page.my_teams = list(teams_for(user, action="member"))
    if Role.KOORDINATOR in roles:
        page.waiting = waiting_work(user)
    if user.is_administrator or user.is_steering_group:
        page.all_teams = (
            Team.objects.annotate(
                handledare=Count("memberships", filter=Q(memberships__role=Role.HANDLEDARE)),
                koordinatorer=Count("memberships", filter=Q(memberships__role=Role.KOORDINATOR)),
            )
            .prefetch_related("municipalities")
            .order_by("name")
        )
    if user.is_referrer:
        page.municipalities = municipalities_with_team()
    return page
