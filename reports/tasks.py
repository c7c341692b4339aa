"""Celery entry points for stored reports: adapters that take ids and call services."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ist.pdf.storage import RENDER_TASK_OPTIONS
from reports import services
from reports.models import ReportFile

log = logging.getLogger(__name__)

# A pending report older than this whose task was lost (the embedded broker drops the message of a
# killed worker) is queued again by the sweep.
STUCK_AFTER = timedelta(minutes=5)


@shared_task(**RENDER_TASK_OPTIONS)  # a build failure is retried; the report stays pending meanwhile
def build_report_file(report_id: int) -> bool:
    return services.report_build(report_id=report_id)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def sweep_reports_files() -> dict[str, int]:
    """Ask for the standard reports of the last finished periods, and queue again every pending
    report that has waited too long; building is idempotent."""
    made = services.standard_reports_request(today=timezone.localdate())
    stuck = list(
        ReportFile.objects.filter(
            status=ReportFile.Status.PENDING, requested_at__lt=timezone.now() - STUCK_AFTER
        ).values_list("pk", flat=True)
    )
    for pk in stuck:
        build_report_file.delay(pk)
    log.info("report sweep: %d standard report(s) asked for, %d pending queued again", made, len(stuck))
    return {"requested": made, "requeued": len(stuck)}
