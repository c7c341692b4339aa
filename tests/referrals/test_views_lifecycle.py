"""The life cycle's pages (referrals/views/lifecycle.py) and what the referrer sees at each state:
the referral page's "Teamets beslut", the stay, Mina remisser's filter and search."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from ist.outbox.models import Message
from referrals import emails, services
from referrals.models import ConsultativeQuestion, Referral, ReferralEvent
from tests.factories import ReferrerFactory, team

pytestmark = pytest.mark.django_db
Status = Referral.Status


def html(response) -> str:
    return response.content.decode()


# -- Withdrawing -----------------------------------------------------------------------------------


def test_the_referrer_confirms_and_withdraws_with_a_reason(client, world) -> None:
    referral = world["referral"]
    client.force_login(world["referrer"])
    detail = html(client.get(reverse("referrals:detail", args=[referral.pk])))
    assert reverse("referrals:withdraw", args=[referral.pk]) in detail
    page = html(client.get(reverse("referrals:withdraw", args=[referral.pk])))
    assert "Ja, återta remissen" in page
    url = reverse("referrals:withdraw", args=[referral.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200
    assert "Skriv varför remissen återtas." in html(refused)
    assert Referral.objects.get(pk=referral.pk).status == Status.ON_AGENDA
    response = client.post(url, {"reason": "Personen har fått arbete."})
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == Status.WITHDRAWN
    again = client.post(url, {"reason": "Igen"}, follow=True)
    assert "Remissen är redan återtagen." in html(again)
    assert Referral.objects.get(pk=referral.pk).withdrawal_reason == "Personen har fått arbete."
    assert Message.objects.filter(name=emails.WITHDRAWN).count() == 1
    page = html(client.get(reverse("referrals:detail", args=[referral.pk])))
    assert "Remissen är återtagen" in page
    assert "Personen har fått arbete." in page
    assert reverse("referrals:withdraw", args=[referral.pk]) not in page


def test_a_decided_referral_is_not_withdrawn(client, world) -> None:
    accepted = world["accepted"]
    client.force_login(world["referrer"])
    url = reverse("referrals:withdraw", args=[accepted.pk])
    assert "kan inte återtas längre" in html(client.get(url))
    response = client.post(url, {"reason": "Sent"})
    assert response.status_code == 409
    assert Referral.objects.get(pk=accepted.pk).status == Status.ACCEPTED


def test_only_the_referrer_withdraws(client, world) -> None:
    referral = world["referral"]
    url = reverse("referrals:withdraw", args=[referral.pk])
    client.force_login(world["koordinator"])
    assert client.post(url, {"reason": "Inte min"}).status_code == 403
    client.force_login(ReferrerFactory.create())
    assert client.post(url, {"reason": "Inte min"}).status_code == 404
    assert Referral.objects.get(pk=referral.pk).status == Status.ON_AGENDA


# -- Closing a stalled komplettering ----------------------------------------------------------------


def test_the_coordinator_closes_a_stalled_komplettering(client, world) -> None:
    referral = world["referral"]
    coordinator = world["koordinator"]
    services.referral_request_info(referral=referral, by=coordinator, message="Läkarintyg behövs.")
    client.force_login(coordinator)
    review = html(client.get(reverse("referrals:review", args=[referral.pk])))
    url = reverse("referrals:close_stalled", args=[referral.pk])
    assert url in review
    page = html(client.get(url))
    assert "Läkarintyg behövs." in page
    assert "Skriv varför remissen avslutas." in html(client.post(url, {"reason": ""}))
    assert client.post(url, {"reason": "Kompletteringen kom aldrig."}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert Message.objects.filter(name=emails.CLOSED_BY_TEAM).count() == 1
    client.force_login(world["referrer"])
    page = html(client.get(reverse("referrals:detail", args=[referral.pk])))
    assert "Teamet avslutade remissen eftersom kompletteringen inte kom in" in page
    assert "Kompletteringen kom aldrig." in page


def test_only_a_komplettering_is_closed_and_only_by_the_coordinator(client, world) -> None:
    referral = world["referral"]
    url = reverse("referrals:close_stalled", args=[referral.pk])
    client.force_login(world["koordinator"])
    assert client.post(url, {"reason": "För tidigt"}).status_code == 409
    services.referral_request_info(referral=referral, by=world["koordinator"], message="Mer")
    for role in ("referrer", "handledare"):
        client.force_login(world[role])
        assert client.post(url, {"reason": "Inte min"}).status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == Status.NEEDS_INFO


# -- Registering a question by phone ------------------------------------------------------------------


def test_the_coordinator_registers_a_phoned_in_question(client, world) -> None:
    client.force_login(world["koordinator"])
    url = reverse("referrals:question_register")
    page = html(client.get(url))
    assert 'value="phone"' in page
    token = str(uuid.uuid4())
    post = {
        "form_token": token,
        "team": team().pk,
        "channel": "phone",
        "asker_name": "",
        "asker_contact": "035-12 34 56",
        "question": "Kan en person med smärta remitteras?",
    }
    refused = client.post(url, post)
    assert "Ange vem som ställde frågan." in html(refused)
    assert "Kan en person med smärta remitteras?" in html(refused)  # what was typed stays
    post["asker_name"] = "Lena Vårdcentral"
    assert client.post(url, post).status_code == 302
    assert client.post(url, post).status_code == 302  # a double submit: one question
    question = ConsultativeQuestion.objects.get(asker_name="Lena Vårdcentral")
    assert (question.channel, question.registered_by, question.asked_by) == ("phone", world["koordinator"], None)
    board = html(client.get(reverse("referrals:triage")))
    assert "Från Lena Vårdcentral (telefon)" in board
    assert "Lena Vårdcentral" in html(client.get(reverse("referrals:question", args=[question.pk])))


def test_only_coordinators_register_questions(client, world) -> None:
    for role in ("referrer", "handledare", "samverkansteam"):
        client.force_login(world[role])
        assert client.get(reverse("referrals:question_register")).status_code == 403


# -- What the referrer sees --------------------------------------------------------------------------


def test_an_enrolled_referral_shows_inskriven_with_start_and_handledare_and_no_invitation(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["referrer"])
    page = html(client.get(reverse("referrals:detail", args=[enrollment.referral_id])))
    assert "Inskriven" in page
    assert "Personen är inskriven i IST." in page
    assert f"{enrollment.start_date:%Y-%m-%d}" in page
    assert enrollment.responsible.get_full_name() in page
    assert reverse("participants:detail", args=[enrollment.pk]) in page
    assert "Du är välkommen att delta i informationsmötet" not in page
    assert "redo för inskrivning" not in page


def test_a_closed_referral_shows_the_closing_date_and_exit_reason(client, journey) -> None:
    from participants.models import Closure

    closed = journey["closed"]
    closure = Closure.objects.select_related("reason").get(enrollment=closed)
    client.force_login(journey["referrer"])
    page = html(client.get(reverse("referrals:detail", args=[closed.referral_id])))
    assert "Avslutad" in page
    assert f"{closure.date:%Y-%m-%d}" in page
    assert str(closure.reason) in page


def test_without_consent_the_referrer_sees_the_status_but_not_the_stay(client, journey) -> None:
    enrollment = journey["enrollment"]
    Referral.objects.filter(pk=enrollment.referral_id).update(consent_withdrawn_on=timezone.localdate())
    client.force_login(journey["referrer"])
    page = html(client.get(reverse("referrals:detail", args=[enrollment.referral_id])))
    assert "Inskriven" in page
    assert enrollment.responsible.get_full_name() not in page
    assert reverse("participants:detail", args=[enrollment.pk]) not in page
    mine = html(client.get(reverse("referrals:mine")))
    assert reverse("participants:detail", args=[enrollment.pk]) not in mine


def test_an_accepted_referral_still_invites_the_referrer(client, world) -> None:
    client.force_login(world["referrer"])
    page = html(client.get(reverse("referrals:detail", args=[world["accepted"].pk])))
    assert "Du är välkommen att delta i informationsmötet" in page


def test_mina_remisser_filters_by_status_and_searches_by_name(client, journey) -> None:
    enrollment, closed = journey["enrollment"], journey["closed"]
    client.force_login(journey["referrer"])
    url = reverse("referrals:mine")
    page = html(client.get(url, {"status": "enrolled"}))
    assert f"Remiss {enrollment.referral_id}<" in page
    assert f"Remiss {closed.referral_id}<" not in page
    assert f"Remiss {journey['referral'].pk}<" not in page
    assert reverse("participants:detail", args=[enrollment.pk]) in page
    page = html(client.get(url, {"status": "closed"}))
    assert f"Remiss {closed.referral_id}<" in page
    name = enrollment.referral.last_name
    page = html(client.get(url, {"namn": name}))
    assert f"Remiss {enrollment.referral_id}<" in page
    assert f"Remiss {closed.referral_id}<" not in page
    assert "Inga remisser matchar urvalet." in html(client.get(url, {"namn": "Finnsinte"}))
    # A protected person is never found by name.
    Referral.objects.filter(pk=enrollment.referral_id).update(protected_identity=True)
    assert f"Remiss {enrollment.referral_id}<" not in html(client.get(url, {"namn": name}))
    # A bad status is no error: the whole list.
    assert client.get(url, {"status": "nonsense"}).status_code == 200


def test_mina_remisser_keeps_a_constant_number_of_queries_with_enrolled_rows(
    client, journey, django_assert_max_num_queries
) -> None:
    from tests.participants import builders as participant_builders

    referrer = journey["referrer"]
    client.force_login(referrer)
    url = reverse("referrals:mine")
    client.get(url)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        participant_builders.enrolled(referrer, journey["koordinator"], journey["handledare"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_timeline_shows_enrolment_and_closure(client, journey) -> None:
    closed = journey["closed"]
    kinds = set(ReferralEvent.objects.filter(referral_id=closed.referral_id).values_list("kind", flat=True))
    assert {ReferralEvent.Kind.ENROLLED, ReferralEvent.Kind.CLOSED} <= kinds
    client.force_login(journey["referrer"])
    page = html(client.get(reverse("referrals:detail", args=[closed.referral_id])))
    assert "<strong>Inskriven</strong>" in page
    assert "<strong>Avslutad</strong>" in page
