"""A real worker process (`celery worker` on Redis, against the test database) killed with SIGKILL while
it sends an e-mail or renders a PDF, then started again: every e-mail goes out exactly once and every
document ends final with exactly one PDF. The worker holds at the right moment through a test-only
hook (tests/outbox/hooked_worker.py); e-mail is written by the file-based backend, one file per
message, so the test counts what was sent across processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from kombu.transport.virtual import Channel as VirtualChannel

from ist.celery import app as celery_app
from ist.outbox import services as outbox
from ist.outbox.models import Message
from participants.documents.models import Document
from referrals import services as referral_services
from referrals.models import AgendaItem
from teams.demo import seed_organisation
from teams.models import Membership
from tests.databases import postgresql_only
from tests.factories import ReferrerFactory, member
from tests.health.test_tasks_integration import wait_for
from tests.participants.documents import builders as document_builders
from tests.referrals import builders

pytestmark = [pytest.mark.integration, postgresql_only, pytest.mark.django_db(transaction=True)]
Status = Message.Status
ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def workers(tmp_path: Path, settings) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start worker processes on the test database; every one still running is killed at the end."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "mail").mkdir()
    queue = celery_app.conf.task_default_queue  # this test process's own queue (tests/conftest.py)
    with celery_app.connection_for_write() as conn:  # nothing from earlier tests reaches them
        cast("VirtualChannel", conn.default_channel).queue_declare(queue=queue, durable=True, auto_delete=False)
        cast("VirtualChannel", conn.default_channel).queue_purge(queue)
    started: list[subprocess.Popen] = []

    def start(hold: str = "") -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
            "EMAIL_BACKEND": "tests.outbox.hooked_worker.HoldingFileBackend",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "IST_TEST_MARKER_DIR": str(tmp_path),
            "IST_TEST_HOLD": hold,
            "IST_TEST_QUEUE": queue,
        }
        log = (tmp_path / f"worker-{len(started)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.outbox.hooked_worker"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


# Django's file backend ends every message with this line (console.EmailBackend.write_message).
END_OF_MESSAGE = b"-" * 79 + b"\n"


def mails(tmp_path: Path) -> list[Path]:
    """The e-mails the workers have written whole. The file backend creates a message's file before
    it writes the message, so a file listed the moment it appears may still be empty."""
    return sorted(path for path in (tmp_path / "mail").iterdir() if path.read_bytes().endswith(END_OF_MESSAGE))


def test_a_worker_killed_while_sending_then_restarted_sends_the_email_once(workers, tmp_path) -> None:
    seed_organisation()
    referrer, coordinator = ReferrerFactory.create(), member(Membership.Role.KOORDINATOR)
    # A meeting held yesterday: a new one ahead would also e-mail the team its invite (issue 18).
    meeting = builders.meeting(coordinator, days_ahead=-1)
    item = builders.on_agenda(builders.submitted(referrer), meeting, coordinator)
    referral_services.agenda_decide(item=item, decision=AgendaItem.Decision.REJECT, reasoning="Nej.", by=coordinator)
    message = Message.objects.get(kind=Message.Kind.EMAIL)
    assert message.status == Status.RELAYED  # handed over on commit

    first = workers(hold="send")
    assert wait_for(lambda: (tmp_path / "reached-send").exists(), timeout=90)
    message.refresh_from_db()
    assert message.status == Status.SENDING  # claimed, in the middle of the SMTP conversation
    kill(first)
    assert mails(tmp_path) == []

    workers()
    # The dead worker's claim outlives the send task's hard time limit: the relay releases it for one
    # more try and hands it over.
    Message.objects.filter(pk=message.pk).update(
        claimed_at=timezone.now() - outbox.CLAIM_EXPIRES - timedelta(seconds=1)
    )
    assert outbox.relay_all() == {"relayed": 1, "released": 1, "failed": 0}
    assert wait_for(lambda: len(mails(tmp_path)) == 1, timeout=90)
    assert wait_for(lambda: Message.objects.get(pk=message.pk).status == Status.DONE)
    # The killed worker's own message, redelivered at last, finds it sent.
    from ist.outbox.tasks import send_email

    send_email.delay(message.pk)
    assert not wait_for(lambda: len(mails(tmp_path)) > 1, timeout=5)
    assert f"Beslut om remiss {item.referral_id}" in mails(tmp_path)[0].read_text()


def test_a_worker_killed_while_rendering_then_restarted_makes_one_pdf_and_one_email(
    workers, tmp_path, seeded_journey
) -> None:
    journey = seeded_journey
    plan = document_builders.final_plan(journey["enrollment"], journey["handledare"])
    render = Message.objects.get(key=f"task:render-document:{plan.pk}:finalised")

    first = workers(hold="render")
    assert wait_for(lambda: (tmp_path / "reached-render").exists(), timeout=90)
    kill(first)
    told_before = mails(tmp_path)  # the journey's own e-mails, sent by the first worker
    plan.refresh_from_db()
    assert plan.status == Document.Status.PENDING
    assert Message.objects.get(pk=render.pk).status == Status.RELAYED

    workers()
    # No sign of life from the killed task for longer than any task may run: its message is lost
    # (Redis gives it back only after the visibility timeout), so the relay hands it over again.
    lost = timezone.now() - outbox.LOST_AFTER - timedelta(seconds=1)
    Message.objects.filter(pk=render.pk).update(relayed_at=lost)
    assert outbox.relay_all()["relayed"] == 1
    assert wait_for(lambda: Document.objects.get(pk=plan.pk).status == Document.Status.FINAL, timeout=90)
    assert wait_for(lambda: len(mails(tmp_path)) == len(told_before) + 1, timeout=60)  # the referrer, once
    [told] = set(mails(tmp_path)) - set(told_before)
    assert "Handlingsplan" in told.read_text()
    assert wait_for(lambda: Message.objects.get(pk=render.pk).status == Status.DONE)
    pdfs = list((tmp_path / "media" / "documents").rglob("*.pdf"))  # the journey's kallelse is in letters/
    assert len(pdfs) == 1
    plan.refresh_from_db()
    assert Path(plan.pdf.path) == pdfs[0]
    assert not wait_for(lambda: len(mails(tmp_path)) > len(told_before) + 1, timeout=3)
