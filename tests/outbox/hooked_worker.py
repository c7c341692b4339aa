"""A real Celery worker process for the kill tests (tests/outbox/test_worker_killed.py), with one
test-only hook: with IST_TEST_HOLD=send it stops inside the SMTP conversation (the file-based e-mail
backend, before the message is written), with IST_TEST_HOLD=render after WeasyPrint rendered a
document and before it is stored; it writes IST_TEST_MARKER_DIR/reached-<point> and waits there until
the test kills it. Without IST_TEST_HOLD it is the plain worker.

Run as `python -m tests.outbox.hooked_worker` from the project root, with DATABASE_URL pointing at
the test database and CELERY_BROKER_URL at the tests' broker."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileBackend


def hold(point: str) -> None:
    if os.environ.get("IST_TEST_HOLD") != point:
        return
    (Path(os.environ["IST_TEST_MARKER_DIR"]) / f"reached-{point}").write_text(str(os.getpid()))
    while True:  # until SIGKILL
        time.sleep(0.1)


class HoldingFileBackend(FileBackend):
    def send_messages(self, email_messages: Any) -> int:
        hold("send")
        return super().send_messages(email_messages)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")
    import django

    django.setup()
    from ist.celery import app
    from participants.documents import services

    rendered = services.render_pdf

    def render_then_hold(*args: Any, **kwargs: Any) -> Any:
        result = rendered(*args, **kwargs)
        hold("render")
        return result

    services.render_pdf = render_then_hold
    queue = os.environ["IST_TEST_QUEUE"]  # the starting test process's own queue (tests/conftest.py)
    app.conf.task_default_queue = queue
    app.worker_main(["worker", "--pool=solo", "-Q", queue, "--loglevel=INFO", "--without-mingle", "--without-gossip"])


if __name__ == "__main__":
    main()
