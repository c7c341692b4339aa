""" "Att göra" follows the work at once: the service that does the work resolves the matching open
items in its own transaction (`sweeps.sweep_for`), with no sweep run after it. Each test lets a sweep
make the item, does the work through the service and looks at the item straight away."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ist.reminders import registry, sweeps
from ist.reminders.models import DeadlineSettings, Kind, Notification
from participants import services as journey_services
from participants.inputs import ActivityFields, ClosureFields
from participants.models import Activity, ActivityKind, Enrollment, ExitReason, Phase
from referrals import services as referral_services
from referrals.inputs import TeamEdit
from referrals.models import AgendaItem, ReferralEvent
from teams.models import Membership
from tests.factories import member, team
from tests.participants import builders as participant_builders
from tests.participants.documents import builders as document_builders
from tests.referrals import builders

pytestmark = pytest.mark.django_db
State = Notification.State


def states(kind: str, subject) -> dict[int, str]:
    """recipient id → state of the items of `kind` on `subject`."""
    rows = Notification.objects.filter(
        kind=kind, subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=subject.pk
    )
    return {row.recipient_id: row.state for row in rows}


def swept() -> None:
    """Let the sweeps make today's items (as the hourly beat would)."""
    sweeps.sweep_all()


def last_week() -> tuple:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=1), monday - timedelta(days=1)


# -- Referrals ----------------------------------------------------------------------------------


@pytest.fixture
def overdue(world):
    """world["referral"] (on the agenda of a meeting in seven days) a day past its answer deadline."""
    referral = world["referral"]
    referral.answer_deadline = timezone.localdate() - timedelta(days=1)
    referral.save(update_fields=["answer_deadline"])
    swept()
    assert states(Kind.ANSWER_OVERDUE, referral) == {world["koordinator"].pk: State.OPEN}
    return referral


def test_a_decision_resolves_the_answer_deadline_and_the_meeting_to_prepare_at_once(world, overdue):
    meeting = world["meeting"]
    assert states(Kind.TEAM_MEETING_SOON, meeting) == {world["samverkansteam"].pk: State.OPEN}
    referral_services.agenda_decide(
        item=world["item"], decision=AgendaItem.Decision.ACCEPT, reasoning="Ja.", by=world["koordinator"]
    )
    assert states(Kind.ANSWER_OVERDUE, overdue) == {world["koordinator"].pk: State.RESOLVED}
    assert states(Kind.TEAM_MEETING_SOON, meeting) == {world["samverkansteam"].pk: State.RESOLVED}


def test_a_decided_point_leaves_the_meeting_item_open_with_one_point_less(world):
    meeting, coordinator = world["meeting"], world["koordinator"]
    builders.on_agenda(builders.submitted(world["referrer"]), meeting, coordinator)
    swept()
    item = Notification.objects.get(kind=Kind.TEAM_MEETING_SOON)
    assert item.title.endswith("2 punkter att förbereda")
    referral_services.agenda_decide(
        item=world["item"], decision=AgendaItem.Decision.REJECT, reasoning="", by=coordinator
    )
    item.refresh_from_db()
    assert item.state == State.OPEN
    assert item.title.endswith("1 punkt att förbereda")


def test_asking_for_more_information_answers_the_referrer_for_now(world, overdue):
    referral_services.referral_request_info(referral=overdue, by=world["koordinator"], message="Saknar samtycke.")
    assert states(Kind.ANSWER_OVERDUE, overdue) == {world["koordinator"].pk: State.RESOLVED}


def test_the_completion_resolves_the_slow_completion_item(world):
    referral = world["referral"]
    referral_services.referral_request_info(referral=referral, by=world["koordinator"], message="Saknar samtycke.")
    ReferralEvent.objects.filter(referral=referral, kind=ReferralEvent.Kind.INFO_REQUESTED).update(
        at=timezone.now() - timedelta(days=20)
    )
    swept()
    assert states(Kind.NEEDS_INFO_WAITING, referral) == {world["koordinator"].pk: State.OPEN}
    referral_services.referral_submit(referral=referral, by=world["referrer"])
    assert states(Kind.NEEDS_INFO_WAITING, referral) == {world["koordinator"].pk: State.RESOLVED}


def test_moving_a_referral_to_another_team_resolves_the_old_teams_items(world, overdue):
    referral_services.referral_update_by_team(
        referral=overdue,
        by=world["koordinator"],
        values=TeamEdit.of(overdue, team=team("laholm")),
        expected_version=overdue.version,
    )
    assert states(Kind.ANSWER_OVERDUE, overdue) == {world["koordinator"].pk: State.RESOLVED}
    assert states(Kind.TEAM_MEETING_SOON, world["meeting"]) == {world["samverkansteam"].pk: State.RESOLVED}


def test_recording_the_information_meetings_outcome_resolves_its_reminder(world):
    meeting = world["info_meeting"]
    meeting.date = timezone.localdate() + timedelta(days=1)
    meeting.save(update_fields=["date"])
    swept()
    assert set(states(Kind.INFO_MEETING_TOMORROW, meeting).values()) == {State.OPEN}
    referral_services.info_meeting_record_outcome(  # on the meeting's day: not before it (issue 18)
        meeting=meeting, outcome="wants_to_start", note="", by=world["koordinator"], today=meeting.date
    )
    assert set(states(Kind.INFO_MEETING_TOMORROW, meeting).values()) == {State.RESOLVED}


def test_booking_an_information_meeting_resolves_nothing_else(world):
    """Booking starts a reminder rather than ending one: the open items stay as they were."""
    accepted = builders.accepted(builders.submitted(world["referrer"]), world["koordinator"])
    swept()
    before = dict(Notification.objects.values_list("pk", "state"))
    referral_services.info_meeting_book(
        referral=accepted,
        date=timezone.localdate() + timedelta(days=1),
        start_time=time(9, 0),
        place="IST",
        attendees=[world["koordinator"]],
        by=world["koordinator"],
    )
    assert dict(Notification.objects.values_list("pk", "state")) == before


# -- Journey ------------------------------------------------------------------------------------


@pytest.fixture
def in_prova_pa(journey):
    """journey["enrollment"] started 60 days ago and is still in Prova på: "Prova på slutar snart"."""
    swept()
    assert states(Kind.PROVA_PA_ENDING, journey["enrollment"]) == {journey["handledare"].pk: State.OPEN}
    return journey["enrollment"]


def test_a_phase_change_resolves_prova_pa_ending(journey, in_prova_pa):
    journey_services.phase_change(
        enrollment=in_prova_pa,
        to=Phase.ARBETSFORBEREDANDE,
        on=timezone.localdate(),
        reason="",
        by=journey["handledare"],
    )
    assert states(Kind.PROVA_PA_ENDING, in_prova_pa) == {journey["handledare"].pk: State.RESOLVED}


def test_an_extension_resolves_the_inriktningstid_item(journey):
    enrollment = journey["enrollment"]
    Enrollment.objects.filter(pk=enrollment.pk).update(target_end=timezone.localdate() + timedelta(days=10))
    enrollment.refresh_from_db()
    swept()
    assert set(states(Kind.INRIKTNINGSTID_ENDING, enrollment).values()) == {State.OPEN}
    journey_services.extend(
        enrollment=enrollment,
        new_end=timezone.localdate() + timedelta(days=90),
        decided_on=timezone.localdate(),
        decided_by="Samverkansteamet",
        reason="Behöver mer tid.",
        by=journey["koordinator"],
    )
    assert set(states(Kind.INRIKTNINGSTID_ENDING, enrollment).values()) == {State.RESOLVED}


def test_closing_resolves_every_item_of_the_stay(journey, in_prova_pa):
    first, last = last_week()
    Activity.objects.filter(enrollment=in_prova_pa, date__gte=first, date__lte=last).delete()
    swept()
    handledare = journey["handledare"]
    assert states(Kind.WEEK_LOG_MISSING, handledare) == {handledare.pk: State.OPEN}
    journey_services.close(
        enrollment=in_prova_pa,
        by=journey["koordinator"],
        values=ClosureFields(date=timezone.localdate(), reason=ExitReason.objects.get(code="arbete")),
    )
    assert states(Kind.PROVA_PA_ENDING, in_prova_pa) == {handledare.pk: State.RESOLVED}
    assert states(Kind.WEEK_LOG_MISSING, handledare) == {handledare.pk: State.RESOLVED}


def test_a_new_handledare_takes_the_items_off_the_previous_ones_list(journey, in_prova_pa):
    other = member(Membership.Role.HANDLEDARE)
    journey_services.reassign(
        enrollment=in_prova_pa,
        responsible=other,
        second_contact=None,
        by=journey["koordinator"],
        expected_version=in_prova_pa.version,
    )
    assert states(Kind.PROVA_PA_ENDING, in_prova_pa) == {journey["handledare"].pk: State.RESOLVED}


def test_logging_the_week_resolves_the_missing_log_or_names_one_participant_less(journey):
    handledare, enrollment = journey["handledare"], journey["enrollment"]
    second = participant_builders.enrolled(
        journey["referrer"], journey["koordinator"], handledare, first_name="Bo", last_name="Ek"
    )
    first_day, last_day = last_week()
    Activity.objects.filter(date__gte=first_day, date__lte=last_day).delete()
    swept()
    item = Notification.objects.get(kind=Kind.WEEK_LOG_MISSING, recipient=handledare)
    assert "2 deltagare" in item.title
    journey_services.activity_log(
        enrollment=enrollment,
        kind=ActivityKind.TALK,
        day=first_day,
        attendance="present",
        duration_minutes=60,
        note="",
        by=handledare,
    )
    item.refresh_from_db()
    assert (item.state, "1 deltagare (BE)" in item.title) == (State.OPEN, True)
    journey_services.group_session_log(
        team_id=second.team_id,
        kind=ActivityKind.TALK,
        day=first_day,
        duration_minutes=60,
        note="",
        attendance={second.pk: "present"},
        by=handledare,
    )
    item.refresh_from_db()
    assert item.state == State.RESOLVED


def test_correcting_an_activity_into_the_missing_week_resolves_the_item(journey):
    handledare, activity = journey["handledare"], journey["activity"]
    first_day, last_day = last_week()
    Activity.objects.filter(date__gte=first_day, date__lte=last_day).delete()
    swept()
    assert states(Kind.WEEK_LOG_MISSING, handledare) == {handledare.pk: State.OPEN}
    activity.refresh_from_db()
    journey_services.activity_correct(
        activity=activity,
        by=handledare,
        values=ActivityFields.of(activity, date=first_day),
        expected_version=activity.version,
    )
    assert states(Kind.WEEK_LOG_MISSING, handledare) == {handledare.pk: State.RESOLVED}


def test_recording_a_follow_up_resolves_it(journey):
    follow_up, handledare = journey["follow_up"], journey["handledare"]
    swept()
    assert states(Kind.FOLLOW_UP_DUE, follow_up) == {handledare.pk: State.OPEN}
    journey_services.follow_up_record(follow_up=follow_up, found="work", note="", by=handledare)
    assert states(Kind.FOLLOW_UP_DUE, follow_up) == {handledare.pk: State.RESOLVED}


# -- Documents ----------------------------------------------------------------------------------


def test_finalising_the_overdue_plan_resolves_it_for_handledare_and_coordinator(journey):
    enrollment, handledare, coordinator = journey["enrollment"], journey["handledare"], journey["koordinator"]
    document_builders.phase_two(enrollment, handledare)  # 20 days ago: the first plan was due 6 days ago
    swept()
    assert states(Kind.PLAN_OVERDUE, enrollment) == {handledare.pk: State.OPEN, coordinator.pk: State.OPEN}
    document_builders.final_plan(enrollment, handledare)
    assert states(Kind.PLAN_OVERDUE, enrollment) == {handledare.pk: State.RESOLVED, coordinator.pk: State.RESOLVED}


# -- The mechanism ------------------------------------------------------------------------------


def test_the_work_rolled_back_leaves_the_item_open(journey, in_prova_pa):
    def change_then_fail() -> None:
        with transaction.atomic():
            journey_services.phase_change(
                enrollment=in_prova_pa,
                to=Phase.ARBETSFORBEREDANDE,
                on=timezone.localdate(),
                reason="",
                by=journey["handledare"],
            )
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert states(Kind.PROVA_PA_ENDING, in_prova_pa) == {journey["handledare"].pk: State.OPEN}


def test_an_item_marked_done_or_snoozed_by_the_user_is_left_alone(journey, in_prova_pa):
    Notification.objects.filter(kind=Kind.PROVA_PA_ENDING).update(state=State.DONE)
    journey_services.phase_change(
        enrollment=in_prova_pa,
        to=Phase.ARBETSFORBEREDANDE,
        on=timezone.localdate(),
        reason="",
        by=journey["handledare"],
    )
    assert states(Kind.PROVA_PA_ENDING, in_prova_pa) == {journey["handledare"].pk: State.DONE}


def test_nothing_open_on_the_subject_costs_one_query(world, django_assert_num_queries):
    ContentType.objects.get_for_model(type(world["referral"]))  # cached, as in a running process
    with django_assert_num_queries(1):
        assert sweeps.sweep_for(world["referral"]) == 0


def test_the_items_of_other_subjects_are_not_touched(world, overdue):
    other = builders.submitted(world["referrer"])
    other.answer_deadline = timezone.localdate() - timedelta(days=1)
    other.save(update_fields=["answer_deadline"])
    swept()
    referral_services.referral_request_info(referral=overdue, by=world["koordinator"], message="Mer, tack.")
    assert states(Kind.ANSWER_OVERDUE, other) == {world["koordinator"].pk: State.OPEN}


def test_every_rule_narrowed_to_one_subject_returns_exactly_its_part_of_the_sweep(journey):
    """The services and the sweep ask the same rules; narrowing must not change the answer."""
    enrollment = journey["enrollment"]
    document_builders.phase_two(enrollment, journey["handledare"])
    Enrollment.objects.filter(pk=enrollment.pk).update(target_end=timezone.localdate() + timedelta(days=10))
    today, config = timezone.localdate(), DeadlineSettings.current()
    checked = 0
    for area in registry.areas().values():
        for rule in area.rules:
            everything = rule.compute(today, config, None)
            for pk in {item.subject_id for item in everything}:
                part = [item for item in everything if item.subject_id == pk]
                assert rule.compute(today, config, [pk]) == part, (rule.compute.__name__, pk)
                checked += 1
    assert checked >= 5


def open_count(client) -> int:
    """The number in the header's "Att göra" link (0 when it shows none)."""
    found = re.search(r'todo-count">(\d+)<', client.get(reverse("reminders:count")).content.decode())
    return int(found.group(1)) if found else 0


def test_the_handledares_att_gora_loses_the_item_with_the_post_that_does_the_work(client, journey):
    """Through the pages: Att göra lists the follow-up; the form is sent; Att göra no longer does."""
    follow_up, handledare = journey["follow_up"], journey["handledare"]
    swept()
    client.force_login(handledare)
    title = Notification.objects.get(kind=Kind.FOLLOW_UP_DUE, recipient=handledare).title
    assert title in client.get(reverse("reminders:inbox")).content.decode()
    before = open_count(client)
    response = client.post(
        reverse("participants:follow_up", kwargs={"follow_up_pk": follow_up.pk}), {"found": "work", "note": ""}
    )
    assert response.status_code == 302
    assert title not in client.get(reverse("reminders:inbox")).content.decode()
    assert open_count(client) == before - 1
