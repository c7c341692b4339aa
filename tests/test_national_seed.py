"""`seed_demo --national`: where it refuses. The data set itself at a tiny scale is checked on top of the
seeded demo, in tests/demo/test_national_seed.py."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ist.demo import national
from teams.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SCALE = 0.0005  # 2 teams, 25 enrolments, 29 referrals, 10,000 log rows


def test_it_refuses_a_database_with_a_user_from_outside_the_demo_domain(db, settings) -> None:
    settings.DEBUG = True
    UserFactory(email="anna.andersson@kommun.se")
    users = User.objects.count()
    with pytest.raises(CommandError, match="utanför demodomänen"):
        call_command("seed_demo", national=True, scale=SCALE)
    assert User.objects.count() == users  # nothing written, not even by the demo seeders


def test_it_refuses_sqlite(db, settings, monkeypatch) -> None:
    settings.DEBUG = True
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="bara i PostgreSQL"):
        call_command("seed_demo", national=True, scale=SCALE)


def test_the_scale_must_be_a_share_of_the_whole(db, settings) -> None:
    settings.DEBUG = True
    for bad in (0, 1.5):
        with pytest.raises(national.RefusedError):
            national.Size.at(bad)
    with pytest.raises(CommandError, match="heltal"):
        call_command("seed_demo", scale=0.5)
