"""The menu: which entries each user sees, decided in one place.

Each entry names a URL and who may use it. Later capabilities add their
entries here (triage board, Min vecka, Mina remisser, statistics).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from teams.access import roles_of
from teams.models import Membership

if TYPE_CHECKING:
    from collections.abc import Callable

    from teams.models import User

Role = Membership.Role


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    allowed: Callable[[User, frozenset[str]], bool]


def _everyone(user: User, roles: frozenset[str]) -> bool:
    return True


def _reviewers(user: User, roles: frozenset[str]) -> bool:
    return user.is_administrator or Role.KOORDINATOR in roles


def _administrators(user: User, roles: frozenset[str]) -> bool:
    return user.is_administrator


def _referrers(user: User, roles: frozenset[str]) -> bool:
    return user.is_referrer


def _coordinators(user: User, roles: frozenset[str]) -> bool:
    return Role.KOORDINATOR in roles


def _consultants(user: User, roles: frozenset[str]) -> bool:
    return bool(roles & {Role.KOORDINATOR, Role.SAMVERKANSTEAM})


def _handledare(user: User, roles: frozenset[str]) -> bool:
    return Role.HANDLEDARE in roles


def _statistics_readers(user: User, roles: frozenset[str]) -> bool:
    return user.is_administrator or user.is_steering_group or Role.KOORDINATOR in roles


def _team_staff_or_referrers(user: User, roles: frozenset[str]) -> bool:
    return user.is_referrer or bool(roles & {Role.KOORDINATOR, Role.HANDLEDARE})


ENTRIES = [
    Entry("Start", "home:start", _everyone),
    Entry("Min vecka", "participants:week", _handledare),
    Entry("Inkommande", "referrals:triage", _coordinators),
    Entry("Möten", "referrals:meetings", _consultants),
    Entry("Deltagare", "participants:list", _team_staff_or_referrers),
    Entry("Arbetsfördelning", "participants:caseload", _coordinators),
    Entry("Översikt", "reports:dashboard", _coordinators),
    Entry("Statistik", "reports:statistics", _statistics_readers),
    Entry("Mina remisser", "referrals:mine", _referrers),
    Entry("Frågor", "referrals:questions", _referrers),
    # Every document delivered to the user (as referrer or party), new ones marked. Parties given a
    # document are mostly referrers' colleagues; a query per page for everyone else to find out
    # whether anything was shared is not worth it: the page says when there is nothing.
    Entry("Dokument", "participants:document_inbox", _referrers),
    Entry("Loggkontroll", "audit:log", _reviewers),
    Entry("Gallring", "retention:overview", _administrators),
    Entry("Administration", "admin:index", _administrators),
]


def menu_for(user: User, current_path: str) -> list[dict[str, object]]:
    roles = roles_of(user)
    items = []
    for entry in ENTRIES:
        if entry.allowed(user, roles):
            url = reverse(entry.url_name)
            current = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": entry.label, "url": url, "current": current})
    # One current entry: the most specific (Dokument at /deltagare/dokument/, not also Deltagare).
    longest = max((len(str(item["url"])) for item in items if item["current"]), default=0)
    for item in items:
        item["current"] = bool(item["current"]) and len(str(item["url"])) == longest
    return items
