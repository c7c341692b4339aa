"""Stored reports through a real Celery worker on the configured broker (Redis in CI): a request is
built by the worker, and the sweep builds the standard reports and the ones whose task was lost."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from reports import services, tasks
from reports.models import ReportFile
from teams.models import Team
from tests.databases import seed_reference_data
from tests.health.test_tasks_integration import wait_for
from tests.reports import dataset

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _ready(report: ReportFile) -> bool:
    report.refresh_from_db()
    return report.status == ReportFile.Status.READY


def test_a_requested_report_is_built_by_the_worker(celery_worker) -> None:
    seed_reference_data()  # the transactional database starts empty
    data = dataset.build()
    report = services.report_request(kind="halfyear", label="2026H1", teams=[data["a"]], by=data["staff"])
    assert wait_for(lambda: _ready(report))
    assert report.pdf_sha256 == hashlib.sha256(report.pdf.read()).hexdigest()
    assert report.xlsx_sha256 == hashlib.sha256(report.xlsx.read()).hexdigest()


def test_the_sweep_builds_the_standard_reports_and_the_lost_ones(celery_worker) -> None:
    seed_reference_data()  # the transactional database starts empty
    data = dataset.build()
    lost = ReportFile.objects.create(
        kind="quarterly",
        label="2025Q1",
        teams_key=str(data["b"].pk),
        scope="IST Varberg",
        requested_at=timezone.now() - timedelta(hours=1),
        queued_at=timezone.now() - timedelta(hours=1),
    )  # a request whose task the broker lost: nothing is queued for it
    tasks.sweep_reports_files.delay()
    standard = 2 * (1 + Team.objects.filter(active=True).count())
    assert wait_for(lambda: ReportFile.objects.filter(status=ReportFile.Status.READY).count() == standard + 1, 90)
    assert _ready(lost)
