"""What /healthz asks: does the database answer, does the broker answer."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from ist.celery import app as celery_app


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


def broker_ok() -> bool:
    try:
        # The URL and transport from settings, which the tests can override (Celery's own
        # configuration lets an environment variable win over everything).
        with celery_app.connection_for_write(
            settings.CELERY_BROKER_URL, transport=settings.CELERY_BROKER_TRANSPORT
        ) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            # Connecting to Redis is a round trip; the embedded broker's "connection" opens no
            # file, so it is asked to read its own.
            ping = getattr(conn.default_channel, "ping", None)
            if ping is not None:
                ping()
            return True
    except Exception:  # noqa: BLE001
        return False
