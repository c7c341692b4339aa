"""Login, lockout, logout, password reset and session expiry."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reset_mail_now(monkeypatch):
    """The reset e-mail is the worker's job (tests/login/test_password_reset.py proves it through a
    real worker); here it is built and sent at once, so these tests can follow the link."""
    from ist.login import reset
    from ist.messaging import registry

    monkeypatch.setattr(reset, "send", lambda kind, object_id, *, key: registry.deliver(kind, object_id))


def login(client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_login_with_email_lands_on_the_start_page(client) -> None:
    user = UserFactory.create()
    response = login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home:start")


def test_wrong_password_gives_a_swedish_message_and_keeps_the_email(client) -> None:
    user = UserFactory.create()
    response = login(client, user.email, "fel-losenord")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Fel e-postadress eller lösenord." in content
    assert f'value="{user.email}"' in content


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client) -> None:
    user = UserFactory.create()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.email, "fel-losenord")
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Kontot är tillfälligt låst" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_for_everyone(client) -> None:
    victim, other = UserFactory.create(), UserFactory.create()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, victim.email, "fel-losenord")
    # a colleague on the same network is not refused because of the locked account
    response = client.post(reverse("login"), {"username": other.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 302


def test_logout_requires_post_and_ends_the_session(client) -> None:
    client.force_login(UserFactory.create())
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home:start")).status_code == 302


def test_everything_but_login_pages_requires_login(client) -> None:
    response = client.get(reverse("home:start"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_an_htmx_request_without_a_session_is_sent_to_the_login_page_as_a_whole_page(client) -> None:
    # e.g. a polled report row after the session ended: htmx must not swap the login form into the row
    url = reverse("reports:report_row", args=["quarterly", "2026Q3"])
    page = "http://testserver/rapporter/?x=1"
    response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page)
    assert response.status_code == 204
    # back to the page the user was on, not to the fragment
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/rapporter/%3Fx%3D1"
    assert response.content == b""
    # a current URL on another site is not followed
    elsewhere = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://evil.example/")
    assert elsewhere["HX-Redirect"] == f"{reverse('login')}?next={url}"
    # a plain request is Django's redirect, as before
    assert client.get(url).url == f"{reverse('login')}?next={url}"


def test_password_reset_by_email(client) -> None:
    user = UserFactory.create()
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Nytt lösenord till IST Halland"
    link = re.findall(r"https?://[^/\s]+(/konto/reset/\S+/)", str(message.body))[0]
    form_page = client.get(link, follow=True)
    assert "Välj nytt lösenord" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "ett-nytt-langt-losen-9", "new_password2": "ett-nytt-langt-losen-9"})
    assert done.status_code == 302
    assert login(client, user.email, "ett-nytt-langt-losen-9").status_code == 302


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client) -> None:
    response = client.post(reverse("password_reset"), {"email": "ingen@test.example"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_mismatch_is_explained_in_swedish(client) -> None:
    user = UserFactory.create()
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.findall(r"https?://[^/\s]+(/konto/reset/\S+/)", str(mail.outbox[0].body))[0]
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "ett-nytt-langt-losen-9", "new_password2": "annat-losen-9"})
    assert "De två lösenordsfälten" in response.content.decode()


def test_each_request_renews_the_30_minute_idle_limit(client) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(UserFactory.create())
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=2))
    assert client.get(reverse("home:start")).status_code == 200
    remaining = Session.objects.get(pk=key).expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_idle_session_is_refused(client) -> None:
    client.force_login(UserFactory.create())
    session = client.session
    session.set_expiry(-1)  # as if 30 minutes had passed without a request
    session.save()
    assert client.get(reverse("home:start")).status_code == 302


def test_changing_letter_case_does_not_dodge_the_lockout(client) -> None:
    user = UserFactory.create()
    for i in range(settings.AXES_FAILURE_LIMIT):
        spelled = user.email.upper() if i % 2 else user.email
        client.post(reverse("login"), {"username": spelled, "password": "fel"}, REMOTE_ADDR=f"10.0.1.{i}")
    response = client.post(
        reverse("login"), {"username": user.email.title(), "password": PASSWORD}, REMOTE_ADDR="10.0.2.1"
    )
    assert response.status_code == 429


def test_a_completed_password_reset_lifts_the_lockout(client) -> None:
    user = UserFactory.create()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.email, "fel-losenord")
    assert login(client, user.email, PASSWORD).status_code == 429
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.findall(r"https?://[^/\s]+(/konto/reset/\S+/)", str(mail.outbox[0].body))[0]
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "ett-nytt-langt-losen-9", "new_password2": "ett-nytt-langt-losen-9"})
    assert login(client, user.email, "ett-nytt-langt-losen-9").status_code == 302


def test_lockout_page_tells_how_long_in_minutes(client) -> None:
    user = UserFactory.create()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = login(client, user.email, "fel-losenord")
    assert "Försök igen om 15 minuter" in response.content.decode()


def test_interface_is_swedish_even_for_an_english_browser(client) -> None:
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="sv">' in response.content.decode()
    assert "Lösenord" in response.content.decode()


def test_english_when_the_user_chooses_it(client) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    assert "Password" in response.content.decode()
