"""Celery entry points of gallring: adapters that call the services."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import task_failure

from ist.pdf.storage import RENDER_TASK_OPTIONS
from ist.retention import extract, services

log = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=3 * 3600, time_limit=3 * 3600 + 300)
def run_retention() -> int:
    """The nightly gallring (beat "retention"). Safe to run twice or twice at once (see services)."""
    run = services.retention_run()
    return run.pk


@shared_task(**RENDER_TASK_OPTIONS, soft_time_limit=600, time_limit=660)
def build_register_extract(extract_id: int) -> bool:
    return extract.extract_build(extract_id=extract_id)


@task_failure.connect(sender=build_register_extract)
def _extract_failed(sender: object = None, args: tuple[int, ...] = (), **kwargs: object) -> None:
    """Celery sends task_failure once retries are exhausted (a retry is not a failure)."""
    if args:
        extract.extract_give_up(extract_id=int(args[0]))
