"""Letters for people without an account, calendar invites, and the information meeting's date rules
(issue 18, docs/decisions/0032)."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from ist.calendar_invite import STOCKHOLM, Invite, ics
from ist.errors import NotAllowedNow
from ist.messaging.registry import deliver
from ist.outbox.models import Message
from referrals import emails, letters, services
from referrals.inputs import RegisteredReferralFields
from referrals.models import AgendaItem, InformationMeeting, Letter, Referral, ReferralEvent
from teams.models import Membership
from tests.factories import ReferrerFactory, member, team
from tests.referrals import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Decision = AgendaItem.Decision
# The letter page: session, user, the letter in scope, the access log, the menu (8 measured, a small margin).
QUERIES_LETTER_PAGE = 10
REASONING = "Personen har redan ett pågående stöd från Arbetsförmedlingen som passar bättre."


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _paper(coordinator, **overrides: Any) -> Referral:
    values = RegisteredReferralFields(
        **builders.referral_data(**{"support_contact_email": "", **overrides.pop("data", {})}),
        referrer_name="Kim Handläggare",
        referrer_email=overrides.pop("referrer_email", ""),
    )
    return services.referral_register(
        by=coordinator, team=team(), values=values, channel=Referral.Channel.PAPER, received_on=timezone.localdate()
    ).referral


def _decide(referral: Referral, coordinator, decision: str = Decision.REJECT) -> AgendaItem:
    item = builders.on_agenda(referral, builders.meeting(coordinator), coordinator)
    services.agenda_decide(item=item, decision=decision, reasoning=REASONING, by=coordinator)
    return item


def _rendered(letter: Letter) -> bytes:
    assert letters.letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    with letter.pdf.open("rb") as stored:
        return stored.read()


def _book(referral: Referral, coordinator, *, day: date | None = None, **more: Any) -> InformationMeeting:
    return services.info_meeting_book(
        referral=referral,
        date=day or timezone.localdate() + timedelta(days=4),
        start_time=time(13, 30),
        place="IST-kontoret, Storgatan 5, Halmstad",
        attendees=more.pop("attendees", [coordinator]),
        by=coordinator,
        **more,
    )


@pytest.fixture
def coordinator():
    return member(Membership.Role.KOORDINATOR, first_name="Karin", last_name="Koordinator")


# -- Beslutsbrev -------------------------------------------------------------------------------


def test_a_decision_on_a_paper_referral_makes_a_beslutsbrev_with_the_reasoning_on_the_letterhead(coordinator):
    referral = _paper(coordinator)
    item = _decide(referral, coordinator)
    letter = Letter.objects.get(referral=referral)
    assert (letter.kind, letter.agenda_item_id, letter.status) == (Letter.Kind.DECISION, item.pk, "pending")
    assert Message.objects.filter(key=f"task:render-letter:{letter.pk}:created").exists()  # through the outbox
    text = _text(_rendered(letter))
    assert letter.status == Letter.Status.READY
    assert letter.sha256
    assert "Beslut om remiss" in text
    assert "Remissen är avslagen" in text
    assert "Arbetsförmedlingen som passar bättre" in " ".join(text.split())  # the reasoning, whatever the wrapping
    assert "IST Halmstad/Hylte" in text  # the team's letterhead
    assert "Kim Handläggare" in text  # to the paper referrer
    assert referral.personnummer not in text.replace("-", "")  # masked only


def test_rendering_twice_renders_once(coordinator):
    letter = Letter.objects.get(referral=_decide(_paper(coordinator), coordinator).referral)
    assert letters.letter_render(letter_id=letter.pk)
    assert not letters.letter_render(letter_id=letter.pk)


def test_no_beslutsbrev_when_everyone_told_can_read_it_in_ist(coordinator):
    referral = builders.submitted(ReferrerFactory.create(email="remittent@kommun.example"))
    _decide(referral, coordinator)
    assert not Letter.objects.filter(referral=referral).exists()


def test_the_support_contact_without_an_account_gets_a_copy(coordinator):
    referral = builders.submitted(ReferrerFactory.create(), support_contact_email="handlaggare@kommun.example")
    _decide(referral, coordinator, Decision.ACCEPT)
    letter = Letter.objects.get(referral=referral)
    text = _text(_rendered(letter))
    assert letters.SUPPORT_CONTACT in text
    assert "Remissen är antagen" in text


def test_a_protected_person_is_named_by_the_referral_number_only(coordinator):
    referral = _paper(coordinator, data={"protected_identity": True, "last_name": "Skyddadsson"})
    _decide(referral, coordinator)
    text = _text(_rendered(Letter.objects.get(referral=referral)))
    assert "Skyddadsson" not in text
    assert f"Personen i remiss {referral.pk}" in text


# -- Kallelse --------------------------------------------------------------------------------------


def test_booking_makes_a_kallelse_with_date_time_place_and_address(coordinator):
    referral = builders.accepted(_paper(coordinator, data={"address": "Storgatan 1\n302 44 Halmstad"}), coordinator)
    day = timezone.localdate() + timedelta(days=4)
    meeting = _book(referral, coordinator, day=day)
    letter = Letter.objects.get(information_meeting=meeting)
    text = _text(_rendered(letter))
    assert "Välkommen till ett informationsmöte" in text
    assert f"{day:%Y-%m-%d}" in text
    assert "13:30" in text
    assert "Storgatan 5" in text
    assert "Karin Koordinator" in text  # whom they meet
    assert "Legitimation" in text  # what to bring
    assert "302 44 Halmstad" in text  # the person's address
    assert referral.first_name in text


def test_a_protected_person_gets_no_address_printed(coordinator):
    data = {"protected_identity": True, "address": "Hemliga vägen 7\n302 99 Halmstad"}
    referral = builders.accepted(_paper(coordinator, data=data), coordinator)
    text = _text(_rendered(Letter.objects.get(information_meeting=_book(referral, coordinator))))
    assert "Hemliga vägen" not in text
    assert "302 99" not in text
    assert "Välkommen till ett informationsmöte" in text


# -- E-mails to addresses without an account -----------------------------------------------------------


def test_a_decision_to_an_address_without_an_account_says_a_letter_comes_and_never_log_in(coordinator):
    referral = _paper(coordinator, referrer_email="kim@fk.example")
    _decide(referral, coordinator)
    mail.outbox.clear()
    deliver(emails.DECIDED, referral.pk)
    (message,) = mail.outbox
    assert message.to == ["kim@fk.example"]
    assert "logga in" not in message.body.lower()
    assert "/remisser/" not in message.body
    assert "brev" in message.body
    for personal in (referral.first_name, referral.last_name, referral.personnummer, REASONING):
        assert personal not in message.body


def test_an_address_with_an_account_that_does_not_follow_the_referral_gets_no_link(coordinator):
    """An account exists for the address, but the paper referral is not shared with it: a link would 404."""
    ReferrerFactory.create(email="kim@fk.example")
    referral = _paper(coordinator, referrer_email="kim@fk.example")
    _decide(referral, coordinator)
    mail.outbox.clear()
    deliver(emails.DECIDED, referral.pk)
    assert "/remisser/" not in mail.outbox[0].body
    assert Letter.objects.filter(referral=referral).exists()


def test_a_komplettering_asked_of_a_paper_referrer_does_not_ask_them_to_log_in(coordinator):
    referral = _paper(coordinator, referrer_email="kim@fk.example")
    services.referral_request_info(referral=referral, by=coordinator, message="Läkarintyg saknas.")
    deliver(emails.INFO_REQUESTED, referral.pk)
    body = mail.outbox[-1].body
    assert "logga in" not in body.lower()
    assert "/remisser/" not in body


# -- Calendar invites -----------------------------------------------------------------------------------


def _event(content: bytes) -> Any:
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_booking_e_mail_carries_an_invite_without_personal_data(coordinator):
    referrer = ReferrerFactory.create(email="remittent@kommun.example")
    referral = builders.accepted(builders.submitted(referrer), coordinator)
    meeting = _book(referral, coordinator)
    mail.outbox.clear()
    deliver(emails.INFO_MEETING_BOOKED, meeting.pk)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"remittent@kommun.example", coordinator.email}
    for message in by_address.values():
        ((name, content, mimetype),) = message.attachments
        assert name.endswith(".ics")
        assert mimetype.startswith("text/calendar")
        _calendar, event = _event(content)
        assert str(event["summary"]) == "Informationsmöte, IST Halmstad/Hylte"
        assert event.decoded("dtstart") == datetime.combine(meeting.date, time(13, 30), tzinfo=STOCKHOLM)
        assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=60)
        assert str(event["uid"]) == f"informationsmote-{meeting.pk}@{urlsplit(settings.IST_BASE_URL).hostname}"
        text = content if isinstance(content, str) else content.decode()  # Django decodes text/* parts
        for personal in (referral.first_name, referral.last_name, referral.personnummer, referral.personnummer[:8]):
            assert personal not in text
        assert "/remisser/" in by_address["remittent@kommun.example"].body


def test_the_uid_is_stable_and_a_cancellation_says_cancel():
    invite = Invite(
        kind="samverkansmote",
        pk=7,
        title="Samverkansteamsmöte, IST Varberg",
        day=date(2026, 3, 29),
        start=time(9, 0),
        minutes=120,
    )
    first, second = _event(ics(invite))[1], _event(ics(invite))[1]
    assert str(first["uid"]) == str(second["uid"]) == invite.uid
    # Summer time begins that morning: 09:00 in Stockholm is 07:00 UTC.
    assert first.decoded("dtstart").utcoffset() == timedelta(hours=2)
    calendar, cancelled = _event(ics(Invite(**{**invite.__dict__, "cancelled": True})))
    assert str(calendar["method"]) == "CANCEL"
    assert str(cancelled["status"]) == "CANCELLED"
    assert str(cancelled["uid"]) == invite.uid
    assert cancelled["sequence"] > first["sequence"]


def test_a_new_samverkansteam_meeting_is_mailed_to_the_team_with_an_invite(coordinator):
    samverkan = member(Membership.Role.SAMVERKANSTEAM)
    meeting = builders.meeting(coordinator)
    assert Message.objects.filter(key=f"email:{emails.MEETING_BOOKED}:{meeting.pk}:booked").exists()
    mail.outbox.clear()
    deliver(emails.MEETING_BOOKED, meeting.pk)
    (message,) = mail.outbox
    assert set(message.to) == {coordinator.email, samverkan.email}
    _calendar, event = _event(message.attachments[0][1])
    assert str(event["summary"]) == "Samverkansteamsmöte, IST Halmstad/Hylte"


def test_calendar_downloads_for_those_who_see_the_meeting(client, world):
    client.force_login(world["samverkansteam"])
    response = client.get(reverse("referrals:meeting_calendar", kwargs={"pk": world["meeting"].pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    _calendar, event = _event(response.content)
    assert "Samverkansteamsmöte" in str(event["summary"])
    client.force_login(world["referrer"])
    response = client.get(reverse("referrals:info_meeting_calendar", kwargs={"pk": world["info_meeting"].pk}))
    assert response.status_code == 200
    assert world["accepted"].last_name not in response.content.decode()


# -- Information meetings: the dates ----------------------------------------------------------------------------


def test_an_outcome_before_the_meeting_day_is_refused(world):
    meeting = world["info_meeting"]
    with pytest.raises(NotAllowedNow):
        services.info_meeting_record_outcome(
            meeting=meeting, outcome="wants_to_start", note="", by=world["koordinator"]
        )
    assert services.info_meeting_record_outcome(
        meeting=meeting, outcome="wants_to_start", note="", by=world["koordinator"], today=meeting.date
    )


def test_the_outcome_form_says_why_beside_the_field_and_keeps_the_note(client, world):
    client.force_login(world["koordinator"])
    page = reverse("referrals:info_meeting", kwargs={"pk": world["info_meeting"].pk})
    response = client.post(page, {"outcome": "wants_to_start", "note": "Vill börja i januari"})
    assert response.status_code == 200  # the page again, as for any form with a mistake
    html = response.content.decode()
    assert "Mötet har inte ägt rum ännu" in html
    assert 'id="outcome-error"' in html
    assert "Vill börja i januari" in html  # what was typed stays
    assert InformationMeeting.objects.get(pk=world["info_meeting"].pk).outcome == ""


def test_a_meeting_booked_in_the_past_is_recorded_as_held_and_not_mailed(coordinator):
    referral = builders.accepted(_paper(coordinator, referrer_email="kim@fk.example"), coordinator)
    meeting = _book(referral, coordinator, day=timezone.localdate() - timedelta(days=2))
    assert not Message.objects.filter(key__startswith=f"email:{emails.INFO_MEETING_BOOKED}:{meeting.pk}:").exists()
    assert not Letter.objects.filter(information_meeting=meeting).exists()
    assert "registrerat i efterhand" in referral.events.get(kind=ReferralEvent.Kind.INFO_MEETING_BOOKED).message
    # Held: its outcome can be recorded now.
    assert services.info_meeting_record_outcome(meeting=meeting, outcome="wants_to_start", note="", by=coordinator)


def test_wants_to_start_is_one_click_from_the_enrolment_form(client, world):
    meeting = world["info_meeting"]
    services.info_meeting_record_outcome(
        meeting=meeting, outcome="wants_to_start", note="", by=world["koordinator"], today=meeting.date
    )
    client.force_login(world["koordinator"])
    html = client.get(reverse("referrals:info_meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert reverse("participants:enroll", kwargs={"referral_pk": meeting.referral_id}) in html
    client.force_login(world["handledare"])
    html = client.get(reverse("referrals:info_meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert reverse("participants:enroll", kwargs={"referral_pk": meeting.referral_id}) not in html


# -- The letter page -----------------------------------------------------------------------------------------


def test_the_coordinator_downloads_and_marks_it_sent_once(client, coordinator):
    referral = _paper(coordinator)
    _decide(referral, coordinator)
    letter = Letter.objects.get(referral=referral)
    client.force_login(coordinator)
    page = reverse("referrals:letter", kwargs={"public_id": letter.public_id})
    pdf = reverse("referrals:letter_pdf", kwargs={"public_id": letter.public_id})
    assert client.get(pdf).status_code == 409  # still being made
    _rendered(letter)
    response = client.get(pdf)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Beslutsbrev-remiss" in response["Content-Disposition"]
    assert referral.last_name not in response["Content-Disposition"]
    assert REASONING[:30] in _text(b"".join(response.streaming_content))
    refused = client.post(page, {"how": "bogus"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["how"]
    assert client.post(page, {"how": "post"}).status_code == 302
    first = Letter.objects.get(pk=letter.pk).sent_at
    assert client.post(page, {"how": "secure"}).status_code == 302  # a second click changes nothing
    letter.refresh_from_db()
    assert (letter.sent_at, letter.sent_how, letter.sent_by) == (first, "post", coordinator)
    review = client.get(reverse("referrals:review", kwargs={"pk": referral.pk})).content.decode()
    assert "Beslutsbrev" in review


def test_a_changed_file_is_never_served(client, coordinator):
    letter = Letter.objects.get(referral=_decide(_paper(coordinator), coordinator).referral)
    _rendered(letter)
    Letter.objects.filter(pk=letter.pk).update(sha256="0" * 64)
    client.force_login(coordinator)
    assert client.get(reverse("referrals:letter_pdf", kwargs={"public_id": letter.public_id})).status_code == 500


def test_only_the_teams_coordinators_see_a_letter(client, world, coordinator):
    letter = Letter.objects.get(referral=_decide(_paper(coordinator), coordinator).referral)
    for role in ("handledare", "samverkansteam", "referrer"):
        client.force_login(world[role])
        assert client.get(reverse("referrals:letter", kwargs={"public_id": letter.public_id})).status_code == 404
    client.force_login(member(Membership.Role.KOORDINATOR, "varberg"))
    assert client.get(reverse("referrals:letter", kwargs={"public_id": letter.public_id})).status_code == 404


def test_gallring_of_the_referral_deletes_its_letters_and_their_files(coordinator):
    from ist.retention.anonymise import DELETED, anonymise_referrals

    referral = _paper(coordinator)
    _decide(referral, coordinator)
    letter = Letter.objects.get(referral=referral)
    _rendered(letter)
    outcome = anonymise_referrals([referral.pk], timezone.now())
    assert not Letter.objects.filter(referral=referral).exists()
    assert letter.pdf.name in outcome.files
    assert outcome.counts[("Brev", DELETED)] == 1


def test_the_letter_page_takes_a_fixed_number_of_queries(client, coordinator, django_assert_max_num_queries):
    referral = _paper(coordinator)
    _decide(referral, coordinator)
    letter = Letter.objects.get(referral=referral)
    _rendered(letter)
    client.force_login(coordinator)
    page = reverse("referrals:letter", kwargs={"public_id": letter.public_id})
    client.get(page)  # the session warm
    with django_assert_max_num_queries(QUERIES_LETTER_PAGE):
        assert client.get(page).status_code == 200
