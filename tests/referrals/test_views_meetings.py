"""Samverkansteam meetings and information meetings: pages, htmx decisions, access and logging."""

from __future__ import annotations

import re
import uuid
from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ist.stale import STALE_MESSAGE
from referrals.models import AgendaItem, InformationMeeting, MeetingAttendance, Referral, TeamMeeting
from teams.models import Membership
from tests.factories import member, team
from tests.referrals import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)

Role = Membership.Role
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, **kwargs: object) -> str:
    return reverse(f"referrals:{name}", kwargs=kwargs)


def denied_logged(user, obj) -> bool:
    return LogEntry.objects.filter(
        actor=user, action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), additional_data__outcome="denied"
    ).exists()


def decision_post(item: AgendaItem, decision: str, reasoning: str = "") -> dict[str, str]:
    return {f"punkt-{item.pk}-decision": decision, f"punkt-{item.pk}-reasoning": reasoning}


@pytest.fixture
def outsider():
    """A coordinator of another team (Laholm)."""
    return member(Role.KOORDINATOR, "laholm")


# -- The list ------------------------------------------------------------------------------------


def test_coordinator_sees_upcoming_meetings_with_item_count_and_a_new_meeting_link(client, world) -> None:
    client.force_login(world["koordinator"])
    response = client.get(url("meetings"))
    assert response.status_code == 200
    meeting = world["meeting"]
    listed = {m.pk: m.item_count for m in response.context["page"].object_list}
    assert listed[meeting.pk] == 1
    assert reverse("referrals:meeting_new") in response.content.decode()


def test_samverkansteam_member_sees_the_list_without_new_meeting_link(client, world) -> None:
    client.force_login(world["samverkansteam"])
    response = client.get(url("meetings"))
    assert response.status_code == 200
    assert world["meeting"] in response.context["page"].object_list
    assert "Nytt möte" not in response.content.decode()


def test_past_meetings_are_listed_apart_from_upcoming(client, world) -> None:
    old = builders.meeting(world["koordinator"], days_ahead=-14)
    client.force_login(world["koordinator"])
    upcoming = client.get(url("meetings")).context["page"].object_list
    past = client.get(url("meetings") + "?visa=tidigare").context["page"].object_list
    assert old not in upcoming
    assert old in past
    assert world["meeting"] not in past


@pytest.mark.parametrize("role", ["handledare", "referrer", "administrator"])
def test_users_outside_any_samverkansteam_get_403_on_the_meeting_list(client, world, role: str) -> None:
    client.force_login(world[role])
    assert client.get(url("meetings")).status_code == 403


def test_anonymous_is_sent_to_login_from_meetings(client, world) -> None:
    response = client.get(url("meeting", pk=world["meeting"].pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_another_teams_meetings_are_not_listed(client, world, outsider) -> None:
    client.force_login(outsider)
    response = client.get(url("meetings"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


def _bulk_meetings(n: int, by) -> None:
    today = timezone.localdate()
    TeamMeeting.objects.bulk_create(
        TeamMeeting(team=team(), date=today + timedelta(days=i % 60), start_time=time(9, 0), created_by=by)
        for i in range(n)
    )


def test_meeting_list_uses_a_constant_number_of_queries(client, world, django_assert_max_num_queries) -> None:
    client.force_login(world["koordinator"])
    client.get(url("meetings"))  # warm up the session and content types
    with django_assert_max_num_queries(10):
        assert client.get(url("meetings")).status_code == 200
    _bulk_meetings(200, world["koordinator"])
    with django_assert_max_num_queries(10):
        response = client.get(url("meetings") + "?sida=2")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


# -- Creating a meeting --------------------------------------------------------------------------


def _meeting_form(token: str) -> dict[str, object]:
    day = timezone.localdate() + timedelta(days=10)
    return {"team": team().pk, "date": day.isoformat(), "start_time": "13:30", "place": "Rådhuset", "form_token": token}


def test_coordinator_creates_a_meeting_once_per_form_token(client, world) -> None:
    client.force_login(world["koordinator"])
    form = client.get(url("meeting_new"))
    assert form.status_code == 200
    token = str(form.context["form_token"])
    first = client.post(url("meeting_new"), _meeting_form(token))
    second = client.post(url("meeting_new"), _meeting_form(token))
    meeting = TeamMeeting.objects.get(place="Rådhuset")
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == url("meeting", pk=meeting.pk)
    assert meeting.start_time == time(13, 30)


def test_meeting_form_with_bad_input_keeps_what_was_typed(client, world) -> None:
    client.force_login(world["koordinator"])
    data = _meeting_form(str(uuid.uuid4())) | {"date": "inte ett datum"}
    response = client.post(url("meeting_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert 'value="Rådhuset"' in response.content.decode()
    assert not TeamMeeting.objects.filter(place="Rådhuset").exists()


def test_samverkansteam_member_may_not_create_meetings(client, world) -> None:
    client.force_login(world["samverkansteam"])
    assert client.get(url("meeting_new")).status_code == 403
    assert client.post(url("meeting_new"), _meeting_form(str(uuid.uuid4()))).status_code == 403
    assert not TeamMeeting.objects.filter(place="Rådhuset").exists()


# -- The meeting page ----------------------------------------------------------------------------


def test_coordinator_sees_the_agenda_with_decision_forms_and_attendance(client, world) -> None:
    referral, item = world["referral"], world["item"]
    client.force_login(world["koordinator"])
    response = client.get(url("meeting", pk=world["meeting"].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert referral.personnummer_masked in html
    assert referral.personnummer not in html
    assert referral.person_name in html
    assert "Halmstad" in html
    assert "Försäkringskassan, Kommun" in html
    assert "Lång sjukskrivning" in html
    assert f'hx-post="{url("decide", item_pk=item.pk)}"' in html
    assert f'hx-target="#punkt-{item.pk}"' in html
    assert 'name="attendance-TOTAL_FORMS"' in html
    assert LogEntry.objects.filter(
        actor=world["koordinator"], object_pk=str(referral.pk), additional_data__what="dagordning"
    ).exists()


def test_samverkansteam_member_reads_the_agenda_without_forms(client, world) -> None:
    client.force_login(world["samverkansteam"])
    response = client.get(url("meeting", pk=world["meeting"].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert world["referral"].person_name in html
    assert "hx-post" not in html
    assert "attendance-TOTAL_FORMS" not in html
    assert LogEntry.objects.filter(
        actor=world["samverkansteam"], object_pk=str(world["referral"].pk), additional_data__what="dagordning"
    ).exists()


def test_samverkansteam_member_may_not_decide_or_record_attendance(client, world) -> None:
    client.force_login(world["samverkansteam"])
    item = world["item"]
    assert client.post(url("decide", item_pk=item.pk), decision_post(item, "accept"), **HTMX).status_code == 403
    attendance = {"attendance-TOTAL_FORMS": "1", "attendance-INITIAL_FORMS": "0", "attendance-0-name": "X"}
    assert client.post(url("meeting_attendance", pk=world["meeting"].pk), attendance).status_code == 403
    item.refresh_from_db()
    assert item.decision == ""
    assert not MeetingAttendance.objects.exists()


def test_handledare_does_not_see_meetings(client, world) -> None:
    client.force_login(world["handledare"])
    assert client.get(url("meeting", pk=world["meeting"].pk)).status_code == 404


def test_outsider_coordinator_gets_404_and_the_attempt_is_logged(client, world, outsider) -> None:
    client.force_login(outsider)
    meeting, item = world["meeting"], world["item"]
    assert client.get(url("meeting", pk=meeting.pk)).status_code == 404
    assert client.get(url("minutes", pk=meeting.pk)).status_code == 404
    assert client.post(url("decide", item_pk=item.pk), decision_post(item, "accept"), **HTMX).status_code == 404
    assert client.post(url("meeting_attendance", pk=meeting.pk), {}).status_code == 404
    assert denied_logged(outsider, meeting)
    assert denied_logged(outsider, item)
    item.refresh_from_db()
    assert item.decision == ""


def _bulk_agenda(meeting: TeamMeeting, n: int) -> None:
    referrals = Referral.objects.bulk_create(
        Referral(
            team=meeting.team,
            status=Referral.Status.ON_AGENDA,
            personnummer=f"19850101{i:04d}",
            first_name="Bo",
            last_name=f"Bulk{i}",
            municipality=world_municipality(),
            authorities_involved=["af", "region"],
            background="Behöver stöd från flera myndigheter.",
        )
        for i in range(n)
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, referral=r, position=100 + i) for i, r in enumerate(referrals)
    )


def world_municipality():
    from teams.models import Municipality

    return Municipality.objects.get(name="Hylte")


@pytest.mark.parametrize("name", ["meeting", "minutes"])
def test_meeting_page_and_minutes_use_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries, name: str
) -> None:
    meeting = world["meeting"]
    client.force_login(world["koordinator"])
    client.get(url(name, pk=meeting.pk))  # warm up the session and content types
    # The coordinator's page also lists the registered members, the next meeting and the justering.
    most = 17 if name == "meeting" else 12
    with django_assert_max_num_queries(most):
        assert client.get(url(name, pk=meeting.pk)).status_code == 200
    _bulk_agenda(meeting, 50)
    with django_assert_max_num_queries(most):
        response = client.get(url(name, pk=meeting.pk))
    assert response.status_code == 200
    assert response.content.decode().count("Remiss: ") == 51
    if name == "meeting":
        assert response.content.decode().count("Registrera beslut") == 51


# -- Deciding ------------------------------------------------------------------------------------


def test_htmx_decision_returns_only_the_item_with_the_decision(client, world) -> None:
    item, referral = world["item"], world["referral"]
    client.force_login(world["koordinator"])
    response = client.post(url("decide", item_pk=item.pk), decision_post(item, "accept", "I målgruppen."), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.strip().startswith(f'<li class="agenda-item" id="punkt-{item.pk}">')
    assert "Antas – informationsmöte erbjuds" in html
    assert "I målgruppen." in html
    assert url("info_meeting_new", referral_pk=referral.pk) in html
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_htmx_rejection_without_reasoning_shows_the_error_and_keeps_the_choice(client, world) -> None:
    item = world["item"]
    client.force_login(world["koordinator"])
    response = client.post(url("decide", item_pk=item.pk), decision_post(item, "reject"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Skriv motiveringen" in html
    assert re.search(r'<input type="radio" name="punkt-\d+-decision" value="reject"[^>]* checked>', html)
    item.refresh_from_db()
    assert item.decision == ""


def test_htmx_decision_without_choice_keeps_the_typed_reasoning(client, world) -> None:
    item = world["item"]
    client.force_login(world["koordinator"])
    response = client.post(url("decide", item_pk=item.pk), decision_post(item, "", "Min långa motivering"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Min långa motivering</textarea>" in html
    assert f'id="id_punkt-{item.pk}-decision_error"' in html


def test_a_second_decision_changes_nothing(client, world) -> None:
    item, referral = world["item"], world["referral"]
    client.force_login(world["koordinator"])
    client.post(url("decide", item_pk=item.pk), decision_post(item, "accept", "I målgruppen."), **HTMX)
    response = client.post(url("decide", item_pk=item.pk), decision_post(item, "reject", "Ändrat mig."), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Beslut redan fattat" in html
    assert "Ändrat mig." not in html
    item.refresh_from_db()
    referral.refresh_from_db()
    assert (item.decision, item.reasoning) == ("accept", "I målgruppen.")
    assert referral.status == Referral.Status.ACCEPTED


def test_decision_without_htmx_redirects_back_to_the_item(client, world) -> None:
    item = world["item"]
    client.force_login(world["koordinator"])
    response = client.post(url("decide", item_pk=item.pk), decision_post(item, "reject", "Inte i målgruppen."))
    assert response.status_code == 302
    assert response.url == url("meeting", pk=item.meeting_id) + f"#punkt-{item.pk}"
    item.refresh_from_db()
    assert item.decision == "reject"


def test_decision_error_without_htmx_renders_the_whole_page(client, world) -> None:
    item = world["item"]
    client.force_login(world["koordinator"])
    response = client.post(url("decide", item_pk=item.pk), decision_post(item, "reject"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "Skriv motiveringen" in html


def test_question_on_the_agenda_is_answered(client, world) -> None:
    from referrals import services

    question = world["question"]
    services.agenda_add(meeting=world["meeting"], question=question, by=world["koordinator"])
    item = AgendaItem.objects.get(question=question)
    client.force_login(world["koordinator"])
    response = client.post(url("decide", item_pk=item.pk), decision_post(item, "answered", "Ja, hör av er."), **HTMX)
    assert response.status_code == 200
    assert "Frågan besvarad" in response.content.decode()
    question.refresh_from_db()
    assert question.answer == "Ja, hör av er."


# -- Attendance and minutes ----------------------------------------------------------------------


def _attendance(rows: list[tuple[str, str]], total: int = 4) -> dict[str, str]:
    data = {"attendance-TOTAL_FORMS": str(total), "attendance-INITIAL_FORMS": "2"}
    for i in range(total):
        kind, name = rows[i] if i < len(rows) else ("", "")
        data[f"attendance-{i}-organisation_kind"] = kind
        data[f"attendance-{i}-name"] = name
    return data


def test_coordinator_records_attendance_and_sees_it_prefilled(client, world) -> None:
    meeting = world["meeting"]
    client.force_login(world["koordinator"])
    rows = [("fk", "Sara Samverkan"), ("af", "Ali Hussein"), ("kommun", "Per Lund")]
    response = client.post(url("meeting_attendance", pk=meeting.pk), _attendance(rows))
    assert response.status_code == 302
    assert response.url == url("meeting", pk=meeting.pk) + "#narvaro"
    assert set(meeting.attendances.values_list("organisation_kind", "name")) == set(rows)
    page = client.get(url("meeting", pk=meeting.pk))
    initial = [f.initial for f in page.context["attendance"]][:3]
    assert {(r["organisation_kind"], r["name"]) for r in initial} == set(rows)


def test_attendance_with_a_name_but_no_organisation_is_refused_and_kept(client, world) -> None:
    meeting = world["meeting"]
    client.force_login(world["koordinator"])
    response = client.post(url("meeting_attendance", pk=meeting.pk), _attendance([("", "Namn Utan Part")]))
    assert response.status_code == 200
    assert "Ange vilken part personen företrädde." in response.content.decode()
    assert 'value="Namn Utan Part"' in response.content.decode()
    assert not meeting.attendances.exists()


def test_minutes_show_attendance_per_organisation_and_each_decision(client, world) -> None:
    from referrals import meetings, services

    meeting, item = world["meeting"], world["item"]
    meetings.attendance_record(meeting=meeting, members=[], others=[("fk", "Sara Samverkan"), ("af", "Ali Hussein")])
    services.agenda_decide(
        item=item, decision="reject", reasoning="Annan planering gäller först.", by=world["koordinator"]
    )
    client.force_login(world["samverkansteam"])
    response = client.get(url("minutes", pk=meeting.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "IST Halmstad/Hylte" in html or meeting.team.name in html
    assert meeting.date.strftime("%Y-%m-%d") in html
    assert "<dt>Försäkringskassan</dt>" in html
    assert "Sara Samverkan" in html
    assert "Avslås" in html
    assert "Annan planering gäller först." in html
    assert world["referral"].personnummer_masked in html
    assert LogEntry.objects.filter(
        actor=world["samverkansteam"], object_pk=str(world["referral"].pk), additional_data__what="protokoll"
    ).exists()


# -- Information meetings ------------------------------------------------------------------------


def _booking(token: str, attendee) -> dict[str, object]:
    day = timezone.localdate() + timedelta(days=5)
    return {
        "date": day.isoformat(),
        "start_time": "10:00",
        "place": "IST-kontoret, Halmstad",
        "attendees": [attendee.pk],
        "referrer_invited": "on",
        "form_token": token,
    }


def test_information_meeting_is_booked_once_for_an_accepted_referral(client, world) -> None:
    coordinator = world["koordinator"]
    referral = builders.accepted(builders.submitted(world["referrer"]), coordinator)  # nothing booked yet
    client.force_login(coordinator)
    form = client.get(url("info_meeting_new", referral_pk=referral.pk))
    assert form.status_code == 200
    token = str(form.context["form_token"])
    first = client.post(url("info_meeting_new", referral_pk=referral.pk), _booking(token, coordinator))
    second = client.post(url("info_meeting_new", referral_pk=referral.pk), _booking(token, coordinator))
    booked = InformationMeeting.objects.get(place="IST-kontoret, Halmstad")
    assert first.status_code == second.status_code == 302
    assert first.url == url("info_meeting", pk=booked.pk)
    assert list(booked.attendees.all()) == [coordinator]


def test_information_meeting_cannot_be_booked_before_the_referral_is_accepted(client, world) -> None:
    referral, coordinator = world["referral"], world["koordinator"]
    client.force_login(coordinator)
    page = client.get(url("info_meeting_new", referral_pk=referral.pk))
    assert "bara bokas för en remiss som teamet har antagit" in page.content.decode()
    assert page.context["form"] is None
    response = client.post(url("info_meeting_new", referral_pk=referral.pk), _booking(str(uuid.uuid4()), coordinator))
    assert response.status_code == 409
    assert not InformationMeeting.objects.filter(referral=referral).exists()


def test_booking_with_bad_input_keeps_what_was_typed(client, world) -> None:
    referral, coordinator = world["accepted"], world["koordinator"]
    client.force_login(coordinator)
    data = _booking(str(uuid.uuid4()), coordinator) | {"date": ""}
    response = client.post(url("info_meeting_new", referral_pk=referral.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert 'value="IST-kontoret, Halmstad"' in response.content.decode()


def test_handledare_may_not_book_and_outsider_gets_404(client, world, outsider) -> None:
    referral = world["accepted"]
    client.force_login(world["handledare"])
    assert client.post(url("info_meeting_new", referral_pk=referral.pk), {}).status_code == 403
    client.force_login(outsider)
    assert client.get(url("info_meeting_new", referral_pk=referral.pk)).status_code == 404
    assert denied_logged(outsider, referral)


def test_outcome_wants_to_start_makes_the_referral_ready_and_is_recorded_once(client, world) -> None:
    meeting, referral = world["info_meeting"], world["accepted"]
    InformationMeeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate())  # held today
    client.force_login(world["koordinator"])
    response = client.post(url("info_meeting", pk=meeting.pk), {"outcome": "wants_to_start", "note": "Startar v. 3"})
    assert response.status_code == 302
    again = client.post(url("info_meeting", pk=meeting.pk), {"outcome": "declines", "note": ""}, follow=True)
    assert "redan registrerat" in again.content.decode()
    assert "Vill börja" in again.content.decode()
    meeting.refresh_from_db()
    referral.refresh_from_db()
    assert (meeting.outcome, meeting.outcome_note) == ("wants_to_start", "Startar v. 3")
    assert referral.status == Referral.Status.READY


def test_outcome_form_requires_a_choice(client, world) -> None:
    meeting = world["info_meeting"]
    InformationMeeting.objects.filter(pk=meeting.pk).update(date=timezone.localdate())  # held today
    client.force_login(world["koordinator"])
    response = client.post(url("info_meeting", pk=meeting.pk), {"note": "Min anteckning"})
    assert response.status_code == 200
    assert response.context["form"].errors["outcome"]
    assert "Min anteckning</textarea>" in response.content.decode()


@pytest.mark.parametrize("role", ["handledare", "referrer"])
def test_handledare_and_referrer_see_the_information_meeting_read_only(client, world, role: str) -> None:
    meeting = world["info_meeting"]
    client.force_login(world[role])
    page = client.get(url("info_meeting", pk=meeting.pk))
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "IST-kontoret" in page.content.decode()
    assert client.post(url("info_meeting", pk=meeting.pk), {"outcome": "declines"}).status_code == 403
    meeting.refresh_from_db()
    assert meeting.outcome == ""


def test_outsider_gets_404_on_an_information_meeting_and_it_is_logged(client, world, outsider) -> None:
    meeting = world["info_meeting"]
    client.force_login(outsider)
    assert client.get(url("info_meeting", pk=meeting.pk)).status_code == 404
    assert denied_logged(outsider, meeting)


def test_info_meetings_panel_lists_meetings_and_offers_booking_when_accepted(world) -> None:
    referral = world["accepted"]
    html = render_to_string("referrals/meetings/_info_meetings_panel.html", {"referral": referral, "can_manage": True})
    assert url("info_meeting", pk=world["info_meeting"].pk) in html
    assert "13:00" in html
    assert "Boka informationsmöte" in html
    read_only = render_to_string(
        "referrals/meetings/_info_meetings_panel.html", {"referral": referral, "can_manage": False}
    )
    assert "Boka informationsmöte" not in read_only


def test_two_coordinators_saving_attendance_do_not_overwrite_each_other(client, world) -> None:
    meeting = world["meeting"]
    client.force_login(world["koordinator"])
    opened = client.get(url("meeting", pk=meeting.pk)).context["meeting"].version
    first = _attendance([("fk", "Sara Samverkan")]) | {"version": str(opened)}
    assert client.post(url("meeting_attendance", pk=meeting.pk), first).status_code == 302
    second = _attendance([("af", "Ali Hussein")]) | {"version": str(opened)}
    response = client.post(url("meeting_attendance", pk=meeting.pk), second)
    assert response.status_code == 409
    html = response.content.decode()
    assert STALE_MESSAGE in html
    assert 'value="Ali Hussein"' in html  # what the second person typed is kept
    assert list(meeting.attendances.values_list("name", flat=True)) == ["Sara Samverkan"]
