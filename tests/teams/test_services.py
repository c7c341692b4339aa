from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import Membership, User
from teams.services import user_deactivate, user_reactivate
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


def test_deactivation_keeps_the_user_and_memberships_and_is_idempotent() -> None:
    admin = UserFactory.create(is_administrator=True)
    user = member(Membership.Role.HANDLEDARE)
    assert user_deactivate(user=user, by=admin) is True
    assert user_deactivate(user=user, by=admin) is False
    user.refresh_from_db()
    assert user.is_active is False
    assert Membership.objects.filter(user=user).count() == 1


def test_deactivated_user_cannot_log_in(client) -> None:
    user = UserFactory.create()
    user_deactivate(user=user, by=UserFactory.create(is_administrator=True))
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivation_ends_an_open_session_at_the_next_request(client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    assert client.get(reverse("home:start")).status_code == 200
    user_deactivate(user=user, by=UserFactory.create(is_administrator=True))
    response = client.get(reverse("home:start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_reactivation_lets_the_user_log_in_again(client) -> None:
    admin = UserFactory.create(is_administrator=True)
    user = UserFactory.create()
    user_deactivate(user=user, by=admin)
    assert user_reactivate(user=user, by=admin) is True
    assert user_reactivate(user=user, by=admin) is False
    assert User.objects.get(pk=user.pk).is_active
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_deactivation_is_in_the_change_history() -> None:
    from auditlog.models import LogEntry

    user = UserFactory.create()
    user_deactivate(user=user, by=UserFactory.create(is_administrator=True))
    updates = LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.UPDATE)
    assert any(e.changes_dict.get("is_active") == ["True", "False"] for e in updates)
