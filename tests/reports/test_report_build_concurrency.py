"""A build that finds the report claimed by another worker storing it: it keeps nothing (PostgreSQL:
SKIP LOCKED; SQLite has no row locks), and the one that stores it stores one set of files."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from reports import services
from reports.models import ReportFile
from tests.databases import postgresql_only, seed_reference_data
from tests.reports import dataset


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_build_skips_a_report_another_worker_is_storing() -> None:
    seed_reference_data()  # the transactional database starts empty
    data = dataset.build()
    report = services.report_request(kind="quarterly", label="2026Q3", teams=[data["a"]], by=None)
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        """Holds the row lock as a worker storing its files would, until told to let go."""
        try:
            with transaction.atomic():
                ReportFile.objects.select_for_update().get(pk=report.pk)
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=other_worker)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        # Renders, then finds the row locked: SKIP LOCKED, so it neither waits nor stores.
        assert services.report_build(report_id=report.pk) is False
    finally:
        release.set()
        holder.join()
    report.refresh_from_db()
    assert (report.status, report.build_attempts, report.pdf.name) == (ReportFile.Status.PENDING, 0, "")

    # The lock released, a build stores exactly one set of files; a second finds it built.
    assert services.report_build(report_id=report.pk) is True
    assert services.report_build(report_id=report.pk) is False
    report.refresh_from_db()
    assert report.build_attempts == 1
    assert report.pdf_sha256
    assert report.xlsx_sha256
