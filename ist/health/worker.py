"""Is the background worker alive? Read from the heartbeat that beat sends and the worker stores.

Beat sends `record_heartbeat` every minute (CELERY_BEAT_SCHEDULE); a heartbeat older than
IST_WORKER_SILENT_AFTER_S (two minutes) means worker or beat has stopped, or the broker between
them. A web process that has never seen one waits IST_WORKER_STARTUP_GRACE_S after it started
before it calls the worker silent: a fresh installation's first heartbeat comes about a minute
after beat starts (docs/decisions/0014-embedded-broker.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.utils import timezone

from ist.health.models import Heartbeat

WORKER = "worker"
# When this process started (imported by HealthConfig.ready).
PROCESS_STARTED = time.monotonic()
PROCESS_STARTED_AT = timezone.now()


@dataclass(frozen=True)
class WorkerStatus:
    state: Literal["ok", "starting", "silent"]
    last_beat: datetime | None
    # Since when nothing has been heard: the last heartbeat, or this process's start.
    silent_since: datetime | None

    @property
    def silent(self) -> bool:
        return self.state == "silent"

    def age_seconds(self, now: datetime) -> int | None:
        return round((now - self.last_beat).total_seconds()) if self.last_beat else None


def worker_status(*, now: datetime) -> WorkerStatus:
    """One query: the worker's heartbeat."""
    last_beat = Heartbeat.objects.filter(source=WORKER).values_list("beat_at", flat=True).first()
    if last_beat is not None:
        silent = now - last_beat > timedelta(seconds=settings.IST_WORKER_SILENT_AFTER_S)
        return WorkerStatus(state="silent" if silent else "ok", last_beat=last_beat, silent_since=last_beat)
    if time.monotonic() - PROCESS_STARTED > settings.IST_WORKER_STARTUP_GRACE_S:
        return WorkerStatus(state="silent", last_beat=None, silent_since=PROCESS_STARTED_AT)
    return WorkerStatus(state="starting", last_beat=None, silent_since=None)
