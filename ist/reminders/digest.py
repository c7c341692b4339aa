"""The daily e-mail digest: one message per user and weekday listing the items that are new since the
last one, with initials, dates and links only.

Exactly once: the day's `EmailDelivery` row is unique per recipient and day and is claimed with a
conditional UPDATE before sending; only the claimant sends. A claim older than CLAIM_TIMEOUT (its
worker died) may be taken over once, by the next run; a second claim left so is not taken over (the
digest is not sent again; the items stay in "Att göra"), the same rule as the outbox's e-mails
(docs/decisions/0013-outbox.md). The one window left is a worker dying between the SMTP server
accepting the message and `sent_at` being stored: that digest may go out twice, never more.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from ist.messaging.registry import FOOTER, link
from ist.reminders.models import EmailDelivery, Notification, NotificationPreference

logger = logging.getLogger("ist.reminders")

CLAIM_TIMEOUT = timedelta(minutes=10)


def is_digest_day(day: date) -> bool:
    """Weekdays only (IST_DIGEST_WEEKDAYS): what comes up on a weekend goes out on Monday."""
    return day.isoweekday() in settings.IST_DIGEST_WEEKDAYS


def pending(day: date) -> QuerySet[Notification]:
    """Open, not snoozed past `day`, of a kind the recipient wants by e-mail, and not e-mailed yet
    (or attached to an earlier day's digest that never went out; or e-mailed at once when raised,
    ist/reminders/announce.py)."""
    opted_out = NotificationPreference.objects.filter(user=OuterRef("recipient"), kind=OuterRef("kind"))
    return (
        Notification.objects.filter(state=Notification.State.OPEN, recipient__is_active=True, emailed_at_once=False)
        .filter(Q(delivery__isnull=True) | Q(delivery__sent_at__isnull=True, delivery__day__lt=day))
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=day))
        .exclude(Exists(opted_out))
    )


MAX_STALE_CLAIMS = 1


def _claimable() -> Q:
    stale = Q(claimed_at__lt=timezone.now() - CLAIM_TIMEOUT, stale_claims__lt=MAX_STALE_CLAIMS)
    return Q(sent_at__isnull=True) & (Q(claimed_at__isnull=True) | stale)


def prepare(day: date) -> list[int]:
    """Make the day's delivery row for everyone with something pending; the ids of those still to send."""
    if not is_digest_day(day):
        return []
    recipients = set(pending(day).values_list("recipient_id", flat=True))
    EmailDelivery.objects.bulk_create(
        [EmailDelivery(recipient_id=user, day=day) for user in recipients], ignore_conflicts=True
    )
    return list(EmailDelivery.objects.filter(_claimable(), day=day).values_list("pk", flat=True))


def send(delivery_id: int) -> int:
    """Send one digest if this call wins the claim. Returns the number of messages sent (0 or 1).
    Raises what the mail server raised, after releasing the claim, so the task can retry."""
    claimed_at = timezone.now()
    # Taking over a dead worker's claim counts (the right side is evaluated on the old row).
    took_over = Case(When(claimed_at__isnull=False, then=Value(1)), default=Value(0))
    claimed = EmailDelivery.objects.filter(_claimable(), pk=delivery_id).update(
        claimed_at=claimed_at, stale_claims=F("stale_claims") + took_over
    )
    if not claimed:
        return 0  # sent already, or another worker is sending it
    delivery = EmailDelivery.objects.select_related("recipient").get(pk=delivery_id)
    pending(delivery.day).filter(recipient=delivery.recipient_id).update(delivery=delivery)
    items = list(delivery.notifications.filter(state=Notification.State.OPEN).order_by("due_on", "pk"))
    if not items:  # resolved meanwhile: nothing to say
        EmailDelivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now())
        return 0
    subject, body = compose(items, delivery.day)
    try:
        send_mail(subject, body + FOOTER, settings.DEFAULT_FROM_EMAIL, [delivery.recipient.email])
    except Exception:
        EmailDelivery.objects.filter(pk=delivery_id, claimed_at=claimed_at).update(claimed_at=None)
        raise
    EmailDelivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now(), item_count=len(items))
    logger.info("digest %s sent to user %s: %d items", delivery.day.isoformat(), delivery.recipient_id, len(items))
    return 1


def compose(items: list[Notification], day: date) -> tuple[str, str]:
    count = "1 ny sak" if len(items) == 1 else f"{len(items)} nya saker"
    lines = [f"Hej!\n\nDu har {count} att göra i IST ({day:%Y-%m-%d}):\n"]
    lines += [f"- {item.get_kind_display()}: {item.title}\n  {link(item.url)}" for item in items]
    lines.append(f"\nAllt du har att göra: {link(reverse('reminders:inbox'))}")
    lines.append(f"Välj vilka påminnelser du får med e-post: {link(reverse('reminders:preferences'))}\n")
    return f"IST: {count} att göra", "\n".join(lines)
