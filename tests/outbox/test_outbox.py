"""The outbox: unique keys, the relay (broker up, broker down), the e-mail claim and its stale-claim rule,
and what an operator sees (/healthz, outbox_status, the admin)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import cast

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.transport.virtual import Channel as VirtualChannel

from ist.messaging import registry
from ist.outbox import services
from ist.outbox.models import Message
from referrals.emails import DECIDED
from tests.factories import UserFactory
from tests.referrals import builders

pytestmark = pytest.mark.django_db
Status = Message.Status
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: a real refused connection


@pytest.fixture
def referral(users):
    return builders.submitted(users["referrer"])


@pytest.fixture
def purge_test_queue():
    """Messages these tests hand to the broker are for rows that vanish with the test: drop them."""
    yield
    from ist.celery import app

    with app.connection_for_write() as conn:
        # this process's queue (tests/conftest.py)
        cast("VirtualChannel", conn.default_channel).queue_purge(app.conf.task_default_queue)


def email_row(referral, key: str = "1") -> Message:
    registry.send(DECIDED, referral.pk, key=key)
    return Message.objects.get(key=f"email:{DECIDED}:{referral.pk}:{key}")


# -- Writing ---------------------------------------------------------------------------------------


def test_enqueueing_the_same_key_twice_makes_one_row(referral) -> None:
    with transaction.atomic():
        registry.send(DECIDED, referral.pk, key=3)
        registry.send(DECIDED, referral.pk, key=3)
    registry.send(DECIDED, referral.pk, key=3)  # and again in a later transaction
    assert Message.objects.count() == 1
    row = Message.objects.get()
    assert (row.kind, row.name, row.args, row.status) == ("email", DECIDED, [referral.pk], Status.PENDING)
    registry.send(DECIDED, referral.pk, key=4)  # another occasion: another e-mail
    assert Message.objects.count() == 2


def test_a_task_row_names_a_registered_task_and_only_ids(referral) -> None:
    assert services.enqueue_task(key="k", task="reports.tasks.build_report_file", args=[7])
    assert not services.enqueue_task(key="k", task="reports.tasks.build_report_file", args=[7])
    row = Message.objects.get()
    assert (row.key, row.kind, row.name, row.args) == ("task:k", "task", "reports.tasks.build_report_file", [7])
    with pytest.raises(KeyError):
        services.enqueue_task(key="x", task="no.such.task")
    with pytest.raises(KeyError):
        registry.send("no_such_kind", 1, key=1)
    assert Message.objects.count() == 1


@transaction.atomic
def change_that_fails(referral) -> None:
    registry.send(DECIDED, referral.pk, key=1)
    raise RuntimeError("the change fails")


def test_a_row_rolled_back_with_its_change_is_not_sent(referral, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        change_that_fails(referral)
    assert callbacks == []
    assert not Message.objects.exists()


# -- Relaying ----------------------------------------------------------------------------------------


def test_the_relay_hands_each_pending_row_over_once(referral, purge_test_queue) -> None:
    first, second = email_row(referral, "1"), email_row(referral, "2")
    assert services.relay() == 2
    assert services.relay() == 0  # handed over already
    for row in (first, second):
        row.refresh_from_db()
        assert row.status == Status.RELAYED
        assert row.relayed_at is not None
        assert row.relay_attempts == 0


def test_the_relay_survives_a_broker_error_and_the_row_waits(referral, settings, purge_test_queue) -> None:
    row = email_row(referral)
    broker_url = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = CLOSED_PORT
    before = timezone.now()
    assert services.relay() == 0
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.relay_attempts == 1
    assert row.next_attempt_at > before  # backoff: not tried again at once
    assert "Error" in row.last_error
    assert services.relay() == 0
    row.refresh_from_db()
    assert row.relay_attempts == 1  # not due yet, so not tried
    # The broker is back and the row is due: it goes out, the error is cleared.
    settings.CELERY_BROKER_URL = broker_url
    Message.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert services.relay() == 1
    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.RELAYED, "")


def test_the_on_commit_attempt_never_raises_when_the_broker_is_down(
    referral, settings, django_capture_on_commit_callbacks, purge_test_queue
) -> None:
    broker_url = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = CLOSED_PORT
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        registry.send(DECIDED, referral.pk, key=1)
    assert len(callbacks) == 1
    row = Message.objects.get()
    assert (row.status, row.relay_attempts) == (Status.PENDING, 1)
    # The next write in the following seconds does not wait for the broker again; it waits for beat.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        registry.send(DECIDED, referral.pk, key=2)
    assert Message.objects.get(key__endswith=":2").relay_attempts == 0
    # Once a relay reaches the broker again, the on-commit attempts resume.
    settings.CELERY_BROKER_URL = broker_url
    assert services.relay() == 1  # the second (the first waits out its backoff)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        registry.send(DECIDED, referral.pk, key=3)
    assert Message.objects.get(key__endswith=":3").status == Status.RELAYED


def test_a_row_for_a_task_that_no_longer_exists_fails_and_does_not_block_the_others(referral, purge_test_queue) -> None:
    services.enqueue_task(key="gone", task="reports.tasks.build_report_file", args=[1])
    Message.objects.filter(key="task:gone").update(name="reports.tasks.renamed_since")
    email_row(referral)
    assert services.relay() == 1
    gone = Message.objects.get(key="task:gone")
    assert (gone.status, gone.last_error) == (Status.FAILED, "Okänt jobb: reports.tasks.renamed_since")


def test_a_relayed_row_whose_message_was_lost_is_handed_over_again(referral, purge_test_queue) -> None:
    row = email_row(referral)
    assert services.relay() == 1
    assert services.relay() == 0
    Message.objects.filter(pk=row.pk).update(relayed_at=timezone.now() - services.LOST_AFTER - timedelta(seconds=1))
    assert services.relay() == 1


# -- Sending an e-mail exactly once --------------------------------------------------------------------


def test_an_email_is_claimed_sent_and_marked_once(referral) -> None:
    row = email_row(referral)
    assert services.email_send(message_id=row.pk)
    assert not services.email_send(message_id=row.pk)  # a redelivered task: sent already
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Beslut om remiss {referral.pk}"
    row.refresh_from_db()
    assert (row.status, row.claimed_at is not None, row.done_at is not None) == (Status.DONE, True, True)


def test_an_email_claimed_by_another_worker_is_left_alone(referral) -> None:
    row = email_row(referral)
    Message.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert not services.email_send(message_id=row.pk)
    assert mail.outbox == []
    assert services.expire_claims() == (0, 0)  # a fresh claim is not stale


def test_a_mail_server_that_refuses_releases_the_claim_for_a_later_try(referral, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, False, 2
    row = email_row(referral)
    assert not services.email_send(message_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.claimed_at, row.send_errors) == (Status.PENDING, None, 1)
    assert row.next_attempt_at > timezone.now()
    assert "ConnectionRefusedError" in row.last_error
    # The eighth refusal fails it for an operator.
    Message.objects.filter(pk=row.pk).update(send_errors=services.MAX_SEND_ERRORS - 1)
    assert not services.email_send(message_id=row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED


def test_a_stale_claim_is_released_once_then_the_email_fails(referral) -> None:
    row = email_row(referral)
    dead = timezone.now() - services.CLAIM_EXPIRES - timedelta(seconds=1)
    # The worker died while sending: the claim outlives the send task's hard time limit.
    Message.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=dead)
    assert services.expire_claims() == (1, 0)
    row.refresh_from_db()
    assert (row.status, row.stale_claims, row.claimed_at) == (Status.PENDING, 1, None)
    # The one more try dies too: the e-mail is failed, not sent a third time.
    Message.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=dead)
    assert services.expire_claims() == (0, 1)
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.last_error
    assert not services.email_send(message_id=row.pk)
    assert mail.outbox == []
    # An operator who checked gives it another try.
    assert services.message_retry(message_id=row.pk)
    assert services.email_send(message_id=row.pk)
    assert len(mail.outbox) == 1


# -- What an operator sees ----------------------------------------------------------------------------


def test_healthz_and_outbox_status_show_the_backlog(client, referral) -> None:
    email_row(referral, "1")
    failed = email_row(referral, "2")
    Message.objects.filter(pk=failed.pk).update(status=Status.FAILED, last_error="SMTP 550")
    Message.objects.filter(status=Status.PENDING).update(created_at=timezone.now() - timedelta(minutes=3))
    body = client.get(reverse("healthz")).json()
    assert body["outbox_pending"] == 1
    assert 175 <= body["outbox_oldest_pending_age_s"] <= 200
    assert body["outbox_failed"] == 1
    out = io.StringIO()
    call_command("outbox_status", "--failed", stdout=out)
    text = out.getvalue()
    assert "pending: 1" in text
    assert "failed: 1" in text
    assert "SMTP 550" in text


def test_administrators_see_the_outbox_read_only_and_can_retry_a_failed_message(client, referral) -> None:
    row = email_row(referral)
    Message.objects.filter(pk=row.pk).update(status=Status.FAILED)
    client.force_login(UserFactory(is_administrator=True))
    changelist = reverse("admin:outbox_message_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    assert row.key in response.content.decode()
    assert client.get(reverse("admin:outbox_message_add")).status_code == 403
    response = client.post(changelist, {"action": "retry", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == Status.PENDING
