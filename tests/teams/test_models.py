from __future__ import annotations

import pytest
from django.db import IntegrityError

from teams.models import Municipality, Team, User
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_migration_creates_the_five_teams_and_six_municipalities() -> None:
    assert sorted(Team.objects.values_list("name", flat=True)) == [
        "IST Falkenberg",
        "IST Halmstad/Hylte",
        "IST Kungsbacka",
        "IST Laholm",
        "IST Varberg",
    ]
    mapping = dict(Municipality.objects.values_list("name", "team__slug"))
    assert mapping == {
        "Halmstad": "halmstad-hylte",
        "Hylte": "halmstad-hylte",
        "Laholm": "laholm",
        "Falkenberg": "falkenberg",
        "Varberg": "varberg",
        "Kungsbacka": "kungsbacka",
    }


def test_email_is_the_login_and_is_stored_lowercase() -> None:
    user = User.objects.create_user("Karin.K@Test.Example", "x-long-password-1", first_name="K", last_name="K")
    assert user.email == "karin.k@test.example"
    assert User.objects.get_by_natural_key("KARIN.K@test.example") == user


def test_emails_are_unique_regardless_of_case() -> None:
    UserFactory.create(email="a@test.example")
    with pytest.raises(IntegrityError):
        UserFactory.create(email="A@test.example")


def test_a_referrer_must_belong_to_an_organisation() -> None:
    with pytest.raises(IntegrityError):
        UserFactory.create(is_referrer=True, organisation=None)


def test_referrer_with_organisation_is_valid() -> None:
    user = UserFactory.create(is_referrer=True, organisation=OrganisationFactory.create())
    assert user.is_referrer


def test_createsuperuser_makes_an_administrator_not_a_superuser() -> None:
    user = User.objects.create_superuser("boss@test.example", "x-long-password-1", first_name="B", last_name="B")
    assert user.is_administrator
    assert not user.is_superuser
    assert user.is_staff


def test_admin_access_follows_administrator_flag_and_activity() -> None:
    admin = UserFactory.create(is_administrator=True)
    assert admin.is_staff
    assert admin.has_perm("teams.change_user")
    assert admin.has_module_perms("axes")
    admin.is_active = False
    assert not admin.is_staff


def test_administrator_has_no_model_permission_outside_configuration_apps() -> None:
    admin = UserFactory.create(is_administrator=True)
    assert not admin.has_perm("auditlog.view_logentry")
    assert not admin.has_module_perms("auditlog")


def test_ordinary_user_has_no_admin_permissions() -> None:
    user = UserFactory.create()
    assert not user.is_staff
    assert not user.has_perm("teams.change_team")
