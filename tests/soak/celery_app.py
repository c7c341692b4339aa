"""The project's Celery app as `make run` starts it, plus what the soak counts with.

Worker and beat of the soak run `celery -A tests.soak.celery_app`: the same app object, settings,
broker and beat schedule as `celery -A ist`, with one more task (`record`) and one more beat entry
that sends it every second.
"""

from __future__ import annotations

import os
import sqlite3

from ist.celery import app

RESULTS = os.environ.get("IST_SOAK_RESULTS", "")


def results_connection() -> sqlite3.Connection:
    connection = sqlite3.connect(RESULTS, timeout=30)
    connection.execute("CREATE TABLE IF NOT EXISTS done (key TEXT NOT NULL, task_id TEXT NOT NULL, pid INTEGER)")
    return connection


@app.task(name="soak.record", bind=True, acks_late=True)
def record(self, key: str) -> None:
    """Append the message's key and task id: each processed message leaves exactly one row."""
    with results_connection() as connection:
        connection.execute("INSERT INTO done VALUES (?, ?, ?)", (key, self.request.id, os.getpid()))
    connection.close()


app.conf.beat_schedule = {
    **app.conf.beat_schedule,
    "soak-tick": {"task": "soak.record", "schedule": 1.0, "args": ("beat",)},
}
