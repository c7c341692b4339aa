"""Saved groups and their sessions (issue 19.4): services and views, access, logging, the refusal
of a second identical session, a whole session corrected or removed at once."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from ist.errors import StaleEdit
from participants import rules, services
from participants.inputs import GroupFields, SessionFields
from participants.models import (
    Activity,
    ActivityGroup,
    Attendance,
    Enrollment,
    EnrollmentEvent,
    GroupSession,
    Weekday,
)
from teams.models import Membership, User
from tests.factories import member, team
from tests.participants import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role
CORRECTED = EnrollmentEvent.Kind.ACTIVITY_CORRECTED


def saved_group(by: User, members: list[Enrollment], *, name: str = "Morgongympa") -> ActivityGroup:
    return services.group_create(
        team=members[0].team if members else team(),
        values=GroupFields(
            name=name, kind="fysisk", weekday=Weekday.WEDNESDAY, start_time=time(9, 30), duration_minutes=60
        ),
        members=members,
        by=by,
    )


def a_past_wednesday():
    """A Wednesday two weeks back: inside every enrolment of these tests (started 60 days ago)."""
    return rules.week_start(timezone.localdate()) - timedelta(weeks=2) + timedelta(days=2)


def session_values(day=None, start=time(9, 30), minutes=60, note="") -> SessionFields:
    return SessionFields(date=day or a_past_wednesday(), start_time=start, duration_minutes=minutes, note=note)


@pytest.fixture
def people(journey):
    """The journey's handledare with three own participants of Halmstad/Hylte."""
    h, k, r = journey["handledare"], journey["koordinator"], journey["referrer"]
    more = [builders.enrolled(r, k, h, first_name=n, last_name="Ek") for n in ("Bo", "Cia")]
    return {**journey, "members": [journey["enrollment"], *more]}


@pytest.fixture
def colleague() -> User:
    """A handledare of the same team, not responsible for the journey's participants."""
    return member(Role.HANDLEDARE)


@pytest.fixture
def group(people) -> ActivityGroup:
    return saved_group(people["handledare"], people["members"][:2])


def url(name: str, **kwargs: object) -> str:
    return reverse(f"participants:{name}", kwargs=kwargs)


def accessed(user, obj, what: str) -> bool:
    return LogEntry.objects.filter(
        actor=user, action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), additional_data__what=what
    ).exists()


# -- Services ------------------------------------------------------------------------------------


def test_a_group_is_created_once_per_form_token(people) -> None:
    token = uuid.uuid4()
    values = GroupFields(name="Gympa", kind="fysisk", weekday=2, start_time=time(9, 30), duration_minutes=60)
    first = services.group_create(
        team=team(), values=values, members=people["members"], by=people["handledare"], form_token=token
    )
    again = services.group_create(
        team=team(), values=values, members=people["members"], by=people["handledare"], form_token=token
    )
    assert first == again
    assert ActivityGroup.objects.count() == 1
    assert set(first.members.all()) == set(people["members"])
    assert first.usual == "onsdagar 09:30"


def test_a_session_logs_every_attendee_and_refuses_a_second_identical_one(people, group) -> None:
    a, b, guest = people["members"]
    by = people["handledare"]
    attendance: dict[int, str] = {a.pk: Attendance.PRESENT, b.pk: Attendance.UNEXCUSED, guest.pk: Attendance.PRESENT}
    token = uuid.uuid4()
    logged = services.group_meeting_log(
        group=group, values=session_values(), attendance=attendance, by=by, form_token=token
    )
    assert logged.created
    session = logged.session
    assert (session.group, session.start_time, session.kind_id) == (group, time(9, 30), "fysisk")
    assert dict(session.activities.values_list("enrollment_id", "attendance")) == attendance
    # A double click: the same form again gives the first session, nothing twice.
    twice = services.group_meeting_log(
        group=group, values=session_values(), attendance=attendance, by=by, form_token=token
    )
    assert (twice.session, twice.created) == (session, False)
    # Back and "Spara" from a reloaded form: refused, naming the stored session.
    with pytest.raises(services.DuplicateSession) as refused:
        services.group_meeting_log(
            group=group, values=session_values(), attendance=attendance, by=by, form_token=uuid.uuid4()
        )
    assert refused.value.session == session
    assert str(refused.value) == "Gruppträffen är redan registrerad – ändra den i stället."
    assert Activity.objects.filter(group_session__group=group).count() == 3
    # Another start time the same day is another session.
    other = services.group_meeting_log(
        group=group, values=session_values(start=time(13, 0)), attendance={a.pk: "present"}, by=by
    )
    assert other.created


def test_a_whole_session_is_corrected_at_once_and_every_change_is_logged(people, group) -> None:
    a, b, guest = people["members"]
    by = people["handledare"]
    session = services.group_meeting_log(
        group=group, values=session_values(), attendance={a.pk: "present", b.pk: "present"}, by=by
    ).session
    moved = a_past_wednesday() + timedelta(days=1)
    services.group_session_correct(
        session=session,
        values=session_values(day=moved, start=time(10, 0), minutes=45, note="Flyttad"),
        attendance={a.pk: Attendance.EXCUSED, guest.pk: Attendance.PRESENT},  # b removed, guest added
        by=by,
        expected_version=1,
    )
    session.refresh_from_db()
    assert (session.date, session.start_time, session.duration_minutes, session.version) == (
        moved,
        time(10, 0),
        45,
        2,
    )
    rows = {x.enrollment_id: x for x in session.activities.all()}
    assert set(rows) == {a.pk, guest.pk}
    assert (rows[a.pk].attendance, rows[a.pk].date, rows[a.pk].duration_minutes, rows[a.pk].note) == (
        "excused",
        moved,
        45,
        "Flyttad",
    )
    assert not Activity.objects.filter(enrollment=b, group_session=session).exists()
    # On each participant's timeline, as a correction of one activity is.
    assert "borttagen ur träffen" in b.events.get(kind=CORRECTED).message
    assert "tillagd i träffen" in guest.events.get(kind=CORRECTED).message
    assert "attendance" in a.events.get(kind=CORRECTED).message
    # And in the audit trail: each activity changed, removed or added.
    assert LogEntry.objects.filter(
        content_type__model="activity", object_pk=str(rows[a.pk].pk), action=LogEntry.Action.UPDATE
    ).exists()
    assert LogEntry.objects.filter(content_type__model="activity", action=LogEntry.Action.DELETE).count() == 1
    assert LogEntry.objects.filter(
        content_type__model="activity", object_pk=str(rows[guest.pk].pk), action=LogEntry.Action.CREATE
    ).exists()


def test_a_correction_sent_twice_changes_nothing_and_a_stale_one_is_caught(people, group) -> None:
    a, b, _ = people["members"]
    by = people["handledare"]
    session = services.group_meeting_log(
        group=group, values=session_values(), attendance={a.pk: "present", b.pk: "present"}, by=by
    ).session
    wanted = {a.pk: "present", b.pk: "unexcused"}
    services.group_session_correct(
        session=session, values=session_values(), attendance=wanted, by=by, expected_version=1
    )
    # The same submit again (version 1 is old now, but it asks for what is saved): no error, no change.
    services.group_session_correct(
        session=session, values=session_values(), attendance=wanted, by=by, expected_version=1
    )
    session.refresh_from_db()
    assert session.version == 2
    assert b.events.filter(kind=CORRECTED).count() == 1
    # Something else from the old page: a colleague's change is not overwritten.
    with pytest.raises(StaleEdit):
        services.group_session_correct(
            session=session, values=session_values(note="x"), attendance=wanted, by=by, expected_version=1
        )


def test_a_correction_onto_the_groups_other_session_is_refused(people, group) -> None:
    a = people["members"][0]
    by = people["handledare"]
    first = services.group_meeting_log(group=group, values=session_values(), attendance={a.pk: "present"}, by=by)
    later = services.group_meeting_log(
        group=group, values=session_values(start=time(13, 0)), attendance={a.pk: "present"}, by=by
    )
    with pytest.raises(services.DuplicateSession) as refused:
        services.group_session_correct(
            session=later.session, values=session_values(), attendance={a.pk: "present"}, by=by, expected_version=1
        )
    assert refused.value.session == first.session


def test_a_whole_session_is_removed_at_once_and_logged(people, group) -> None:
    a, b, _ = people["members"]
    by = people["handledare"]
    session = services.group_meeting_log(
        group=group, values=session_values(), attendance={a.pk: "present", b.pk: "excused"}, by=by
    ).session
    with pytest.raises(StaleEdit):
        services.group_session_delete(session=session, by=by, expected_version=0)
    assert services.group_session_delete(session=session, by=by, expected_version=1)
    assert not GroupSession.objects.filter(pk=session.pk).exists()
    assert not Activity.objects.filter(enrollment__in=[a, b], date=a_past_wednesday()).exists()
    assert "borttagen" in a.events.get(kind=CORRECTED).message
    assert "borttagen" in b.events.get(kind=CORRECTED).message
    assert LogEntry.objects.filter(content_type__model="activity", action=LogEntry.Action.DELETE).count() == 2
    assert services.group_session_delete(session=session, by=by) is False  # twice: nothing left to do


def test_group_edit_is_caught_when_stale_and_archive_is_idempotent(people, group) -> None:
    by = people["handledare"]
    values = GroupFields(name="Kvällsgympa", kind="fysisk", weekday=3, start_time=time(17, 0), duration_minutes=60)
    services.group_update(group=group, values=values, members=people["members"], by=by, expected_version=1)
    group.refresh_from_db()
    assert (group.name, group.version, group.members.count()) == ("Kvällsgympa", 2, 3)
    with pytest.raises(StaleEdit):
        services.group_update(
            group=group, values=GroupFields(**{**values.__dict__, "name": "X"}), members=[], by=by, expected_version=1
        )
    assert services.group_archive(group=group, archived=True, by=by)
    assert not services.group_archive(group=group, archived=True, by=by)


# -- Views ------------------------------------------------------------------------------------------


def session_post(rows: dict[int, str], *, day=None, start="09:30", token=None, guests=(), **extra: str):
    return {
        "form_token": str(token or uuid.uuid4()),
        "date": (day or a_past_wednesday()).isoformat(),
        "start_time": start,
        "duration_minutes": "60",
        "note": "",
        **{f"narvaro-{pk}": value for pk, value in rows.items()},
        "gast": [str(pk) for pk in guests],
        **extra,
    }


def test_group_is_made_with_checkboxes_of_own_participants_only(client, people, colleague) -> None:
    theirs = builders.enrolled(people["referrer"], people["koordinator"], colleague)
    client.force_login(people["handledare"])
    page = client.get(url("group_new"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<select" in html  # the kind and weekday, never the people
    assert html.count('name="medlem"') == 3
    assert f'value="{theirs.pk}"' not in html
    a, b, _ = people["members"]
    data = {
        "name": "Morgongympa",
        "kind": "fysisk",
        "weekday": "2",
        "start_time": "09:30",
        "duration_minutes": "60",
        "team": str(team().pk),
        "form_token": str(uuid.uuid4()),
        "medlem": [str(a.pk), str(b.pk), str(theirs.pk)],  # a colleague's participant is not taken
    }
    response = client.post(url("group_new"), data)
    group = ActivityGroup.objects.get()
    assert response.status_code == 302
    assert response.url == url("group_detail", group_pk=group.pk)
    assert set(group.members.all()) == {a, b}
    assert client.post(url("group_new"), data).status_code == 302  # a double click: one group
    assert ActivityGroup.objects.count() == 1


def test_group_form_keeps_what_was_typed_and_says_what_is_missing(client, people) -> None:
    client.force_login(people["handledare"])
    data = {"name": "Gympa", "kind": "fysisk", "weekday": "2", "start_time": "nio", "duration_minutes": "60"}
    response = client.post(url("group_new"), data)
    assert response.status_code == 200
    assert "Skriv klockslaget som TT:MM" in response.content.decode()
    assert 'value="Gympa"' in response.content.decode()
    data["start_time"] = "09:30"
    response = client.post(url("group_new"), data)
    assert "Välj minst en deltagare." in response.content.decode()
    assert not ActivityGroup.objects.exists()


def test_another_teams_coordinator_gets_404_and_the_attempt_is_logged(client, people, group) -> None:
    outsider = member(Role.KOORDINATOR, "laholm")
    client.force_login(outsider)
    assert client.get(url("group_detail", group_pk=group.pk)).status_code == 404
    assert client.get(url("group_edit", group_pk=group.pk)).status_code == 404
    assert client.post(url("group_session_new", group_pk=group.pk), session_post({})).status_code == 404
    assert not GroupSession.objects.exists()
    assert LogEntry.objects.filter(actor=outsider, object_pk=str(group.pk), additional_data__outcome="denied").exists()
    assert group.name not in client.get(url("groups")).content.decode()


def test_the_teams_coordinator_edits_and_archives_a_handledares_group(client, people, group) -> None:
    coordinator = people["koordinator"]
    client.force_login(coordinator)
    page = client.get(url("group_edit", group_pk=group.pk))
    assert page.status_code == 200
    assert accessed(coordinator, people["members"][0], "grupp")
    response = client.post(url("group_edit", group_pk=group.pk), {"arkivera": "1"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.archived_at is not None
    assert group.name in client.get(url("groups") + "?arkiverade=1").content.decode()
    refused = client.post(url("group_session_new", group_pk=group.pk), session_post({}))
    assert refused.status_code == 409
    assert "Gruppen är arkiverad" in refused.content.decode()


def test_a_stale_group_edit_answers_409_and_keeps_what_was_typed(client, people, group) -> None:
    client.force_login(people["handledare"])
    services.group_archive(group=group, archived=True, by=people["koordinator"])  # version 2 now
    data = {
        "name": "Nytt namn",
        "kind": "fysisk",
        "weekday": "2",
        "start_time": "09:30",
        "duration_minutes": "60",
        "version": "1",
        "medlem": [str(people["members"][0].pk)],
    }
    response = client.post(url("group_edit", group_pk=group.pk), data)
    assert response.status_code == 409
    assert "Någon annan har sparat ändringar" in response.content.decode()
    assert 'value="Nytt namn"' in response.content.decode()
    group.refresh_from_db()
    assert group.name == "Morgongympa"


def test_session_page_preselects_every_member_as_present(client, people, group) -> None:
    client.force_login(people["handledare"])
    page = client.get(url("group_session_new", group_pk=group.pk))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert {r.enrollment for r in rows} == set(people["members"][:2])
    assert all(r.value == Attendance.PRESENT for r in rows)
    assert [g.enrollment for g in page.context["guests"]] == people["members"][2:]  # may be added
    assert page.context["form"]["date"].value().weekday() == Weekday.WEDNESDAY
    assert "förvalda som närvarande" in page.content.decode()
    assert accessed(people["handledare"], people["members"][0], "gruppträff")


def test_logging_a_session_with_exceptions_and_a_guest_then_the_second_submit_is_refused(client, people, group) -> None:
    a, b, guest = people["members"]
    client.force_login(people["handledare"])
    data = session_post({b.pk: Attendance.EXCUSED}, guests=[guest.pk], fran="vecka")  # a: untouched, present
    response = client.post(url("group_session_new", group_pk=group.pk), data)
    assert response.status_code == 302
    assert response.url == f"{url('week')}?vecka={rules.week_param(a_past_wednesday())}"
    session = GroupSession.objects.get()
    assert dict(session.activities.values_list("enrollment_id", "attendance")) == {
        a.pk: "present",
        b.pk: "excused",
        guest.pk: "present",
    }
    assert set(group.members.all()) == {a, b}  # a guest is added for that session only
    # A double click (same form): the same answer, nothing twice.
    assert client.post(url("group_session_new", group_pk=group.pk), data).status_code == 302
    # Back and "Spara" on a reloaded form: refused with a link to the stored session.
    again = client.post(url("group_session_new", group_pk=group.pk), {**data, "form_token": str(uuid.uuid4())})
    assert again.status_code == 409
    html = again.content.decode()
    assert "Gruppträffen är redan registrerad – ändra den i stället." in html
    assert url("group_session", session_pk=session.pk) in html
    assert GroupSession.objects.count() == 1
    assert Activity.objects.filter(group_session__isnull=False).count() == 3


def test_a_whole_session_is_corrected_and_removed_from_its_page(client, people, group) -> None:
    a, b, guest = people["members"]
    by = people["handledare"]
    session = services.group_meeting_log(
        group=group, values=session_values(), attendance={a.pk: "present", b.pk: "present"}, by=by
    ).session
    client.force_login(by)
    page = client.get(url("group_session", session_pk=session.pk))
    assert page.status_code == 200
    assert [r.value for r in page.context["rows"]] == ["present", "present"]
    data = session_post({a.pk: "unexcused", b.pk: "remove"}, guests=[guest.pk], version="1")
    response = client.post(url("group_session", session_pk=session.pk), data)
    assert response.status_code == 302
    assert response.url == url("group_detail", group_pk=group.pk)
    assert dict(session.activities.values_list("enrollment_id", "attendance")) == {
        a.pk: "unexcused",
        guest.pk: "present",
    }
    stale = client.post(url("group_session", session_pk=session.pk), {**data, "note": "annat"})
    assert stale.status_code == 409
    assert "Någon annan har sparat ändringar" in stale.content.decode()
    removed = client.post(url("group_session", session_pk=session.pk), {"ta_bort": "1", "version": "2"})
    assert removed.status_code == 302
    assert not GroupSession.objects.exists()
    assert not Activity.objects.filter(group_session__isnull=False).exists()


def test_a_colleagues_participants_in_a_session_are_kept_untouched(client, people, group, colleague) -> None:
    theirs = builders.enrolled(people["referrer"], people["koordinator"], colleague)
    a = people["members"][0]
    session = services.group_meeting_log(
        group=group,
        values=session_values(),
        attendance={a.pk: "present", theirs.pk: "excused"},
        by=people["koordinator"],
    ).session
    client.force_login(people["handledare"])
    page = client.get(url("group_session", session_pk=session.pk))
    assert str(theirs.participant) not in page.content.decode()
    assert page.context["others"] == 1
    client.post(url("group_session", session_pk=session.pk), session_post({a.pk: "unexcused"}, version="1"))
    assert dict(session.activities.values_list("enrollment_id", "attendance")) == {
        a.pk: "unexcused",
        theirs.pk: "excused",
    }


def test_min_vecka_lists_the_groups_with_a_link_to_log_the_weeks_session(
    client, people, group, django_assert_max_num_queries
) -> None:
    a = people["members"][0]
    client.force_login(people["handledare"])
    monday = rules.week_start(a_past_wednesday())
    week = f"{url('week')}?vecka={rules.week_param(monday)}"
    html = client.get(week).content.decode()
    assert "Gruppträffar" in html
    assert f"{url('group_session_new', group_pk=group.pk)}?datum={a_past_wednesday():%Y-%m-%d}&amp;fran=vecka" in html
    session = services.group_meeting_log(
        group=group, values=session_values(), attendance={a.pk: "present"}, by=people["handledare"]
    ).session
    for n in range(3):  # more groups cost no more queries
        saved_group(people["handledare"], people["members"], name=f"Grupp {n}")
    with django_assert_max_num_queries(40):
        html = client.get(week).content.decode()
    assert f"{url('group_session', session_pk=session.pk)}?fran=vecka" in html
    assert "1 av 1 närvarande" in html


@pytest.mark.parametrize("role", ["administrator", "steering", "samverkansteam", "referrer"])
def test_groups_are_for_ist_staff_only(client, people, group, role: str) -> None:
    client.force_login(people[role])
    assert client.get(url("groups")).status_code == 403
    assert client.get(url("group_new")).status_code == 403
    assert client.get(url("group_detail", group_pk=group.pk)).status_code == 403


def test_a_one_off_session_with_the_same_participants_is_refused_the_second_time(client, people) -> None:
    """The old bug ("✓ ons ✓ ons"): Back and "Spara" on the one-off group page stored it twice."""
    from tests.participants.test_views_week import group_post

    a, b, _ = people["members"]
    client.force_login(people["handledare"])
    data = group_post({a.pk: Attendance.PRESENT, b.pk: Attendance.EXCUSED}, day=a_past_wednesday())
    assert client.post(reverse("participants:group"), data).status_code == 302
    again = client.post(reverse("participants:group"), {**data, "form_token": str(uuid.uuid4())})
    assert again.status_code == 409
    session = GroupSession.objects.get()
    assert "Gruppträffen är redan registrerad – ändra den i stället." in again.content.decode()
    assert url("group_session", session_pk=session.pk) in again.content.decode()
    # Another set of participants the same day is another session.
    other = group_post({a.pk: Attendance.PRESENT}, day=a_past_wednesday())
    assert client.post(reverse("participants:group"), other).status_code == 302
    assert GroupSession.objects.count() == 2


def test_a_one_off_session_is_corrected_as_a_whole_without_a_time(client, people) -> None:
    a, b, _ = people["members"]
    session = services.group_session_log(
        team_id=a.team_id,
        kind="fysisk",
        day=a_past_wednesday(),
        duration_minutes=60,
        note="",
        attendance={a.pk: "present", b.pk: "present"},
        by=people["handledare"],
    )
    client.force_login(people["handledare"])
    data = session_post({a.pk: "present", b.pk: "unexcused"}, start="", version="1")
    response = client.post(url("group_session", session_pk=session.pk), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("participants:week"))
    assert session.activities.get(enrollment=b).attendance == "unexcused"
