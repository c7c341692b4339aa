from __future__ import annotations

from django.utils import timezone

from ist.health.models import Heartbeat
from ist.health.worker import WORKER


def heartbeat_record(*, source: str = WORKER) -> None:
    """Upsert the source's heartbeat: running it twice leaves one row."""
    Heartbeat.objects.update_or_create(source=source, defaults={"beat_at": timezone.now()})
