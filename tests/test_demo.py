from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from teams.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    users = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == users
    assert User.objects.filter(email="koordinator@ist.example", memberships__team__slug="laholm").exists()


def test_seed_demo_refuses_to_run_in_production(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo")
    assert not User.objects.filter(email="admin@ist.example").exists()


def test_demo_has_referrals_in_every_state_in_every_team(settings) -> None:
    from referrals.models import Referral, TeamMeeting
    from teams.models import Team

    settings.DEBUG = True
    call_command("seed_demo")
    for team in Team.objects.all():
        states = set(Referral.objects.filter(team=team).values_list("status", flat=True))
        assert states == set(Referral.Status.values), team
        assert TeamMeeting.objects.filter(team=team).count() == 3
        assert team.questions.count() == 3
