"""The sweep: compute what is due in one area, upsert it, resolve what is no longer due.

Safe to run twice and concurrently: inserts go through the unique key with ON CONFLICT DO NOTHING,
and every state change is a conditional UPDATE (only open items are resolved, only resolved ones
reopened), so two sweeps computing the same answer leave the same rows behind.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date
from types import ModuleType

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from ist.notifications.models import DeadlineSettings, Notification
from ist.notifications.rules import Due
from ist.notifications.rules import documents as documents_rules
from ist.notifications.rules import handover as handover_rules
from ist.notifications.rules import journey as journey_rules
from ist.notifications.rules import referrals as referrals_rules
from ist.notifications.rules import reports as reports_rules

logger = logging.getLogger("ist.notifications")

AREAS: dict[str, ModuleType] = {
    "referrals": referrals_rules,
    "journey": journey_rules,
    "documents": documents_rules,
    "handover": handover_rules,
    "reports": reports_rules,
}
State = Notification.State
Key = tuple[int, str, int, int, date]


def sweep(area: str, today: date | None = None) -> dict[str, dict[str, int]]:
    """Run one area's rules for `today` (default: today in Stockholm) and bring its items up to date.
    Returns counts per kind: due, new, reopened, resolved."""
    module = AREAS[area]
    today = today or timezone.localdate()
    items = module.due_items(today, DeadlineSettings.current())
    counts = apply(items, [str(k) for k in module.KINDS])
    logger.info("sweep %s %s: %s", area, today.isoformat(), summary(counts))
    return counts


def sweep_all(today: date | None = None) -> dict[str, dict[str, dict[str, int]]]:
    return {area: sweep(area, today) for area in AREAS}


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

    def key_of(row: dict) -> Key:
        return (row["recipient_id"], row["kind"], row["subject_type_id"], row["subject_id"], row["due_on"])

    fields = ["pk", "recipient_id", "kind", "subject_type_id", "subject_id", "due_on", "state", "title", "url"]
    subject_ids = {key[3] for key in wanted}
    existing = {
        key_of(row): row
        for row in Notification.objects.filter(kind__in=kinds, subject_id__in=subject_ids).values(*fields)
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
        Notification(pk=row["pk"], title=wanted[key].title, url=wanted[key].url)
        for key, row in existing.items()
        if row["state"] == State.OPEN and (row["title"], row["url"]) != (wanted[key].title, wanted[key].url)
    ]
    Notification.objects.bulk_update(stale, ["title", "url"], batch_size=500)
    gone = [
        row
        for row in Notification.objects.filter(kind__in=kinds, state=State.OPEN).values(*fields)
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
