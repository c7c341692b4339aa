from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """The last time a background process proved it was alive (one row per source)."""

    source = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.source} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
