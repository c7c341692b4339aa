"""Enrolment and the participant page: Att skriva in, enrolling, the participant page, corrections, the list."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from ist import personnummer
from ist.stale import STALE_MESSAGE
from participants import rules, services
from participants.inputs import ParticipantCorrection
from participants.models import ActivityKind, Closure, Enrollment, EnrollmentEvent, Participant
from participants.views.enrolment import ACTIVE_ELSEWHERE
from teams.models import Membership, Municipality
from tests.factories import ReferrerFactory, member
from tests.participants import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role
HTMX = {"HTTP_HX_REQUEST": "true"}


def accesses(what: str, obj: Any, outcome: str | None = None) -> int:
    entries = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), content_type=ContentType.objects.get_for_model(obj)
    )
    return sum(
        1
        for e in entries
        if (e.additional_data or {}).get("what") == what and (e.additional_data or {}).get("outcome") == outcome
    )


@pytest.fixture
def outsider():
    """A coordinator of another team (Kungsbacka)."""
    return member(Role.KOORDINATOR, "kungsbacka")


def enrol_data(responsible: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "form_token": str(uuid.uuid4()),
        "start_date": timezone.localdate().isoformat(),
        "responsible": responsible.pk,
        "second_contact": "",
        "months_in_support_before": "18",
        "occupation_before_extent": "25",
    }
    data.update(overrides)
    return data


def html_of(response) -> str:
    return response.content.decode()


# -- Att skriva in ----------------------------------------------------------------------------------


def test_coordinator_sees_referrals_ready_for_enrolment_masked_with_a_link(client, journey):
    ready = journey["ready"]
    client.force_login(journey["koordinator"])
    response = client.get(reverse("participants:ready"))
    assert response.status_code == 200
    html = html_of(response)
    assert ready.person_name in html
    assert ready.personnummer_masked in html
    assert ready.personnummer not in html
    assert reverse("participants:enroll", args=[ready.pk]) in html
    assert journey["accepted"].person_name not in html  # accepted, but no information meeting outcome yet
    assert accesses("att skriva in", ready) == 1


@pytest.mark.parametrize("role", ["handledare", "samverkansteam", "administrator", "steering", "referrer"])
def test_ready_list_is_for_coordinators_only(client, journey, role):
    client.force_login(journey[role])
    response = client.get(reverse("participants:ready"))
    assert response.status_code == 403
    assert "Ingen behörighet" in html_of(response)


def test_ready_list_sends_anonymous_to_log_in(client):
    response = client.get(reverse("participants:ready"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_ready_list_shows_nothing_of_other_teams(client, journey, outsider):
    client.force_login(outsider)
    response = client.get(reverse("participants:ready"))
    assert response.status_code == 200
    assert journey["ready"].person_name not in html_of(response)


def test_ready_list_keeps_a_constant_number_of_queries(client, journey, django_assert_max_num_queries):
    client.force_login(journey["koordinator"])
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("participants:ready"))
    for _ in range(4):
        builders.ready_referral(journey["referrer"], journey["koordinator"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("participants:ready"))
    assert len(response.context["page"].object_list) == 5


# -- Enrolling ------------------------------------------------------------------------------------


def test_enrol_form_shows_the_derived_facts_and_only_the_teams_handledare(client, journey):
    ready = journey["ready"]
    other_team_handledare = member(Role.HANDLEDARE, "kungsbacka")
    identity = personnummer.parse(ready.personnummer)
    today = timezone.localdate()
    client.force_login(journey["koordinator"])
    response = client.get(reverse("participants:enroll", args=[ready.pk]))
    assert response.status_code == 200
    html = html_of(response)
    assert 'name="form_token"' in html
    assert str(identity.birth_date.year) in html
    assert ("Man" if identity.male else "Kvinna") in html
    assert rules.target_end(today, identity.age_on(today)).isoformat() in html
    choices = list(response.context["form"].fields["responsible"].queryset)
    assert journey["handledare"] in choices
    assert other_team_handledare not in choices
    assert accesses("inskrivning", ready) == 1


def test_enrol_htmx_start_date_returns_the_derived_fragment(client, journey):
    ready = journey["ready"]
    identity = personnummer.parse(ready.personnummer)
    start = timezone.localdate() + timedelta(days=30)
    client.force_login(journey["koordinator"])
    response = client.get(reverse("participants:enroll", args=[ready.pk]), {"start_date": start.isoformat()}, **HTMX)
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="derived"' in html
    assert "<html" not in html
    assert rules.target_end(start, identity.age_on(start)).isoformat() in html


def test_coordinator_enrols_and_lands_on_the_participant_page(client, journey):
    ready, handledare = journey["ready"], journey["handledare"]
    client.force_login(journey["koordinator"])
    response = client.post(reverse("participants:enroll", args=[ready.pk]), enrol_data(handledare))
    enrollment = Enrollment.objects.get(referral=ready)
    assert response.status_code == 302
    assert response.url == reverse("participants:detail", args=[enrollment.pk])
    assert enrollment.responsible == handledare
    assert enrollment.months_in_support_before == 18
    assert enrollment.occupation_before_extent == 25
    assert enrollment.events.filter(kind=EnrollmentEvent.Kind.ENROLLED).count() == 1
    page = client.get(response.url)
    assert "är inskriven och börjar i Prova på" in html_of(page)
    assert "Prova på" in html_of(page)


def test_a_double_submit_enrols_once(client, journey):
    ready, handledare = journey["ready"], journey["handledare"]
    data = enrol_data(handledare)
    client.force_login(journey["koordinator"])
    first = client.post(reverse("participants:enroll", args=[ready.pk]), data)
    second = client.post(reverse("participants:enroll", args=[ready.pk]), data)
    assert Enrollment.objects.filter(referral=ready).count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url


def test_bad_enrol_input_is_explained_and_what_was_typed_is_kept(client, journey):
    ready = journey["ready"]
    other_team_handledare = member(Role.HANDLEDARE, "kungsbacka")
    client.force_login(journey["koordinator"])
    data = enrol_data(other_team_handledare, occupation_before_extent="150", months_in_support_before="31")
    response = client.post(reverse("participants:enroll", args=[ready.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "responsible" in form.errors
    assert "occupation_before_extent" in form.errors
    html = html_of(response)
    assert 'value="31"' in html
    assert data["form_token"] in html  # the same token: sending again still enrols once
    assert not Enrollment.objects.filter(referral=ready).exists()


def test_a_referral_not_ready_cannot_be_enrolled(client, journey):
    accepted = journey["accepted"]  # information meeting booked, no outcome yet
    client.force_login(journey["koordinator"])
    page = client.get(reverse("participants:enroll", args=[accepted.pk]))
    assert page.status_code == 200
    assert "inte redo för inskrivning" in html_of(page)
    assert 'name="responsible"' not in html_of(page)
    response = client.post(reverse("participants:enroll", args=[accepted.pk]), enrol_data(journey["handledare"]))
    assert response.status_code == 409
    assert "inte redo för inskrivning" in html_of(response)
    assert not Enrollment.objects.filter(referral=accepted).exists()


def test_an_enrolled_referral_links_to_its_participant_page(client, journey):
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    response = client.get(reverse("participants:enroll", args=[enrollment.referral_id]))
    assert response.status_code == 200
    html = html_of(response)
    assert "Remissen är redan inskriven." in html
    assert reverse("participants:detail", args=[enrollment.pk]) in html


def test_a_person_with_an_active_enrolment_is_not_enrolled_twice(client, journey):
    participant = journey["participant"]
    again = builders.ready_referral(journey["referrer"], journey["koordinator"], personnummer=participant.personnummer)
    client.force_login(journey["koordinator"])
    response = client.post(reverse("participants:enroll", args=[again.pk]), enrol_data(journey["handledare"]))
    assert response.status_code == 409
    assert ACTIVE_ELSEWHERE in html_of(response)
    assert Enrollment.objects.filter(participant=participant).count() == 1


@pytest.mark.parametrize("role", ["handledare", "referrer", "samverkansteam"])
def test_those_who_see_the_referral_but_do_not_coordinate_may_not_enrol(client, journey, role):
    ready = journey["ready"]
    client.force_login(journey[role])
    assert client.get(reverse("participants:enroll", args=[ready.pk])).status_code == 403
    response = client.post(reverse("participants:enroll", args=[ready.pk]), enrol_data(journey["handledare"]))
    assert response.status_code == 403
    assert not Enrollment.objects.filter(referral=ready).exists()


def test_outsider_gets_404_on_enrol_and_the_attempt_is_logged(client, journey, outsider):
    ready = journey["ready"]
    client.force_login(outsider)
    assert client.get(reverse("participants:enroll", args=[ready.pk])).status_code == 404
    assert (
        client.post(reverse("participants:enroll", args=[ready.pk]), enrol_data(journey["handledare"])).status_code
        == 404
    )
    assert accesses("inskrivning", ready, outcome="denied") == 2


def test_anonymous_is_sent_to_log_in_from_enrol(client, journey):
    response = client.post(reverse("participants:enroll", args=[journey["ready"].pk]), {})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# -- The participant page -------------------------------------------------------------------------


def test_coordinator_sees_the_whole_participant_page(client, journey):
    enrollment, participant = journey["enrollment"], journey["participant"]
    services.activity_log(
        enrollment=enrollment,
        kind=ActivityKind.PHYSICAL,
        day=timezone.localdate() - timedelta(days=2),
        attendance="present",
        duration_minutes=90,
        note="Promenad i Norre katt park",
        by=journey["handledare"],
    )
    client.force_login(journey["koordinator"])
    response = client.get(reverse("participants:detail", args=[enrollment.pk]))
    assert response.status_code == 200
    html = html_of(response)
    assert personnummer.formatted(participant.personnummer) in html
    assert participant.get_sex_display() in html
    assert enrollment.team.name in html
    assert enrollment.start_date.isoformat() in html
    assert enrollment.target_end.isoformat() in html
    assert "Prova på" in html
    assert "vecka " in html
    assert "Promenad i Norre katt park" in html
    assert "Individuellt samtal" in html
    assert "Händelser" in html
    assert "Start " + enrollment.start_date.isoformat() in html  # the timeline's enrolment event
    assert journey["handledare"].get_full_name() in html
    assert enrollment.referral.referrer_email in html
    assert "Dokument" in html
    assert reverse("participants:correct", args=[participant.pk]) in html
    for name in ("phase", "extend", "close"):
        assert reverse(f"participants:{name}", args=[enrollment.pk]) in html
    assert reverse("participants:week") in html
    assert accesses("deltagarsida", enrollment) == 1


def test_the_fulfilment_chart_is_an_accessible_svg_with_the_same_numbers_in_a_table(client, journey):
    client.force_login(journey["koordinator"])
    response = client.get(reverse("participants:detail", args=[journey["enrollment"].pk]))
    html = html_of(response)
    svg = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)[0]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert svg.count("<rect") == 12
    chart = response.context["chart"]
    assert len(chart["bars"]) == 12
    assert 'class="fulfilment-table"' in html
    for bar in chart["bars"]:
        assert bar.label in html
    # the talk logged yesterday counts in this week (Prova på: a talk a week)
    assert chart["bars"][-1].met >= (1 if timezone.localdate().weekday() > 0 else 0)
    assert " style=" not in html
    assert "<style" not in html


def test_responsible_handledare_sees_the_page_without_the_correction_link(client, journey):
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    response = client.get(reverse("participants:detail", args=[enrollment.pk]))
    assert response.status_code == 200
    html = html_of(response)
    assert "Aktiviteter" in html
    assert reverse("participants:correct", args=[enrollment.participant_id]) not in html
    assert response.context["can_change"] is True
    assert response.context["can_manage"] is False


def test_colleague_handledare_reads_but_may_not_change(client, journey):
    colleague = member(Role.HANDLEDARE)
    client.force_login(colleague)
    response = client.get(reverse("participants:detail", args=[journey["enrollment"].pk]))
    assert response.status_code == 200
    assert response.context["can_change"] is False
    assert reverse("participants:phase", args=[journey["enrollment"].pk]) not in html_of(response)


def test_referrer_sees_a_limited_read_only_page(client, journey):
    enrollment, participant = journey["enrollment"], journey["participant"]
    services.activity_log(
        enrollment=enrollment,
        kind=ActivityKind.PHYSICAL,
        day=timezone.localdate() - timedelta(days=2),
        attendance="present",
        duration_minutes=60,
        note="Hemlig anteckning",
        by=journey["handledare"],
    )
    client.force_login(journey["referrer"])
    response = client.get(reverse("participants:detail", args=[enrollment.pk]))
    assert response.status_code == 200
    html = html_of(response)
    assert participant.personnummer_masked in html
    assert personnummer.formatted(participant.personnummer) not in html
    assert "Prova på" in html
    assert "<svg" in html
    assert journey["handledare"].get_full_name() in html
    assert "Hemlig anteckning" not in html
    assert "Aktiviteter" not in html
    assert "Händelser" not in html
    assert "Start " + enrollment.start_date.isoformat() not in html
    assert participant.phone not in html
    assert reverse("participants:correct", args=[participant.pk]) not in html
    assert reverse("participants:close", args=[enrollment.pk]) not in html


@pytest.mark.parametrize("role", ["samverkansteam", "administrator", "steering"])
def test_those_outside_the_enrolment_get_404(client, journey, role):
    client.force_login(journey[role])
    assert client.get(reverse("participants:detail", args=[journey["enrollment"].pk])).status_code == 404


def test_outsider_gets_404_on_the_participant_page_and_the_attempt_is_logged(client, journey, outsider):
    enrollment = journey["enrollment"]
    client.force_login(outsider)
    assert client.get(reverse("participants:detail", args=[enrollment.pk])).status_code == 404
    assert accesses("deltagarsida", enrollment, outcome="denied") == 1


def test_another_referrer_gets_404(client, journey):
    client.force_login(ReferrerFactory.create())
    assert client.get(reverse("participants:detail", args=[journey["enrollment"].pk])).status_code == 404


def test_anonymous_is_sent_to_log_in_from_the_participant_page(client, journey):
    response = client.get(reverse("participants:detail", args=[journey["enrollment"].pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_closed_enrolment_shows_its_closure(client, journey):
    closed = journey["closed"]
    client.force_login(journey["koordinator"])
    response = client.get(reverse("participants:detail", args=[closed.pk]))
    assert response.status_code == 200
    html = html_of(response)
    assert "Avslutad" in html
    assert reverse("participants:close", args=[closed.pk]) not in html
    assert Closure.objects.get(enrollment=closed).date.isoformat() in html


def test_participant_page_keeps_a_constant_number_of_queries(client, journey, django_assert_max_num_queries):
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    url = reverse("participants:detail", args=[enrollment.pk])
    # 34 since the fourth round: the person's other stays (0031), the upcoming meetings to put the
    # enrolment on (0033), the questionnaires due and the self-assessment's progression (0036).
    with django_assert_max_num_queries(34) as few:
        client.get(url)
    today = timezone.localdate()
    for n in range(30):
        services.activity_log(
            enrollment=enrollment,
            kind=ActivityKind.PHYSICAL if n % 2 else ActivityKind.TALK,
            day=today - timedelta(days=n % 50),
            attendance="present",
            duration_minutes=60,
            note=f"Aktivitet {n}",
            by=journey["handledare"],
        )
    services.extend(
        enrollment=enrollment,
        new_end=enrollment.target_end + timedelta(days=30),
        decided_on=today,
        decided_in="styrgrupp",
        decided_by="Styrgruppen",
        reason="Behöver mer tid",
        by=journey["koordinator"],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["activities"]) == 20
    assert "Behöver mer tid" in html_of(response)


# -- Protected identity ---------------------------------------------------------------------------


@pytest.fixture
def protected(journey) -> Enrollment:
    enrollment = journey["enrollment"]
    Participant.objects.filter(pk=enrollment.participant_id).update(protected_identity=True)
    return enrollment


def test_a_handledare_not_responsible_does_not_see_a_protected_person(client, journey, protected):
    colleague = member(Role.HANDLEDARE)
    client.force_login(colleague)
    listing = client.get(reverse("participants:list"))
    assert listing.status_code == 200
    assert str(protected.participant) not in html_of(listing)
    assert client.get(reverse("participants:detail", args=[protected.pk])).status_code == 404
    assert accesses("deltagarsida", protected, outcome="denied") == 1


@pytest.mark.parametrize("role", ["handledare", "koordinator"])
def test_responsible_handledare_and_coordinator_see_a_protected_person(client, journey, protected, role):
    client.force_login(journey[role])
    listing = client.get(reverse("participants:list"))
    assert str(protected.participant) in html_of(listing)
    page = client.get(reverse("participants:detail", args=[protected.pk]))
    assert page.status_code == 200
    assert "Skyddade personuppgifter" in html_of(page)


def test_the_referrer_does_not_see_a_protected_person(client, journey, protected):
    client.force_login(journey["referrer"])
    listing = client.get(reverse("participants:list"))
    assert listing.status_code == 200
    assert str(protected.participant) not in html_of(listing)
    assert client.get(reverse("participants:detail", args=[protected.pk])).status_code == 404


# -- Correcting the person's details --------------------------------------------------------------


def correction_data(participant: Participant, **overrides: Any) -> dict[str, Any]:
    data = {
        "version": participant.version,
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "phone": participant.phone,
        "email": participant.email,
        "address": participant.address,
        "municipality": participant.municipality_id,
        "sex": participant.sex,
        "birth_year": participant.birth_year,
    }
    if participant.protected_identity:
        data["protected_identity"] = "on"
    data.update(overrides)
    return data


def test_coordinator_corrects_sex_birth_year_municipality_and_protection(client, journey):
    participant = journey["participant"]
    other_sex = "K" if participant.sex == "M" else "M"
    hylte = Municipality.objects.get(name="Hylte")
    client.force_login(journey["koordinator"])
    page = client.get(reverse("participants:correct", args=[participant.pk]))
    assert page.status_code == 200
    assert 'name="version"' in html_of(page)
    data = correction_data(
        participant,
        sex=other_sex,
        birth_year=1979,
        municipality=hylte.pk,
        phone="035-12 34 56",
        protected_identity="on",
    )
    response = client.post(reverse("participants:correct", args=[participant.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("participants:detail", args=[journey["enrollment"].pk])
    participant.refresh_from_db()
    assert (participant.sex, participant.birth_year, participant.municipality, participant.phone) == (
        other_sex,
        1979,
        hylte,
        "035-12 34 56",
    )
    assert participant.protected_identity is True


def test_bad_correction_keeps_what_was_typed(client, journey):
    participant = journey["participant"]
    client.force_login(journey["koordinator"])
    data = correction_data(participant, birth_year="nittonåttio", phone="031-98 76 54", email="inte-en-adress")
    response = client.post(reverse("participants:correct", args=[participant.pk]), data)
    assert response.status_code == 200
    assert "birth_year" in response.context["form"].errors
    assert "email" in response.context["form"].errors
    html = html_of(response)
    assert "031-98 76 54" in html
    assert "nittonåttio" in html
    participant.refresh_from_db()
    assert participant.phone != "031-98 76 54"


def test_a_correction_over_someone_elses_is_409_and_keeps_what_was_typed(client, journey):
    participant = journey["participant"]
    data = correction_data(participant, phone="0346-11 22 33")
    services.participant_correct(  # a colleague saved meanwhile
        participant=participant,
        by=journey["koordinator"],
        values=ParticipantCorrection.of(participant, email="ny@test.example"),
    )
    client.force_login(journey["koordinator"])
    response = client.post(reverse("participants:correct", args=[participant.pk]), data)
    assert response.status_code == 409
    html = html_of(response)
    assert STALE_MESSAGE in html
    assert "0346-11 22 33" in html
    participant.refresh_from_db()
    assert participant.email == "ny@test.example"
    assert participant.phone != "0346-11 22 33"
    # Saving again (the page now carries the saved version) goes through.
    data["version"] = response.context["version"]
    data["email"] = "ny@test.example"
    assert client.post(reverse("participants:correct", args=[participant.pk]), data).status_code == 302
    participant.refresh_from_db()
    assert participant.phone == "0346-11 22 33"


@pytest.mark.parametrize("role", ["handledare", "referrer"])
def test_those_who_see_the_person_but_do_not_coordinate_may_not_correct(client, journey, role):
    participant = journey["participant"]
    client.force_login(journey[role])
    assert client.get(reverse("participants:correct", args=[participant.pk])).status_code == 403
    response = client.post(reverse("participants:correct", args=[participant.pk]), correction_data(participant))
    assert response.status_code == 403


def test_outsider_gets_404_on_correct_and_the_attempt_is_logged(client, journey, outsider):
    participant = journey["participant"]
    client.force_login(outsider)
    assert client.get(reverse("participants:correct", args=[participant.pk])).status_code == 404
    assert accesses("rätta personuppgifter", journey["enrollment"], outcome="denied") == 1


def test_anonymous_is_sent_to_log_in_from_correct(client, journey):
    response = client.get(reverse("participants:correct", args=[journey["participant"].pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# -- The list -------------------------------------------------------------------------------------


def test_staff_list_the_teams_active_participants_masked_and_logged(client, journey):
    enrollment, closed = journey["enrollment"], journey["closed"]
    client.force_login(member(Role.HANDLEDARE))
    response = client.get(reverse("participants:list"))
    assert response.status_code == 200
    html = html_of(response)
    assert str(enrollment.participant) in html
    assert enrollment.participant.personnummer_masked in html
    assert enrollment.participant.personnummer not in html
    assert reverse("participants:detail", args=[enrollment.pk]) in html
    assert "Prova på" in html
    assert str(closed.participant) not in html
    assert accesses("deltagarlista", enrollment) == 1


def test_list_filters_closed_and_searches_by_name(client, journey):
    enrollment, closed = journey["enrollment"], journey["closed"]
    client.force_login(journey["koordinator"])
    closed_html = html_of(client.get(reverse("participants:list"), {"status": "closed"}))
    assert str(closed.participant) in closed_html
    assert str(enrollment.participant) not in closed_html
    found = html_of(
        client.get(reverse("participants:list"), {"status": "all", "namn": enrollment.participant.last_name})
    )
    assert str(enrollment.participant) in found
    assert str(closed.participant) not in found


def test_list_answers_htmx_with_the_results_fragment(client, journey):
    client.force_login(journey["koordinator"])
    response = client.get(reverse("participants:list"), {"namn": journey["participant"].last_name}, **HTMX)
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="results"' in html
    assert "<html" not in html
    assert str(journey["participant"]) in html


def test_referrer_lists_only_the_people_they_referred(client, journey):
    other_referrer = ReferrerFactory.create()
    theirs = builders.enrolled(other_referrer, journey["koordinator"], journey["handledare"])
    client.force_login(journey["referrer"])
    response = client.get(reverse("participants:list"), {"status": "all"})
    assert response.status_code == 200
    html = html_of(response)
    assert "Mina deltagare" in html
    assert str(journey["participant"]) in html
    assert str(journey["closed"].participant) in html
    assert str(theirs.participant) not in html


def test_outsider_coordinator_lists_nothing_of_other_teams(client, journey, outsider):
    client.force_login(outsider)
    response = client.get(reverse("participants:list"), {"status": "all"})
    assert response.status_code == 200
    assert str(journey["participant"]) not in html_of(response)


@pytest.mark.parametrize("role", ["samverkansteam", "administrator", "steering"])
def test_list_is_403_for_those_without_participants(client, journey, role):
    client.force_login(journey[role])
    assert client.get(reverse("participants:list")).status_code == 403


def test_list_paginates_and_keeps_a_constant_number_of_queries(client, journey, django_assert_max_num_queries):
    client.force_login(journey["koordinator"])
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("participants:list"))
    for _ in range(25):
        builders.enrolled(journey["referrer"], journey["koordinator"], journey["handledare"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("participants:list"))
    assert len(response.context["rows"]) == 25
    assert "sida=2" in html_of(response)
    second = client.get(reverse("participants:list"), {"sida": 2})
    assert len(second.context["rows"]) == 1
