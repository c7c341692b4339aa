from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone

from ist.errors import NotAllowedNow, StaleEdit
from referrals import services
from referrals.inputs import ReferralFields, RegisteredReferralFields, TeamEdit
from referrals.models import AgendaItem, ConsultativeQuestion, InformationMeeting, Referral, ReferralEvent
from teams.models import Membership
from tests.factories import ReferrerFactory, member, team
from tests.referrals import builders

pytestmark = pytest.mark.django_db
Status = Referral.Status
Decision = AgendaItem.Decision


@pytest.fixture
def referrer():
    return ReferrerFactory(email="remittent@test.example")


@pytest.fixture
def coordinator():
    return member(Membership.Role.KOORDINATOR)


def test_a_draft_takes_its_team_from_the_municipality(referrer) -> None:
    referral = builders.draft(referrer, municipality="Hylte")
    assert referral.status == Status.DRAFT
    assert referral.team is not None
    assert referral.team.slug == "halmstad-hylte"
    assert referral.referrer_organisation == referrer.organisation


def test_the_same_form_token_creates_one_referral(referrer) -> None:
    token = uuid.uuid4()
    data = builders.referral_data()
    first = services.referral_save_draft(referrer=referrer, values=ReferralFields(**data), form_token=token)
    second = services.referral_save_draft(referrer=referrer, values=ReferralFields(**data), form_token=token)
    assert first.created
    assert not second.created
    assert Referral.objects.count() == 1


def test_submit_sets_arrival_and_the_teams_answer_deadline(referrer) -> None:
    team("halmstad-hylte").__class__.objects.filter(slug="halmstad-hylte").update(answer_deadline_days=10)
    referral = builders.draft(referrer)
    assert services.referral_submit(referral=referral, by=referrer, today=date(2026, 11, 2)) is True
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.received_on == date(2026, 11, 2)
    assert referral.answer_deadline == date(2026, 11, 12)
    assert referral.events.get().kind == ReferralEvent.Kind.SUBMITTED


def test_submitting_twice_changes_nothing(referrer) -> None:
    referral = builders.submitted(referrer)
    assert services.referral_submit(referral=referral, by=referrer) is False
    assert referral.events.count() == 1


def test_without_consent_a_referral_cannot_be_sent(referrer) -> None:
    referral = builders.draft(referrer, consent_given=False, consent_date=None)
    with pytest.raises(services.IncompleteReferral) as caught:
        services.referral_submit(referral=referral, by=referrer)
    assert "samtycke" in caught.value.missing["consent_given"]
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT


def test_an_incomplete_referral_lists_everything_missing(referrer) -> None:
    referral = builders.draft(
        referrer, personnummer="", municipality="Halmstad", background="", authorities_involved=[]
    )
    with pytest.raises(services.IncompleteReferral) as caught:
        services.referral_submit(referral=referral, by=referrer)
    assert set(caught.value.missing) == {"personnummer", "background", "authorities_involved"}


def test_a_stale_edit_is_refused(referrer) -> None:
    referral = builders.draft(referrer)
    opened_at = referral.version
    services.referral_save_draft(
        referrer=referrer, referral=referral, values=ReferralFields.of(referral, phone="1"), expected_version=opened_at
    )
    with pytest.raises(StaleEdit):
        services.referral_save_draft(
            referrer=referrer,
            referral=referral,
            values=ReferralFields.of(referral, phone="2"),
            expected_version=opened_at,
        )
    referral.refresh_from_db()
    assert referral.phone == "1"


def test_a_sent_referral_is_closed_to_the_referrer(referrer) -> None:
    referral = builders.submitted(referrer)
    with pytest.raises(NotAllowedNow):
        services.referral_save_draft(
            referrer=referrer, referral=referral, values=ReferralFields.of(referral, phone="1")
        )


def test_request_info_returns_it_to_the_referrer_who_resends_it(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    assert services.referral_request_info(referral=referral, by=coordinator, message="Bifoga läkarintyg.")
    assert not services.referral_request_info(referral=referral, by=coordinator, message="igen")
    referral.refresh_from_db()
    assert referral.status == Status.NEEDS_INFO
    services.referral_save_draft(
        referrer=referrer, referral=referral, values=ReferralFields.of(referral, obstacles="Intyg bifogat.")
    )
    deadline = referral.answer_deadline
    assert services.referral_submit(referral=referral, by=referrer)
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.answer_deadline == deadline  # still counted from the first arrival
    kinds = list(referral.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "info_requested", "resubmitted"]


def test_coordinator_registers_a_paper_referral_as_arrived(coordinator) -> None:
    saved = services.referral_register(
        by=coordinator,
        team=team("laholm"),
        values=RegisteredReferralFields(**builders.referral_data(municipality="Halmstad"), referrer_name="Kim på FK"),
        channel=Referral.Channel.PAPER,
        received_on=date(2026, 10, 1),
    )
    referral = saved.referral
    assert referral.status == Status.SUBMITTED
    assert referral.team is not None
    assert referral.team.slug == "laholm"  # the coordinator's choice wins
    assert referral.answer_deadline == date(2026, 10, 15)
    assert referral.registered_by == coordinator


def test_moving_a_referral_to_another_team_is_on_the_timeline(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    services.referral_update_by_team(
        referral=referral,
        by=coordinator,
        values=TeamEdit.of(referral, team=team("varberg")),
        expected_version=referral.version,
    )
    assert referral.events.filter(kind=ReferralEvent.Kind.TEAM_CHANGED).exists()


def test_agenda_decision_accept_tells_referrer_and_support_authority(
    referrer, coordinator, django_capture_on_commit_callbacks, settings
) -> None:
    referral = builders.submitted(referrer, support_contact_email="handlaggare@kommun.example")
    meeting = builders.meeting(coordinator)
    item = builders.on_agenda(referral, meeting, coordinator)
    referral.refresh_from_db()
    assert referral.status == Status.ON_AGENDA
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.agenda_decide(item=item, decision=Decision.ACCEPT, reasoning="I målgruppen.", by=coordinator)
    # The e-mail, and the beslutsbrev's rendering: the support contact has no account (0032).
    assert len(callbacks) == 2
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    assert referral.decision_reason == "I målgruppen."
    # What the task sends (the task itself runs in tests/referrals/test_tasks_integration.py):
    from ist.messaging.registry import deliver
    from referrals.emails import DECIDED

    deliver(DECIDED, referral.pk)
    by_address = {message.to[0]: message for message in mail.outbox[-2:]}
    assert set(by_address) == {"remittent@test.example", "handlaggare@kommun.example"}
    for message in by_address.values():
        assert referral.last_name not in message.body
        assert referral.personnummer not in message.body
    # The referrer follows the referral in IST; the support contact has no account: a letter comes.
    assert "/remisser/" in by_address["remittent@test.example"].body
    assert "logga in" not in by_address["handlaggare@kommun.example"].body.lower()
    assert "brev" in by_address["handlaggare@kommun.example"].body


def test_a_decision_is_recorded_once(referrer, coordinator) -> None:
    item = builders.on_agenda(builders.submitted(referrer), builders.meeting(coordinator), coordinator)
    assert services.agenda_decide(item=item, decision=Decision.REJECT, reasoning="Annan plan först.", by=coordinator)
    assert not services.agenda_decide(item=item, decision=Decision.ACCEPT, reasoning="", by=coordinator)
    assert Referral.objects.get().status == Status.REJECTED


def test_more_information_needed_sends_it_back(referrer, coordinator) -> None:
    item = builders.on_agenda(builders.submitted(referrer), builders.meeting(coordinator), coordinator)
    services.agenda_decide(item=item, decision=Decision.MORE_INFO, reasoning="Behöver läkarintyg.", by=coordinator)
    assert Referral.objects.get().status == Status.NEEDS_INFO


def test_a_question_on_the_agenda_is_answered(referrer, coordinator) -> None:
    question = builders.question(referrer)
    meeting = builders.meeting(coordinator)
    services.agenda_add(meeting=meeting, question=question, by=coordinator)
    item = AgendaItem.objects.get(question=question)
    services.agenda_decide(item=item, decision=Decision.ANSWERED, reasoning="Ja, remittera.", by=coordinator)
    question.refresh_from_db()
    assert question.status == ConsultativeQuestion.Status.ANSWERED
    assert question.answer == "Ja, remittera."


def test_agenda_only_takes_the_meetings_own_team(referrer, coordinator) -> None:
    referral = builders.submitted(referrer, municipality="Varberg")
    with pytest.raises(NotAllowedNow):
        services.agenda_add(meeting=builders.meeting(coordinator), referral=referral, by=coordinator)


def test_adding_to_the_agenda_twice_is_harmless(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    meeting = builders.meeting(coordinator)
    assert services.agenda_add(meeting=meeting, referral=referral, by=coordinator)
    assert not services.agenda_add(meeting=meeting, referral=referral, by=coordinator)
    assert meeting.items.count() == 1


def test_information_meeting_only_for_accepted_and_outcome_once(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    book: dict[str, Any] = {
        "date": timezone.localdate(),
        "start_time": time(10, 0),
        "place": "IST",
        "attendees": [coordinator],
    }
    with pytest.raises(NotAllowedNow):
        services.info_meeting_book(referral=referral, by=coordinator, **book)
    referral = builders.accepted(referral, coordinator)
    meeting = services.info_meeting_book(referral=referral, by=coordinator, **book)
    assert services.info_meeting_record_outcome(
        meeting=meeting, outcome=InformationMeeting.Outcome.WANTS_TO_START, note="", by=coordinator
    )
    assert not services.info_meeting_record_outcome(
        meeting=meeting, outcome=InformationMeeting.Outcome.DECLINES, note="", by=coordinator
    )
    referral.refresh_from_db()
    assert referral.status == Status.READY


def test_no_show_keeps_the_offer_open_for_a_new_booking(referrer, coordinator) -> None:
    referral = builders.accepted(builders.submitted(referrer), coordinator)
    book: dict[str, Any] = {"date": timezone.localdate(), "start_time": time(10, 0), "place": "IST", "attendees": []}
    first = services.info_meeting_book(referral=referral, by=coordinator, **book)
    services.info_meeting_record_outcome(meeting=first, outcome="no_show", note="", by=coordinator)
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    second = services.info_meeting_book(
        referral=referral, by=coordinator, **{**book, "date": book["date"] + timedelta(days=7)}
    )
    assert second.pk != first.pk


def test_changes_to_referrals_are_in_the_change_history(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    services.referral_request_info(referral=referral, by=coordinator, message="?")
    entries = LogEntry.objects.get_for_object(referral).filter(action=LogEntry.Action.UPDATE)
    assert any("status" in e.changes_dict for e in entries)
    assert entries.first().additional_data["person"] == f"pnr:{referral.personnummer}"


def test_a_decided_referral_cannot_be_put_on_an_agenda_again(referrer, coordinator) -> None:
    referral = builders.accepted(builders.submitted(referrer), coordinator)
    with pytest.raises(NotAllowedNow):
        services.agenda_add(meeting=builders.meeting(coordinator), referral=referral, by=coordinator)
