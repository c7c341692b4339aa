"""Periodic tasks through a real worker on the configured broker (Redis in CI)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from ist.celery import app as celery_app
from ist.health.models import Heartbeat
from ist.health.tasks import clear_expired_sessions, record_heartbeat

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_every_beat_entry_names_a_registered_task() -> None:
    from django.conf import settings

    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks


def test_heartbeat_task_runs_on_the_real_worker_and_twice_is_harmless(celery_worker) -> None:
    record_heartbeat.delay()
    assert wait_for(lambda: Heartbeat.objects.filter(source="worker").exists())
    first = Heartbeat.objects.get(source="worker").beat_at
    record_heartbeat.delay()
    assert wait_for(lambda: Heartbeat.objects.get(source="worker").beat_at > first)
    assert Heartbeat.objects.count() == 1


def test_expired_sessions_are_cleared_by_the_worker(celery_worker) -> None:
    now = timezone.now()
    Session.objects.create(session_key="old" * 10, session_data="x", expire_date=now - timedelta(days=1))
    Session.objects.create(session_key="new" * 10, session_data="x", expire_date=now + timedelta(days=1))
    clear_expired_sessions.delay()
    assert wait_for(lambda: not Session.objects.filter(session_key="old" * 10).exists())
    assert Session.objects.filter(session_key="new" * 10).exists()
