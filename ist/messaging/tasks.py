"""Messages queued by the version before the outbox (ist/outbox): routed into it, once per task."""

from __future__ import annotations

from celery import Task, shared_task

from ist.outbox.services import enqueue_email


@shared_task(bind=True, acks_late=True, soft_time_limit=20, time_limit=30)
def send_notification(self: Task, kind: str, object_id: int) -> bool:
    """Left for messages still in the broker after an upgrade; nothing new sends this task."""
    return enqueue_email(key=f"legacy:{self.request.id}", kind=kind, object_id=object_id)
