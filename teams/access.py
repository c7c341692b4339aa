"""The access layer's building blocks: which team roles allow which action.

Every selector that returns personal data starts from `team_ids_where` (or `teams_where`, the same
teams as objects), so the rule "you see your teams' data" lives in one place. Per-object grants that team
membership cannot express (a referrer's right to the referral they sent, a
document shared with a partner) are django-guardian grants on direct
foreign-key permission models, given and revoked by services through
`grant`/`revoke` and read through `with_grant`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from teams.models import Membership, Team

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from teams.models import User

Role = Membership.Role
M = TypeVar("M", bound=Model)

# Which team roles allow an action on their team's data.
ROLES_FOR: dict[str, frozenset[str]] = {
    # see the team's cases (handledare cover for colleagues)
    "view": frozenset({Role.KOORDINATOR, Role.HANDLEDARE}),
    # change a case (services narrow handledare to their own participants)
    "change": frozenset({Role.KOORDINATOR, Role.HANDLEDARE}),
    # triage, decide, assign, configure the team, review the access log
    "manage": frozenset({Role.KOORDINATOR}),
    # what is on the team's samverkansteam agenda
    "consult": frozenset({Role.KOORDINATOR, Role.SAMVERKANSTEAM}),
    # any role at all: the team is "yours" (start page, team directory)
    "member": frozenset(Role.values),
}


def _memberships(user: User) -> frozenset[tuple[int, str]]:
    """(team id, role) of every role the user holds in an active team: one query, then cached on the
    user object. Django loads `request.user` afresh for every request, so the cache lives as long as
    the request; a test that changes a user's roles between two reads must fetch the user again."""
    cached: frozenset[tuple[int, str]] | None = user.__dict__.get("_ist_memberships")
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user, team__active=True).values_list("team_id", "role"))
        user.__dict__["_ist_memberships"] = cached
    return cached


def team_ids_where(user: User | AnonymousUser, *, action: str = "view") -> tuple[int, ...]:
    """Ids of the active teams in which the user holds a role that allows `action`, sorted.

    What every scoped read filters on (`team__in=team_ids_where(user)`): a literal `IN (…)` of a
    few ids costs PostgreSQL and the ORM far less than the membership join as a subquery in each of
    a page's queries, and the memberships are read once per request (docs/decisions/0037)."""
    if not user.is_authenticated or not user.is_active:
        return ()
    roles = ROLES_FOR[action]
    return tuple(sorted({team for team, role in _memberships(user) if role in roles}))


def teams_where(user: User | AnonymousUser, *, action: str = "view") -> QuerySet[Team]:
    """The teams of `team_ids_where` as objects (to list or name them)."""
    return Team.objects.filter(pk__in=team_ids_where(user, action=action))


def roles_of(user: User | AnonymousUser) -> frozenset[str]:
    """The team roles the user holds anywhere (cached with the memberships for the request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(role for _team, role in _memberships(user))


def grant(perm: str, user: User, obj: Model) -> None:
    """Give `user` the object permission `perm` (codename) on `obj`. Idempotent."""
    assign_perm(perm, user, obj)


def revoke(perm: str, user: User, obj: Model) -> None:
    """Take the object permission back. Idempotent."""
    remove_perm(perm, user, obj)


def with_grant(user: User, perm: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """The objects of `queryset` on which `user` holds the object permission `perm`.

    Superuser status and global permissions are ignored on purpose: only an
    explicit grant on the object counts.
    """
    return get_objects_for_user(
        user, perm, klass=queryset, accept_global_perms=False, with_superuser=False, use_groups=False
    )
