"""Two workers building the same report at once: one builds, the other finds it claimed
(PostgreSQL: SKIP LOCKED)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from reports import services
from reports.models import ReportFile
from tests.databases import postgresql_only, seed_reference_data
from tests.reports import dataset


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_builds_make_one_set_of_files() -> None:
    seed_reference_data()  # the transactional database starts empty
    data = dataset.build()
    report = services.report_request(kind="quarterly", label="2026Q3", teams=[data["a"]], by=None)
    start = threading.Barrier(2)
    results: list[bool] = []

    def build() -> None:
        start.wait()
        try:
            results.append(services.report_build(report_id=report.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    report.refresh_from_db()
    assert report.status == ReportFile.Status.READY
    assert report.build_attempts == 1
