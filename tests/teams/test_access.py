from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from teams.access import roles_of, teams_where
from teams.models import Membership, Team
from tests.factories import UserFactory, member, team

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_coordinator_serving_two_teams_sees_both_for_every_action() -> None:
    user = member(Role.KOORDINATOR, "halmstad-hylte")
    Membership.objects.create(user=user, team=team("laholm"), role=Role.KOORDINATOR)
    for action in ("view", "change", "manage", "consult", "member"):
        assert set(teams_where(user, action=action).values_list("slug", flat=True)) == {"halmstad-hylte", "laholm"}


def test_handledare_views_and_changes_but_does_not_manage_or_consult() -> None:
    user = member(Role.HANDLEDARE)
    assert list(teams_where(user, action="view")) == [team()]
    assert list(teams_where(user, action="change")) == [team()]
    assert not teams_where(user, action="manage").exists()
    assert not teams_where(user, action="consult").exists()


def test_samverkansteam_member_only_consults() -> None:
    user = member(Role.SAMVERKANSTEAM)
    assert not teams_where(user, action="view").exists()
    assert list(teams_where(user, action="consult")) == [team()]


def test_users_without_team_roles_have_no_teams() -> None:
    for user in (
        UserFactory.create(is_administrator=True),
        UserFactory.create(is_steering_group=True),
        AnonymousUser(),
    ):
        assert not teams_where(user, action="view").exists()
        assert roles_of(user) == frozenset()


def test_inactive_user_and_inactive_team_give_no_access() -> None:
    user = member(Role.KOORDINATOR)
    Team.objects.filter(slug="halmstad-hylte").update(active=False)
    assert not teams_where(user, action="view").exists()
    user = member(Role.KOORDINATOR, "laholm")
    user.is_active = False
    assert not teams_where(user, action="view").exists()


def test_roles_of_is_computed_once_per_user_object(django_assert_num_queries) -> None:
    user = member(Role.HANDLEDARE)
    with django_assert_num_queries(1):
        assert roles_of(user) == {Role.HANDLEDARE}
        assert roles_of(user) == {Role.HANDLEDARE}


def test_grants_are_per_object_explicit_and_revocable() -> None:
    from teams.access import grant, revoke, with_grant
    from teams.models import User

    viewer = UserFactory.create()
    shown, hidden = UserFactory.create(), UserFactory.create()
    grant("view_user", viewer, shown)
    grant("view_user", viewer, shown)  # idempotent
    assert list(with_grant(viewer, "teams.view_user", User.objects.all())) == [shown]
    revoke("view_user", viewer, shown)
    assert not with_grant(viewer, "teams.view_user", User.objects.all()).exists()
    assert hidden not in with_grant(viewer, "teams.view_user", User.objects.all())


def test_administrators_get_no_object_access_without_a_grant() -> None:
    from teams.access import with_grant
    from teams.models import User

    admin = UserFactory.create(is_administrator=True)
    assert not with_grant(admin, "teams.view_user", User.objects.all()).exists()
