"""Rendering through a real Celery worker on the configured broker (Redis in CI): finalising a plan
makes the worker render its PDF and tell the referrer, once."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from participants.documents import services, tasks
from participants.documents.models import Document
from tests.health.test_tasks_integration import wait_for
from tests.participants.documents import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _final(document: Document) -> bool:
    document.refresh_from_db()
    return document.status == Document.Status.FINAL


def test_finalising_renders_through_the_worker_and_tells_the_referrer_once(seeded_journey, celery_worker) -> None:
    journey = seeded_journey
    plan = builders.final_plan(journey["enrollment"], journey["handledare"])
    assert plan.status == Document.Status.PENDING
    assert wait_for(lambda: _final(plan))
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert plan.sha256 == hashlib.sha256(plan.pdf.read()).hexdigest()
    assert mail.outbox[0].to == [journey["referrer"].email]

    # Running the task again changes nothing and tells nobody again.
    stored, sha256 = plan.pdf.name, plan.sha256
    tasks.render_document.delay(plan.pk)
    time.sleep(2)  # no result backend: give the worker time to (not) act
    plan.refresh_from_db()
    assert (plan.pdf.name, plan.sha256, plan.status) == (stored, sha256, Document.Status.FINAL)
    assert len(mail.outbox) == 1


def test_the_sweep_renders_documents_left_pending(seeded_journey, celery_worker) -> None:
    journey = seeded_journey
    plan = builders.final_plan(journey["enrollment"], journey["handledare"])
    assert wait_for(lambda: _final(plan))  # the on-commit task
    report = services.document_start(
        enrollment=journey["enrollment"], kind=Document.Kind.REPORT, by=journey["handledare"]
    )
    report = builders.complete_report(report, journey["handledare"])
    # A document whose task was lost: pending for a long time, nothing queued.
    Document.objects.filter(pk=report.pk).update(
        status=Document.Status.PENDING,
        finalised_at=timezone.now() - timedelta(hours=2),
        finalised_by=journey["handledare"],
    )
    tasks.render_pending_documents.delay()
    assert wait_for(lambda: _final(report))
    assert report.sha256
