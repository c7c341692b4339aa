"""The referrer's pages: write, send, complete and follow a referral; ask and follow a question."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from ist.audit.recording import DENIED
from ist.personnummer import formatted
from ist.stale import STALE_MESSAGE
from referrals import services
from referrals.demo_people import fake_personnummer
from referrals.inputs import ReferralFields
from referrals.models import (
    ConsultativeQuestion,
    Referral,
    ReferralEvent,
    ReferralUserObjectPermission,
)
from teams.models import Municipality
from tests.factories import ReferrerFactory, team
from tests.referrals import builders

pytestmark = pytest.mark.django_db
Status = Referral.Status
CONSENT_MESSAGE = "Remissen kan inte skickas utan personens samtycke till att myndigheterna utbyter information."


def form_post(action: str = "submit", token: uuid.UUID | str | None = None, **overrides: Any) -> dict[str, Any]:
    """The referral form as a browser posts it: a complete referral unless overridden."""
    data = builders.referral_data(**overrides)
    post: dict[str, Any] = {"action": action, "form_token": str(token or uuid.uuid4())}
    for name, value in data.items():
        if isinstance(value, bool):
            if value:
                post[name] = "on"
        elif isinstance(value, Municipality):
            post[name] = value.pk
        elif isinstance(value, date):
            post[name] = value.isoformat()
        elif value is None:
            post[name] = ""
        elif name == "personnummer":
            post[name] = formatted(value)
        else:
            post[name] = value
    return post


def denied_logged(user, obj) -> bool:
    return LogEntry.objects.filter(
        actor=user, object_pk=str(obj.pk), action=LogEntry.Action.ACCESS, additional_data__outcome=DENIED
    ).exists()


def field_html(html: str, name: str) -> str:
    """The `<div class="field ...">` block of one field in the page."""
    start = html.index(f'for="id_{name}"')
    return html[html.rindex('<div class="field', 0, start) : html.index("</div>", start)]


# -- Mina remisser ----------------------------------------------------------------------


def test_mine_lists_the_referrers_own_referrals_masked_and_logs_the_rows(client, world) -> None:
    referrer = world["referrer"]
    other = builders.submitted(ReferrerFactory.create(), first_name="Någon", last_name="Annansson")
    client.force_login(referrer)
    response = client.get(reverse("referrals:mine"))
    html = response.content.decode()
    assert response.status_code == 200
    referral = world["referral"]
    assert referral.person_name in html
    assert referral.personnummer_masked in html
    assert referral.personnummer not in html
    assert "På dagordning" in html
    assert "Utkast" in html  # the draft
    assert "Antagen – informationsmöte erbjuds" in html
    assert "Annansson" not in html
    logged = LogEntry.objects.filter(actor=referrer, additional_data__what="Mina remisser")
    assert set(logged.values_list("object_pk", flat=True)) == {
        str(world["draft"].pk),
        str(referral.pk),
        str(world["accepted"].pk),
    }
    assert str(other.pk) not in logged.values_list("object_pk", flat=True)
    # Mina frågor on the same page
    assert reverse("referrals:question", args=[world["question"].pk]) in html


def test_mine_offers_new_referral_only_to_referrers(client, users) -> None:
    client.force_login(users["koordinator"])
    response = client.get(reverse("referrals:mine"))
    assert response.status_code == 200
    assert reverse("referrals:new") not in response.content.decode()
    client.force_login(users["referrer"])
    assert reverse("referrals:new") in client.get(reverse("referrals:mine")).content.decode()


def _bulk_referrals(referrer, n: int) -> None:
    """n sent referrals of the referrer, with their view grants (the services are too slow for 200)."""
    municipality = Municipality.objects.get(name="Halmstad")
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                referrer=referrer,
                team=municipality.team,
                municipality=municipality,
                status=Status.SUBMITTED,
                received_on=date(2026, 1, 1),
                personnummer=fake_personnummer(date(1980, 1, 1 + i % 28), i),
                first_name="Bulk",
                last_name=f"Person{i}",
            )
            for i in range(n)
        ]
    )
    permission = Permission.objects.get(codename="view_referral", content_type__app_label="referrals")
    ReferralUserObjectPermission.objects.bulk_create(
        [ReferralUserObjectPermission(user=referrer, permission=permission, content_object=r) for r in referrals]
    )


def _bulk_questions(asker, n: int) -> None:
    ConsultativeQuestion.objects.bulk_create(
        [ConsultativeQuestion(team=team(), asked_by=asker, question=f"Fråga {i}") for i in range(n)]
    )


@pytest.mark.parametrize("name", ["referrals:mine", "referrals:questions"])
def test_list_pages_keep_a_constant_number_of_queries(client, users, django_assert_max_num_queries, name) -> None:
    referrer = users["referrer"]
    _bulk_referrals(referrer, 2)
    _bulk_questions(referrer, 2)
    client.force_login(referrer)
    url = reverse(name)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    _bulk_referrals(referrer, 200)
    _bulk_questions(referrer, 200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert "Sida 1 av" in response.content.decode()  # 200 rows paginate


def test_questions_lists_only_what_the_user_asked(client, world) -> None:
    builders.question(ReferrerFactory.create(), question="Någon annans fråga")
    client.force_login(world["referrer"])
    html = client.get(reverse("referrals:questions")).content.decode()
    assert reverse("referrals:question", args=[world["question"].pk]) in html
    assert "Någon annans fråga" not in html


# -- New referral ------------------------------------------------------------------------


def test_new_form_has_a_form_token_and_both_buttons(client, users) -> None:
    client.force_login(users["referrer"])
    response = client.get(reverse("referrals:new"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="form_token"' in html
    assert "Spara utkast" in html
    assert "Skicka remissen" in html


@pytest.mark.parametrize("role", ["koordinator", "handledare", "samverkansteam", "administrator", "steering"])
def test_only_referrers_may_write_a_referral(client, users, role) -> None:
    client.force_login(users[role])
    assert client.get(reverse("referrals:new")).status_code == 403
    assert client.post(reverse("referrals:new"), form_post()).status_code == 403
    assert not Referral.objects.exists()


def test_anonymous_is_sent_to_login(client) -> None:
    response = client.get(reverse("referrals:new"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_saving_a_draft_accepts_gaps_and_opens_it_for_editing(client, users) -> None:
    client.force_login(users["referrer"])
    post = form_post("draft", background="", consent_given=False, consent_date=None)
    post["municipality"] = ""
    response = client.post(reverse("referrals:new"), post)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:edit", args=[referral.pk])
    assert referral.status == Status.DRAFT
    assert referral.referrer == users["referrer"]
    assert referral.first_name == "Åke"


def test_sending_a_complete_referral_goes_to_its_page(client, users) -> None:
    client.force_login(users["referrer"])
    response = client.post(reverse("referrals:new"), form_post())
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    assert referral.status == Status.SUBMITTED
    assert referral.team is not None
    assert referral.team.slug == "halmstad-hylte"
    page = client.get(response.url).content.decode()
    assert "Inkommen" in page
    assert "Remissen är skickad" in page


def test_bad_personnummer_is_explained_beside_the_field_and_the_rest_is_kept(client, users) -> None:
    client.force_login(users["referrer"])
    post = form_post(first_name="Bodil", background="Har varit sjukskriven länge.")
    post["personnummer"] = "19850314-1234"
    response = client.post(reverse("referrals:new"), post)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Personnumret är inte giltigt" in field_html(html, "personnummer")
    assert 'value="19850314-1234"' in html
    assert 'value="Bodil"' in html
    assert "Har varit sjukskriven länge." in html
    assert f'value="{post["form_token"]}"' in html  # the same token: a later send still creates one
    assert not Referral.objects.exists()


def test_without_consent_the_referral_cannot_be_sent_and_the_form_says_why(client, users) -> None:
    client.force_login(users["referrer"])
    post = form_post(consent_given=False, consent_date=None, first_name="Bodil")
    response = client.post(reverse("referrals:new"), post)
    html = response.content.decode()
    assert response.status_code == 200
    assert CONSENT_MESSAGE in field_html(html, "consent_given")
    assert "Remissen kunde inte skickas" in html  # the summary at the top
    assert 'value="Bodil"' in html
    referral = Referral.objects.get()  # kept as a draft, so nothing typed is lost
    assert referral.status == Status.DRAFT
    assert referral.first_name == "Bodil"
    # the form now saves that draft
    assert f'action="{reverse("referrals:edit", args=[referral.pk])}"' in html
    assert f'name="version" value="{referral.version}"' in html


def test_every_missing_item_is_marked_beside_its_field(client, users) -> None:
    client.force_login(users["referrer"])
    post = form_post(background="", authorities_involved=[], consent_given=True, consent_date=None)
    post.pop("authorities_involved")
    response = client.post(reverse("referrals:new"), post)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beskriv bakgrunden." in field_html(html, "background")
    assert "Ange när samtycket lämnades." in field_html(html, "consent_date")
    assert "Ange vilka myndigheter som är inblandade." in html


def test_a_double_click_on_send_creates_one_referral(client, users) -> None:
    client.force_login(users["referrer"])
    post = form_post()
    first = client.post(reverse("referrals:new"), post)
    second = client.post(reverse("referrals:new"), post)
    referral = Referral.objects.get()
    assert first.status_code == second.status_code == 302
    assert second.url == reverse("referrals:detail", args=[referral.pk])
    assert referral.status == Status.SUBMITTED
    assert referral.events.filter(kind=ReferralEvent.Kind.SUBMITTED).count() == 1


def test_age_outside_the_target_group_warns_but_does_not_block(client, users) -> None:
    client.force_login(users["referrer"])
    old = fake_personnummer(date(1950, 5, 5), 3)
    draft = client.post(reverse("referrals:new"), form_post("draft", personnummer=old))
    referral = Referral.objects.get()
    page = client.get(draft.url).content.decode()
    assert "IST är till för den som är 16–64 år" in page
    sent = client.post(draft.url, {**form_post(personnummer=old), "version": referral.version})
    assert sent.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    # the team sees it too
    client.force_login(users["koordinator"])
    assert "utanför målgruppens 16–64 år" in client.get(sent.url).content.decode()


def test_age_check_answers_htmx_with_a_fragment(client, users) -> None:
    client.force_login(users["referrer"])
    url = reverse("referrals:new")
    old = formatted(fake_personnummer(date(1950, 5, 5), 3))
    response = client.get(url, {"personnummer": old}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "IST är till för den som är 16–64 år" in html
    young = formatted(fake_personnummer(date(1985, 3, 14), 1))
    assert client.get(url, {"personnummer": young}, headers={"HX-Request": "true"}).content.decode().strip() == ""
    assert client.get(url, {"personnummer": "nonsens"}, headers={"HX-Request": "true"}).status_code == 200


# -- Edit ----------------------------------------------------------------------------------


def test_referrer_edits_own_draft(client, world) -> None:
    draft = world["draft"]
    client.force_login(world["referrer"])
    url = reverse("referrals:edit", args=[draft.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{draft.version}"' in page
    assert formatted(draft.personnummer) in page
    response = client.post(url, {**form_post("draft", first_name="Ändrad"), "version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.first_name == "Ändrad"
    assert draft.status == Status.DRAFT


def test_stale_edit_is_409_and_keeps_what_was_typed(client, world) -> None:
    draft, referrer = world["draft"], world["referrer"]
    client.force_login(referrer)
    old_version = draft.version
    # someone (the same referrer in another tab) saves first
    services.referral_save_draft(
        referrer=referrer,
        values=ReferralFields.of(draft, wishes="Sparat i en annan flik"),
        referral=draft,
        expected_version=old_version,
    )
    post = {**form_post("draft", first_name="Mitt namn", wishes="Skrivet här"), "version": old_version}
    response = client.post(reverse("referrals:edit", args=[draft.pk]), post)
    html = response.content.decode()
    assert response.status_code == 409
    assert STALE_MESSAGE in html
    assert 'value="Mitt namn"' in html
    assert "Skrivet här" in html
    assert "Sparat i en annan flik" in html  # the saved version, to compare
    draft.refresh_from_db()
    assert draft.wishes == "Sparat i en annan flik"
    assert f'name="version" value="{draft.version}"' in html  # saving again now goes through


def test_a_sent_referral_cannot_be_edited(client, world) -> None:
    referral = world["referral"]
    client.force_login(world["referrer"])
    url = reverse("referrals:edit", args=[referral.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {**form_post("draft"), "version": referral.version}).status_code == 403


def test_referrer_cannot_see_or_edit_another_referrers_referral(client, world) -> None:
    outsider = ReferrerFactory.create()
    client.force_login(outsider)
    for name, obj in (("referrals:detail", world["referral"]), ("referrals:edit", world["draft"])):
        response = client.get(reverse(name, args=[obj.pk]))
        assert response.status_code == 404
        assert denied_logged(outsider, obj)


def test_team_staff_cannot_open_the_referrers_edit_form(client, world) -> None:
    client.force_login(world["koordinator"])
    referral = world["referral"]
    assert client.post(reverse("referrals:edit", args=[referral.pk]), form_post("draft")).status_code == 404
    assert denied_logged(world["koordinator"], referral)


def test_referral_sent_back_shows_the_teams_message_and_is_sent_again(client, world) -> None:
    referrer = world["referrer"]
    referral = builders.submitted(referrer)
    services.referral_request_info(referral=referral, by=world["koordinator"], message="Vilka insatser har provats?")
    referral.refresh_from_db()
    client.force_login(referrer)
    url = reverse("referrals:edit", args=[referral.pk])
    html = client.get(url).content.decode()
    assert "Vilka insatser har provats?" in html
    assert "Skicka remissen igen" in html
    response = client.post(url, {**form_post(background="Arbetsträning har provats."), "version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.background == "Arbetsträning har provats."
    assert referral.events.filter(kind=ReferralEvent.Kind.RESUBMITTED).exists()


# -- Detail ----------------------------------------------------------------------------------


def test_referrer_reads_the_decision_reasoning_and_information_meeting(client, world) -> None:
    accepted, meeting = world["accepted"], world["info_meeting"]
    client.force_login(world["referrer"])
    response = client.get(reverse("referrals:detail", args=[accepted.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Antagen – informationsmöte erbjuds" in html
    assert "I målgruppen." in html
    assert f"{meeting.date:%Y-%m-%d}" in html
    assert "13:00" in html
    assert "IST-kontoret" in html
    assert formatted(accepted.personnummer) in html
    assert "Satt på dagordning" not in html  # the team's internal step
    assert "Granska och hantera" not in html
    assert reverse("referrals:edit", args=[accepted.pk]) not in html
    assert LogEntry.objects.filter(actor=world["referrer"], object_pk=str(accepted.pk), additional_data__what="remiss")


def test_referrer_gets_an_edit_link_while_the_referral_is_open(client, world) -> None:
    client.force_login(world["referrer"])
    html = client.get(reverse("referrals:detail", args=[world["draft"].pk])).content.decode()
    assert reverse("referrals:edit", args=[world["draft"].pk]) in html


def test_coordinator_gets_the_review_link_and_the_full_timeline(client, world) -> None:
    referral = world["referral"]
    client.force_login(world["koordinator"])
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Granska och hantera" in html
    assert reverse("referrals:review", args=[referral.pk]) in html
    assert "Satt på dagordning" in html


def test_handledare_reads_but_gets_no_review_link_and_cannot_post(client, world) -> None:
    url = reverse("referrals:detail", args=[world["referral"].pk])
    client.force_login(world["handledare"])
    assert client.get(url).status_code == 200
    assert "Granska och hantera" not in client.get(url).content.decode()
    assert client.post(url).status_code in (403, 405)


# -- Questions ---------------------------------------------------------------------------


def test_referrer_asks_a_question_once_and_lands_on_it(client, users) -> None:
    client.force_login(users["referrer"])
    token = str(uuid.uuid4())
    post = {"team": team().pk, "question": "Kan ni ta emot en person som …?", "form_token": token}
    first = client.post(reverse("referrals:question_new"), post)
    second = client.post(reverse("referrals:question_new"), post)
    question = ConsultativeQuestion.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == reverse("referrals:question", args=[question.pk])
    assert question.asked_by == users["referrer"]
    page = client.get(first.url).content.decode()
    assert "Kan ni ta emot en person som …?" in page
    assert "inte besvarad ännu" in page


def test_question_with_a_bad_personnummer_keeps_the_text(client, users) -> None:
    client.force_login(users["referrer"])
    post = {"team": team().pk, "question": "Min fråga", "personnummer": "123", "form_token": str(uuid.uuid4())}
    response = client.post(reverse("referrals:question_new"), post)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Personnumret är inte giltigt" in field_html(html, "personnummer")
    assert "Min fråga" in html
    assert not ConsultativeQuestion.objects.exists()


@pytest.mark.parametrize("role", ["administrator", "steering"])
def test_users_without_organisation_or_team_role_may_not_ask(client, users, role) -> None:
    client.force_login(users[role])
    assert client.post(reverse("referrals:question_new"), {"team": team().pk, "question": "x"}).status_code == 403


def test_team_staff_may_ask(client, users) -> None:
    client.force_login(users["handledare"])
    assert client.get(reverse("referrals:question_new")).status_code == 200


def test_asker_reads_the_answer(client, world) -> None:
    question, coordinator = world["question"], world["koordinator"]
    services.agenda_add(meeting=world["meeting"], question=question, by=coordinator)
    agenda_item = world["meeting"].items.get(question=question)
    services.agenda_decide(item=agenda_item, decision="answered", reasoning="Ja, skicka en remiss.", by=coordinator)
    client.force_login(world["referrer"])
    html = client.get(reverse("referrals:question", args=[question.pk])).content.decode()
    assert "Ja, skicka en remiss." in html
    assert "Besvarad" in html


def test_another_persons_question_is_404_and_the_attempt_logged(client, world) -> None:
    outsider = ReferrerFactory.create()
    client.force_login(outsider)
    assert client.get(reverse("referrals:question", args=[world["question"].pk])).status_code == 404
    assert denied_logged(outsider, world["question"])
