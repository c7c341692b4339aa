"""The contact picker on the participant page: a search among the referrers (htmx), not a <select>
of all of them; without JavaScript the typed text is used, and what was typed is never lost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from participants.documents.models import Contact
from teams.models import Membership
from tests.factories import ReferrerFactory, UserFactory, member

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def referrers():
    return {
        "anna": ReferrerFactory(first_name="Anna", last_name="Andersson"),
        "anders": ReferrerFactory(first_name="Anders", last_name="Berg"),
        "former": ReferrerFactory(first_name="Anna", last_name="Slutat", is_active=False),
        "staff": UserFactory(first_name="Anna", last_name="Personal"),  # not a referrer
    }


def page(client, enrollment) -> str:
    return client.get(reverse("participants:detail", args=[enrollment.pk])).content.decode()


def test_the_page_lists_no_referrers(client, enrollment, journey, referrers) -> None:
    client.force_login(journey["handledare"])
    html = page(client, enrollment)
    form = html.split('class="contact-form"')[1].split("</form>")[0]
    assert 'name="user_q"' in form
    assert 'hx-get="/' in form
    assert "<select" not in form
    assert "Andersson" not in form


def test_search_finds_active_referrers_by_name_or_organisation(client, enrollment, journey, referrers) -> None:
    client.force_login(journey["handledare"])
    url = reverse("participants:contact_search")
    html = client.get(url, {"user_q": "ann"}).content.decode()
    assert f'value="{referrers["anna"].pk}"' in html
    assert "Slutat" not in html
    assert "Personal" not in html
    assert "Berg" not in html
    by_organisation = client.get(url, {"user_q": "försäkringskassan berg"}).content.decode()
    assert f'value="{referrers["anders"].pk}"' in by_organisation
    assert "Andersson" not in by_organisation


def test_picking_a_match_adds_the_contact(client, enrollment, journey, referrers) -> None:
    client.force_login(journey["handledare"])
    add = reverse("participants:contact_add", args=[enrollment.pk])
    client.post(add, {"user_q": "ann", "user": referrers["anna"].pk, "role": "Handläggare"})
    assert Contact.objects.get(enrollment=enrollment).user == referrers["anna"]


def test_an_id_the_picker_would_not_offer_is_refused(client, enrollment, journey, referrers) -> None:
    client.force_login(journey["handledare"])
    add = reverse("participants:contact_add", args=[enrollment.pk])
    for user in (referrers["former"], referrers["staff"]):
        client.post(add, {"user": user.pk})
    client.post(add, {"user": "999999"})
    assert not Contact.objects.exists()


def test_without_javascript_one_match_is_taken_and_several_are_shown(client, enrollment, journey, referrers) -> None:
    client.force_login(journey["handledare"])
    add = reverse("participants:contact_add", args=[enrollment.pk])
    response = client.post(add, {"user_q": "an", "role": "Handläggare FK"})  # Anna and Anders
    assert not Contact.objects.exists()
    back = response.headers["Location"]
    assert "user_q=an" in back
    assert "role=Handl" in back
    html = client.get(back).content.decode()
    form = html.split('class="contact-form"')[1].split("</form>")[0]
    assert "Flera personer matchar" in form
    assert 'value="an"' in form
    assert 'value="Handläggare FK"' in form
    assert f'value="{referrers["anna"].pk}"' in form
    assert f'value="{referrers["anders"].pk}"' in form
    client.post(add, {"user_q": "Andersson", "role": "Handläggare FK"})
    assert Contact.objects.get(enrollment=enrollment).user == referrers["anna"]


def test_the_page_and_the_search_take_constant_queries(
    client, enrollment, journey, referrers, django_assert_max_num_queries
) -> None:
    client.force_login(journey["handledare"])
    url = reverse("participants:detail", args=[enrollment.pk])
    search = reverse("participants:contact_search")
    client.get(url)
    with django_assert_max_num_queries(60) as before:
        client.get(url)
    with django_assert_max_num_queries(10) as searched:
        client.get(search, {"user_q": "a"})
    for n in range(50):
        ReferrerFactory(first_name="Bo", last_name=f"Remittent{n}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get(url).content.decode()
    assert "Remittent" not in html  # the page does not grow with the referrers
    with django_assert_max_num_queries(len(searched.captured_queries)):
        client.get(search, {"user_q": "bo"})


def test_who_may_change_no_enrolment_may_not_search(client, referrers) -> None:
    client.force_login(member(Role.SAMVERKANSTEAM))
    assert client.get(reverse("participants:contact_search"), {"user_q": "ann"}).status_code == 403
    client.force_login(referrers["anna"])
    assert client.get(reverse("participants:contact_search"), {"user_q": "ann"}).status_code == 403


def test_a_nul_byte_in_the_typed_text_separates_words_and_is_no_server_error(
    client, enrollment, journey, referrers
) -> None:
    """Found by the form fuzz: PostgreSQL refuses NUL in a query, so the search must never send one."""
    client.force_login(journey["handledare"])
    add = reverse("participants:contact_add", args=[enrollment.pk])
    response = client.post(add, {"user_q": "Anna\x00Andersson", "role": "Handläggare FK"})
    assert response.status_code == 302
    assert Contact.objects.get(enrollment=enrollment).user == referrers["anna"]
    assert client.post(add, {"user_q": "\x00", "role": ""}).status_code < 500
