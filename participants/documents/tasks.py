"""Celery entry points for documents: adapters that take ids and call services."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ist.pdf.storage import RENDER_TASK_OPTIONS
from participants.documents import services
from participants.documents.models import Document

log = logging.getLogger(__name__)

# A pending document older than this whose task was lost (the embedded broker drops the message
# of a killed worker) is queued again by the sweep.
STUCK_AFTER = timedelta(minutes=5)


@shared_task(**RENDER_TASK_OPTIONS, soft_time_limit=120, time_limit=180)
def render_document(document_id: int) -> bool:
    return services.document_render(document_id=document_id)


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def render_pending_documents() -> int:
    """Queue every document that has waited too long for its PDF; rendering is idempotent."""
    ids = list(
        Document.objects.filter(
            status=Document.Status.PENDING, finalised_at__lt=timezone.now() - STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        render_document.delay(pk)
    log.info("render sweep: %d pending document(s) queued", len(ids))
    return len(ids)
