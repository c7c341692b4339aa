"""Celery entry points for stored reports: adapters that take ids and call services."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ist.outbox import services as outbox
from ist.pdf.storage import RENDER_TASK_OPTIONS
from reports import rollup, services
from reports.models import ReportFile

log = logging.getLogger(__name__)

# When a pending report's build task must have been lost (the embedded broker drops the message of
# a killed worker), so the sweep sends another: never tried after longer than a build may take (the
# time limit), or tried and failed longer ago than the retries' longest wait (30 min) plus a build.
LOST_BEFORE_FIRST_TRY = timedelta(minutes=10)
LOST_DURING_RETRIES = timedelta(hours=2)


@shared_task(**RENDER_TASK_OPTIONS, soft_time_limit=300, time_limit=360)
def build_report_file(report_id: int) -> bool:
    return services.report_build(report_id=report_id)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def sweep_reports_files() -> dict[str, int]:
    """Ask for the standard reports of the last finished periods, and send again the build task of
    every pending report whose task was lost or whose tries ended (none left in the outbox);
    building is idempotent, and one build task at a time per report is the rule (the sweep marks
    when it sent one)."""
    made = services.standard_reports_request(today=timezone.localdate())
    now = timezone.now()
    lost = ReportFile.objects.filter(status=ReportFile.Status.PENDING).filter(
        Q(build_attempts=0, queued_at__lt=now - LOST_BEFORE_FIRST_TRY) | Q(queued_at__lt=now - LOST_DURING_RETRIES)
    )
    running = outbox.in_flight(task=services.BUILD_TASK)
    ids = [pk for pk in lost.values_list("pk", flat=True) if pk not in running]
    with transaction.atomic():
        ReportFile.objects.filter(pk__in=ids).update(queued_at=now)
        for pk in ids:
            services.build_queue(report_id=pk, occasion=f"sweep-{now:%Y%m%dT%H%M%S}")
    log.info("report sweep: %d standard report(s) asked for, %d lost build(s) sent again", made, len(ids))
    return {"requested": made, "requeued": len(ids)}


@shared_task(acks_late=True, soft_time_limit=1200, time_limit=1260)
def refresh_activity_rollup() -> dict[str, int]:
    """Count the finished days whose activities changed (or were never counted) into the rollup
    that Statistik reads (reports/rollup.py)."""
    return rollup.refresh()
