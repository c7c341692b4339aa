from __future__ import annotations

import pytest
from django.urls import reverse

from ist.health.models import Heartbeat
from ist.health.services import heartbeat_record

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_unhealthy_when_the_broker_does_not_answer(client, settings) -> None:
    # A port where nothing listens: a real failed connection, not a mock.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "database": "ok",
        "broker": "fail",
        "worker_heartbeat_age_s": None,
        "outbox_pending": 0,
        "outbox_oldest_pending_age_s": None,
        "outbox_failed": 0,
    }


def test_reports_the_worker_heartbeat_age(client) -> None:
    heartbeat_record()
    heartbeat_record()  # an upsert: still one row
    assert Heartbeat.objects.count() == 1
    assert client.get(reverse("healthz")).json()["worker_heartbeat_age_s"] == 0
