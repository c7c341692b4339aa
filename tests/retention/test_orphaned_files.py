"""`manage.py orphaned_files`: files in storage that no row of any model references."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command

from ist.retention import files
from referrals.models import Referral
from reports.models import ReportFile
from tests.referrals import builders as referral_builders
from tests.retention import builders

pytestmark = pytest.mark.django_db


def test_every_file_field_is_enumerated() -> None:
    fields = {(model._meta.label, name) for model, name in files.file_fields()}
    assert ("referrals.Referral", "attachment") in fields
    assert ("participants.Document", "pdf") in fields
    assert ("participants.Document", "signed_copy") in fields
    assert ("reports.ReportFile", "pdf") in fields
    assert ("reports.ReportFile", "xlsx") in fields
    assert ("retention.RegisterExtract", "pdf") in fields


def make_old(path) -> None:
    old = time.time() - 3 * 86400
    os.utime(path, (old, old))


def test_lists_and_deletes_only_old_files_no_row_references(media, users) -> None:
    kept = builders.with_scan(referral_builders.draft(users["referrer"]))
    orphan = media / "documents" / "pdf" / "2025" / "gammal.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF-1.4 ingen post")
    fresh = media / "reports" / "2026" / "nyss.pdf"
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(b"%PDF-1.4 en rapport som sparas strax")
    make_old(orphan)
    make_old(media / kept.attachment.name)

    out = io.StringIO()
    call_command("orphaned_files", stdout=out)
    listed = out.getvalue()
    assert "documents/pdf/2025/gammal.pdf" in listed
    assert kept.attachment.name not in listed
    assert "nyss.pdf" not in listed  # younger than a day: may belong to a task about to save its row
    assert "1 fil(er) utan post" in listed
    assert orphan.exists()  # listing removes nothing

    call_command("orphaned_files", "--delete", stdout=io.StringIO())
    assert not orphan.exists()
    assert (media / kept.attachment.name).exists()
    assert fresh.exists()
    assert Referral.objects.filter(pk=kept.pk).exists()

    out = io.StringIO()
    call_command("orphaned_files", "--min-age-hours", "0", stdout=out)
    assert "reports/2026/nyss.pdf" in out.getvalue()
    assert not ReportFile.objects.exists()


def test_no_media_folder_is_no_orphans(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "finns-inte")
    assert files.orphans(min_age=timedelta(0)) == []
