from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import Membership
from tests.factories import UserFactory, member, team

pytestmark = pytest.mark.django_db
Role = Membership.Role


def start_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home:start"))
    assert response.status_code == 200
    return response.content.decode()


def test_administrator_start_page_offers_administration_and_team_overview(client, users) -> None:
    html = start_page(client, users["administrator"])
    assert "Administration" in html
    assert "De fem individsamverkansteamen" in html
    assert reverse("admin:teams_user_changelist") in html


def test_coordinator_of_two_teams_sees_both_teams_and_log_review(client) -> None:
    user = member(Role.KOORDINATOR)
    Membership.objects.create(user=user, team=team("laholm"), role=Role.KOORDINATOR)
    html = start_page(client, user)
    assert "Teamkoordinator" in html
    assert "IST Halmstad/Hylte" in html
    assert "IST Laholm" in html
    assert reverse("audit:log") in html


def test_handledare_sees_their_team_and_colleagues_but_no_log_review(client, users) -> None:
    member(Role.HANDLEDARE, first_name="Göran", last_name="Kollega")
    html = start_page(client, users["handledare"])
    assert "Ditt team" in html
    assert "Göran Kollega" in html
    assert reverse("audit:log") not in html


def test_referrer_sees_which_team_serves_which_municipality(client, users) -> None:
    html = start_page(client, users["referrer"])
    assert "Inremittent" in html
    assert "Hylte" in html
    assert "IST Halmstad/Hylte" in html


def test_steering_group_sees_aggregates_only(client, users) -> None:
    html = start_page(client, users["steering"])
    assert "Styrgrupp" in html
    assert "De fem individsamverkansteamen" in html
    assert "Ditt team" not in html


def test_user_without_any_role_is_told_whom_to_contact(client) -> None:
    html = start_page(client, UserFactory())
    assert "Ingen roll ännu" in html


def test_start_page_query_count_does_not_grow_with_team_size(client, django_assert_max_num_queries) -> None:
    user = member(Role.KOORDINATOR)
    client.force_login(user)
    client.get(reverse("home:start"))
    with django_assert_max_num_queries(12) as baseline:
        client.get(reverse("home:start"))
    for _ in range(15):
        member(Role.HANDLEDARE)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(reverse("home:start"))


def test_page_language_is_swedish(client, users) -> None:
    html = start_page(client, users["handledare"])
    assert '<html lang="sv">' in html
    assert "Hoppa till innehållet" in html


def test_unknown_url_gives_a_swedish_404(client, users) -> None:
    client.force_login(users["handledare"])
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, users) -> None:
    client.force_login(users["handledare"])
    response = client.get(reverse("home:start"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
