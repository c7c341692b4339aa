from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from participants import rules, selectors, services
from participants.models import Activity, ActivityKind, Attendance, Participant, Phase
from teams.models import Membership
from tests.factories import ReferrerFactory, member
from tests.participants import builders

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_who_sees_and_changes_an_enrolment(journey) -> None:
    enrollment = journey["enrollment"]
    colleague = member(Role.HANDLEDARE)
    outsider = member(Role.KOORDINATOR, "kungsbacka")
    assert enrollment in selectors.enrollments_for(colleague, "view")  # covers for colleagues
    assert enrollment not in selectors.enrollments_for(colleague, "change")
    assert enrollment in selectors.enrollments_for(journey["handledare"], "change")
    assert enrollment in selectors.enrollments_for(journey["koordinator"], "change")
    assert enrollment in selectors.enrollments_for(journey["referrer"], "view")
    assert enrollment not in selectors.enrollments_for(journey["referrer"], "change")
    for user in (
        outsider,
        journey["samverkansteam"],
        journey["administrator"],
        journey["steering"],
        ReferrerFactory.create(),
    ):
        assert enrollment not in selectors.enrollments_for(user, "view")


def test_protected_identity_is_seen_only_by_their_handledare_and_coordinators(journey) -> None:
    enrollment = journey["enrollment"]
    Participant.objects.filter(pk=enrollment.participant_id).update(protected_identity=True)
    colleague = member(Role.HANDLEDARE)
    assert enrollment not in selectors.enrollments_for(colleague, "view")
    assert enrollment not in selectors.enrollments_for(journey["referrer"], "view")
    assert enrollment in selectors.enrollments_for(journey["handledare"], "view")
    assert enrollment in selectors.enrollments_for(journey["koordinator"], "view")


def test_week_cells_follow_the_phase_requirements(journey) -> None:
    enrollment = journey["enrollment"]
    handledare = journey["handledare"]
    monday = rules.week_start(timezone.localdate()) - timedelta(weeks=1)  # a whole past week
    Activity.objects.all().delete()
    log = {"enrollment": enrollment, "duration_minutes": 60, "note": "", "by": handledare}
    services.activity_log(kind=ActivityKind.PHYSICAL, day=monday, attendance=Attendance.PRESENT, **log)
    services.activity_log(kind=ActivityKind.TALK, day=monday, attendance=Attendance.EXCUSED, **log)
    row = selectors.week_of(selectors.my_week_enrollments(handledare), monday)[0]
    assert row.period is not None
    assert row.period.phase == Phase.PROVA_PA
    assert row.cells[ActivityKind.PHYSICAL].status == rules.GREEN
    assert row.cells[ActivityKind.TALK].status == rules.EXCUSED  # an excused absence, the talk did not happen
    assert row.cells[ActivityKind.WORK_TRAINING].status == rules.NONE  # Prova på has no work training


def test_every_second_week_counts_the_previous_week(journey) -> None:
    enrollment = journey["enrollment"]
    today = timezone.localdate()
    services.phase_change(
        enrollment=enrollment,
        to=Phase.ARBETSFORBEREDANDE,
        on=enrollment.start_date + timedelta(days=28),
        reason="",
        by=journey["handledare"],
    )
    this_monday = rules.week_start(today)
    last_monday = this_monday - timedelta(weeks=1)
    Activity.objects.all().delete()
    services.activity_log(
        enrollment=enrollment,
        kind=ActivityKind.TALK,
        day=last_monday,
        attendance=Attendance.PRESENT,
        duration_minutes=45,
        note="",
        by=journey["handledare"],
    )
    rows = selectors.week_of(selectors.my_week_enrollments(journey["handledare"]), this_monday)
    assert rows[0].cells[ActivityKind.TALK].status == rules.GREEN
    assert rows[0].cells[ActivityKind.TALK].requirement_text == "1 per 2 v."


def test_min_vecka_has_a_constant_number_of_queries(journey, django_assert_max_num_queries) -> None:
    handledare = journey["handledare"]
    monday = rules.week_start(timezone.localdate())
    with django_assert_max_num_queries(6) as few:
        selectors.week_of(selectors.my_week_enrollments(handledare), monday)
    for _ in range(8):
        enrollment = builders.enrolled(journey["referrer"], journey["koordinator"], handledare)
        Activity.objects.bulk_create(
            Activity(
                enrollment=enrollment,
                kind_id=ActivityKind.PHYSICAL,
                date=monday - timedelta(days=d),
                logged_by=handledare,
            )
            for d in range(10)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = selectors.week_of(selectors.my_week_enrollments(handledare), monday)
    assert len(rows) == 9


def test_fulfilment_by_week_is_the_share_met(journey) -> None:
    enrollment = journey["enrollment"]
    Activity.objects.all().delete()
    monday = rules.week_start(timezone.localdate())
    services.activity_log(
        enrollment=enrollment,
        kind=ActivityKind.PHYSICAL,
        day=monday,
        attendance=Attendance.PRESENT,
        duration_minutes=60,
        note="",
        by=journey["handledare"],
    )
    weeks = selectors.fulfilment_by_week(enrollment, weeks=4, today=monday + timedelta(days=2))
    assert [w["label"] for w in weeks][-1] == rules.week_label(monday)
    assert weeks[-1]["percent"] == 50  # physical training done, the talk not
    assert weeks[0]["required"] == 2


def test_week_labels_and_params() -> None:
    monday = date(2026, 11, 16)
    assert rules.week_label(monday) == "v. 47"
    assert rules.week_param(monday) == "2026-W47"
    assert rules.parse_week("2026-W47") == monday
    assert rules.parse_week("nonsense") is None
