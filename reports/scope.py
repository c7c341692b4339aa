"""Who sees which teams' statistics, and whether the numbers they see are suppressed.

Coordinators see their own teams' figures as counted (the numbers stay inside the team).
The steering group and administrators see every team's aggregates, with small counts hidden
(docs/decisions/0011-statistics-and-small-counts.md). Everyone else gets the 403 page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from teams.access import team_ids_where
from teams.models import Team

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from teams.models import User

REFUSAL = "Statistiken är till för teamkoordinatorer, styrgruppen och administratörer."


def statistics_teams(user: User) -> QuerySet[Team]:
    """The teams whose aggregates the user may see; PermissionDenied if none."""
    if user.is_administrator or user.is_steering_group:
        return Team.objects.filter(active=True).order_by("name")
    own = team_ids_where(user, action="manage")
    if not own:
        raise PermissionDenied(REFUSAL)
    return Team.objects.filter(pk__in=own).order_by("name")


def sees_counts_as_counted(user: User, team_ids: list[int]) -> bool:
    """Unsuppressed only for a coordinator of every chosen team (their own pages, inside the team)."""
    own = set(team_ids_where(user, action="manage"))
    return bool(team_ids) and set(team_ids) <= own
