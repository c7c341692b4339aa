"""Celery entry points for documents: adapters that take ids and call services."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from ist.outbox import services as outbox
from ist.pdf.storage import RENDER_TASK_OPTIONS
from participants.documents import services
from participants.documents.models import Document

log = logging.getLogger(__name__)

# A pending document older than this with no render task left in the outbox is queued again.
STUCK_AFTER = timedelta(minutes=5)


@shared_task(**RENDER_TASK_OPTIONS, soft_time_limit=120, time_limit=180)
def render_document(document_id: int) -> bool:
    return services.document_render(document_id=document_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def render_pending_documents() -> int:
    """Queue again every document that has waited too long for its PDF and has no render task in
    the outbox still to finish (its tries failed, or it was finalised before the outbox): one chain
    of tries at a time per document. A lost message is the outbox's to hand over again."""
    now = timezone.now()
    running = outbox.in_flight(task=services.RENDER_TASK)
    ids = [
        pk
        for pk in Document.objects.filter(
            status=Document.Status.PENDING, finalised_at__lt=now - STUCK_AFTER
        ).values_list("pk", flat=True)
        if pk not in running
    ]
    with transaction.atomic():
        for pk in ids:
            services.render_queue(document_id=pk, occasion=f"sweep-{now:%Y%m%dT%H%M}")
    log.info("render sweep: %d pending document(s) queued", len(ids))
    return len(ids)
