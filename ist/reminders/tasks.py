"""Celery entry points (beat schedule in ist/settings.py). Each sweep takes no arguments and
recomputes from the database, so a lost, repeated or concurrent run does no harm."""

from __future__ import annotations

from smtplib import SMTPException
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from ist.outbox.services import enqueue_task
from ist.reminders import digest, sweeps

# Transient only: a database that is restarting or a dropped connection. A bug is not retried.
TRANSIENT = (OperationalError, InterfaceError)
SWEEP_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "soft_time_limit": 4 * 60,
    "time_limit": 5 * 60,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 10 * 60,
    "max_retries": 5,
}


@shared_task(**SWEEP_OPTIONS)
def sweep_referrals() -> dict:
    return sweeps.sweep("referrals")


@shared_task(**SWEEP_OPTIONS)
def sweep_journey() -> dict:
    return sweeps.sweep("journey")


@shared_task(**SWEEP_OPTIONS)
def sweep_documents() -> dict:
    return sweeps.sweep("documents")


@shared_task(**SWEEP_OPTIONS)
def sweep_handover() -> dict:
    return sweeps.sweep("handover")


@shared_task(**SWEEP_OPTIONS)
def sweep_reports() -> dict:
    return sweeps.sweep("reports")


@shared_task(**SWEEP_OPTIONS)
def sweep_questionnaires() -> dict:
    return sweeps.sweep("questionnaires")


@shared_task(**SWEEP_OPTIONS)
def send_digests() -> int:
    """Make today's digest rows and queue (through the outbox) one task per digest still to send."""
    now = timezone.now()
    ids = digest.prepare(timezone.localdate())
    with transaction.atomic():  # through the outbox: a broker blip loses none of them
        for delivery_id in ids:
            enqueue_task(
                key=f"digest:{delivery_id}:{now:%Y%m%dT%H%M}",
                task="ist.reminders.tasks.send_digest",
                args=[delivery_id],
            )
    return len(ids)


@shared_task(
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError, *TRANSIENT),
    retry_backoff=True,
    max_retries=8,
)
def send_digest(delivery_id: int) -> int:
    return digest.send(delivery_id)


@shared_task(**SWEEP_OPTIONS)
def sweep_everything_then_digest() -> int:
    """Every sweep, then the digests: what seed_demo queues so a fresh demo has its items at once."""
    sweeps.sweep_all()
    return send_digests.run()
