"""Stored files: their SHA-256 read back from storage, and the options every render task shares."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile

from ist.pdf.storage import CHUNK, stored_sha256
from participants.documents.models import Document
from participants.documents.tasks import render_document
from reports.tasks import build_report_file


def test_stored_sha256_reads_a_file_larger_than_one_chunk() -> None:
    content = b"%PDF-1.7 " + bytes(range(256)) * (CHUNK // 256 + 3)
    name = default_storage.save("tests/sha256-check.pdf", ContentFile(content))
    try:
        field = FieldFile(Document(), Document._meta.get_field("pdf"), name)
        assert stored_sha256(field) == hashlib.sha256(content).hexdigest()
    finally:
        default_storage.delete(name)


@pytest.mark.parametrize("task", [render_document, build_report_file])
def test_every_render_task_is_acknowledged_late_retried_and_time_limited(task) -> None:
    assert task.acks_late
    assert task.autoretry_for == (Exception,)
    assert task.max_retries == 8
    assert task.retry_backoff
    assert 0 < task.soft_time_limit < task.time_limit
