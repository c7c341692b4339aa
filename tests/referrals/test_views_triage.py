"""The coordinator's triage: board, registering a paper referral, the review workspace and its actions."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ist.stale import STALE_MESSAGE
from referrals.demo_people import fake_personnummer
from referrals.models import AgendaItem, Referral, ReferralEvent
from referrals.views.triage import deadline_of
from teams.models import Membership, Municipality
from tests.factories import member, team
from tests.referrals import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role
Status = Referral.Status
HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def accesses(what: str, obj: Any, outcome: str | None = None) -> int:
    entries = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), content_type=ContentType.objects.get_for_model(obj)
    )
    return sum(
        1
        for e in entries
        if (e.additional_data or {}).get("what") == what and (e.additional_data or {}).get("outcome") == outcome
    )


@pytest.fixture
def coordinator(users):
    return users["koordinator"]


@pytest.fixture
def referral(users) -> Referral:
    return builders.submitted(users["referrer"])


@pytest.fixture
def outsider():
    """A coordinator of another team (Kungsbacka)."""
    return member(Role.KOORDINATOR, "kungsbacka")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def register_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "form_token": str(uuid.uuid4()),
        "team": team().pk,
        "channel": Referral.Channel.PAPER,
        "received_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "referrer_name": "Petra Pappersson",
        "referrer_email": "petra@kommun.example",
        "personnummer": fake_personnummer(timezone.localdate().replace(year=1980), 3),
        "first_name": "Berit",
        "last_name": "Brevsson",
        "municipality": Municipality.objects.get(name="Hylte").pk,
        "authorities_involved": ["fk", "kommun"],
        "background": "Kom med posten.",
        "consent_given": "on",
        "consent_date": (timezone.localdate() - timedelta(days=5)).isoformat(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# -- The board --------------------------------------------------------------------------------


def test_coordinator_sees_waiting_referrals_masked_with_deadline_hints_and_status(client, coordinator, referral):
    Referral.objects.filter(pk=referral.pk).update(answer_deadline=timezone.localdate() - timedelta(days=2))
    client.force_login(coordinator)
    response = client.get(reverse("referrals:triage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert referral.personnummer_masked in html
    assert referral.personnummer not in html
    assert referral.person_name in html
    assert "Försenad" in html
    assert "2 dagar över" in html
    assert "Inkommen" in html
    assert "2 inblandade myndigheter" in html
    assert reverse("referrals:review", args=[referral.pk]) in html


def test_board_logs_the_rows_it_shows(client, coordinator, referral, users):
    question = builders.question(users["referrer"])
    client.force_login(coordinator)
    client.get(reverse("referrals:triage"))
    assert accesses("triage", referral) == 1
    assert accesses("triage", question) == 1


@pytest.mark.parametrize("role", ["handledare", "samverkansteam", "administrator", "steering", "referrer"])
def test_board_is_for_coordinators_only(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("referrals:triage"))
    assert response.status_code == 403
    assert "Ingen behörighet" in response.content.decode()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("referrals:triage"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_board_shows_nothing_of_other_teams(client, referral, outsider):
    client.force_login(outsider)
    response = client.get(reverse("referrals:triage"))
    assert response.status_code == 200
    assert referral.person_name not in response.content.decode()


def test_filter_by_team_works_as_plain_get(client, users):
    both = member(Role.KOORDINATOR, "halmstad-hylte")
    Membership.objects.create(user=both, team=team("laholm"), role=Role.KOORDINATOR)
    halmstad = builders.submitted(users["referrer"], municipality="Halmstad")
    laholm = builders.submitted(users["referrer"], municipality="Laholm")
    client.force_login(both)
    everything = client.get(reverse("referrals:triage")).content.decode()
    assert halmstad.person_name in everything
    assert laholm.person_name in everything
    only_laholm = client.get(reverse("referrals:triage"), {"team": team("laholm").pk}).content.decode()
    assert laholm.person_name in only_laholm
    assert halmstad.person_name not in only_laholm


def test_filter_offers_only_the_coordinators_teams(client, coordinator, referral):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:triage"), {"team": team("kungsbacka").pk})
    assert response.status_code == 200
    assert not response.context["form"].is_valid()
    assert referral.person_name in response.content.decode()  # an invalid filter shows all of one's teams


def test_htmx_filter_returns_the_board_fragment(client, coordinator, referral):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:triage"), {"team": team().pk}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="board"')
    assert referral.person_name in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    ("days_left", "state", "text"),
    [
        (-1, "overdue", "1 dag över"),
        (0, "soon", "svar i dag"),
        (3, "soon", "3 dagar kvar"),
        (4, "within", "4 dagar kvar"),
    ],
)
def test_deadline_state_in_words(days_left, state, text):
    today = timezone.localdate()
    deadline = deadline_of(Referral(answer_deadline=today + timedelta(days=days_left)), today)
    assert (deadline.state, deadline.detail) == (state, text)


def test_board_paginates_by_25(client, coordinator, users):
    bulk_referrals(30, users["referrer"])
    client.force_login(coordinator)
    first = client.get(reverse("referrals:triage"))
    second = client.get(reverse("referrals:triage"), {"sida": 2})
    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5


def bulk_referrals(n: int, referrer) -> None:
    today = timezone.localdate()
    halmstad = Municipality.objects.get(name="Halmstad")
    Referral.objects.bulk_create(
        Referral(
            team=halmstad.team,
            status=Status.SUBMITTED,
            referrer=referrer,
            referrer_name="R",
            received_on=today - timedelta(days=i % 20),
            answer_deadline=today + timedelta(days=14 - i % 20),
            personnummer=fake_personnummer(today.replace(year=1980), i),
            first_name="Massa",
            last_name=f"Remiss{i}",
            municipality=halmstad,
            authorities_involved=["fk", "af"],
            background="b",
            consent_given=True,
            consent_date=today,
            substance_abuse=i % 2 == 0,
        )
        for i in range(n)
    )


def test_board_query_count_does_not_grow_with_rows(client, coordinator, users, django_assert_max_num_queries):
    builders.question(users["referrer"])
    builders.meeting(coordinator)
    bulk_referrals(3, users["referrer"])
    client.force_login(coordinator)
    client.get(reverse("referrals:triage"))  # warm the content-type cache
    with django_assert_max_num_queries(13) as few:  # 13th: the rows with a history (0031)
        client.get(reverse("referrals:triage"))
    bulk_referrals(200, users["referrer"])
    for _ in range(30):
        builders.question(users["referrer"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("referrals:triage"))
    assert len(response.context["rows"]) == 25


# -- Questions onto an agenda -------------------------------------------------------------------


def test_coordinator_puts_a_question_on_an_upcoming_meeting(client, coordinator, users):
    question = builders.question(users["referrer"])
    meeting = builders.meeting(coordinator)
    client.force_login(coordinator)
    board = client.get(reverse("referrals:triage")).content.decode()
    assert reverse("referrals:question_agenda_add", args=[question.pk]) in board
    url = reverse("referrals:question_agenda_add", args=[question.pk])
    response = client.post(url, {"meeting": meeting.pk})
    client.post(url, {"meeting": meeting.pk})
    assert response.status_code == 302
    assert AgendaItem.objects.filter(meeting=meeting, question=question).count() == 1
    question.refresh_from_db()
    assert question.status == question.Status.ON_AGENDA


def test_question_to_a_meeting_of_another_team_is_refused(client, users):
    both = member(Role.KOORDINATOR, "halmstad-hylte")
    Membership.objects.create(user=both, team=team("laholm"), role=Role.KOORDINATOR)
    question = builders.question(users["referrer"])
    other = builders.meeting(both, "laholm")
    client.force_login(both)
    response = client.post(reverse("referrals:question_agenda_add", args=[question.pk]), {"meeting": other.pk})
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(question=question).exists()


def test_samverkansteam_may_not_put_questions_on_the_agenda(client, users, coordinator):
    question = builders.question(users["referrer"])
    meeting = builders.meeting(coordinator)
    client.force_login(users["samverkansteam"])
    response = client.post(reverse("referrals:question_agenda_add", args=[question.pk]), {"meeting": meeting.pk})
    assert response.status_code == 403
    assert not AgendaItem.objects.filter(question=question).exists()


def test_outsider_gets_404_for_a_question_and_the_attempt_is_logged(client, users, outsider):
    question = builders.question(users["referrer"])
    client.force_login(outsider)
    response = client.post(reverse("referrals:question_agenda_add", args=[question.pk]), {"meeting": 1})
    assert response.status_code == 404
    assert accesses("dagordning", question, outcome="denied") == 1


# -- Registering a paper referral -----------------------------------------------------------------


def test_register_form_carries_a_form_token(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:register"))
    assert response.status_code == 200
    assert 'name="form_token"' in response.content.decode()


def test_handledare_may_not_register(client, users):
    client.force_login(users["handledare"])
    assert client.get(reverse("referrals:register")).status_code == 403
    assert client.post(reverse("referrals:register"), register_data()).status_code == 403
    assert not Referral.objects.exists()


def test_registering_twice_with_one_token_creates_one_submitted_referral(client, coordinator, media):
    client.force_login(coordinator)
    data = register_data(attachment=SimpleUploadedFile("remiss.pdf", PDF, content_type="application/pdf"))
    response = client.post(reverse("referrals:register"), data)
    data["attachment"] = SimpleUploadedFile("remiss.pdf", PDF, content_type="application/pdf")
    again = client.post(reverse("referrals:register"), data)
    referral = Referral.objects.get()
    assert response.status_code == again.status_code == 302
    assert response.url == again.url == reverse("referrals:review", args=[referral.pk])
    assert referral.status == Status.SUBMITTED
    assert referral.channel == Referral.Channel.PAPER
    assert referral.registered_by == coordinator
    assert referral.attachment.read().startswith(b"%PDF")
    assert referral.events.filter(kind=ReferralEvent.Kind.REGISTERED).count() == 1


def test_incomplete_registration_keeps_everything_and_says_what_is_missing(client, coordinator, media):
    client.force_login(coordinator)
    data = register_data(background="", consent_given=None, consent_date=None)
    data["attachment"] = SimpleUploadedFile("remiss.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("referrals:register"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert "Beskriv bakgrunden." in html
    assert "utan personens samtycke" in html
    assert 'value="Brevsson"' in html
    assert "Petra Pappersson" in html
    assert "Välj den inskannade filen igen" in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("remiss.txt", b"hej", content_type="text/plain"), "Filens innehåll är inget av dem"),
        (SimpleUploadedFile("remiss.pdf", b"MZ not a pdf", content_type="application/pdf"), "inget av dem"),
        (
            SimpleUploadedFile("remiss.png", b"%PDF-1.4\n1 0 obj", content_type="application/x-msdownload"),
            "ofullständig",
        ),
        (SimpleUploadedFile("remiss.png", b"\x89PNG\r\n\x1a\nnot an image", content_type="image/png"), "Bilden går"),
    ],
)
def test_attachment_of_the_wrong_type_is_refused(client, coordinator, media, upload, message):
    client.force_login(coordinator)
    response = client.post(reverse("referrals:register"), register_data(attachment=upload))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Brevsson"' in html  # what was typed is kept
    assert not Referral.objects.exists()
    assert not any(media.rglob("*.*"))


def test_attachment_over_10_mb_is_refused(client, coordinator, media):
    client.force_login(coordinator)
    big = SimpleUploadedFile("remiss.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    response = client.post(reverse("referrals:register"), register_data(attachment=big))
    assert response.status_code == 200
    assert "Filen är för stor (10,0 MB). Högst 10 MB." in response.content.decode()
    assert not Referral.objects.exists()


def test_the_attachment_is_stored_under_a_random_name_with_the_suffix_of_its_content(client, coordinator, media):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("../../Berit Brevsson 19121212-1212.exe", PDF, content_type="text/html")
    client.post(reverse("referrals:register"), register_data(attachment=upload))
    name = Referral.objects.get().attachment.name
    assert re.fullmatch(r"referrals/\d{4}/[0-9a-f]{32}\.pdf", name), name
    assert (media / name).read_bytes() == PDF


# -- Review ---------------------------------------------------------------------------------------


def test_review_shows_the_referral_hints_known_person_and_timeline(client, coordinator, users, referral):
    earlier = builders.submitted(users["referrer"], personnummer=referral.personnummer)
    client.force_login(coordinator)
    response = client.get(reverse("referrals:review", args=[referral.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert referral.personnummer[:8] + "-" + referral.personnummer[8:] in html
    assert "2 inblandade myndigheter" in html
    assert reverse("referrals:review", args=[earlier.pk]) in html  # Känd person
    assert "Skickad" in html  # the timeline
    assert "Informationsmöten" in html
    assert accesses("granskning", referral) == 1
    assert accesses("känd person", earlier) == 1


@pytest.mark.parametrize("role", ["handledare", "samverkansteam", "referrer"])
def test_those_who_may_see_but_not_manage_get_403(client, world, role):
    client.force_login(world[role])
    assert client.get(reverse("referrals:review", args=[world["referral"].pk])).status_code == 403


def test_outsider_gets_404_and_the_attempt_is_logged(client, referral, outsider):
    client.force_login(outsider)
    assert client.get(reverse("referrals:review", args=[referral.pk])).status_code == 404
    assert accesses("granskning", referral, outcome="denied") == 1


def test_review_requires_login(client, referral):
    response = client.get(reverse("referrals:review", args=[referral.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def edit_data(referral: Referral, **overrides: Any) -> dict[str, Any]:
    data = {
        "version": referral.version,
        "team": referral.team_id,
        "first_name": referral.first_name,
        "last_name": referral.last_name,
        "phone": referral.phone,
        "email": referral.email,
        "municipality": referral.municipality_id,
    }
    data.update(overrides)
    return data


def test_coordinator_corrects_details(client, coordinator, referral):
    client.force_login(coordinator)
    response = client.post(reverse("referrals:review", args=[referral.pk]), edit_data(referral, phone="035-12 34 56"))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.phone == "035-12 34 56"


def test_coordinator_moves_a_referral_to_another_of_their_teams(client, users):
    both = member(Role.KOORDINATOR, "halmstad-hylte")
    Membership.objects.create(user=both, team=team("laholm"), role=Role.KOORDINATOR)
    referral = builders.submitted(users["referrer"])
    client.force_login(both)
    client.post(reverse("referrals:review", args=[referral.pk]), edit_data(referral, team=team("laholm").pk))
    referral.refresh_from_db()
    assert referral.team == team("laholm")
    assert referral.events.filter(kind=ReferralEvent.Kind.TEAM_CHANGED).exists()


def test_moving_to_a_team_one_does_not_coordinate_is_refused(client, coordinator, referral):
    client.force_login(coordinator)
    url = reverse("referrals:review", args=[referral.pk])
    response = client.post(url, edit_data(referral, team=team("kungsbacka").pk))
    assert response.status_code == 200
    assert response.context["edit_form"].errors["team"]
    referral.refresh_from_db()
    assert referral.team == team()


def test_stale_edit_gets_409_keeping_what_was_typed(client, coordinator, referral):
    client.force_login(coordinator)
    url = reverse("referrals:review", args=[referral.pk])
    opened = edit_data(referral, phone="070-111 11 11")
    client.post(url, edit_data(referral, phone="070-222 22 22"))  # a colleague saves first
    response = client.post(url, opened)
    html = response.content.decode()
    assert response.status_code == 409
    assert STALE_MESSAGE in html
    assert 'value="070-111 11 11"' in html  # what this user typed
    assert "070-222 22 22" in html  # the saved version, to compare with
    referral.refresh_from_db()
    assert referral.phone == "070-222 22 22"
    assert response.context["edit_form"]["version"].value() == str(referral.version)  # saving again works


def test_handledare_may_not_edit(client, users, referral):
    client.force_login(users["handledare"])
    response = client.post(reverse("referrals:review", args=[referral.pk]), edit_data(referral, phone="1"))
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.phone != "1"


# -- Asking for more information ------------------------------------------------------------------


def test_double_request_info_changes_once(client, coordinator, referral, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    url = reverse("referrals:request_info", args=[referral.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(url, {"message": "Hur länge har personen varit sjukskriven?"})
        second = client.post(url, {"message": "Hur länge har personen varit sjukskriven?"})
    assert first.status_code == second.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.NEEDS_INFO
    assert referral.events.filter(kind=ReferralEvent.Kind.INFO_REQUESTED).count() == 1
    assert len(callbacks) == 1  # one e-mail to the referrer


def test_request_info_by_htmx_returns_the_actions_with_the_new_status(client, coordinator, referral):
    client.force_login(coordinator)
    response = client.post(
        reverse("referrals:request_info", args=[referral.pk]), {"message": "Vilka insatser har prövats?"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="actions"')
    assert "Komplettering begärd" in html


def test_request_info_without_a_message_shows_the_error(client, coordinator, referral):
    client.force_login(coordinator)
    response = client.post(reverse("referrals:request_info", args=[referral.pk]), {"message": ""})
    assert response.status_code == 200
    assert response.context["info_form"].errors["message"]
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_handledare_may_not_request_info(client, users, referral):
    client.force_login(users["handledare"])
    response = client.post(reverse("referrals:request_info", args=[referral.pk]), {"message": "x"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_outsider_may_not_request_info(client, outsider, referral):
    client.force_login(outsider)
    response = client.post(reverse("referrals:request_info", args=[referral.pk]), {"message": "x"})
    assert response.status_code == 404
    assert accesses("komplettering", referral, outcome="denied") == 1


# -- Agenda ---------------------------------------------------------------------------------------


def test_coordinator_puts_the_referral_on_an_upcoming_meeting(client, coordinator, referral):
    meeting = builders.meeting(coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("referrals:review", args=[referral.pk])).content.decode()
    assert f'value="{meeting.pk}"' in page
    response = client.post(reverse("referrals:agenda_add", args=[referral.pk]), {"meeting": meeting.pk})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ON_AGENDA
    assert AgendaItem.objects.filter(meeting=meeting, referral=referral).count() == 1


def test_agenda_add_by_htmx_returns_the_actions(client, coordinator, referral):
    meeting = builders.meeting(coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("referrals:agenda_add", args=[referral.pk]), {"meeting": meeting.pk}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert "På dagordning" in html
    assert str(meeting) in html


def test_past_meetings_and_other_teams_meetings_are_not_offered(client, users, referral):
    both = member(Role.KOORDINATOR, "halmstad-hylte")
    Membership.objects.create(user=both, team=team("laholm"), role=Role.KOORDINATOR)
    past = builders.meeting(both, days_ahead=-1)
    other = builders.meeting(both, "laholm")
    client.force_login(both)
    for meeting in (past, other):
        response = client.post(reverse("referrals:agenda_add", args=[referral.pk]), {"meeting": meeting.pk})
        assert response.status_code == 200
        assert response.context["agenda_form"].errors["meeting"]
    assert not AgendaItem.objects.filter(referral=referral).exists()


def test_handledare_may_not_put_on_the_agenda(client, users, coordinator, referral):
    meeting = builders.meeting(coordinator)
    client.force_login(users["handledare"])
    response = client.post(reverse("referrals:agenda_add", args=[referral.pk]), {"meeting": meeting.pk})
    assert response.status_code == 403
    assert not AgendaItem.objects.filter(referral=referral).exists()


# -- The scanned attachment -----------------------------------------------------------------------


@pytest.fixture
def scanned(client, coordinator, media) -> Referral:
    client.force_login(coordinator)
    data = register_data(attachment=SimpleUploadedFile("skanning.pdf", PDF, content_type="application/pdf"))
    client.post(reverse("referrals:register"), data)
    client.logout()
    return Referral.objects.get()


def test_coordinator_downloads_the_attachment_logged(client, coordinator, scanned):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:attachment", args=[scanned.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="remiss-{scanned.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert accesses("bilaga", scanned) == 1


def test_no_attachment_is_404(client, coordinator, referral):
    client.force_login(coordinator)
    assert client.get(reverse("referrals:attachment", args=[referral.pk])).status_code == 404


def test_handledare_may_not_download_the_attachment(client, users, scanned):
    client.force_login(users["handledare"])
    assert client.get(reverse("referrals:attachment", args=[scanned.pk])).status_code == 403


def test_outsider_gets_404_for_the_attachment(client, outsider, scanned):
    client.force_login(outsider)
    assert client.get(reverse("referrals:attachment", args=[scanned.pk])).status_code == 404
    assert accesses("bilaga", scanned, outcome="denied") == 1
