"""Deadline rules as data-driven functions. Each app owning an area has a `reminders.py`
(`referrals/reminders.py`, `participants/reminders/journey.py`, …) with `RULES` (one `Rule` per
function: the kinds it owns, the model its items hang on), registered with
`ist/reminders/registry.py` (`AREA = register("referrals", RULES)`); `AREA.due_items(today, config)`
returns every item due today, computed from the database alone.

A sweep upserts what the rules return and resolves the open items of the area's kinds that they no
longer return (the work is done, or the deadline moved). Rules therefore keep returning an item for
as long as it should stay in "Att göra" (e.g. an overdue plan until the plan is written).

Every rule also answers for a few subjects only (`only`: their ids): the service that does the work
asks the same rule, narrowed to the object it changed, and the items no longer due are resolved in
its transaction (`ist.reminders.sweeps.sweep_for`). One rule, so the two cannot disagree.

Weekends: "N days before" counts calendar days. An item whose first day falls on a weekend is in
"Att göra" on that day and goes out with Monday's e-mail (the digest is sent on weekdays only); the
one reminder that cannot wait until Monday, "information meeting tomorrow", starts on the last
weekday before the meeting instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Manager, Model, QuerySet

from teams.models import Membership, User

if TYPE_CHECKING:
    from ist.reminders.models import DeadlineSettings

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Due:
    """One item for one recipient; (recipient, kind, subject, due_on) is its identity."""

    recipient_id: int
    kind: str
    subject_model: type[Model]
    subject_id: int
    due_on: date
    title: str
    url: str
    # The team the work belongs to, named on the item ("Att göra" sorts a coordinator's own team's
    # overdue answers first); None for work of the whole association.
    team_id: int | None = None


# (today, config, only) → the items due today; `only`: ids of the rule's subject model, or None for all.
Compute = Callable[[date, "DeadlineSettings", Collection[int] | None], list[Due]]


@dataclass(frozen=True)
class Rule:
    """One reminder rule: the kinds of item it makes, the model they hang on (`Due.subject_model`) and
    the function that computes them."""

    kinds: tuple[str, ...]
    subject: type[Model]
    compute: Compute


def narrow(queryset: Manager[M] | QuerySet[M], field: str, only: Collection[int] | None) -> QuerySet[M]:
    """The rule's query for the given subjects only (`field` leads to the subject's id); all without `only`."""
    return queryset.all() if only is None else queryset.filter(**{f"{field}__in": list(only)})


def initials(first_name: str, last_name: str) -> str:
    """ "Greta Grönberg" → "GG": the only trace of the person in a title or an e-mail."""
    return f"{first_name[:1]}{last_name[:1]}".upper() or "–"


def iso(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def last_weekday_before(day: date) -> date:
    """The weekday before `day` (Friday for a Monday)."""
    before = day - timedelta(days=1)
    while before.weekday() >= 5:
        before -= timedelta(days=1)
    return before


def coordinators_by_team() -> dict[int, list[int]]:
    """Active coordinators of each active team (one query)."""
    result: dict[int, list[int]] = defaultdict(list)
    rows = Membership.objects.filter(
        role=Membership.Role.KOORDINATOR, team__active=True, user__is_active=True
    ).values_list("team_id", "user_id")
    for team_id, user_id in rows:
        result[team_id].append(user_id)
    return result


def administrators() -> list[int]:
    return list(User.objects.filter(is_administrator=True, is_active=True).values_list("pk", flat=True))
