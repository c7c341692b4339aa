"""Writing to the outbox, relaying it to the broker, and sending its e-mails exactly once.

- `enqueue_email` / `enqueue_task` write a row in the caller's transaction (unique key: the same
  key twice is one row) and, after the commit, try to hand it to the broker at once. That attempt
  never raises: a broker that is down leaves the row pending for the periodic relay.
- `relay` (the on-commit attempt and the beat task `relay_outbox`) hands due rows to the broker in
  batches, SKIP LOCKED, with a backoff per row; a row handed over but never started (a lost message)
  is handed over again: every task behind the outbox is idempotent, every e-mail is claimed.
- `email_send` claims an e-mail row with a conditional UPDATE before the SMTP conversation and marks
  it sent after; a redelivered task finds it claimed or sent and does nothing.
- `expire_claims`: a claim older than the send task's hard time limit means its worker died; the
  e-mail is released for exactly one more try, and a second such claim fails it for an operator.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from ist.outbox.models import Message

log = logging.getLogger(__name__)
Status = Message.Status
Kind = Message.Kind

# The hard time limit of the send task (ist/outbox/tasks.py): a claim older than this plus a margin
# belongs to a worker that is gone.
SEND_TIME_LIMIT = 60
CLAIM_EXPIRES = timedelta(seconds=SEND_TIME_LIMIT + 60)
# How often a dead worker's claim is released before the e-mail is failed (docs/decisions/0013).
MAX_STALE_CLAIMS = 1
# Mail server errors worth another try, and how many before the e-mail is failed.
TRANSIENT_SEND_ERRORS = (SMTPException, ConnectionError, TimeoutError, OSError)
MAX_SEND_ERRORS = 8
# A relayed row with no sign of life for this long lost its message (the embedded broker drops a
# killed worker's message): it is handed over again. Longer than any task's time limit (a report
# build may take 6 minutes); a retrying task pushes it forward (ist/outbox/signals.py).
LOST_AFTER = timedelta(minutes=15)
# A task waiting for its retry (Celery's backoff, at most 30 minutes) is alive, not lost.
RETRY_QUIET = timedelta(minutes=30)
BATCH = 100
# After a broker error, on-commit attempts in this process wait this long (seconds).
BROKER_QUIET = 10.0
_broker_failed_at: float | None = None


def _backoff(attempts: int, *, base: int, cap: int) -> timedelta:
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


# -- Writing ---------------------------------------------------------------------------------


def enqueue_email(*, key: str, kind: str, object_id: int) -> bool:
    """Record the e-mail of notification `kind` about `object_id` (ist.messaging.registry builds it
    when it is sent). True if this call made the row."""
    return _enqueue(key=f"email:{key}", kind=Kind.EMAIL, name=kind, args=[object_id])


def enqueue_task(*, key: str, task: str, args: Sequence[int | str] = ()) -> bool:
    """Record a run of the Celery task named `task` with `args` (ids, never personal data). The task
    must be idempotent: the outbox may hand it over again if its message seems lost. True if this
    call made the row."""
    from ist.celery import app

    if task not in app.tasks:
        app.loader.import_default_modules()  # the apps' tasks modules, which the web process imports lazily
    if task not in app.tasks:
        raise KeyError(f"no task named {task!r}")
    return _enqueue(key=f"task:{key}", kind=Kind.TASK, name=task, args=list(args))


def _enqueue(*, key: str, kind: str, name: str, args: list[int | str]) -> bool:
    message, created = Message.objects.get_or_create(key=key, defaults={"kind": kind, "name": name, "args": args})
    if created:
        transaction.on_commit(partial(relay_after_commit, message.pk))
    return created


def relay_after_commit(message_id: int) -> None:
    """The on-commit attempt: hand the new row to the broker now. Never raises into the request
    that made it; a failure leaves the row pending for the periodic relay. For BROKER_QUIET after a
    broker error in this process the attempt is not made (the row waits for the periodic relay): a
    request that writes several messages, or many requests, do not each wait for a broker that does
    not answer."""
    if _broker_failed_at is not None and time.monotonic() - _broker_failed_at < BROKER_QUIET:
        return
    try:
        relay(ids=[message_id])
    except Exception:
        log.exception("outbox: on-commit relay of message %s failed; the periodic relay will retry", message_id)


# -- Relaying ----------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.RELAYED, relayed_at__lt=now - LOST_AFTER
    )


def _publish(message: Message, connection: object) -> None:
    from ist.celery import app
    from ist.outbox.tasks import send_email

    # As a dict: celery-types lists neither `connection` nor headers other than strings (Celery hands
    # every option to the producer).
    options: dict[str, Any] = {"connection": connection, "retry": False}
    if message.kind == Kind.EMAIL:
        send_email.apply_async(args=(message.pk,), **options)
    else:
        options["headers"] = {"outbox_id": message.pk}
        app.tasks[message.name].apply_async(args=message.args, **options)


def relay(*, ids: Sequence[int] | None = None, limit: int = BATCH) -> int:
    """Hand due rows (all, or those of `ids`) to the broker; returns how many were handed over.

    Rows are locked with SKIP LOCKED, so two relays at once hand each row over once. A broker error
    is recorded on the rows of the batch not yet handed over (attempts, next try with backoff) and
    ends the batch; it is not raised."""
    global _broker_failed_at  # per process, see relay_after_commit
    from ist.celery import app

    now = timezone.now()
    handed = 0
    with transaction.atomic():
        rows = Message.objects.select_for_update(skip_locked=True).filter(_due(now))
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        batch = list(rows.order_by("next_attempt_at", "pk")[:limit])
        unknown = [m for m in batch if m.kind == Kind.TASK and m.name not in app.tasks]
        for message in unknown:  # renamed or removed since it was written: a person must decide
            message.status, message.last_error = Status.FAILED, f"Okänt jobb: {message.name}"
            message.save(update_fields=["status", "last_error"])
        batch = [m for m in batch if m not in unknown]
        if not batch:
            return 0
        error = ""
        try:
            with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=5)
                _broker_failed_at = None  # it answers: on-commit attempts resume
                for message in batch:
                    _publish(message, connection)
                    message.status, message.relayed_at, message.last_error = Status.RELAYED, now, ""
                    message.save(update_fields=["status", "relayed_at", "last_error"])
                    handed += 1
        except Exception as exc:  # noqa: BLE001 - whatever the broker raised, the rows wait
            _broker_failed_at = time.monotonic()
            error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("outbox: broker unavailable, %d message(s) wait: %s", len(batch) - handed, error)
        for message in batch[handed:]:
            message.relay_attempts += 1
            message.next_attempt_at = now + _backoff(message.relay_attempts, base=15, cap=5 * 60)
            message.last_error = error
            message.save(update_fields=["relay_attempts", "next_attempt_at", "last_error"])
    if handed:
        log.info("outbox: %d message(s) handed to the broker", handed)
    return handed


def expire_claims() -> tuple[int, int]:
    """Release e-mails whose claim outlived the send task's hard time limit (the worker died during
    the send) for one more try; fail those that already had it. Returns (released, failed)."""
    now = timezone.now()
    stale = Q(status=Status.SENDING, claimed_at__lt=now - CLAIM_EXPIRES)
    failed = Message.objects.filter(stale, stale_claims__gte=MAX_STALE_CLAIMS).update(
        status=Status.FAILED,
        last_error="Sändningen avbröts igen utan att bli klar; kontrollera om mottagaren fick meddelandet.",
    )
    released = Message.objects.filter(stale).update(
        status=Status.PENDING,
        claimed_at=None,
        stale_claims=F("stale_claims") + 1,
        next_attempt_at=now,
        last_error="Sändningen avbröts (arbetsprocessen stoppades); ett nytt försök görs.",
    )
    if released or failed:
        log.warning("outbox: %d stale e-mail claim(s) released, %d failed", released, failed)
    return released, failed


def relay_all() -> dict[str, int]:
    """What the beat task does every minute: expire stale claims, then relay in batches while the
    broker takes them."""
    released, failed = expire_claims()
    handed = 0
    while True:
        n = relay()
        handed += n
        if n < BATCH:
            break
    return {"relayed": handed, "released": released, "failed": failed}


# -- Sending an e-mail exactly once --------------------------------------------------------------


def email_send(*, message_id: int) -> bool:
    """Send one outbox e-mail if this call wins the claim; True if it was sent now.

    A transient mail error releases the claim and sets the next try (the relay hands it over again,
    with backoff); the eighth, or any other error, fails the row for an operator. Nothing is raised:
    the outbox, not Celery, retries."""
    from ist.messaging import registry

    claimed_at = timezone.now()
    claimed = Message.objects.filter(
        pk=message_id, kind=Kind.EMAIL, status__in=[Status.PENDING, Status.RELAYED]
    ).update(status=Status.SENDING, claimed_at=claimed_at)
    if not claimed:
        return False  # sent already, being sent, or failed
    message = Message.objects.get(pk=message_id)
    try:
        registry.deliver(message.name, int(message.args[0]))
    except Exception as exc:
        errors = message.send_errors + 1
        give_up = errors >= MAX_SEND_ERRORS or not isinstance(exc, TRANSIENT_SEND_ERRORS)
        Message.objects.filter(pk=message_id, status=Status.SENDING, claimed_at=claimed_at).update(
            status=Status.FAILED if give_up else Status.PENDING,
            claimed_at=None,
            send_errors=errors,
            next_attempt_at=timezone.now() + _backoff(errors, base=30, cap=30 * 60),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        log.exception("outbox: e-mail %s not sent (%s)", message.key, "failed" if give_up else "will retry")
        return False
    Message.objects.filter(pk=message_id, status=Status.SENDING, claimed_at=claimed_at).update(
        status=Status.DONE, done_at=timezone.now(), last_error=""
    )
    log.info("outbox: e-mail %s sent", message.key)
    return True


# -- A relayed task's life (called from the worker's signals) ---------------------------------------


def task_started(*, message_id: int) -> None:
    Message.objects.filter(pk=message_id, status__in=[Status.PENDING, Status.RELAYED]).update(
        status=Status.RELAYED, relayed_at=timezone.now()
    )


def task_retrying(*, message_id: int) -> None:
    """A retry is on its way (Celery's backoff): not lost, so not handed over again meanwhile."""
    Message.objects.filter(pk=message_id, status=Status.RELAYED).update(relayed_at=timezone.now() + RETRY_QUIET)


def task_finished(*, message_id: int, error: str = "") -> None:
    Message.objects.filter(pk=message_id).exclude(status=Status.DONE).update(
        status=Status.FAILED if error else Status.DONE, done_at=timezone.now(), last_error=error[:2000]
    )


# -- What an operator sees --------------------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    pending: int  # waiting for the broker
    oldest_pending_age_s: int | None
    in_flight: int  # handed over or being sent
    failed: int


def backlog() -> Backlog:
    now = timezone.now()
    oldest = Message.objects.filter(status=Status.PENDING).aggregate(n=Min("created_at"))["n"]
    counts = dict.fromkeys(Status.values, 0)
    for row in (
        Message.objects.filter(status__in=[Status.PENDING, Status.RELAYED, Status.SENDING, Status.FAILED])
        .values("status")
        .annotate(n=Count("pk"))
    ):
        counts[row["status"]] = row["n"]
    return Backlog(
        pending=counts[Status.PENDING],
        oldest_pending_age_s=round((now - oldest).total_seconds()) if oldest else None,
        in_flight=counts[Status.RELAYED] + counts[Status.SENDING],
        failed=counts[Status.FAILED],
    )


def message_retry(*, message_id: int) -> bool:
    """An operator gives a failed message one more try (after checking, for an e-mail whose send was
    interrupted twice, that the recipient did not get it). False if it has not failed."""
    return bool(
        Message.objects.filter(pk=message_id, status=Status.FAILED).update(
            status=Status.PENDING, claimed_at=None, send_errors=0, next_attempt_at=timezone.now()
        )
    )


def in_flight(*, task: str) -> set[int | str]:
    """The first argument (an id) of every run of `task` the outbox has not finished: a sweep that
    re-queues lost work leaves these alone, so one chain of tries runs at a time per object."""
    rows = Message.objects.filter(kind=Kind.TASK, name=task, status__in=[Status.PENDING, Status.RELAYED])
    return {args[0] for args in rows.values_list("args", flat=True) if args}
