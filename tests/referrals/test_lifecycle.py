"""The referral's life cycle to the end (referrals/lifecycle.py, docs/decisions/0029): Inskriven and
Avslutad with the stay, Återtagen by the referrer or by the team, a question registered by phone."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from ist.errors import NotAllowedNow
from ist.messaging.registry import deliver
from ist.outbox.models import Message
from participants import services as participant_services
from participants.inputs import ClosureFields, EntryVariables
from participants.models import ExitReason
from referrals import emails, lifecycle, services
from referrals.models import AgendaItem, ConsultativeQuestion, Referral, ReferralEvent
from teams.models import Membership
from tests.factories import ReferrerFactory, member, team
from tests.participants import builders as participant_builders
from tests.referrals import builders

pytestmark = pytest.mark.django_db
Status = Referral.Status
Kind = ReferralEvent.Kind


@pytest.fixture
def referrer():
    return ReferrerFactory(email="remittent@test.example")


@pytest.fixture
def coordinator():
    return member(Membership.Role.KOORDINATOR, email="koordinator@test.example")


@pytest.fixture
def handledare():
    return member(Membership.Role.HANDLEDARE)


def _referral_of(row: Any) -> Referral:
    """The referral of an enrolment or an agenda item."""
    return Referral.objects.get(pk=row.referral_id)


def _emails(name: str, referral: Referral) -> list[Message]:
    # In Python, not args__contains: SQLite (the embedded default) has no JSON containment.
    return [message for message in Message.objects.filter(name=name) if referral.pk in message.args]


# -- Inskriven and Avslutad --------------------------------------------------------------------------


def test_enrolment_moves_the_referral_to_inskriven_with_an_event(referrer, coordinator, handledare) -> None:
    enrollment = participant_builders.enrolled(referrer, coordinator, handledare, start=date(2026, 10, 5))
    referral = _referral_of(enrollment)
    assert referral.status == Status.ENROLLED
    event = referral.events.get(kind=Kind.ENROLLED)
    assert event.message == "Start 2026-10-05"
    assert event.by == coordinator


def test_closure_moves_the_referral_to_avslutad_with_an_event(referrer, coordinator, handledare) -> None:
    enrollment = participant_builders.enrolled(referrer, coordinator, handledare)
    version = _referral_of(enrollment).version
    participant_services.close(
        enrollment=enrollment,
        by=coordinator,
        values=ClosureFields(date=timezone.localdate(), reason=ExitReason.objects.get(code="flyttat")),
    )
    referral = _referral_of(enrollment)
    assert referral.status == Status.CLOSED
    assert referral.version == version + 1
    # The exit reason is the participant's: the timeline (which the referrer reads) has the date only.
    assert referral.events.get(kind=Kind.CLOSED).message == f"{timezone.localdate():%Y-%m-%d}"


def test_a_failed_enrolment_leaves_the_referral_as_it_was(referrer, coordinator, handledare) -> None:
    """Same transaction: an enrolment refused after the referral moved rolls the move back too."""
    referral = participant_builders.ready_referral(referrer, coordinator)
    Referral.objects.filter(pk=referral.pk).update(status=Status.ACCEPTED)
    with pytest.raises(NotAllowedNow):
        participant_services.enroll(
            referral=referral,
            responsible=handledare,
            second_contact=None,
            start_date=timezone.localdate(),
            by=coordinator,
            entry=EntryVariables(),
        )
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED
    assert not ReferralEvent.objects.filter(referral=referral, kind=Kind.ENROLLED).exists()


def test_the_stay_is_told_to_the_referrer_within_the_consent(referrer, coordinator, handledare) -> None:
    enrollment = participant_builders.enrolled(referrer, coordinator, handledare, start=date(2026, 9, 1))
    referral = _referral_of(enrollment)
    stay = lifecycle.stay_of(referral, referrer)
    assert stay is not None
    assert (stay.start_date, stay.handledare, stay.phase) == (date(2026, 9, 1), handledare.get_full_name(), "Prova på")
    assert stay.participant_url.endswith(f"/{enrollment.pk}/")
    Referral.objects.filter(pk=referral.pk).update(consent_withdrawn_on=timezone.localdate())
    referral.refresh_from_db()
    assert lifecycle.stay_of(referral, referrer) is None
    assert lifecycle.stay_of(referral, coordinator) is not None  # the team still sees its own participant
    other_referrer = ReferrerFactory.create()
    assert lifecycle.stay_of(referral, other_referrer) is None


def test_the_stay_of_a_closed_referral_has_its_closing_date_and_exit_reason(referrer, coordinator, handledare) -> None:
    enrollment = participant_builders.enrolled(referrer, coordinator, handledare)
    reason = ExitReason.objects.get(code="flyttat")
    participant_services.close(
        enrollment=enrollment, by=coordinator, values=ClosureFields(date=timezone.localdate(), reason=reason)
    )
    stay = lifecycle.stay_of(_referral_of(enrollment), referrer)
    assert stay is not None
    assert (stay.closed_on, stay.exit_reason) == (timezone.localdate(), str(reason))


def test_the_decision_box_tells_the_truth_at_each_state(referrer, coordinator, handledare) -> None:
    enrollment = participant_builders.enrolled(referrer, coordinator, handledare)
    referral = _referral_of(enrollment)
    box = lifecycle.decision_box(referral)
    assert box is not None
    assert (box.decision, box.now) == ("Antagen", "Personen är inskriven i IST.")
    rejected = builders.on_agenda(builders.submitted(referrer), builders.meeting(coordinator), coordinator)
    services.agenda_decide(item=rejected, decision=AgendaItem.Decision.REJECT, reasoning="Nej.", by=coordinator)
    box = lifecycle.decision_box(_referral_of(rejected))
    assert box is not None
    assert box.decision == "Avslagen"
    assert lifecycle.decision_box(builders.submitted(referrer)) is None


# -- Återtagen -----------------------------------------------------------------------------------


def test_the_referrer_withdraws_before_the_decision_and_the_coordinators_are_told(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    item = builders.on_agenda(referral, builders.meeting(coordinator), coordinator)
    assert lifecycle.referral_withdraw(referral=referral, by=referrer, reason="Personen har fått arbete.")
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert (referral.withdrawn_by, referral.withdrawal_reason) == (referrer, "Personen har fått arbete.")
    assert referral.withdrawn_by_referrer
    assert referral.events.filter(kind=Kind.WITHDRAWN, message="Personen har fått arbete.").exists()
    assert not AgendaItem.objects.filter(pk=item.pk).exists()  # off the agenda it was waiting on
    assert len(_emails(emails.WITHDRAWN, referral)) == 1
    deliver(emails.WITHDRAWN, referral.pk)
    message = mail.outbox[-1]
    assert message.to == ["koordinator@test.example"]
    assert referral.last_name not in message.body
    assert "Personen har fått arbete" not in message.body  # the reason is behind login


def test_withdrawing_twice_changes_nothing(referrer) -> None:
    referral = builders.submitted(referrer)
    assert lifecycle.referral_withdraw(referral=referral, by=referrer, reason="Ett")
    assert not lifecycle.referral_withdraw(referral=referral, by=referrer, reason="Två")
    referral.refresh_from_db()
    assert referral.withdrawal_reason == "Ett"
    assert referral.events.filter(kind=Kind.WITHDRAWN).count() == 1
    assert len(_emails(emails.WITHDRAWN, referral)) == 1


def test_a_decided_referral_cannot_be_withdrawn_nor_by_anyone_else(referrer, coordinator) -> None:
    accepted = builders.accepted(builders.submitted(referrer), coordinator)
    with pytest.raises(NotAllowedNow):
        lifecycle.referral_withdraw(referral=accepted, by=referrer, reason="Sent")
    waiting = builders.submitted(referrer)
    with pytest.raises(NotAllowedNow):
        lifecycle.referral_withdraw(referral=waiting, by=coordinator, reason="Inte min")
    with pytest.raises(NotAllowedNow):
        lifecycle.referral_withdraw(referral=builders.draft(referrer), by=referrer, reason="Utkast")
    assert Referral.objects.get(pk=waiting.pk).status == Status.SUBMITTED


def test_the_coordinator_closes_a_stalled_komplettering_and_the_referrer_is_told(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    services.referral_request_info(referral=referral, by=coordinator, message="Läkarintyg")
    assert lifecycle.referral_close_stalled(referral=referral, by=coordinator, reason="Ingen komplettering kom.")
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert not referral.withdrawn_by_referrer
    assert referral.events.filter(kind=Kind.CLOSED_BY_TEAM).exists()
    assert not lifecycle.referral_close_stalled(referral=referral, by=coordinator, reason="Igen")
    assert len(_emails(emails.CLOSED_BY_TEAM, referral)) == 1
    deliver(emails.CLOSED_BY_TEAM, referral.pk)
    message = mail.outbox[-1]
    assert message.to == ["remittent@test.example"]
    assert f"/remisser/{referral.pk}/" in message.body
    assert referral.last_name not in message.body


def test_only_a_komplettering_can_be_closed_as_stalled(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    with pytest.raises(NotAllowedNow):
        lifecycle.referral_close_stalled(referral=referral, by=coordinator, reason="För tidigt")
    assert Referral.objects.get(pk=referral.pk).status == Status.SUBMITTED


def test_a_withdrawn_referral_cannot_be_sent_again_or_put_on_an_agenda(referrer, coordinator) -> None:
    referral = builders.submitted(referrer)
    services.referral_request_info(referral=referral, by=coordinator, message="Mer")
    lifecycle.referral_withdraw(referral=referral, by=referrer, reason="Avvaktar")
    assert not services.referral_submit(referral=referral, by=referrer)
    with pytest.raises(NotAllowedNow):
        services.agenda_add(meeting=builders.meeting(coordinator), referral=referral, by=coordinator)
    assert Referral.objects.get(pk=referral.pk).status == Status.WITHDRAWN


def test_a_paper_referral_closed_by_the_team_is_not_told_to_log_in(coordinator) -> None:
    referral = builders.submitted(ReferrerFactory.create())
    Referral.objects.filter(pk=referral.pk).update(referrer=None, referrer_email="papper@kommun.example")
    services.referral_request_info(referral=referral, by=coordinator, message="Mer")
    lifecycle.referral_close_stalled(referral=referral, by=coordinator, reason="Ingen komplettering")
    deliver(emails.CLOSED_BY_TEAM, referral.pk)
    assert "/remisser/" not in mail.outbox[-1].body


# -- A question by phone -----------------------------------------------------------------------------


def test_the_coordinator_registers_a_question_that_came_by_phone(coordinator) -> None:
    kwargs = {
        "by": coordinator,
        "team": team("halmstad-hylte"),
        "channel": ConsultativeQuestion.Channel.PHONE,
        "asker_name": "Lena Vårdcentral",
        "asker_contact": "035-12 34 56",
        "organisation": None,
        "question": "Kan en person med smärta remitteras?",
        "form_token": uuid.uuid4(),
    }
    question = lifecycle.question_register(**kwargs)
    assert lifecycle.question_register(**kwargs) == question  # a double submit makes one question
    assert (question.asked_by, question.registered_by, question.status) == (None, coordinator, "new")
    assert question.asker_label == "Lena Vårdcentral"
    # Answered at a meeting: there is no account to e-mail, and nothing fails.
    meeting = builders.meeting(coordinator)
    services.agenda_add(meeting=meeting, question=question, by=coordinator)
    item = AgendaItem.objects.get(question=question)
    services.agenda_decide(item=item, decision=AgendaItem.Decision.ANSWERED, reasoning="Ja.", by=coordinator)
    before = len(mail.outbox)
    assert deliver(emails.QUESTION_ANSWERED, question.pk) == 0
    assert len(mail.outbox) == before


def test_a_registered_question_naming_the_person_needs_consent(coordinator) -> None:
    with pytest.raises(NotAllowedNow):
        lifecycle.question_register(
            by=coordinator,
            team=team("halmstad-hylte"),
            channel=ConsultativeQuestion.Channel.VISIT,
            asker_name="Per",
            asker_contact="",
            organisation=None,
            question="?",
            person_name="Karin Kvist",
        )
    assert not ConsultativeQuestion.objects.exists()


# -- The data migration ---------------------------------------------------------------------------


def test_the_data_migration_moves_enrolled_and_closed_referrals(referrer, coordinator, handledare) -> None:
    import importlib

    from django.apps import apps

    active = participant_builders.enrolled(referrer, coordinator, handledare)
    closed = participant_builders.enrolled(referrer, coordinator, handledare)
    participant_services.close(
        enrollment=closed,
        by=coordinator,
        values=ClosureFields(date=timezone.localdate(), reason=ExitReason.objects.get(code="flyttat")),
    )
    # As before the life cycle had its end: both stuck at "Vill börja".
    Referral.objects.filter(pk__in=[active.referral_id, closed.referral_id]).update(status=Status.READY)
    ReferralEvent.objects.filter(kind__in=[Kind.ENROLLED, Kind.CLOSED]).delete()
    migration = importlib.import_module("referrals.migrations.0012_referral_life_cycle_data")
    migration.forward(apps, None)
    migration.forward(apps, None)  # twice: nothing more happens
    assert _referral_of(active).status == Status.ENROLLED
    assert _referral_of(closed).status == Status.CLOSED
    assert ReferralEvent.objects.filter(referral=_referral_of(closed), kind=Kind.CLOSED).count() == 1
    assert ReferralEvent.objects.filter(kind=Kind.ENROLLED).count() == 2


# -- The life cycle as a property -------------------------------------------------------------------


def test_the_transition_table_ends_every_path_in_exactly_one_final_state() -> None:
    """Exhaustively over the table: every status reaches a final state, no final state has a way out,
    and every status is in the table (a new status must say where it may go)."""
    assert set(lifecycle.NEXT) == set(Status.values)
    assert {Status.REJECTED, Status.DECLINED, Status.CLOSED, Status.WITHDRAWN} == lifecycle.FINAL
    for status in Status.values:
        seen, todo = set(), [status]
        while todo:
            current = todo.pop()
            seen.add(current)
            todo += [s for s in lifecycle.NEXT[current] if s not in seen]
        assert seen & lifecycle.FINAL, status
        assert all(not lifecycle.NEXT[final] for final in lifecycle.FINAL)


STEPS = (
    "submit",
    "request_info",
    "agenda",
    "accept",
    "reject",
    "more_info",
    "withdraw",
    "close_stalled",
    "book",
    "wants",
    "declines",
    "no_show",
    "enroll",
    "close",
)


def _step(name: str, referral: Referral, people: dict[str, Any]) -> None:
    """One user action through the services; a step the state does not allow is refused (NotAllowedNow)
    or changes nothing. Either is fine: the property is about the statuses that result."""
    from participants.models import Enrollment
    from referrals.models import InformationMeeting

    referrer, coordinator, handledare = people["referrer"], people["coordinator"], people["handledare"]
    referral.refresh_from_db()
    if name == "submit":
        services.referral_submit(referral=referral, by=referrer)
    elif name == "request_info":
        services.referral_request_info(referral=referral, by=coordinator, message="Mer")
    elif name == "agenda":
        services.agenda_add(meeting=people["meeting"], referral=referral, by=coordinator)
    elif name in ("accept", "reject", "more_info"):
        item = AgendaItem.objects.filter(referral=referral, decision="").first()
        if item is not None:
            decision = {"accept": "accept", "reject": "reject", "more_info": "more_info"}[name]
            services.agenda_decide(item=item, decision=decision, reasoning="", by=coordinator)
    elif name == "withdraw":
        lifecycle.referral_withdraw(referral=referral, by=referrer, reason="Skäl")
    elif name == "close_stalled":
        lifecycle.referral_close_stalled(referral=referral, by=coordinator, reason="Skäl")
    elif name == "book":
        services.info_meeting_book(
            referral=referral, date=timezone.localdate(), start_time=time(9), place="IST", attendees=[], by=coordinator
        )
    elif name in ("wants", "declines", "no_show"):
        meeting = InformationMeeting.objects.filter(referral=referral, outcome="").first()
        if meeting is not None:
            outcome = {"wants": "wants_to_start", "declines": "declines", "no_show": "no_show"}[name]
            services.info_meeting_record_outcome(meeting=meeting, outcome=outcome, note="", by=coordinator)
    elif name == "enroll":
        participant_services.enroll(
            referral=referral,
            responsible=handledare,
            second_contact=None,
            start_date=timezone.localdate() - timedelta(days=1),
            by=coordinator,
            entry=EntryVariables(),
        )
    elif name == "close":
        enrollment = Enrollment.objects.filter(referral=referral, status="active").first()
        if enrollment is not None:
            participant_services.close(
                enrollment=enrollment,
                by=coordinator,
                values=ClosureFields(date=timezone.localdate(), reason=ExitReason.objects.get(code="flyttat")),
            )


# The shortest way on to a final state from each status, as the users would take it.
FINISH = {
    Status.DRAFT: ["submit", "withdraw"],
    Status.SUBMITTED: ["withdraw"],
    Status.NEEDS_INFO: ["close_stalled"],
    Status.ON_AGENDA: ["withdraw"],
    Status.ACCEPTED: ["book", "declines"],
    Status.READY: ["enroll", "close"],
    Status.ENROLLED: ["close"],
}


def test_every_path_through_the_life_cycle_ends_in_exactly_one_final_state(referrer, coordinator, handledare) -> None:
    """Random sequences of every user action, through the real services: each status change is one
    the table allows, nothing leaves a final state, and from wherever the path stops, the users can
    take it to exactly one final state (which then stays)."""
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    people = {
        "referrer": referrer,
        "coordinator": coordinator,
        "handledare": handledare,
        "meeting": builders.meeting(coordinator),
    }

    class Rollback(Exception):  # noqa: N818 - undo one example's writes
        pass

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.lists(st.sampled_from(STEPS), min_size=1, max_size=12))
    def run(steps: list[str]) -> None:
        try:
            with transaction.atomic():
                referral = builders.draft(referrer)
                path: list[str] = [Status.DRAFT]
                for name in [*steps, *["finish"] * 4]:
                    current = Referral.objects.get(pk=referral.pk).status
                    todo = FINISH.get(Status(current), []) if name == "finish" else [name]
                    for step in todo:
                        status = Referral.objects.get(pk=referral.pk).status
                        try:
                            with transaction.atomic():
                                _step(step, referral, people)
                        except NotAllowedNow:
                            pass
                        after = Referral.objects.get(pk=referral.pk).status
                        if after != status:
                            assert after in lifecycle.NEXT[status], (path, step, after)
                            assert status not in lifecycle.FINAL
                            path.append(after)
                final = [s for s in path if s in lifecycle.FINAL]
                assert len(final) == 1, path
                assert path[-1] == final[0]
                raise Rollback
        except Rollback:
            pass

    run()
