"""Sessions: absolute lifetime, keep-alive, no caching of personal data, nothing typed lost,
Loggkontroll reads logged, and a deactivated user told so after the right password."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from ist.login.sessions import STARTED
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def test_every_answer_to_a_logged_in_user_is_no_store(client, journey) -> None:
    client.force_login(journey["handledare"])
    for url in (reverse("home:start"), reverse("participants:detail", args=[journey["enrollment"].pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_static_files_stay_cacheable(client) -> None:
    client.force_login(UserFactory.create())
    response = client.get("/static/js/session.js")
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, settings) -> None:
    client.force_login(UserFactory.create())
    assert client.get(reverse("home:start")).status_code == 200
    session = client.session
    session[STARTED] = int(time.time()) - settings.IST_SESSION_MAX_SECONDS - 1
    session.save()
    response = client.get(reverse("home:start"), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=/"
    assert "Du har varit inloggad i 10 timmar" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_keepalive_renews_the_idle_limit(client) -> None:
    client.force_login(UserFactory.create())
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("signin:keepalive")).status_code == 204
    assert Session.objects.get(pk=key).expire_date - timezone.now() > timedelta(minutes=29)


def _end_session_by_idleness(client) -> None:
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))


def test_a_form_sent_after_the_session_ended_comes_back_after_logging_in(client) -> None:
    user = member("handledare")
    client.force_login(user)
    _end_session_by_idleness(client)
    form_url = reverse("reminders:preferences")
    typed = {"note": "En lång text som tog en halvtimme att skriva, med å ä ö.", "kinds": ["a", "b"]}
    response = client.post(form_url, typed)
    assert response.url == f"{reverse('login')}?next={reverse('signin:restore')}"

    login = client.post(
        f"{reverse('login')}?next={reverse('signin:restore')}",
        {"username": user.email, "password": PASSWORD, "next": reverse("signin:restore")},
    )
    assert login.url == reverse("signin:restore")
    page = client.get(login.url).content.decode()
    assert f'action="{form_url}"' in page
    assert 'name="note" value="En lång text som tog en halvtimme att skriva, med å ä ö."' in page
    assert 'name="kinds" value="a"' in page
    assert 'name="kinds" value="b"' in page

    discarded = client.post(reverse("signin:restore"))
    assert discarded.url == reverse("home:start")
    assert client.get(reverse("signin:restore")).url == reverse("home:start")


def test_what_one_person_typed_is_never_shown_to_the_next_person_on_the_same_computer(client) -> None:
    first, second = member("handledare"), member("handledare")
    client.force_login(first)
    _end_session_by_idleness(client)
    client.post(reverse("reminders:preferences"), {"note": "hemligt"})
    client.post(reverse("login"), {"username": second.email, "password": PASSWORD})
    response = client.get(reverse("signin:restore"))
    assert response.url == reverse("home:start")
    assert "hemligt" not in str(client.session.items())


def test_a_post_without_any_earlier_session_is_not_kept(client) -> None:
    response = client.post(reverse("reminders:preferences"), {"note": "x"})
    assert response.url == f"{reverse('login')}?next={reverse('reminders:preferences')}"


def test_opening_loggkontroll_and_an_extract_is_itself_logged(client, world) -> None:
    admin = world["administrator"]
    client.force_login(admin)
    assert client.get(reverse("audit:log"), {"person": "Anna"}).status_code == 200
    review = LogEntry.objects.filter(actor=admin, additional_data__what="loggkontroll").get()
    assert review.action == LogEntry.Action.ACCESS
    assert "person=Anna" in review.additional_data["filters"]

    person = f"user:{world['handledare'].pk}"
    assert client.get(reverse("audit:extract"), {"person": person}).status_code == 200
    extract = LogEntry.objects.filter(actor=admin, additional_data__what="loggutdrag").get()
    assert extract.additional_data["person"] == person


def test_a_deactivated_user_with_the_right_password_is_told_the_account_is_deactivated(client) -> None:
    user = UserFactory.create(is_active=False)
    right = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert right.status_code == 200
    assert "Kontot är avaktiverat." in right.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("login"), {"username": user.email, "password": "fel-losenord"})
    assert "Kontot är avaktiverat" not in wrong.content.decode()
    assert "Fel e-postadress eller lösenord." in wrong.content.decode()


def test_an_open_session_of_a_deactivated_user_ends(client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(reverse("home:start")).status_code == 302
