"""Stored files served as they were recorded: the SHA-256 of a file in storage, and the Celery options
of every task that renders one."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

CHUNK = 64 * 1024

# Every task that renders a stored PDF (documents, periodic reports): acknowledged late, so a killed
# worker's task runs again; a failure is retried with backoff while the object stays pending. Each
# task sets its own time limits (a report of all teams takes longer than one document).
RENDER_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


def stored_sha256(field: FieldFile) -> str:
    """The SHA-256 of the stored file, read in chunks: checked before every download, so the bytes
    served are the ones recorded when the file was made."""
    digest = hashlib.sha256()
    with field.open("rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
