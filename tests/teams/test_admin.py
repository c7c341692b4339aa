from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import Membership, Municipality, User
from tests.factories import UserFactory, member, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory.create(is_administrator=True))
    return client


@pytest.mark.parametrize(
    "name", ["teams_user", "teams_team", "teams_municipality", "teams_organisation", "axes_accessattempt"]
)
def test_administrator_reaches_every_configuration_list(admin_client, name: str) -> None:
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_admin_is_in_swedish(admin_client) -> None:
    response = admin_client.get(reverse("admin:index"))
    assert "Användare" in response.content.decode()
    assert "Logga ut" in response.content.decode()


def test_participant_data_apps_are_not_in_the_admin(admin_client) -> None:
    assert admin_client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403


@pytest.mark.parametrize("role", [Membership.Role.KOORDINATOR, Membership.Role.HANDLEDARE])
def test_team_staff_are_sent_to_the_admin_login(client, role: str) -> None:
    client.force_login(member(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_administrator_creates_a_user_with_a_team_role(admin_client) -> None:
    response = admin_client.post(
        reverse("admin:teams_user_add"),
        {
            "email": "ny.handledare@test.example",
            "first_name": "Ny",
            "last_name": "Handledare",
            "usable_password": "true",
            "password1": "ett-langt-losenord-77",
            "password2": "ett-langt-losenord-77",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-team": str(team("varberg").pk),
            "memberships-0-role": Membership.Role.HANDLEDARE,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="ny.handledare@test.example")
    assert list(user.memberships.values_list("team__slug", "role")) == [("varberg", "handledare")]


def test_admin_form_errors_are_swedish(admin_client) -> None:
    response = admin_client.post(
        reverse("admin:teams_user_add"),
        {
            "email": "",
            "first_name": "",
            "last_name": "X",
            "usable_password": "true",
            "password1": "a",
            "password2": "b",
        },
    )
    content = response.content.decode()
    assert "Detta fält måste fyllas i." in content


def test_administrator_moves_a_municipality_to_another_team(admin_client) -> None:
    hylte = Municipality.objects.get(name="Hylte")
    response = admin_client.post(
        reverse("admin:teams_municipality_change", args=[hylte.pk]),
        {"name": "Hylte", "code": "1315", "team": team("falkenberg").pk},
    )
    assert response.status_code == 302
    hylte.refresh_from_db()
    assert hylte.team.slug == "falkenberg"


def test_deactivate_action_stops_logins_and_deletes_nothing(admin_client) -> None:
    user = member(Membership.Role.HANDLEDARE)
    response = admin_client.post(
        reverse("admin:teams_user_changelist"), {"action": "deactivate", "_selected_action": [user.pk]}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert user.memberships.count() == 1


def test_users_and_teams_cannot_be_deleted(admin_client) -> None:
    user = UserFactory.create()
    assert admin_client.get(reverse("admin:teams_user_delete", args=[user.pk])).status_code == 403
    assert admin_client.get(reverse("admin:teams_team_delete", args=[team().pk])).status_code == 403
