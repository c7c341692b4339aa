"""Issue 19.1 and 19.2: activity kinds as data counting toward their requirement category, and
phase requirements with validity (a change applies from a date; earlier weeks keep theirs)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from participants import rules, selectors, services
from participants.documents.selectors import attendance_for
from participants.models import Activity, ActivityKind, ActivityType, Attendance, Phase, PhaseRequirement

pytestmark = pytest.mark.django_db

SEEDED = {
    "fysisk": "fysisk",
    "arbetstraning": "arbetstraning",
    "kunskap": "kunskap",
    "samtal": "samtal",
    "kartlaggning": "samtal",
    "natverkstraff": "",
    "studiebesok": "kunskap",
    "grupptraff": "kunskap",
    "uppfoljning-rem": "",
}


def log(enrollment, by, kind: str, day, attendance: str = Attendance.PRESENT) -> Activity:
    return services.activity_log(
        enrollment=enrollment, kind=kind, day=day, attendance=attendance, duration_minutes=60, note="", by=by
    )


def in_phase(journey, phase: str, weeks_ago: int) -> None:
    """The journey's enrolment moves to `phase` on the Monday `weeks_ago` weeks back."""
    on = rules.week_start(timezone.localdate()) - timedelta(weeks=weeks_ago)
    assert on > journey["enrollment"].start_date
    services.phase_change(enrollment=journey["enrollment"], to=phase, on=on, reason="", by=journey["koordinator"])


def test_the_migration_seeds_the_four_kinds_and_the_sister_processes_kinds() -> None:
    kinds = {k.code: k for k in ActivityType.objects.all()}
    assert {code: kinds[code].category for code in SEEDED} == SEEDED
    assert [k.code for k in selectors.activity_kinds()][:4] == ["fysisk", "arbetstraning", "kunskap", "samtal"]
    assert kinds["grupptraff"].mode == ActivityType.Mode.GROUP
    assert kinds["kartlaggning"].name == "Kartläggning (samtal)"
    assert {k.name for k in kinds.values()} >= {"Nätverksträff/trepartsmöte", "Studiebesök", "Gruppträff"}


def test_an_existing_activity_keeps_its_meaning_its_column_holds_the_kind_code(journey) -> None:
    activity = journey["activity"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind FROM participants_activity WHERE id = %s", [activity.pk])
        assert cursor.fetchone() == ("samtal",)  # the value the TextChoices field stored
    activity.refresh_from_db()
    assert activity.kind.name == "Individuellt samtal"
    assert activity.kind.category == ActivityKind.TALK
    assert Activity.objects.filter(kind__code="samtal").count() >= 1


def test_a_kartlaggning_talk_counts_toward_the_individual_talk_and_a_natverkstraff_toward_none(journey) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    monday = rules.week_start(timezone.localdate()) - timedelta(weeks=1)
    Activity.objects.all().delete()
    log(enrollment, handledare, "kartlaggning", monday)
    log(enrollment, handledare, "natverkstraff", monday + timedelta(days=1))
    row = selectors.week_of(selectors.my_week_enrollments(handledare), monday)[0]
    assert row.period is not None
    assert row.period.phase == Phase.PROVA_PA
    assert row.cells[ActivityKind.TALK].status == rules.GREEN  # Prova på: 1 talk a week, met by kartläggning
    assert row.cells[ActivityKind.PHYSICAL].status == rules.RED
    assert row.cells[selectors.OTHER].status == rules.NONE
    assert row.cells[selectors.OTHER].logged == 1  # the nätverksträff is shown, in "Övrigt"


def test_a_kind_an_administrator_adds_counts_where_its_category_says(journey) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    ActivityType.objects.create(code="simning", name="Simning", category=ActivityKind.PHYSICAL, position=20)
    monday = rules.week_start(timezone.localdate()) - timedelta(weeks=1)
    Activity.objects.all().delete()
    log(enrollment, handledare, "simning", monday)
    row = selectors.week_of(selectors.my_week_enrollments(handledare), monday)[0]
    assert row.cells[ActivityKind.PHYSICAL].status == rules.GREEN
    week = next(w for w in selectors.fulfilment_by_week(enrollment, weeks=2, today=monday) if w["monday"] == monday)
    assert (week["required"], week["met"]) == (2, 1)  # Prova på: physical 1 + talk 1; the swim met one


def test_an_inactive_kind_cannot_be_logged_any_more(journey) -> None:
    ActivityType.objects.filter(code="studiebesok").update(active=False)
    with pytest.raises(services.InvalidActivity):
        log(journey["enrollment"], journey["handledare"], "studiebesok", timezone.localdate())


def test_statistics_group_by_every_kind_through_one_function() -> None:
    choices = selectors.activity_kind_choices()
    assert [code for code, _name in choices] == list(SEEDED)
    assert dict(choices)["natverkstraff"] == "Nätverksträff/trepartsmöte"


# -- Requirements with validity ---------------------------------------------------------------


def test_a_requirement_change_applies_from_its_date_and_earlier_weeks_keep_theirs(journey) -> None:
    """Arbetsförberedande from 3 weeks back; work training 1/week becomes 3/week from last
    Monday. Two weeks, hand-computed (physical 1 + work training + knowledge 1 + talk ½):

    week before the change: required 1 + 1 + 1 + 0.5 = 3.5; done 1 physical, 2 work training
      (counted up to 1), 1 talk (counted up to ½) → met 1 + 1 + 0 + 0.5 = 2.5 → 71 %
    week of the change: required 1 + 3 + 1 + 0.5 = 5.5; done 1 physical, 2 work training,
      1 knowledge → met 1 + 2 + 1 + 0 = 4 → 73 %
    """
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    in_phase(journey, Phase.ARBETSFORBEREDANDE, weeks_ago=3)
    changed_on = rules.week_start(timezone.localdate()) - timedelta(weeks=1)
    before = changed_on - timedelta(weeks=1)
    PhaseRequirement.objects.create(
        phase=Phase.ARBETSFORBEREDANDE, kind=ActivityKind.WORK_TRAINING, count=3, per_weeks=1, valid_from=changed_on
    )
    Activity.objects.all().delete()
    for day, kind in [
        (before, "fysisk"),
        (before, "arbetstraning"),
        (before + timedelta(days=1), "arbetstraning"),
        (before + timedelta(days=2), "samtal"),
        (changed_on, "fysisk"),
        (changed_on, "arbetstraning"),
        (changed_on + timedelta(days=2), "arbetstraning"),
        (changed_on + timedelta(days=3), "grupptraff"),  # counts as knowledge
    ]:
        log(enrollment, handledare, kind, day)

    weeks = {w["monday"]: w for w in selectors.fulfilment_by_week(enrollment, weeks=3, today=changed_on)}
    assert (weeks[before]["required"], weeks[before]["met"], weeks[before]["percent"]) == (3.5, 2.5, 71)
    assert (weeks[changed_on]["required"], weeks[changed_on]["met"], weeks[changed_on]["percent"]) == (5.5, 4, 73)

    mine = selectors.my_week_enrollments(handledare)
    old_week = selectors.week_of(mine, before)[0].cells[ActivityKind.WORK_TRAINING]
    new_week = selectors.week_of(mine, changed_on)[0].cells[ActivityKind.WORK_TRAINING]
    assert (old_week.requirement_text, old_week.status) == ("1/v.", rules.GREEN)  # v. before keeps "Krav 1"
    assert (new_week.requirement_text, new_week.status) == ("3/v.", rules.AMBER)

    # The report back over both weeks: work training required 1 + 3 = 4, done 4 → 100 %.
    rows = {r["kind"]: r for r in attendance_for(enrollment, before, changed_on + timedelta(days=6))}
    assert (rows["arbetstraning"]["required"], rows["arbetstraning"]["present"]) == (4, 4)
    assert rows["kunskap"]["present"] == 1  # the gruppträff


def test_a_change_dated_mid_week_applies_from_the_next_week(journey) -> None:
    monday = rules.week_start(timezone.localdate()) - timedelta(weeks=2)
    PhaseRequirement.objects.create(
        phase=Phase.PROVA_PA, kind=ActivityKind.PHYSICAL, count=2, valid_from=monday + timedelta(days=2)
    )
    book = selectors.requirements()
    this_week = book.for_week(Phase.PROVA_PA, ActivityKind.PHYSICAL, monday)
    next_week = book.for_week(Phase.PROVA_PA, ActivityKind.PHYSICAL, monday + timedelta(weeks=1))
    assert this_week is not None
    assert next_week is not None
    assert this_week.count == 1
    assert next_week.count == 2


def test_a_requirement_set_to_zero_from_a_date_is_no_requirement_from_then(journey) -> None:
    monday = rules.week_start(timezone.localdate())
    PhaseRequirement.objects.create(phase=Phase.PROVA_PA, kind=ActivityKind.TALK, count=0, valid_from=monday)
    book = selectors.requirements()
    assert book.for_week(Phase.PROVA_PA, ActivityKind.TALK, monday - timedelta(weeks=1)) is not None
    assert book.for_week(Phase.PROVA_PA, ActivityKind.TALK, monday) is None


def test_the_dashboard_uses_the_requirements_in_force(journey) -> None:
    today = timezone.localdate()
    PhaseRequirement.objects.create(
        phase=Phase.PROVA_PA, kind=ActivityKind.PHYSICAL, count=2, valid_from=today + timedelta(days=1)
    )
    assert selectors.requirements_per_week(on=today)[(Phase.PROVA_PA, ActivityKind.PHYSICAL)] == 1
    assert selectors.requirements_per_week(on=today + timedelta(days=1))[(Phase.PROVA_PA, ActivityKind.PHYSICAL)] == 2


# -- Statuses in words (issue 19.3) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "logged", "unexcused", "week_over", "status"),
    [
        (1, 1, 0, False, rules.GREEN),
        (0, 0, 0, False, rules.ONGOING),  # Wednesday, nothing yet: not failed
        (0, 0, 0, True, rules.RED),
        (0, 1, 1, False, rules.NO_SHOW),  # a no-show is a no-show, not "Delvis"
        (0, 1, 1, True, rules.NO_SHOW),
        (0, 1, 0, True, rules.EXCUSED),
        (1, 2, 1, True, rules.AMBER),  # 1 of 2 done
        (1, 2, 1, False, rules.ONGOING),  # 1 of 2 so far, the week goes on
    ],
)
def test_cell_status(present: int, logged: int, unexcused: int, week_over: bool, status: str) -> None:
    req = PhaseRequirement(phase=Phase.REDO_FOR_MER, kind=ActivityKind.WORK_TRAINING, count=2 if logged == 2 else 1)
    got = rules.cell_status(
        req, present=present, logged=logged, window_present=present, unexcused=unexcused, week_over=week_over
    )
    assert got == status
    assert rules.STATUS_LABELS[got]


# -- The admin: a requirement in force is not rewritten -------------------------------------------


def test_the_admin_keeps_a_requirement_in_force_read_only_and_a_future_one_editable(rf) -> None:
    from django.contrib import admin

    from participants.admin import REQUIREMENT_FIELDS

    model_admin = admin.site._registry[PhaseRequirement]
    request = rf.get("/")
    in_force = PhaseRequirement.objects.get(phase=Phase.PROVA_PA, kind=ActivityKind.PHYSICAL)
    future = PhaseRequirement.objects.create(
        phase=Phase.PROVA_PA, kind=ActivityKind.PHYSICAL, count=2, valid_from=timezone.localdate() + timedelta(days=7)
    )
    assert model_admin.get_readonly_fields(request, in_force) == REQUIREMENT_FIELDS
    assert model_admin.get_readonly_fields(request, future) == []
    assert model_admin.get_readonly_fields(request, None) == []  # a change is a new row with its date
    request.user = type("Admin", (), {"has_perm": lambda self, perm, obj=None: True, "is_active": True})()
    assert not model_admin.has_delete_permission(request, in_force)
    assert model_admin.has_delete_permission(request, future)


def test_the_admin_never_deletes_a_kind_and_fixes_its_code(rf) -> None:
    from django.contrib import admin

    model_admin = admin.site._registry[ActivityType]
    request = rf.get("/")
    kind = ActivityType.objects.get(code="studiebesok")
    assert model_admin.get_readonly_fields(request, kind) == ["code"]
    assert not model_admin.has_delete_permission(request, kind)
