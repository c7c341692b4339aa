"""The sweep: compute what is due in one area, upsert it, resolve what is no longer due.

Safe to run twice and concurrently: inserts go through the unique key with ON CONFLICT DO NOTHING,
and every state change is a conditional UPDATE (only open items are resolved, only resolved ones
reopened), so two sweeps computing the same answer leave the same rows behind.

`sweep_for(subject, ...)` is the same sweep narrowed to a few objects, called by the service that did
the work (finalised the plan, recorded the decision, logged the week) inside its transaction, so "Att
göra" follows the work at once; the hourly sweep stays as the safety net.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from ist.reminders import registry
from ist.reminders.models import DeadlineSettings, Notification
from ist.reminders.rules import Due

logger = logging.getLogger("ist.reminders")

State = Notification.State
Key = tuple[int, str, int, int, date]
# An object whose items to bring up to date: the instance, or its model and id when only the id is at hand.
Subject = Model | tuple[type[Model], int]
FIELDS = ["pk", "recipient_id", "kind", "subject_type_id", "subject_id", "due_on", "state", "title", "url", "team_id"]


def key_of(row: dict[str, Any]) -> Key:
    return (row["recipient_id"], row["kind"], row["subject_type_id"], row["subject_id"], row["due_on"])


def _shown(item: dict[str, Any] | Due) -> tuple[str, str, int | None]:
    """What an item shows that may change while it stays the same item (title, link, team)."""
    if isinstance(item, Due):
        return (item.title, item.url, item.team_id)
    return (item["title"], item["url"], item["team_id"])


def sweep(area: str, today: date | None = None) -> dict[str, dict[str, int]]:
    """Run one area's rules for `today` (default: today in Stockholm) and bring its items up to date.
    Returns counts per kind: due, new, reopened, resolved."""
    rules = registry.area(area)
    today = today or timezone.localdate()
    items = rules.due_items(today, DeadlineSettings.current())
    counts = apply(items, rules.kinds)
    logger.info("sweep %s %s: %s", area, today.isoformat(), summary(counts))
    return counts


def sweep_all(today: date | None = None) -> dict[str, dict[str, dict[str, int]]]:
    return {area: sweep(area, today) for area in registry.areas()}


def summary(counts: dict[str, dict[str, int]]) -> str:
    parts = [
        f"{kind} due={c['due']} new={c['new']} reopened={c['reopened']} resolved={c['resolved']}"
        for kind, c in sorted(counts.items())
    ]
    return "; ".join(parts) or "nothing due, nothing open"


@transaction.atomic
def apply(items: list[Due], kinds: list[str]) -> dict[str, dict[str, int]]:
    """Make the open items of `kinds` exactly `items`. Two concurrent runs issue the same statements in
    the same order; a deadlock PostgreSQL might still report is an OperationalError, which the task retries."""
    types = {model: ContentType.objects.get_for_model(model).pk for model in {i.subject_model for i in items}}
    wanted: dict[Key, Due] = {}
    for item in items:  # the first wins when a rule names one person twice (e.g. attendee and referrer)
        key = (item.recipient_id, item.kind, types[item.subject_model], item.subject_id, item.due_on)
        wanted.setdefault(key, item)

    subject_ids = {key[3] for key in wanted}
    existing = {
        key_of(row): row
        for row in Notification.objects.filter(kind__in=kinds, subject_id__in=subject_ids).values(*FIELDS)
        if key_of(row) in wanted
    }
    new = [key for key in wanted if key not in existing]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=key[0],
                kind=key[1],
                subject_type_id=key[2],
                subject_id=key[3],
                due_on=key[4],
                title=wanted[key].title,
                url=wanted[key].url,
                team_id=wanted[key].team_id,
            )
            for key in new
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    reopen = {row["pk"] for row in existing.values() if row["state"] == State.RESOLVED}
    Notification.objects.filter(pk__in=reopen, state=State.RESOLVED).update(state=State.OPEN)
    # A title names what is still missing (e.g. which participants' logs): keep open ones current.
    stale = [
        Notification(pk=row["pk"], title=wanted[key].title, url=wanted[key].url, team_id=wanted[key].team_id)
        for key, row in existing.items()
        if row["state"] == State.OPEN and _shown(row) != _shown(wanted[key])
    ]
    Notification.objects.bulk_update(stale, ["title", "url", "team_id"], batch_size=500)
    gone = [
        row
        for row in Notification.objects.filter(kind__in=kinds, state=State.OPEN).values(*FIELDS)
        if key_of(row) not in wanted
    ]
    Notification.objects.filter(pk__in=[row["pk"] for row in gone], state=State.OPEN).update(state=State.RESOLVED)
    # Counts per kind for the log (a concurrent sweep may have inserted some of "new" first).
    counts: dict[str, dict[str, int]] = {}
    for kind, n in Counter(key[1] for key in wanted).items():
        counts.setdefault(kind, {"due": 0, "new": 0, "reopened": 0, "resolved": 0})["due"] = n
    for kind, n in Counter(key[1] for key in new).items():
        counts[kind]["new"] = n
    for kind, n in Counter(row["kind"] for row in existing.values() if row["pk"] in reopen).items():
        counts[kind]["reopened"] = n
    for kind, n in Counter(row["kind"] for row in gone).items():
        counts.setdefault(kind, {"due": 0, "new": 0, "reopened": 0, "resolved": 0})["resolved"] = n
    return counts


@transaction.atomic(savepoint=False)
def sweep_for(*subjects: Subject, today: date | None = None) -> int:
    """The work on `subjects` was done (or changed): resolve now the open items on them that their
    rules no longer return, and bring the titles of those still due up to date. Returns how many were
    resolved.

    Called inside the service's transaction, so the item goes with the work, or stays if the work
    rolls back. The same rules as the sweep, narrowed to these subjects (`Rule.compute(..., only)`),
    so the two never disagree. It only resolves and retitles: new items and reopened ones are left to
    the sweep. Nothing open on the subjects costs one query and no rule is run. Pre: inside the
    caller's transaction (the rows it reads are locked until the work commits).
    """
    ids: dict[type[Model], set[int]] = defaultdict(set)
    for subject in subjects:
        model, pk = subject if isinstance(subject, tuple) else (type(subject), subject.pk)
        if pk is not None:
            ids[model._meta.concrete_model or model].add(pk)
    today = today or timezone.localdate()
    config: DeadlineSettings | None = None
    resolved = 0
    for model, pks in ids.items():
        rules = registry.rules_for(model)
        if not rules:
            continue
        # Rows a running sweep holds are skipped, not waited for: the user's work never waits on (or
        # deadlocks with) a sweep, and an item skipped this way is resolved by the next sweep.
        open_rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                subject_type=ContentType.objects.get_for_model(model),
                subject_id__in=pks,
                kind__in=[kind for rule in rules for kind in rule.kinds],
                state=State.OPEN,
            )
            .values(*FIELDS)
        )
        if not open_rows:
            continue
        config = config or DeadlineSettings.current()
        type_id = open_rows[0]["subject_type_id"]
        open_kinds = {row["kind"] for row in open_rows}
        wanted: dict[Key, Due] = {}
        for rule in rules:
            if not open_kinds.isdisjoint(rule.kinds):
                for item in rule.compute(today, config, pks):
                    wanted.setdefault((item.recipient_id, item.kind, type_id, item.subject_id, item.due_on), item)
        gone = [row["pk"] for row in open_rows if key_of(row) not in wanted]
        done = Notification.objects.filter(pk__in=gone, state=State.OPEN).update(state=State.RESOLVED) if gone else 0
        stale = []
        for row in open_rows:
            due = wanted.get(key_of(row))
            if due is not None and _shown(row) != _shown(due):
                stale.append(Notification(pk=row["pk"], title=due.title, url=due.url, team_id=due.team_id))
        Notification.objects.bulk_update(stale, ["title", "url", "team_id"])
        if done:
            logger.info("sweep_for %s %s: resolved %d", model._meta.label, sorted(pks), done)
        resolved += done
    return resolved
