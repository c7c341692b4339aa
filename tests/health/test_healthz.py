from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ist.health.models import Heartbeat
from ist.health.services import heartbeat_record

pytestmark = pytest.mark.django_db


def beat_ago(seconds: int) -> None:
    Heartbeat.objects.update_or_create(
        source="worker", defaults={"beat_at": timezone.now() - timedelta(seconds=seconds)}
    )


def test_healthy_when_database_broker_and_worker_answer(client) -> None:
    heartbeat_record()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body.pop("worker_heartbeat_age_s") < 10  # seconds since heartbeat_record(), on a busy machine
    assert body == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "outbox_pending": 0,
        "outbox_oldest_pending_age_s": None,
        "outbox_failed": 0,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_unhealthy_when_the_broker_does_not_answer(client, settings) -> None:
    # A port where nothing listens: a real failed connection, not a mock.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    heartbeat_record()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body.pop("worker_heartbeat_age_s") < 10
    assert body == {
        "status": "fail",
        "database": "ok",
        "broker": "fail",
        "worker": "ok",
        "outbox_pending": 0,
        "outbox_oldest_pending_age_s": None,
        "outbox_failed": 0,
    }


def test_reports_the_worker_heartbeat_age(client) -> None:
    heartbeat_record()
    heartbeat_record()  # an upsert: still one row
    assert Heartbeat.objects.count() == 1
    beat_ago(90)
    assert 90 <= client.get(reverse("healthz")).json()["worker_heartbeat_age_s"] < 100


def test_a_heartbeat_older_than_two_minutes_is_a_silent_worker_and_503(client) -> None:
    beat_ago(100)
    assert client.get(reverse("healthz")).status_code == 200
    beat_ago(121)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["worker"] == "silent"
    assert response.json()["worker_heartbeat_age_s"] >= 121


def test_no_heartbeat_yet_is_starting_within_the_grace_and_silent_after_it(client, settings) -> None:
    settings.IST_WORKER_STARTUP_GRACE_S = 10**9  # this process has just started
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["worker"] == "starting"
    assert response.json()["worker_heartbeat_age_s"] is None

    settings.IST_WORKER_STARTUP_GRACE_S = 0  # the grace is over and no worker ever answered
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["worker"] == "silent"


def test_the_embedded_broker_is_asked_for_real(client, settings, tmp_path) -> None:
    """The embedded broker's connection opens no file: /healthz must read it to call it ok."""
    heartbeat_record()
    settings.CELERY_BROKER_TRANSPORT = "ist.embedded_broker:Transport"
    settings.CELERY_BROKER_URL = f"sqlite:///{tmp_path / 'broker.sqlite3'}"
    assert client.get(reverse("healthz")).json()["broker"] == "ok"
    assert (tmp_path / "broker.sqlite3").exists()

    settings.CELERY_BROKER_URL = f"sqlite:///{tmp_path / 'missing-directory' / 'broker.sqlite3'}"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "fail"
