"""Min vecka, logging and correcting activities, group sessions: pages, htmx, access and logging."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from participants import rules, services
from participants.inputs import ActivityFields
from participants.models import (
    Activity,
    ActivityKind,
    Attendance,
    Enrollment,
    EnrollmentEvent,
    GroupSession,
    Participant,
    Phase,
    PhasePeriod,
)
from teams.models import Membership
from tests.factories import member, team
from tests.participants import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)

Role = Membership.Role
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs: object) -> str:
    return reverse(f"participants:{name}", kwargs=kwargs)


def past_monday(weeks: int = 2):
    """A whole week in the past, well inside the journey's enrolment (started 60 days ago)."""
    return rules.week_start(timezone.localdate()) - timedelta(weeks=weeks)


def week_url(monday) -> str:
    return f"{url('week')}?vecka={rules.week_param(monday)}"


def logged(user, obj, what: str, outcome: str | None = None) -> bool:
    entries = LogEntry.objects.filter(
        actor=user, action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), additional_data__what=what
    )
    if outcome:
        entries = entries.filter(additional_data__outcome=outcome)
    return entries.exists()


def denied_logged(user, obj) -> bool:
    return LogEntry.objects.filter(
        actor=user, action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), additional_data__outcome="denied"
    ).exists()


def log_activity(enrollment, by, kind=ActivityKind.PHYSICAL, day=None, attendance=Attendance.PRESENT) -> Activity:
    return services.activity_log(
        enrollment=enrollment,
        kind=kind,
        day=day or past_monday(),
        attendance=attendance,
        duration_minutes=60,
        note="",
        by=by,
    )


def activity_post(kind=ActivityKind.PHYSICAL, day=None, attendance=Attendance.PRESENT, **extra) -> dict[str, str]:
    return {
        "kind": kind,
        "date": (day or past_monday()).isoformat(),
        "attendance": attendance,
        "duration_minutes": "90",
        "note": "Promenad i Galgberget",
        **extra,
    }


@pytest.fixture
def colleague():
    """A handledare of the same team who is not responsible for the journey's participant."""
    return member(Role.HANDLEDARE)


@pytest.fixture
def outsider():
    """A handledare of another team (Laholm)."""
    return member(Role.HANDLEDARE, "laholm")


def bulk_enrolments(n: int, handledare, created_by, *, activities_per_week: int = 0) -> list[Enrollment]:
    """Many active enrolments with a year of activities, straight into the tables (speed, not rules)."""
    today = timezone.localdate()
    start = today - timedelta(days=365)
    municipality = team().municipalities.first()
    people = Participant.objects.bulk_create(
        Participant(
            personnummer=f"19{handledare.pk % 100:02d}00{i:06d}",  # month 00: invalid by construction
            first_name="Test",
            last_name=f"Deltagare{i:03d}",
            municipality=municipality,
            sex=Participant.Sex.FEMALE,
            birth_year=1990,
        )
        for i in range(n)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            participant=p,
            team=team(),
            responsible=handledare,
            start_date=start,
            target_end=start + timedelta(days=540),
            created_by=created_by,
        )
        for p in people
    )
    PhasePeriod.objects.bulk_create(
        PhasePeriod(enrollment=e, phase=Phase.ARBETSFORBEREDANDE, start=start, changed_by=created_by)
        for e in enrollments
    )
    kinds = [ActivityKind.PHYSICAL, ActivityKind.WORK_TRAINING, ActivityKind.KNOWLEDGE, ActivityKind.TALK]
    Activity.objects.bulk_create(
        Activity(
            enrollment=e,
            kind_id=kinds[k % 4],
            date=start + timedelta(weeks=w, days=k),
            logged_by=handledare,
        )
        for e in enrollments
        for w in range(52)
        for k in range(activities_per_week)
    )
    return enrollments


# -- Min vecka ----------------------------------------------------------------------------------


def test_handledare_sees_their_week_with_requirements_logged_marks_and_status_in_words(client, journey) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    monday = past_monday()
    Activity.objects.all().delete()
    log_activity(enrollment, handledare, ActivityKind.PHYSICAL, monday)
    log_activity(enrollment, handledare, ActivityKind.TALK, monday + timedelta(days=2), Attendance.EXCUSED)
    client.force_login(handledare)
    response = client.get(week_url(monday))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Min vecka – v. {monday.isocalendar().week}" in html
    assert str(enrollment.participant) in html
    assert enrollment.participant.personnummer_masked in html
    assert enrollment.participant.personnummer not in html
    assert "Prova på, vecka" in html
    cells = {c.category: c for c in response.context["grid"][0].cells}
    assert cells[ActivityKind.PHYSICAL].status_label == "Uppfyllt"
    assert cells[ActivityKind.TALK].status_label == "Anmäld frånvaro"  # only an excused absence (issue 19)
    assert cells[ActivityKind.WORK_TRAINING].status_label == "Inget krav"
    assert cells[ActivityKind.PHYSICAL].cell.requirement_text == "1/v."
    assert 'class="week-status week-status-green">Uppfyllt<' in html
    assert 'class="week-status week-status-excused">Anmäld frånvaro<' in html
    assert "Anmäld frånvaro" in html  # the mark says in words what was logged
    assert '<th scope="row"' in html
    assert '<th scope="col">Fysisk träning</th>' in html


def test_an_empty_required_cell_is_red_and_offers_a_one_click_log_link(client, journey) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    monday = past_monday()
    Activity.objects.all().delete()
    client.force_login(handledare)
    response = client.get(week_url(monday))
    cells = {c.category: c for c in response.context["grid"][0].cells}
    assert cells[ActivityKind.PHYSICAL].status_label == "Inte uppfyllt"
    sunday = monday + timedelta(days=6)
    link = f"{url('log', enrollment_pk=enrollment.pk)}?typ=fysisk&amp;datum={sunday:%Y-%m-%d}&amp;vecka="
    html = response.content.decode()
    assert f'href="{link}' in html  # static/js/week.js opens it in the row
    assert "data-opens-form" in html


def test_default_week_is_this_week_and_previous_and_next_are_plain_links(client, journey) -> None:
    client.force_login(journey["handledare"])
    today = timezone.localdate()
    monday = rules.week_start(today)
    response = client.get(url("week"))
    html = response.content.decode()
    assert f"Min vecka – {rules.week_label(today)}" in html
    previous = rules.week_param(monday - timedelta(weeks=1))
    following = rules.week_param(monday + timedelta(weeks=1))
    assert f'href="?vecka={previous}"' in html
    assert f'href="?vecka={following}"' in html
    assert "(denna vecka)" in html


def test_a_week_parameter_that_is_not_a_week_falls_back_to_this_week(client, journey) -> None:
    client.force_login(journey["handledare"])
    response = client.get(url("week") + "?vecka=nästa")
    assert response.status_code == 200
    assert response.context["monday"] == rules.week_start(timezone.localdate())


def test_a_future_week_shows_requirements_but_offers_no_logging(client, journey) -> None:
    client.force_login(journey["handledare"])
    response = client.get(week_url(rules.week_start(timezone.localdate()) + timedelta(weeks=2)))
    assert response.status_code == 200
    assert "Krav: 1/v." in response.content.decode()
    assert url("log", enrollment_pk=journey["enrollment"].pk) not in response.content.decode()


def test_htmx_week_change_returns_the_grid_fragment_with_the_new_title(client, journey) -> None:
    client.force_login(journey["handledare"])
    monday = past_monday()
    response = client.get(week_url(monday), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="vecka"')
    assert f"<title>Min vecka – {rules.week_label(monday)} – IST Halland</title>" in html
    assert "HX-Request" in response["Vary"]


def test_the_rows_shown_are_logged_as_read(client, journey) -> None:
    client.force_login(journey["handledare"])
    client.get(url("week"))
    assert logged(journey["handledare"], journey["enrollment"], "min vecka")


def test_closed_enrolments_are_not_in_the_week(client, journey) -> None:
    client.force_login(journey["handledare"])
    shown = [r.row.enrollment for r in client.get(url("week")).context["grid"]]
    assert shown == [journey["enrollment"]]


def test_handledare_without_participants_sees_an_empty_state(client, journey, colleague) -> None:
    client.force_login(colleague)
    response = client.get(url("week"))
    assert response.status_code == 200
    assert response.context["grid"] == []
    assert "inga inskrivna deltagare" in response.content.decode()


@pytest.mark.parametrize("role", ["administrator", "steering", "samverkansteam", "referrer"])
def test_min_vecka_is_for_ist_staff_only(client, journey, role: str) -> None:
    client.force_login(journey[role])
    assert client.get(url("week")).status_code == 403


def test_anonymous_is_sent_to_log_in(client, journey) -> None:
    response = client.get(url("week"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_coordinator_picks_a_handledare_of_their_team(client, journey) -> None:
    coordinator, handledare = journey["koordinator"], journey["handledare"]
    client.force_login(coordinator)
    own = client.get(url("week"))
    assert own.context["grid"] == []
    assert handledare in own.context["choices"]
    response = client.get(url("week") + f"?handledare={handledare.pk}")
    assert response.status_code == 200
    assert [r.row.enrollment for r in response.context["grid"]] == [journey["enrollment"]]
    html = response.content.decode()
    assert f"{handledare.get_full_name()}s vecka" in html
    assert f"handledare={handledare.pk}" in html  # the week links keep whose week it is


def test_handledare_of_another_team_or_a_non_coordinator_asking_is_404(client, journey, outsider, colleague) -> None:
    other_coordinator = member(Role.KOORDINATOR, "laholm")
    client.force_login(other_coordinator)
    assert client.get(url("week") + f"?handledare={journey['handledare'].pk}").status_code == 404
    client.force_login(colleague)
    assert client.get(url("week") + f"?handledare={journey['handledare'].pk}").status_code == 404
    assert client.get(url("week") + "?handledare=abc").status_code == 404


def test_week_uses_the_same_number_of_queries_for_2_and_40_participants(client, journey) -> None:
    handledare = member(Role.HANDLEDARE)
    bulk_enrolments(2, handledare, journey["koordinator"], activities_per_week=1)
    client.force_login(handledare)
    client.get(url("week"))  # warm up session and content types
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url("week")).context["grid"]) == 2

    many = member(Role.HANDLEDARE)
    bulk_enrolments(40, many, journey["koordinator"], activities_per_week=4)
    client.force_login(many)
    client.get(url("week"))
    with CaptureQueriesContext(connection) as lots:
        response = client.get(url("week") + f"?vecka={rules.week_param(past_monday())}")
    assert len(response.context["grid"]) == 40
    assert sum(len(r.row.activities) for r in response.context["grid"]) > 100
    assert len(lots) == len(few), [q["sql"] for q in lots.captured_queries]
    assert len(lots) <= 15


# -- Logging one activity -------------------------------------------------------------------------


def test_log_form_is_prefilled_from_the_cell(client, journey) -> None:
    enrollment = journey["enrollment"]
    day = past_monday() + timedelta(days=3)
    client.force_login(journey["handledare"])
    response = client.get(url("log", enrollment_pk=enrollment.pk) + f"?typ=samtal&datum={day}&vecka=2026-W47")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["kind"] == "samtal"
    assert form.initial["date"] == day
    assert "<html" in response.content.decode()
    assert logged(journey["handledare"], enrollment, "logga aktivitet")


def test_htmx_log_form_is_a_fragment_that_posts_back_in_place(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    response = client.get(url("log", enrollment_pk=enrollment.pk) + "?typ=fysisk", **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert f'hx-post="{url("log", enrollment_pk=enrollment.pk)}"' in html
    assert 'hx-target="#logga-yta"' in html
    assert "autofocus" in html


def test_logging_without_htmx_saves_and_returns_to_the_week(client, journey) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    monday = past_monday()
    client.force_login(handledare)
    response = client.post(
        url("log", enrollment_pk=enrollment.pk), activity_post(day=monday) | {"vecka": rules.week_param(monday)}
    )
    assert response.status_code == 302
    assert response.url == week_url(monday)
    activity = Activity.objects.get(enrollment=enrollment, date=monday)
    assert (activity.kind_id, activity.duration_minutes, activity.logged_by) == ("fysisk", 90, handledare)


def test_logging_by_htmx_returns_the_updated_row_out_of_band(client, journey) -> None:
    enrollment = journey["enrollment"]
    monday = past_monday()
    Activity.objects.all().delete()
    client.force_login(journey["handledare"])
    response = client.post(
        url("log", enrollment_pk=enrollment.pk),
        activity_post(day=monday) | {"vecka": rules.week_param(monday)},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Sparat: Fysisk träning" in html
    assert f'<tr id="rad-{enrollment.pk}" class="week-row" hx-swap-oob="true">' in html
    assert "<template>" in html
    assert 'week-status-green">Uppfyllt' in html
    assert logged(journey["handledare"], enrollment, "min vecka")


def test_a_future_date_is_refused_beside_the_date_keeping_what_was_typed(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(url("log", enrollment_pk=enrollment.pk), activity_post(day=tomorrow), **HTMX)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["En aktivitet kan inte loggas i framtiden."]
    html = response.content.decode()
    assert 'id="id_date_error"' in html
    assert 'value="Promenad i Galgberget"' in html
    assert not Activity.objects.filter(date=tomorrow).exists()


def test_a_date_before_the_enrolment_is_refused(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    before = enrollment.start_date - timedelta(days=1)
    response = client.post(url("log", enrollment_pk=enrollment.pk), activity_post(day=before))
    assert response.status_code == 200
    assert "Inskrivningen började" in response.context["form"].errors["date"][0]


def test_a_colleague_who_may_only_read_gets_403_for_logging(client, journey, colleague) -> None:
    enrollment = journey["enrollment"]
    client.force_login(colleague)
    assert client.get(url("log", enrollment_pk=enrollment.pk)).status_code == 403
    assert client.post(url("log", enrollment_pk=enrollment.pk), activity_post()).status_code == 403
    assert not Activity.objects.filter(logged_by=colleague).exists()


def test_an_outsider_gets_404_for_logging_and_the_attempt_is_logged(client, journey, outsider) -> None:
    enrollment = journey["enrollment"]
    client.force_login(outsider)
    assert client.post(url("log", enrollment_pk=enrollment.pk), activity_post()).status_code == 404
    assert denied_logged(outsider, enrollment)
    assert not Activity.objects.filter(logged_by=outsider).exists()


def test_anonymous_may_not_log(client, journey) -> None:
    response = client.post(url("log", enrollment_pk=journey["enrollment"].pk), activity_post())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# -- Correcting and removing an activity ------------------------------------------------------------


def test_activity_page_shows_the_correction_form_and_logs_the_read(client, journey) -> None:
    activity = journey["activity"]
    client.force_login(journey["handledare"])
    response = client.get(url("activity", activity_pk=activity.pk))
    assert response.status_code == 200
    assert response.context["form"].initial["version"] == activity.version
    assert "Ta bort" in response.content.decode()
    assert logged(journey["handledare"], activity, "aktivitet")


def test_correcting_an_activity_bumps_its_version_and_writes_the_timeline(client, journey) -> None:
    activity, handledare = journey["activity"], journey["handledare"]
    client.force_login(handledare)
    data = activity_post(ActivityKind.TALK, activity.date, Attendance.UNEXCUSED, version=str(activity.version))
    response = client.post(url("activity", activity_pk=activity.pk), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.attendance, activity.version, activity.note) == (Attendance.UNEXCUSED, 2, "Promenad i Galgberget")
    assert EnrollmentEvent.objects.filter(
        enrollment=activity.enrollment, kind=EnrollmentEvent.Kind.ACTIVITY_CORRECTED, by=handledare
    ).exists()


def test_a_stale_correction_gets_409_keeping_what_was_typed(client, journey) -> None:
    activity, handledare = journey["activity"], journey["handledare"]
    services.activity_correct(
        activity=activity, by=handledare, values=ActivityFields.of(activity, duration_minutes=30), expected_version=1
    )
    client.force_login(handledare)
    data = activity_post(ActivityKind.TALK, activity.date, Attendance.EXCUSED, version="1")
    response = client.post(url("activity", activity_pk=activity.pk), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har sparat ändringar medan du skrev." in html
    assert 'value="Promenad i Galgberget"' in html
    assert response.context["form"]["version"].value() == "2"
    activity.refresh_from_db()
    assert (activity.attendance, activity.duration_minutes) == (Attendance.PRESENT, 30)


def test_a_correction_into_the_future_is_refused_beside_the_date(client, journey) -> None:
    activity = journey["activity"]
    client.force_login(journey["handledare"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = activity_post(ActivityKind.TALK, tomorrow, version=str(activity.version))
    response = client.post(url("activity", activity_pk=activity.pk), data, **HTMX)
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["En aktivitet kan inte loggas i framtiden."]


def test_removing_an_activity_by_htmx_returns_the_row(client, journey) -> None:
    activity, handledare = journey["activity"], journey["handledare"]
    monday = rules.week_start(activity.date)
    client.force_login(handledare)
    response = client.post(
        url("activity", activity_pk=activity.pk), {"ta_bort": "1", "vecka": rules.week_param(monday)}, **HTMX
    )
    assert response.status_code == 200
    assert "Borttagen" in response.content.decode()
    assert f'id="rad-{activity.enrollment_id}"' in response.content.decode()
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert EnrollmentEvent.objects.filter(kind=EnrollmentEvent.Kind.ACTIVITY_CORRECTED, by=handledare).exists()


def test_a_colleague_reads_the_activity_but_may_not_change_it(client, journey, colleague) -> None:
    activity = journey["activity"]
    client.force_login(colleague)
    response = client.get(url("activity", activity_pk=activity.pk))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Ta bort" not in response.content.decode()
    assert client.post(url("activity", activity_pk=activity.pk), {"ta_bort": "1"}).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "referrer"])
def test_outsiders_and_the_referrer_get_404_for_an_activity(client, journey, outsider, who: str) -> None:
    user = outsider if who == "outsider" else journey["referrer"]
    activity = journey["activity"]
    client.force_login(user)
    assert client.get(url("activity", activity_pk=activity.pk)).status_code == 404
    assert client.post(url("activity", activity_pk=activity.pk), {"ta_bort": "1"}).status_code == 404
    assert denied_logged(user, activity)
    assert Activity.objects.filter(pk=activity.pk).exists()


# -- Group sessions ---------------------------------------------------------------------------------


@pytest.fixture
def second(journey) -> Enrollment:
    """Another active participant of the same handledare."""
    return builders.enrolled(journey["referrer"], journey["koordinator"], journey["handledare"])


def group_post(attendance: dict[int, str], day=None, token: str | None = None) -> dict[str, str]:
    return {
        "form_token": token or str(uuid.uuid4()),
        "team": str(team().pk),
        "kind": ActivityKind.PHYSICAL,
        "date": (day or past_monday()).isoformat(),
        "duration_minutes": "60",
        "note": "Gympass",
        **{f"narvaro-{pk}": value for pk, value in attendance.items()},
    }


def test_group_page_lists_the_teams_active_participants_and_logs_the_read(client, journey, second) -> None:
    client.force_login(journey["handledare"])
    response = client.get(url("group"))
    assert response.status_code == 200
    listed = [a.enrollment for a in response.context["attendees"]]
    assert set(listed) == {journey["enrollment"], second}
    assert journey["closed"] not in listed
    html = response.content.decode()
    assert 'name="form_token"' in html
    assert "Inte med i gruppen" in html
    assert logged(journey["handledare"], second, "gruppaktivitet")


def test_a_group_session_is_logged_for_everyone_marked_once_per_form_token(client, journey, second) -> None:
    first, handledare = journey["enrollment"], journey["handledare"]
    Activity.objects.all().delete()
    client.force_login(handledare)
    data = group_post({first.pk: Attendance.PRESENT, second.pk: Attendance.EXCUSED})
    response = client.post(url("group"), data)
    assert response.status_code == 302
    assert response.url == week_url(past_monday())
    assert client.post(url("group"), data).status_code == 302  # a double submit
    session = GroupSession.objects.get()
    assert {(a.enrollment_id, a.attendance) for a in session.activities.all()} == {
        (first.pk, Attendance.PRESENT),
        (second.pk, Attendance.EXCUSED),
    }
    week = client.get(response.url)
    statuses = {
        r.row.enrollment.pk: {c.category: c.status_label for c in r.cells}["fysisk"] for r in week.context["grid"]
    }
    assert statuses == {first.pk: "Uppfyllt", second.pk: "Anmäld frånvaro"}


def test_participants_not_in_the_group_get_nothing(client, journey, second) -> None:
    client.force_login(journey["handledare"])
    Activity.objects.all().delete()
    client.post(url("group"), group_post({journey["enrollment"].pk: Attendance.PRESENT, second.pk: ""}))
    assert list(Activity.objects.values_list("enrollment_id", flat=True)) == [journey["enrollment"].pk]


def test_a_group_session_needs_someone_marked(client, journey) -> None:
    client.force_login(journey["handledare"])
    response = client.post(url("group"), group_post({}))
    assert response.status_code == 200
    assert "Markera närvaro för minst en deltagare." in response.content.decode()
    assert not GroupSession.objects.exists()


def test_a_date_outside_a_participants_enrolment_is_said_beside_them(client, journey, second) -> None:
    late = builders.enrolled(
        journey["referrer"], journey["koordinator"], journey["handledare"], start=timezone.localdate()
    )
    client.force_login(journey["handledare"])
    day = timezone.localdate() - timedelta(days=3)
    response = client.post(url("group"), group_post({second.pk: Attendance.PRESENT, late.pk: "present"}, day=day))
    assert response.status_code == 200
    assert "Inskrivningen började" in response.context["form"].errors["date"][0]
    errors = {a.enrollment.pk: a.error for a in response.context["attendees"]}
    assert errors[late.pk] == f"Inskriven från {late.start_date:%Y-%m-%d}."
    assert errors[second.pk] == ""
    assert 'value="Gympass"' in response.content.decode()
    assert not GroupSession.objects.exists()


def test_attendance_for_someone_the_user_may_not_change_is_ignored(client, journey, colleague) -> None:
    theirs = builders.enrolled(journey["referrer"], journey["koordinator"], colleague)
    client.force_login(colleague)
    response = client.post(
        url("group"), group_post({theirs.pk: Attendance.PRESENT, journey["enrollment"].pk: Attendance.PRESENT})
    )
    assert response.status_code == 302
    assert list(Activity.objects.filter(logged_by=colleague).values_list("enrollment_id", flat=True)) == [theirs.pk]


def test_a_handledare_of_two_teams_chooses_the_team_first(client, journey) -> None:
    handledare = journey["handledare"]
    Membership.objects.create(user=handledare, team=team("laholm"), role=Role.HANDLEDARE)
    client.force_login(handledare)
    response = client.get(url("group"))
    assert response.status_code == 200
    assert response.context["team"] is None
    assert "Välj vilket team" in response.content.decode()
    chosen = client.get(url("group") + f"?team={team().pk}")
    assert chosen.context["team"] == team()
    assert [a.enrollment for a in chosen.context["attendees"]] == [journey["enrollment"]]


@pytest.mark.parametrize("role", ["administrator", "steering", "samverkansteam", "referrer"])
def test_group_sessions_are_for_ist_staff_only(client, journey, role: str) -> None:
    client.force_login(journey[role])
    assert client.get(url("group")).status_code == 403
    assert client.post(url("group"), group_post({journey["enrollment"].pk: "present"})).status_code == 403
    assert not GroupSession.objects.exists()


def test_htmx_activity_form_is_a_fragment_that_posts_back_in_place(client, journey) -> None:
    activity = journey["activity"]
    client.force_login(journey["handledare"])
    response = client.get(url("activity", activity_pk=activity.pk) + "?vecka=2026-W47", **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert f'hx-post="{url("activity", activity_pk=activity.pk)}"' in html
    assert 'name="vecka" value="2026-W47"' in html
    assert 'name="ta_bort"' in html


def test_a_double_click_on_save_logs_the_activity_once(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    before = Activity.objects.filter(enrollment=enrollment).count()
    data = activity_post(form_token=str(uuid.uuid4()))
    for _ in range(2):
        response = client.post(url("log", enrollment_pk=enrollment.pk), data)
        assert response.status_code in (200, 302)
    assert Activity.objects.filter(enrollment=enrollment).count() == before + 1
