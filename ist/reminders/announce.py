"""New work announced at once (docs/decisions/0030): the service that brought the work (a referral
sent or completed, a question asked) raises its "Att göra" items in its own transaction instead of
waiting for the hourly sweep, and e-mails each new item at once to the recipients who chose so
(`EmailTiming.AT_ONCE`); everyone else gets it in the daily digest.

Never twice: an item is unique on (recipient, kind, subject, due date); the e-mail is an outbox row
keyed by the item's id, and an item e-mailed at once is marked so and left out of the digest. The
rules are the area's own (`Rule.compute(..., only)`), so the sweep keeps the same items.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from ist.messaging.registry import send
from ist.reminders import registry
from ist.reminders.models import NEW_WORK, DeadlineSettings, EmailTiming, Notification, NotificationPreference
from ist.reminders.sweeps import Subject

NEW_WORK_EMAIL = "reminders_new_work"


@transaction.atomic(savepoint=False)
def announce(subject: Subject, kinds: Collection[str] = NEW_WORK, *, today: date | None = None) -> int:
    """Raise now the items of `kinds` the rules give for `subject`; returns how many were new.
    Pre: inside the caller's transaction (the items and e-mails go with the work or not at all)."""
    model, pk = subject if isinstance(subject, tuple) else (type(subject), subject.pk)
    today = today or timezone.localdate()
    config = DeadlineSettings.current()
    items = [
        item
        for rule in registry.rules_for(model)
        if not set(rule.kinds).isdisjoint(kinds)
        for item in rule.compute(today, config, [pk])
        if item.kind in kinds
    ]
    if not items:
        return 0
    type_id = ContentType.objects.get_for_model(model).pk
    existing = set(
        Notification.objects.filter(subject_type_id=type_id, subject_id=pk, kind__in=list(kinds)).values_list(
            "recipient_id", "kind", "due_on"
        )
    )
    new = {(i.recipient_id, i.kind, i.due_on): i for i in items if (i.recipient_id, i.kind, i.due_on) not in existing}
    if not new:
        return 0
    recipients = {key[0] for key in new}
    at_once = set(
        EmailTiming.objects.filter(user_id__in=recipients, new_work=EmailTiming.When.AT_ONCE).values_list(
            "user_id", flat=True
        )
    )
    # A kind the user took out of their e-mail ("E-post om påminnelser") is not e-mailed at once either.
    opted_out = set(
        NotificationPreference.objects.filter(user_id__in=at_once, kind__in=list(kinds)).values_list("user_id", "kind")
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=item.recipient_id,
                kind=item.kind,
                subject_type_id=type_id,
                subject_id=pk,
                due_on=item.due_on,
                title=item.title,
                url=item.url,
                team_id=item.team_id,
                emailed_at_once=item.recipient_id in at_once
                and item.kind in NEW_WORK
                and (item.recipient_id, item.kind) not in opted_out,
            )
            for item in new.values()
        ],
        ignore_conflicts=True,
    )
    if at_once:
        for row in Notification.objects.filter(
            subject_type_id=type_id, subject_id=pk, kind__in=list(kinds), emailed_at_once=True
        ).values("pk", "recipient_id", "kind", "due_on"):
            if (row["recipient_id"], row["kind"], row["due_on"]) in new:
                send(NEW_WORK_EMAIL, row["pk"], key="at-once")
    return len(new)
