"""Password reset: queued for the worker, the same for known and unknown addresses, limited."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ist.login.models import PasswordResetRequest
from ist.login.reset import KIND
from ist.messaging import registry
from tests.factories import UserFactory


def ask(client, email: str, ip: str = "10.1.1.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_the_request_queues_the_mail_and_sends_nothing_itself(client, django_capture_on_commit_callbacks) -> None:
    user = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = ask(client, user.email.upper())
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []  # no SMTP work in the request
    assert len(queued) == 1  # one job for the worker, after commit

    # What the worker does with it: the link made at send time works.
    row = PasswordResetRequest.objects.get()
    assert registry.deliver(KIND, row.pk) == 1
    assert mail.outbox[0].to == [user.email]
    link = re.findall(r"https?://[^/\s]+(/konto/reset/\S+/)", str(mail.outbox[0].body))[0]
    assert "Välj nytt lösenord" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(
    client, django_capture_on_commit_callbacks
) -> None:
    user = UserFactory.create()
    answers, counts, jobs = [], [], []
    for email, ip in ((user.email, "10.1.1.1"), ("ingen@test.example", "10.1.1.2")):
        with django_capture_on_commit_callbacks(execute=False) as queued, CaptureQueriesContext(connection) as queries:
            response = ask(client, email, ip)
        answers.append((response.status_code, response.url))
        counts.append(len(queries))
        jobs.append(len(queued))
    assert answers[0] == answers[1]
    assert counts[0] == counts[1]  # nothing in the request looks the address up
    assert jobs == [1, 1]
    # the worker finds no account for the unknown address and sends nothing
    unknown = PasswordResetRequest.objects.get(email="ingen@test.example")
    assert registry.deliver(KIND, unknown.pk) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_deactivated_accounts_get_no_reset_mail(client) -> None:
    user = UserFactory.create(is_active=False)
    ask(client, user.email)
    assert registry.deliver(KIND, PasswordResetRequest.objects.get().pk) == 0


@pytest.mark.django_db
def test_at_most_three_mails_per_address_an_hour(client, settings, django_capture_on_commit_callbacks) -> None:
    user = UserFactory.create()
    jobs = []
    for i in range(5):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = ask(client, user.email, ip=f"10.2.0.{i}")
        assert response.url == reverse("password_reset_done")  # the same answer past the limit
        jobs.append(len(queued))
    assert jobs == [1, 1, 1, 0, 0]
    assert settings.IST_PASSWORD_RESET_PER_ADDRESS == 3


@pytest.mark.django_db
def test_at_most_ten_requests_per_client_address_an_hour(client, django_capture_on_commit_callbacks) -> None:
    jobs = []
    for i in range(12):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            ask(client, f"person{i}@test.example", ip="10.3.0.1")
        jobs.append(len(queued))
    assert jobs == [1] * 10 + [0, 0]
    # another client is not held back by it
    with django_capture_on_commit_callbacks(execute=False) as queued:
        ask(client, "person0@test.example", ip="10.3.0.2")
    assert len(queued) == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_reset_mail(client, celery_worker) -> None:
    user = UserFactory.create()
    ask(client, user.email)
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert mail.outbox[0].subject == "Nytt lösenord till IST Halland"
