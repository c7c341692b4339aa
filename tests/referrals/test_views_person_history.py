"""The person's history where a coordinator meets a personnummer (docs/decisions/0031): the triage
board's mark, the review page, the registration's lookup, the enrol page and the participant page;
contact details from an earlier referral are offered, never copied."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrollment
from referrals.models import Referral
from teams.models import Membership, Municipality, Team, User
from tests.factories import member, team
from tests.participants.stays import a_year_ago, closed_stay, ready_in
from tests.referrals import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def varberg() -> dict[str, User]:
    return {"koordinator": member(Role.KOORDINATOR, "varberg"), "handledare": member(Role.HANDLEDARE, "varberg")}


@pytest.fixture
def returning(users, varberg) -> dict[str, Any]:
    """Enrolled and closed in IST Varberg a year ago; referred again to IST Halmstad/Hylte, without address."""
    start, end = a_year_ago()
    stay = closed_stay(
        "varberg",
        users["referrer"],
        varberg["koordinator"],
        varberg["handledare"],
        start=start,
        end=end,
        municipality="Varberg",
        address="Gamla vägen 1, Varberg",
    )
    again = builders.submitted(
        users["referrer"], personnummer=stay.participant.personnummer, address="", municipality="Halmstad"
    )
    return {"stay": stay, "again": again}


def lookups(user: User) -> list[dict[str, Any]]:
    return [
        e.additional_data
        for e in LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user)
        if (e.additional_data or {}).get("what") == "känd person i annat team"
    ]


def test_review_of_a_person_closed_in_a_team_the_coordinator_cannot_see_says_whom_to_contact(client, users, returning):
    Team.objects.filter(slug="varberg").update(email="ist.varberg@example.se", phone="0340-12 34 56")
    client.force_login(users["koordinator"])
    html = client.get(reverse("referrals:review", args=[returning["again"].pk])).content.decode()
    assert "Inga andra remisser med samma personnummer" not in html
    assert "Personen finns i IST Varberg. Kontakta IST Varberg" in html
    assert "ist.varberg@example.se" in html
    assert "0340-12 34 56" in html
    stay = returning["stay"]
    assert stay.start_date.isoformat() not in html  # no dates, no status, no names of the other team's stay
    assert str(stay.closure.reason) not in html
    assert reverse("participants:detail", args=[stay.pk]) not in html
    [logged] = lookups(users["koordinator"])
    assert logged["person"] == f"pnr:{stay.participant.personnummer}"
    assert logged["filters"] == "IST Varberg"


def test_review_shows_the_coordinators_own_earlier_stay_with_dates_exit_reason_and_link(client, varberg, returning):
    stay = returning["stay"]
    coordinator2 = varberg["koordinator"]
    Membership.objects.create(user=coordinator2, team=team(), role=Role.KOORDINATOR)  # both teams are theirs
    client.force_login(coordinator2)
    html = client.get(reverse("referrals:review", args=[returning["again"].pk])).content.decode()
    assert reverse("participants:detail", args=[stay.pk]) in html
    assert stay.start_date.isoformat() in html
    assert stay.closure.date.isoformat() in html
    assert f"Avslutsorsak: {stay.closure.reason}" in html
    assert "Kontakta" not in html


def test_the_board_marks_rows_with_a_history(client, users, returning):
    lone = builders.submitted(users["referrer"], municipality="Hylte")
    client.force_login(users["koordinator"])
    response = client.get(reverse("referrals:triage"))
    rows = {row.referral.pk: row.known for row in response.context["rows"]}
    assert rows == {returning["again"].pk: True, lone.pk: False}
    assert response.content.decode().count("Tidigare remiss eller inskrivning") == 1


def test_registration_looks_the_person_up_with_htmx_and_offers_the_earlier_details(client, users):
    earlier = builders.submitted(users["referrer"], address="Storgatan 9, Halmstad", phone="070-222 22 22")
    client.force_login(users["koordinator"])
    typed = f"{earlier.personnummer[:8]}-{earlier.personnummer[8:]}"
    response = client.get(reverse("referrals:register"), {"personnummer": typed}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f"Remiss {earlier.pk}, IST Halmstad/Hylte" in html
    assert "Uppgifter från tidigare remiss" in html
    assert f'<time datetime="{earlier.received_on:%Y-%m-%d}">' in html
    assert 'value="address"' in html
    assert "Storgatan 9, Halmstad" in html
    assert sum(1 for e in LogEntry.objects.filter(actor=users["koordinator"], object_pk=str(earlier.pk))) == 1
    nothing = client.get(reverse("referrals:register"), {"personnummer": "19850101-0000"}, **HTMX)
    assert "Remiss" not in nothing.content.decode()


@pytest.mark.parametrize("role", ["handledare", "referrer", "steering", "samverkansteam"])
def test_only_coordinators_look_people_up_at_registration(client, users, role):
    earlier = builders.submitted(users["referrer"])
    client.force_login(users[role])
    response = client.get(reverse("referrals:register"), {"personnummer": earlier.personnummer}, **HTMX)
    assert response.status_code == 403
    assert f"Remiss {earlier.pk}" not in response.content.decode()


def register_data(number: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "form_token": str(uuid.uuid4()),
        "team": team().pk,
        "channel": Referral.Channel.PAPER,
        "received_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "referrer_name": "Petra Pappersson",
        "personnummer": number,
        "first_name": "Berit",
        "last_name": "Brevsson",
        "phone": "",
        "address": "",
        "municipality": Municipality.objects.get(name="Hylte").pk,
        "authorities_involved": ["fk", "kommun"],
        "background": "Kom med posten.",
    }
    data.update(overrides)
    return data


def test_use_without_javascript_fills_that_field_keeps_the_rest_and_saves_nothing(client, users):
    earlier = builders.submitted(users["referrer"], address="Storgatan 9, Halmstad", phone="070-222 22 22")
    client.force_login(users["koordinator"])
    before = Referral.objects.count()
    response = client.post(reverse("referrals:register"), register_data(earlier.personnummer, anvand="address"))
    html = response.content.decode()
    assert response.status_code == 200
    assert Referral.objects.count() == before
    form = response.context["form"]
    assert form["address"].value() == "Storgatan 9, Halmstad"
    assert form["phone"].value() == ""  # only the field asked for
    assert form["last_name"].value() == "Brevsson"
    assert "errorlist" not in html  # asked to fill a field, not to save: nothing reported wrong yet
    assert 'value="phone"' in html  # the phone is still offered


def test_registration_copies_nothing_from_an_earlier_referral(client, users):
    earlier = builders.submitted(users["referrer"], address="Storgatan 9, Halmstad", phone="070-222 22 22")
    client.force_login(users["koordinator"])
    data = register_data(
        earlier.personnummer,
        consent_given="on",
        consent_date=(timezone.localdate() - timedelta(days=5)).isoformat(),
    )
    response = client.post(reverse("referrals:register"), data)
    assert response.status_code == 302
    new = Referral.objects.exclude(pk=earlier.pk).get(personnummer=earlier.personnummer)
    assert (new.address, new.phone) == ("", "")


# -- Enrolment and the participant page -----------------------------------------------------------


def enrol_data(responsible: User, **overrides: Any) -> dict[str, Any]:
    data = {
        "form_token": str(uuid.uuid4()),
        "start_date": timezone.localdate().isoformat(),
        "responsible": responsible.pk,
        "second_contact": "",
        "phone": "",
        "email": "",
        "address": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def back_in_halmstad(users, varberg) -> dict[str, Any]:
    """Closed in Halmstad/Hylte a year ago, now ready for enrolment there again, the address left blank."""
    start, end = a_year_ago()
    stay = closed_stay(
        "halmstad-hylte",
        users["referrer"],
        users["koordinator"],
        users["handledare"],
        start=start,
        end=end,
        address="Gamla vägen 1, Halmstad",
    )
    ready = ready_in(
        "halmstad-hylte",
        users["referrer"],
        users["koordinator"],
        personnummer=stay.participant.personnummer,
        address="",
    )
    return {"stay": stay, "ready": ready}


def test_enrol_page_shows_earlier_stays_and_offers_the_old_address(client, users, back_in_halmstad):
    stay = back_in_halmstad["stay"]
    client.force_login(users["koordinator"])
    html = client.get(reverse("participants:enroll", args=[back_in_halmstad["ready"].pk])).content.decode()
    assert "Tidigare inskrivningar och remisser" in html
    assert reverse("participants:detail", args=[stay.pk]) in html
    assert stay.closure.date.isoformat() in html
    assert f"Avslutsorsak: {stay.closure.reason}" in html
    assert "Uppgifter från tidigare remiss" in html
    assert "Gamla vägen 1, Halmstad" in html
    assert 'value="address"' in html
    assert 'value="phone"' not in html  # the same phone: nothing to offer


def test_enrolment_does_not_copy_the_old_address_into_a_blank_one(client, users, back_in_halmstad):
    client.force_login(users["koordinator"])
    ready = back_in_halmstad["ready"]
    response = client.post(
        reverse("participants:enroll", args=[ready.pk]), enrol_data(users["handledare"], phone=ready.phone)
    )
    assert response.status_code == 302
    participant = Enrollment.objects.get(referral=ready).participant
    assert participant.address == ""
    assert participant.phone == ready.phone


def test_enrolment_uses_the_old_address_when_the_coordinator_says_so(client, users, back_in_halmstad):
    client.force_login(users["koordinator"])
    ready = back_in_halmstad["ready"]
    url = reverse("participants:enroll", args=[ready.pk])
    shown = client.post(url, enrol_data(users["handledare"], anvand="address", months_in_support_before="7"))
    assert shown.status_code == 200
    assert not Enrollment.objects.filter(referral=ready).exists()
    form = shown.context["form"]
    assert form["address"].value() == "Gamla vägen 1, Halmstad"
    assert form["months_in_support_before"].value() == "7"
    assert "address" not in shown.context["offer"].values()  # used: no longer offered
    data = {k: form[k].value() for k in ("start_date", "address", "months_in_support_before")}
    response = client.post(url, enrol_data(users["handledare"], **{k: v or "" for k, v in data.items()}))
    assert response.status_code == 302
    assert Enrollment.objects.get(referral=ready).participant.address == "Gamla vägen 1, Halmstad"


def test_participant_page_links_earlier_and_later_stays(client, users, back_in_halmstad):
    client.force_login(users["koordinator"])
    ready, earlier = back_in_halmstad["ready"], back_in_halmstad["stay"]
    client.post(reverse("participants:enroll", args=[ready.pk]), enrol_data(users["handledare"]))
    now = Enrollment.objects.get(referral=ready)
    html = client.get(reverse("participants:detail", args=[now.pk])).content.decode()
    assert "Tidigare inskrivningar" in html
    assert reverse("participants:detail", args=[earlier.pk]) in html
    html = client.get(reverse("participants:detail", args=[earlier.pk])).content.decode()
    assert "Senare inskrivningar" in html
    assert reverse("participants:detail", args=[now.pk]) in html


def test_participant_page_of_a_stay_elsewhere_names_only_the_team(client, users, varberg, returning):
    ready = ready_in(
        "halmstad-hylte",
        users["referrer"],
        users["koordinator"],
        personnummer=returning["stay"].participant.personnummer,
    )
    Referral.objects.filter(pk=returning["again"].pk).delete()
    client.force_login(users["koordinator"])
    client.post(reverse("participants:enroll", args=[ready.pk]), enrol_data(users["handledare"]))
    now = Enrollment.objects.get(referral=ready)
    html = client.get(reverse("participants:detail", args=[now.pk])).content.decode()
    assert "Kontakta IST Varberg" in html
    assert reverse("participants:detail", args=[returning["stay"].pk]) not in html


def test_review_page_query_count_does_not_grow_with_the_history(
    client, users, varberg, returning, django_assert_max_num_queries
):
    number = returning["stay"].participant.personnummer
    builders.submitted(users["referrer"], personnummer=number, municipality="Hylte")  # one of each kind shown
    client.force_login(users["koordinator"])
    url = reverse("referrals:review", args=[returning["again"].pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for slug in ("Halmstad", "Laholm", "Kungsbacka"):
        builders.submitted(users["referrer"], personnummer=number, municipality=slug)
        builders.submitted(users["referrer"], personnummer=number, municipality=slug)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_review_offers_the_earlier_phone_and_uses_it_only_when_asked(client, users):
    earlier = builders.submitted(users["referrer"], phone="070-222 22 22", address="Storgatan 9")
    again = builders.submitted(users["referrer"], personnummer=earlier.personnummer, phone="")
    client.force_login(users["koordinator"])
    url = reverse("referrals:review", args=[again.pk])
    html = client.get(url).content.decode()
    assert 'value="phone"' in html
    assert 'value="address"' not in html  # the correction form has no address field
    data = {
        "version": again.version,
        "team": again.team_id,
        "first_name": again.first_name,
        "last_name": "Rättad",
        "phone": "",
        "email": "",
        "municipality": again.municipality_id,
        "anvand": "phone",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["edit_form"]["phone"].value() == "070-222 22 22"
    assert response.context["edit_form"]["last_name"].value() == "Rättad"
    again.refresh_from_db()
    assert (again.phone, again.last_name) == ("", again.last_name)
    assert again.last_name != "Rättad"  # nothing saved
