"""A referrer cannot find out whether a personnummer is protected (docs/decisions/0019).

A new referral or question about a person already flagged elsewhere is flagged by itself, so the team
protects them; but the flag is not the author's, so the author sees their referral and question
exactly as for a person nobody has flagged. Two referrers do the same things, one about a person
another referrer flagged, one about a person nobody flagged; their pages are compared word for word
(every number, i.e. ids, dates and personnummer, set to 0). The samverkansteam sees "Skyddad person".
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ist.personnummer import formatted
from referrals import services
from referrals.inputs import ReferralFields
from referrals.models import ConsultativeQuestion, Referral
from tests.factories import ReferrerFactory, team
from tests.pages import page_content
from tests.referrals import builders

pytestmark = pytest.mark.django_db

FIRST, LAST = "Åke", "Sondsson"


def ask(client: Client, number: str) -> ConsultativeQuestion:
    """A named question through the form, as any referrer can send one."""
    response = client.post(
        reverse("referrals:question_new"),
        {
            "team": team().pk,
            "question": "Kan teamet ta emot honom?",
            "personnummer": formatted(number),
            "person_name": f"{FIRST} {LAST}",
            "consent_given": "on",
            "consent_date": f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}",
            "consent_how": "written",
            "form_token": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return ConsultativeQuestion.objects.latest("pk")


def pages(client: Client, referral: Referral, question: ConsultativeQuestion) -> dict[str, str]:
    urls = {
        "mine": reverse("referrals:mine"),
        "questions": reverse("referrals:questions"),
        "question": reverse("referrals:question", args=[question.pk]),
        "referral": reverse("referrals:detail", args=[referral.pk]),
    }
    if referral.is_open_for_referrer:
        urls["edit"] = reverse("referrals:edit", args=[referral.pk])
    return {name: page_content(client.get(url).content.decode(), without_numbers=True) for name, url in urls.items()}


def test_a_referrer_sees_a_person_flagged_elsewhere_as_anyone_else(users) -> None:
    flagged = builders.submitted(users["referrer"], protected_identity=True).personnummer
    unflagged = builders.referral_data()["personnummer"]
    coordinator = users["koordinator"]
    seen: dict[str, list[dict[str, str]]] = {}
    made: dict[str, tuple[Referral, ConsultativeQuestion]] = {}
    for case, number in (("flagged", flagged), ("unflagged", unflagged)):
        referrer, client = ReferrerFactory.create(), Client()
        client.force_login(referrer)
        question = ask(client, number)
        referral = builders.submitted(referrer, personnummer=number, first_name=FIRST, last_name=LAST)
        after_submit = pages(client, referral, question)
        services.referral_request_info(referral=referral, by=coordinator, message="Vilken försörjning?")
        referral.refresh_from_db()
        sent_back = pages(client, referral, question)  # the edit form's checkbox among them
        seen[case], made[case] = [after_submit, sent_back], (referral, question)

    assert seen["flagged"] == seen["unflagged"]
    assert LAST in seen["flagged"][0]["referral"]
    assert LAST in seen["flagged"][0]["question"]
    assert "Skyddad person" not in str(seen["flagged"])
    assert "skyddade personuppgifter. Du ser" not in str(seen["flagged"])

    # The team protects the person all the same.
    referral, question = made["flagged"]
    assert referral.protected_identity
    assert not referral.protected_identity_by_author
    assert question.protected_identity
    assert not question.protected_identity_by_author
    # Completing the referral with the box unticked (as the referrer sees it) keeps the team's flag.
    form_data = {**builders.referral_data(), "personnummer": flagged, "protected_identity": False}
    assert referral.referrer is not None
    services.referral_save_draft(
        referrer=referral.referrer,
        values=ReferralFields(**form_data),
        referral=referral,
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    assert referral.protected_identity

    # The samverkansteam preparing the meeting sees "Skyddad person", never the name or the number.
    meeting = builders.meeting(coordinator)
    services.referral_submit(referral=referral, by=referral.referrer)
    builders.on_agenda(referral, meeting, coordinator)
    services.agenda_add(meeting=meeting, question=question, by=coordinator)
    samverkansteam = Client()
    samverkansteam.force_login(users["samverkansteam"])
    for url in (reverse("referrals:meeting", args=[meeting.pk]), reverse("referrals:question", args=[question.pk])):
        html = samverkansteam.get(url).content.decode()
        assert "Skyddad person" in html, url
        assert LAST not in html, url
        assert flagged[:8] not in html, url


def test_a_referrer_who_ticks_the_flag_sees_the_protected_view(client, users) -> None:
    """The author's own flag still hides the person from their status pages after sending."""
    referrer = ReferrerFactory.create()
    client.force_login(referrer)
    referral = builders.submitted(referrer, protected_identity=True, first_name=FIRST, last_name=LAST)
    assert referral.protected_identity_by_author
    html = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Skyddad person" in html
    assert "Personen har skyddade personuppgifter" in html
    assert LAST not in html


def test_only_the_team_removes_a_flag_once_the_referral_is_sent(users) -> None:
    """In a draft the referrer's tick is theirs to take back; once sent, unticking clears only their
    own mark and the flag stays until a coordinator removes it."""
    referrer = ReferrerFactory.create()
    draft = builders.draft(referrer, protected_identity=True)
    data = {**builders.referral_data(), "personnummer": draft.personnummer, "protected_identity": False}
    saved = services.referral_save_draft(
        referrer=referrer, values=ReferralFields(**data), referral=draft, expected_version=draft.version
    )
    assert (saved.referral.protected_identity, saved.referral.protected_identity_by_author) == (False, False)

    sent = builders.submitted(referrer, protected_identity=True)
    services.referral_request_info(referral=sent, by=users["koordinator"], message="Mer, tack.")
    sent.refresh_from_db()
    data = {**builders.referral_data(), "personnummer": sent.personnummer, "protected_identity": False}
    services.referral_save_draft(
        referrer=referrer, values=ReferralFields(**data), referral=sent, expected_version=sent.version
    )
    sent.refresh_from_db()
    assert (sent.protected_identity, sent.protected_identity_by_author) == (True, False)
