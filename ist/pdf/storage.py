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


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def store(field: FieldFile, name: str, content: bytes) -> str:
    """Write `content` to the file field under `name` (the row is saved by the caller, with the
    digest) and return its SHA-256, the one recorded beside the file and checked before every
    download. The one way documents, reports and register extracts store what they built."""
    from django.core.files.base import ContentFile

    field.save(name, ContentFile(content), save=False)
    return sha256_of(content)


def read_verified(field: FieldFile, sha256: str) -> bytes | None:
    """The stored file's bytes if they are the ones recorded (`sha256`), else None (changed since:
    never served). Read once and served from memory, so the bytes checked are the bytes sent even if
    the file is replaced meanwhile. FileNotFoundError passes through."""
    with field.open("rb") as stored:
        content = stored.read()
    return content if sha256_of(content) == sha256 else None
