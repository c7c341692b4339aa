"""Gallring through a real worker on the configured broker, and two runs at once (PostgreSQL: SKIP
LOCKED shares the work, nothing is done or logged twice)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.db import connection

from ist.retention import services
from ist.retention.extract import extract_build
from ist.retention.models import RegisterExtract, RetentionLogLine, RetentionRun
from ist.retention.tasks import build_register_extract, run_retention
from referrals.models import Referral
from tests.databases import postgresql_only, seed_reference_data
from tests.factories import ReferrerFactory, UserFactory
from tests.referrals import builders as referral_builders
from tests.retention import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OLD = date(2020, 1, 15)


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def old_drafts(n: int) -> list[int]:
    referrer = ReferrerFactory.create()
    return [builders.age_referral(referral_builders.draft(referrer), OLD).pk for _ in range(n)]


def test_nightly_task_runs_on_the_worker_and_a_second_run_removes_nothing(celery_worker, media) -> None:
    seed_reference_data()
    builders.rules_on()
    drafts = old_drafts(3)
    run_retention.delay()
    assert wait_for(lambda: RetentionRun.objects.filter(finished_at__isnull=False).exists())
    assert not Referral.objects.filter(pk__in=drafts).exists()
    first = RetentionRun.objects.get()
    assert first.lines.get(record="Remissutkast").count == 3

    run_retention.delay()
    assert wait_for(lambda: RetentionRun.objects.filter(finished_at__isnull=False).count() == 2)
    second = RetentionRun.objects.exclude(pk=first.pk).get()
    assert not second.lines.filter(record="Remissutkast").exists()


def test_register_extract_is_built_by_the_worker(celery_worker, media) -> None:
    seed_reference_data()
    admin = UserFactory.create(is_administrator=True)
    extract = services.extract_request(personnummer="198501019817", reason="Brev", by=admin, form_token=None)
    assert wait_for(lambda: RegisterExtract.objects.get(pk=extract.pk).status == RegisterExtract.Status.READY)
    extract.refresh_from_db()
    assert extract.pdf.name
    assert extract_build(extract_id=extract.pk) is False  # already built: a second task does nothing
    assert build_register_extract.name in celery_worker.app.tasks


@postgresql_only
def test_two_runs_at_once_share_the_work(media, settings) -> None:
    seed_reference_data()
    builders.rules_on()
    settings.IST_RETENTION_BATCH_SIZE = 2
    drafts = old_drafts(12)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            services.retention_run()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not Referral.objects.filter(pk__in=drafts).exists()
    lines = RetentionLogLine.objects.filter(record="Remissutkast")
    assert sum(lines.values_list("count", flat=True)) == 12  # each draft counted once, in one run
