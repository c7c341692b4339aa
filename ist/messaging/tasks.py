from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from ist.messaging import registry


@shared_task(
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=8,
)
def send_notification(kind: str, object_id: int) -> int:
    """E-mail one notification. Retried with backoff on transient mail errors only."""
    return registry.deliver(kind, object_id)
