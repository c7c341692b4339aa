"""The outbox's Celery tasks: the periodic relay (beat, every minute) and the e-mail send."""

from __future__ import annotations

from celery import shared_task

from ist.outbox import services


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def relay_outbox() -> dict[str, int]:
    """Hand what waits in the outbox to the broker; a run lost or doubled does no harm (SKIP LOCKED)."""
    return services.relay_all()


@shared_task(acks_late=True, soft_time_limit=services.SEND_TIME_LIMIT - 10, time_limit=services.SEND_TIME_LIMIT)
def send_email(message_id: int) -> bool:
    """Send one outbox e-mail, claimed first; a redelivered message finds it claimed or sent."""
    return services.email_send(message_id=message_id)
