from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from ist.errors import NotAllowedNow, StaleEdit
from participants import services
from participants.inputs import ActivityFields, ClosureFields, EntryVariables
from participants.models import (
    Activity,
    ActivityKind,
    Enrollment,
    EnrollmentEvent,
    ExitReason,
    FollowUp,
    Participant,
    Phase,
)
from referrals.demo_people import fake_personnummer
from teams.models import Membership
from tests.factories import ReferrerFactory, member
from tests.participants import builders

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def people():
    return {
        "referrer": ReferrerFactory(),
        "coordinator": member(Role.KOORDINATOR),
        "handledare": member(Role.HANDLEDARE),
    }


def enrol(people, **kwargs):
    return builders.enrolled(people["referrer"], people["coordinator"], people["handledare"], **kwargs)


def test_enrolment_creates_the_person_with_derived_sex_and_birth_year_and_starts_in_prova_pa(people) -> None:
    enrollment = enrol(people, start=date(2026, 1, 12), personnummer=fake_personnummer(date(1990, 5, 17), 1))
    person = enrollment.participant
    assert person.birth_year == 1990
    assert person.sex == Participant.Sex.MALE  # birth number 981: odd
    assert enrollment.phase_periods.get().phase == Phase.PROVA_PA
    assert enrollment.target_end == date(2027, 1, 12)
    assert enrollment.events.get().kind == EnrollmentEvent.Kind.ENROLLED


def test_only_a_referral_that_wants_to_start_can_be_enrolled(people) -> None:
    from tests.referrals import builders as referral_builders

    referral = referral_builders.accepted(referral_builders.submitted(people["referrer"]), people["coordinator"])
    with pytest.raises(NotAllowedNow):
        services.enroll(
            referral=referral,
            responsible=people["handledare"],
            second_contact=None,
            start_date=timezone.localdate(),
            by=people["coordinator"],
            entry=EntryVariables(),
        )


def test_a_returning_person_is_the_same_participant_with_a_new_enrolment(people) -> None:
    number = fake_personnummer(date(1980, 2, 2), 5)
    first = enrol(people, personnummer=number, start=date(2025, 1, 1))
    services.close(
        enrollment=first,
        by=people["coordinator"],
        values=ClosureFields(date=date(2025, 6, 1), reason=ExitReason.objects.get(code="flyttat")),
    )
    second = enrol(people, personnummer=number, start=date(2026, 1, 1))
    assert second.participant_id == first.participant_id
    assert Participant.objects.count() == 1
    assert Enrollment.objects.filter(participant=first.participant).count() == 2


def test_a_person_cannot_have_two_active_enrolments(people) -> None:
    number = fake_personnummer(date(1980, 2, 2), 6)
    enrol(people, personnummer=number)
    with pytest.raises(NotAllowedNow):
        enrol(people, personnummer=number)


def test_young_people_may_be_extended_to_24_months_others_to_18(people) -> None:
    young = enrol(people, start=date(2026, 1, 1), personnummer=fake_personnummer(date(2004, 1, 1), 2))
    services.extend(
        enrollment=young,
        new_end=date(2028, 1, 1),
        decided_on=date(2026, 11, 1),
        decided_in="styrgrupp",
        decided_by="Styrgruppen",
        reason="Behöver mer tid.",
        by=people["coordinator"],
    )
    young.refresh_from_db()
    assert young.target_end == date(2028, 1, 1)
    older = enrol(people, start=date(2026, 1, 1), personnummer=fake_personnummer(date(1980, 1, 1), 3))
    with pytest.raises(services.InvalidActivity, match="högst 2027-07-01"):
        services.extend(
            enrollment=older,
            new_end=date(2027, 9, 1),
            decided_on=date(2026, 11, 1),
            decided_in="styrgrupp",
            decided_by="X",
            reason="Y",
            by=people["coordinator"],
        )


def test_phase_change_forward_back_and_same(people) -> None:
    enrollment = enrol(people)
    today = timezone.localdate()
    assert (
        services.phase_change(enrollment=enrollment, to=Phase.PROVA_PA, on=today, reason="", by=people["handledare"])
        is False
    )
    assert services.phase_change(
        enrollment=enrollment, to=Phase.ARBETSFORBEREDANDE, on=today, reason="", by=people["handledare"]
    )
    with pytest.raises(services.InvalidActivity) as caught:
        services.phase_change(enrollment=enrollment, to=Phase.PROVA_PA, on=today, reason=" ", by=people["handledare"])
    assert caught.value.field == "reason"
    phases = list(enrollment.phase_periods.values_list("phase", "end"))
    assert phases == [(Phase.PROVA_PA, today), (Phase.ARBETSFORBEREDANDE, None)]


def test_activities_cannot_be_in_the_future_or_outside_the_enrolment(people) -> None:
    enrollment = enrol(people, start=date(2026, 3, 2))
    log = {
        "enrollment": enrollment,
        "kind": ActivityKind.PHYSICAL,
        "attendance": "present",
        "duration_minutes": 60,
        "note": "",
        "by": people["handledare"],
        "today": date(2026, 3, 10),
    }
    with pytest.raises(services.InvalidActivity, match="framtiden"):
        services.activity_log(day=date(2026, 3, 11), **log)
    with pytest.raises(services.InvalidActivity, match="började 2026-03-02"):
        services.activity_log(day=date(2026, 3, 1), **log)
    assert services.activity_log(day=date(2026, 3, 2), **log).pk


def test_correcting_an_activity_is_logged_and_refuses_a_stale_edit(people) -> None:
    enrollment = enrol(people)
    activity = services.activity_log(
        enrollment=enrollment,
        kind=ActivityKind.TALK,
        day=timezone.localdate(),
        attendance="present",
        duration_minutes=60,
        note="",
        by=people["handledare"],
    )
    services.activity_correct(
        activity=activity,
        by=people["handledare"],
        values=ActivityFields.of(activity, attendance="excused"),
        expected_version=1,
    )
    with pytest.raises(StaleEdit):
        services.activity_correct(
            activity=activity, by=people["handledare"], values=ActivityFields.of(activity, note="x"), expected_version=1
        )
    assert enrollment.events.filter(kind=EnrollmentEvent.Kind.ACTIVITY_CORRECTED).count() == 1


def test_a_group_session_logs_everyone_once(people) -> None:
    a, b = enrol(people), enrol(people)
    session = services.group_session_log(
        team_id=a.team_id,
        kind=ActivityKind.PHYSICAL,
        day=timezone.localdate(),
        duration_minutes=60,
        note="Gym",
        attendance={a.pk: "present", b.pk: "excused"},
        by=people["handledare"],
    )
    assert set(Activity.objects.filter(group_session=session).values_list("enrollment_id", "attendance")) == {
        (a.pk, "present"),
        (b.pk, "excused"),
    }


def test_closing_once_with_follow_ups_and_health_rule(people) -> None:
    enrollment = enrol(people)
    health = ExitReason.objects.get(code="halsa")
    with pytest.raises(services.InvalidActivity) as caught:
        services.close(
            enrollment=enrollment,
            by=people["coordinator"],
            values=ClosureFields(date=timezone.localdate(), reason=health),
        )
    assert caught.value.field == "care_provider_consulted"
    closure = services.close(
        enrollment=enrollment,
        by=people["coordinator"],
        values=ClosureFields(
            date=date(2026, 11, 2), reason=health, care_provider_consulted=True, parties_consulted=True
        ),
    )
    assert sorted(FollowUp.objects.filter(enrollment=enrollment).values_list("months", "due_on")) == [
        (6, date(2027, 5, 2)),
        (12, date(2027, 11, 2)),
    ]
    with pytest.raises(NotAllowedNow):
        services.close(
            enrollment=enrollment, by=people["coordinator"], values=ClosureFields(date=closure.date, reason=health)
        )


def test_follow_up_is_recorded_once(people) -> None:
    enrollment = enrol(people)
    services.close(
        enrollment=enrollment,
        by=people["coordinator"],
        values=ClosureFields(date=timezone.localdate(), reason=ExitReason.objects.get(code="arbete")),
    )
    follow_up = enrollment.follow_ups.get(months=6)
    due = follow_up.due_on
    by = people["handledare"]
    with pytest.raises(NotAllowedNow):  # not before it is due (two weeks ahead at most)
        services.follow_up_record(follow_up=follow_up, found="work", note="", by=by, today=due - timedelta(days=15))
    assert services.follow_up_record(follow_up=follow_up, found="work", note="", by=by, today=due - timedelta(days=14))
    assert not services.follow_up_record(follow_up=follow_up, found="other", note="", by=by, today=due)


def test_reassign_tells_the_new_handledare_and_refuses_stale(people, django_capture_on_commit_callbacks) -> None:
    enrollment = enrol(people)
    other = member(Role.HANDLEDARE)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.reassign(
            enrollment=enrollment,
            responsible=other,
            second_contact=None,
            by=people["coordinator"],
            expected_version=enrollment.version,
        )
    assert len(callbacks) == 1
    with pytest.raises(StaleEdit):
        services.reassign(
            enrollment=enrollment,
            responsible=people["handledare"],
            second_contact=None,
            by=people["coordinator"],
            expected_version=enrollment.version,
        )


def test_a_closed_enrolment_is_neither_extended_nor_reassigned(people) -> None:
    enrollment = enrol(people)
    services.close(
        enrollment=enrollment,
        by=people["coordinator"],
        values=ClosureFields(date=timezone.localdate(), reason=ExitReason.objects.get(code="studier")),
    )
    with pytest.raises(NotAllowedNow):
        services.extend(
            enrollment=enrollment,
            new_end=enrollment.target_end + relativedelta(months=1),
            decided_on=timezone.localdate(),
            decided_in="styrgrupp",
            decided_by="X",
            reason="Y",
            by=people["coordinator"],
        )
    with pytest.raises(NotAllowedNow):
        services.reassign(
            enrollment=enrollment,
            responsible=member(Role.HANDLEDARE),
            second_contact=None,
            by=people["coordinator"],
            expected_version=Enrollment.objects.get(pk=enrollment.pk).version,
        )


def test_deleting_an_activity_a_colleague_just_corrected_is_refused(people) -> None:
    activity = services.activity_log(
        enrollment=enrol(people),
        kind=ActivityKind.TALK,
        day=timezone.localdate(),
        attendance="present",
        duration_minutes=60,
        note="",
        by=people["handledare"],
    )
    services.activity_correct(
        activity=activity,
        by=people["handledare"],
        values=ActivityFields.of(activity, note="rättad"),
        expected_version=1,
    )
    with pytest.raises(StaleEdit):
        services.activity_delete(activity=activity, by=people["handledare"], expected_version=1)
    assert Activity.objects.filter(pk=activity.pk).exists()
