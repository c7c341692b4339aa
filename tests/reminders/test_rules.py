"""Each deadline rule at its edges: the day before its first day, the first day, the deadline itself
and the day after; weekends where they matter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from ist.reminders.models import DeadlineSettings, Kind
from ist.reminders.rules import last_weekday_before
from participants import services as participant_services
from participants.documents import reminders as documents
from participants.documents.schedule import due_dates
from participants.models import Enrollment, Phase, PhasePeriod
from participants.reminders import journey as journey_rules
from referrals import reminders as referrals
from referrals import services as referral_services
from referrals.models import AgendaItem
from reports import reminders as reports
from teams.models import Membership
from tests.factories import UserFactory, member
from tests.participants import builders as participant_builders
from tests.participants.documents import builders as document_builders
from tests.referrals import builders

pytestmark = pytest.mark.django_db
CONFIG = DeadlineSettings()  # the defaults the data migration seeds


def who(items, kind=None) -> set[tuple[int, str]]:
    return {(i.recipient_id, i.kind) for i in items if kind is None or i.kind == kind}


def for_subject(items, pk: int):
    return [i for i in items if i.subject_id == pk]


def next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


# -- Referrals ----------------------------------------------------------------------------------


def test_answer_deadline_reminds_coordinators_three_days_before_and_when_overdue(users):
    coordinator, referrer = users["koordinator"], users["referrer"]
    other_team_coordinator = member(Membership.Role.KOORDINATOR, "laholm")
    referral = builders.submitted(referrer)
    deadline = referral.answer_deadline
    assert deadline is not None

    def due(day):
        return who(for_subject(referrals.answer_deadlines(day, CONFIG), referral.pk))

    assert due(deadline - timedelta(days=4)) == set()
    assert due(deadline - timedelta(days=3)) == {(coordinator.pk, Kind.ANSWER_SOON)}
    assert due(deadline) == {(coordinator.pk, Kind.ANSWER_SOON)}
    assert due(deadline + timedelta(days=1)) == {(coordinator.pk, Kind.ANSWER_OVERDUE)}
    assert other_team_coordinator.pk not in {pk for pk, _ in due(deadline + timedelta(days=1))}


def test_answer_deadline_counts_calendar_days_over_a_weekend(users):
    referral = builders.submitted(users["referrer"])
    monday = next_weekday(timezone.localdate() + timedelta(days=20), 0)
    referral.answer_deadline = monday
    referral.save(update_fields=["answer_deadline"])
    items = referrals.answer_deadlines
    assert for_subject(items(monday - timedelta(days=4), CONFIG), referral.pk) == []  # Thursday
    assert for_subject(items(monday - timedelta(days=3), CONFIG), referral.pk)  # Friday
    assert for_subject(items(monday - timedelta(days=1), CONFIG), referral.pk)  # Sunday


def test_an_answered_referral_has_no_answer_reminder(users):
    coordinator = users["koordinator"]
    referral = builders.submitted(users["referrer"])
    item = builders.on_agenda(referral, builders.meeting(coordinator), coordinator)
    referral_services.agenda_decide(item=item, decision=AgendaItem.Decision.REJECT, reasoning="Nej.", by=coordinator)
    assert referral.answer_deadline is not None
    late = referral.answer_deadline + timedelta(days=1)
    assert for_subject(referrals.answer_deadlines(late, CONFIG), referral.pk) == []


def test_waiting_for_more_information_reminds_after_more_than_14_days(users):
    coordinator = users["koordinator"]
    referral = builders.submitted(users["referrer"])
    referral_services.referral_request_info(referral=referral, by=coordinator, message="Läkarintyg saknas.")
    today = timezone.localdate()

    def due(day):
        return who(for_subject(referrals.waiting_for_information(day, CONFIG), referral.pk))

    assert due(today + timedelta(days=13)) == set()
    assert due(today + timedelta(days=14)) == set()
    assert due(today + timedelta(days=15)) == {(coordinator.pk, Kind.NEEDS_INFO_WAITING)}


def test_information_meeting_reminds_attendees_and_referrer_the_day_before_and_on_the_day(world):
    meeting = world["info_meeting"]
    wednesday = next_weekday(timezone.localdate() + timedelta(days=7), 2)
    meeting.date = wednesday
    meeting.save(update_fields=["date"])
    expected = {
        (world["koordinator"].pk, Kind.INFO_MEETING_TOMORROW),
        (world["referrer"].pk, Kind.INFO_MEETING_TOMORROW),
    }

    def due(day):
        return who(for_subject(referrals.information_meetings(day, CONFIG), meeting.pk))

    assert due(wednesday - timedelta(days=2)) == set()
    assert due(wednesday - timedelta(days=1)) == expected
    assert due(wednesday) == expected
    assert due(wednesday + timedelta(days=1)) == set()


def test_a_monday_information_meeting_is_reminded_of_on_the_friday_before(world):
    meeting = world["info_meeting"]
    monday = next_weekday(timezone.localdate() + timedelta(days=7), 0)
    meeting.date = monday
    meeting.save(update_fields=["date"])
    assert last_weekday_before(monday) == monday - timedelta(days=3)
    assert for_subject(referrals.information_meetings(monday - timedelta(days=4), CONFIG), meeting.pk) == []
    for day in (monday - timedelta(days=3), monday - timedelta(days=2), monday - timedelta(days=1)):
        assert for_subject(referrals.information_meetings(day, CONFIG), meeting.pk), day


def test_an_information_meeting_with_an_outcome_needs_no_reminder(world):
    meeting = world["info_meeting"]
    referral_services.info_meeting_record_outcome(
        meeting=meeting, outcome="declines", note="", by=world["koordinator"], today=meeting.date
    )
    assert for_subject(referrals.information_meetings(meeting.date, CONFIG), meeting.pk) == []


# -- Journey ------------------------------------------------------------------------------------


def test_prova_pa_reminds_the_handledare_five_days_before_it_ends_until_the_phase_changes(journey):
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    period = PhasePeriod.objects.get(enrollment=enrollment, end__isnull=True)
    ends = period.start + timedelta(weeks=4)

    def due(day):
        return who(for_subject(journey_rules.prova_pa_ending(day, CONFIG), enrollment.pk))

    assert due(ends - timedelta(days=6)) == set()
    assert due(ends - timedelta(days=5)) == {(handledare.pk, Kind.PROVA_PA_ENDING)}
    assert due(ends) == {(handledare.pk, Kind.PROVA_PA_ENDING)}
    assert due(ends + timedelta(days=1)) == {(handledare.pk, Kind.PROVA_PA_ENDING)}  # still in Prova på
    participant_services.phase_change(
        enrollment=enrollment, to=Phase.ARBETSFORBEREDANDE, on=timezone.localdate(), reason="", by=handledare
    )
    assert due(ends + timedelta(days=1)) == set()


def test_inriktningstid_reminds_handledare_and_coordinator_30_days_before_and_when_overdue(journey):
    enrollment = journey["enrollment"]
    handledare, coordinator = journey["handledare"], journey["koordinator"]
    end = enrollment.target_end

    def due(day):
        return who(for_subject(journey_rules.inriktningstid(day, CONFIG), enrollment.pk))

    ending = {(handledare.pk, Kind.INRIKTNINGSTID_ENDING), (coordinator.pk, Kind.INRIKTNINGSTID_ENDING)}
    assert due(end - timedelta(days=31)) == set()
    assert due(end - timedelta(days=30)) == ending
    assert due(end) == ending
    assert due(end + timedelta(days=1)) == {
        (handledare.pk, Kind.INRIKTNINGSTID_OVERDUE),
        (coordinator.pk, Kind.INRIKTNINGSTID_OVERDUE),
    }
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.CLOSED)
    assert due(end + timedelta(days=1)) == set()


def test_an_extension_moves_the_inriktningstid_reminder(journey):
    enrollment = journey["enrollment"]
    old_end = enrollment.target_end
    Enrollment.objects.filter(pk=enrollment.pk).update(target_end=old_end + relativedelta(months=6))
    assert for_subject(journey_rules.inriktningstid(old_end + timedelta(days=1), CONFIG), enrollment.pk) == []


def test_missing_week_logs_make_one_item_per_handledare_naming_every_participant(journey):
    handledare = journey["handledare"]
    logged_week = journey["activity"].date - timedelta(days=journey["activity"].date.weekday())
    second = participant_builders.enrolled(
        journey["referrer"], journey["koordinator"], handledare, first_name="Bo", last_name="Ek"
    )
    participant = journey["enrollment"].participant
    first_initials = f"{participant.first_name[0]}{participant.last_name[0]}".upper()
    # Monday after the logged week: only the second participant lacks a log.
    items = journey_rules.week_logs(logged_week + timedelta(weeks=1), CONFIG)
    mine = [i for i in items if i.recipient_id == handledare.pk]
    assert len(mine) == 1
    assert mine[0].kind == Kind.WEEK_LOG_MISSING
    assert mine[0].due_on == logged_week + timedelta(weeks=1)
    assert "1 deltagare (BE)" in mine[0].title
    # The Sunday before still looks at the week before the logged one; the Monday after next, both lack.
    two_weeks_on = logged_week + timedelta(weeks=2)
    mine = [i for i in journey_rules.week_logs(two_weeks_on, CONFIG) if i.recipient_id == handledare.pk]
    assert len(mine) == 1
    assert "2 deltagare" in mine[0].title
    assert "BE" in mine[0].title
    assert first_initials in mine[0].title
    assert second.pk  # the second enrolment is active and counted


def test_a_week_log_is_not_asked_for_before_the_enrolment_started(journey):
    handledare = journey["handledare"]
    today = timezone.localdate()
    participant_builders.enrolled(journey["referrer"], journey["koordinator"], handledare, start=today)
    monday = today - timedelta(days=today.weekday())
    titles = [i.title for i in journey_rules.week_logs(monday, CONFIG) if i.recipient_id == handledare.pk]
    assert all("2 deltagare" not in t for t in titles)


def test_follow_up_reminds_the_handledare_two_weeks_before_until_recorded(journey):
    follow_up, handledare = journey["follow_up"], journey["handledare"]

    def due(day):
        return who(for_subject(journey_rules.follow_ups(day, CONFIG), follow_up.pk))

    assert due(follow_up.due_on - timedelta(days=15)) == set()
    assert due(follow_up.due_on - timedelta(days=14)) == {(handledare.pk, Kind.FOLLOW_UP_DUE)}
    assert due(follow_up.due_on + timedelta(days=1)) == {(handledare.pk, Kind.FOLLOW_UP_DUE)}
    participant_services.follow_up_record(follow_up=follow_up, found="work", note="", by=handledare)
    assert due(follow_up.due_on + timedelta(days=1)) == set()


# -- Documents ----------------------------------------------------------------------------------


def test_first_plan_reminds_14_days_before_and_when_overdue_adds_the_coordinator(journey):
    enrollment, handledare, coordinator = journey["enrollment"], journey["handledare"], journey["koordinator"]
    document_builders.phase_two(enrollment, handledare)
    plan_due = due_dates([enrollment.pk])[enrollment.pk].plan_due_on
    assert plan_due is not None

    def due(day):
        return who(for_subject(documents.AREA.due_items(day, CONFIG), enrollment.pk), None) - {
            (handledare.pk, Kind.REPORT_DUE)
        }

    assert due(plan_due - timedelta(days=15)) == set()
    assert due(plan_due - timedelta(days=14)) == {(handledare.pk, Kind.PLAN_DUE)}
    assert due(plan_due) == {(handledare.pk, Kind.PLAN_DUE)}
    assert due(plan_due + timedelta(days=1)) == {
        (handledare.pk, Kind.PLAN_OVERDUE),
        (coordinator.pk, Kind.PLAN_OVERDUE),
    }


def test_a_final_plan_moves_the_next_plan_three_months_on(journey):
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    document_builders.phase_two(enrollment, handledare)
    document_builders.final_plan(enrollment, handledare)
    today = timezone.localdate()
    kinds = {i.kind for i in for_subject(documents.AREA.due_items(today, CONFIG), enrollment.pk)}
    assert Kind.PLAN_DUE not in kinds
    assert Kind.PLAN_OVERDUE not in kinds
    later = today + relativedelta(months=3)
    assert Kind.PLAN_DUE in {i.kind for i in for_subject(documents.AREA.due_items(later, CONFIG), enrollment.pk)}


def test_report_back_reminds_the_handledare_from_14_days_before(journey):
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    report_due = due_dates([enrollment.pk])[enrollment.pk].report_due_on
    assert report_due is not None

    def due(day):
        return who(for_subject(documents.AREA.due_items(day, CONFIG), enrollment.pk), Kind.REPORT_DUE)

    assert due(report_due - timedelta(days=15)) == set()
    assert due(report_due - timedelta(days=14)) == {(handledare.pk, Kind.REPORT_DUE)}
    assert due(report_due + timedelta(days=1)) == {(handledare.pk, Kind.REPORT_DUE)}


def test_no_plan_is_asked_for_in_prova_pa(journey):
    enrollment = journey["enrollment"]
    far = timezone.localdate() + relativedelta(months=6)
    kinds = {i.kind for i in for_subject(documents.AREA.due_items(far, CONFIG), enrollment.pk)}
    assert kinds == {Kind.REPORT_DUE}


# -- Reports ------------------------------------------------------------------------------------


def test_quarterly_report_reminds_coordinators_and_administrators_30_days_before_its_deadline(users):
    recipients = {users["koordinator"].pk, users["administrator"].pk}
    deadline = date(2027, 1, 20)  # Q4 2026 ends 2026-12-31, the report is due 20 days after

    def due(day):
        return {i.recipient_id for i in reports.AREA.due_items(day, CONFIG) if i.kind == Kind.QUARTERLY_REPORT}

    assert due(deadline - timedelta(days=31)) == set()
    assert due(deadline - timedelta(days=30)) == recipients
    assert due(deadline) == recipients
    assert due(deadline + timedelta(days=7)) == recipients
    assert due(deadline + timedelta(days=8)) == set()
    assert users["handledare"].pk not in due(deadline)


def test_half_year_report_is_due_three_weeks_before_the_configured_board_meetings(users):
    config = DeadlineSettings(august_board_day=28, december_board_day=12)
    deadlines = {
        d
        for kind, d, _ in reports.deadlines(date(2026, 6, 1), config)
        if kind == Kind.HALF_YEAR_REPORT and d.year == 2026
    }
    assert deadlines == {date(2026, 8, 7), date(2026, 11, 21)}
    items = reports.AREA.due_items(date(2026, 11, 21), config)
    assert {i.recipient_id for i in items if i.kind == Kind.HALF_YEAR_REPORT} == {
        users["koordinator"].pk,
        users["administrator"].pk,
    }


def test_inactive_users_get_no_reminders(users):
    UserFactory(is_administrator=True, is_active=False)
    items = reports.AREA.due_items(date(2027, 1, 20), CONFIG)
    assert {i.recipient_id for i in items} == {users["koordinator"].pk, users["administrator"].pk}


def test_a_samverkansteam_meeting_with_open_items_reminds_its_members_a_week_before(world):
    meeting = world["meeting"]  # seven days ahead, with world["referral"] on its agenda
    member_ = world["samverkansteam"]

    def due(day):
        return who(for_subject(referrals.team_meetings(day, CONFIG), meeting.pk))

    assert due(meeting.date - timedelta(days=8)) == set()
    assert due(meeting.date - timedelta(days=7)) == {(member_.pk, Kind.TEAM_MEETING_SOON)}
    assert due(meeting.date) == {(member_.pk, Kind.TEAM_MEETING_SOON)}
    assert due(meeting.date + timedelta(days=1)) == set()
    [item] = referrals.team_meetings(meeting.date, CONFIG)
    assert item.title.endswith("1 punkt att förbereda")
    referral_services.agenda_decide(
        item=world["item"], decision=AgendaItem.Decision.ACCEPT, reasoning="Ja.", by=world["koordinator"]
    )
    assert due(meeting.date) == set()  # nothing left to prepare
