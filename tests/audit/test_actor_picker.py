"""Loggkontroll's "Användare": a search among the users the reviewer may review, not a <select> of all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ist.pickers import LIMIT
from teams.models import Membership
from tests.factories import UserFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role


@pytest.fixture
def world():
    return {
        "coordinator": member(Role.KOORDINATOR, first_name="Karin", last_name="Koordinator"),
        "colleague": member(Role.HANDLEDARE, first_name="Sven", last_name="Ström"),
        "outsider": member(Role.HANDLEDARE, "kungsbacka", first_name="Sven", last_name="Strand"),
        "admin": UserFactory(is_administrator=True),
    }


def test_the_page_lists_no_users(client, world) -> None:
    client.force_login(world["admin"])
    html = client.get(reverse("audit:log")).content.decode()
    form = html.split('<form method="get"')[1].split("</form>")[0]  # the filter form, not the log rows
    assert 'name="actor_q"' in form
    assert 'type="search"' in form
    assert 'name="actor"' in form
    assert "Alla användare" in form
    assert "<select" not in form.split('name="person"')[0]  # no dropdown before the person field
    assert "Strand" not in form
    assert "Ström" not in form


def test_search_finds_only_the_coordinators_team(client, world) -> None:
    client.force_login(world["coordinator"])
    response = client.get(reverse("audit:actor_search"), {"actor_q": "sven"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{world["colleague"].pk}"' in html
    assert "Ström" in html
    assert "Strand" not in html  # another team's user does not leak
    assert "1 träff" in html
    assert 'hx-swap-oob="true"' in html
    client.force_login(world["admin"])
    html = client.get(reverse("audit:actor_search"), {"actor_q": "sven"}).content.decode()
    assert "Ström" in html
    assert "Strand" in html
    assert "2 träffar" in html


def test_a_posted_user_outside_the_scope_is_refused_beside_the_field(client, world) -> None:
    client.force_login(world["coordinator"])
    response = client.get(reverse("audit:log"), {"actor": world["outsider"].pk})
    assert "Välj en person i listan." in response.content.decode()
    assert not response.context["form"].is_valid()
    response = client.get(reverse("audit:log"), {"actor": world["colleague"].pk})
    assert response.context["form"].cleaned_data["actor"] == world["colleague"]
    assert f'value="{world["colleague"].pk}" checked' in response.content.decode()  # the choice is shown


def test_without_javascript_the_typed_text_is_used(client, world) -> None:
    client.force_login(world["admin"])
    one = client.get(reverse("audit:log"), {"actor_q": "Ström"})
    assert one.context["form"].cleaned_data["actor"] == world["colleague"]
    several = client.get(reverse("audit:log"), {"actor_q": "Sven"}).content.decode()
    assert "Flera personer matchar" in several
    assert 'value="Sven"' in several  # what was typed stays
    assert "Ström" in several
    assert "Strand" in several
    none = client.get(reverse("audit:log"), {"actor_q": "Ingen Alls"}).content.decode()
    assert "Ingen person matchar sökningen." in none


def test_search_shows_at_most_the_limit_and_takes_constant_queries(
    client, world, django_assert_max_num_queries
) -> None:
    client.force_login(world["admin"])
    for n in range(LIMIT + 5):
        UserFactory(first_name="Mona", last_name=f"Många{n}")
    url = reverse("audit:actor_search")
    client.get(url, {"actor_q": "mona"})
    with django_assert_max_num_queries(7):  # session and user (middleware), the check, the matches
        html = client.get(url, {"actor_q": "mona"}).content.decode()
    assert html.count('type="radio"') == LIMIT + 1  # "Alla användare" and the first LIMIT
    assert "fler finns" in html
    for n in range(LIMIT + 5, 2 * (LIMIT + 5)):
        UserFactory(first_name="Mona", last_name=f"Många{n}")
    with django_assert_max_num_queries(7):
        client.get(url, {"actor_q": "mona"})


@pytest.mark.parametrize("role", [Role.HANDLEDARE, Role.SAMVERKANSTEAM])
def test_who_may_not_review_the_log_may_not_search_its_users(client, world, role: str) -> None:
    client.force_login(member(role))
    assert client.get(reverse("audit:actor_search"), {"actor_q": "sven"}).status_code == 403
