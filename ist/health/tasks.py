"""Housekeeping tasks on the beat schedule of ist/settings.py."""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.sessions.backends.db import SessionStore

from ist.health.services import heartbeat_record

log = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=25, time_limit=30)
def record_heartbeat() -> None:
    heartbeat_record()


@shared_task(acks_late=True, soft_time_limit=270, time_limit=300)
def clear_expired_sessions() -> None:
    SessionStore.clear_expired()
    log.info("clear_expired_sessions: done")
