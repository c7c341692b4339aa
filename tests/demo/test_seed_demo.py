from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from teams.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(demo, settings) -> None:
    settings.DEBUG = True
    users = User.objects.count()  # after the first run (package_demo)
    call_command("seed_demo")
    assert User.objects.count() == users
    assert User.objects.filter(email="koordinator@ist.example", memberships__team__slug="laholm").exists()
    # issue 14: a protected person and a withdrawn consent to be seen in `make run`, made once
    from participants.models import Participant
    from referrals.models import Referral

    assert Participant.objects.filter(protected_identity=True).count() == 1
    assert Referral.objects.filter(consent_withdrawn_on__isnull=False, enrollment__isnull=False).count() == 1


def test_demo_has_two_saved_groups_with_weeks_of_sessions(demo) -> None:
    """Issue 19.4 in `make run`: two groups of the demo handledare, a few weeks of sessions each,
    some absences among them."""
    from participants.models import Activity, ActivityGroup, GroupSession

    groups = ActivityGroup.objects.filter(created_by__email="handledare@ist.example")
    assert groups.count() == 2
    for group in groups:
        assert GroupSession.objects.filter(group=group).count() >= 3, group
    absent = Activity.objects.filter(group_session__group__in=groups).exclude(attendance="present")
    assert absent.exists()


def test_seed_demo_refuses_to_run_in_production(settings) -> None:
    settings.DEBUG = False
    users = User.objects.count()
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo")
    assert User.objects.count() == users


def test_demo_has_referrals_in_every_state_in_every_team(demo) -> None:
    from django.utils import timezone

    from referrals.models import Referral, TeamMeeting
    from teams.models import Team

    for team in Team.objects.all():
        states = set(Referral.objects.filter(team=team).values_list("status", flat=True))
        assert states == set(Referral.Status.values), team
        meetings = TeamMeeting.objects.filter(team=team)
        assert meetings.filter(date__gt=timezone.localdate()).count() == 1
        assert meetings.filter(date__lt=timezone.localdate(), items__isnull=False).distinct().count() >= 2
        # three asked online, one by phone registered by the coordinator (decision 0029)
        assert team.questions.count() == 4
        assert team.questions.filter(channel="phone", asked_by__isnull=True).count() == 1
        # Återtagen both ways: by the referrer, and by the team after an unanswered komplettering
        withdrawn = Referral.objects.filter(team=team, status=Referral.Status.WITHDRAWN)
        assert {r.withdrawn_by_referrer for r in withdrawn} == {True, False}


def test_demo_journeys_cover_every_phase_reason_and_due_follow_ups(demo) -> None:
    from django.utils import timezone

    from participants.models import Enrollment, ExitReason, FollowUp, Phase, PhasePeriod
    from teams.models import Team

    for team in Team.objects.all():
        open_phases = set(
            PhasePeriod.objects.filter(enrollment__team=team, end__isnull=True).values_list("phase", flat=True)
        )
        assert open_phases == set(Phase.values), team
        reasons = set(
            Enrollment.objects.filter(team=team, closure__isnull=False).values_list("closure__reason", flat=True)
        )
        assert reasons == set(ExitReason.objects.values_list("pk", flat=True))
    assert FollowUp.objects.filter(found="", due_on__lte=timezone.localdate()).exists()
    for period in PhasePeriod.objects.exclude(end=None):
        assert period.end is not None
        assert period.end >= period.start


def test_demo_has_enrolments_on_agendas_and_approved_minutes_with_their_pdf(demo) -> None:
    from django.utils import timezone

    from participants.models import Extension
    from referrals.models import AgendaItem, TeamMeeting

    today = timezone.localdate()
    on_agendas = AgendaItem.objects.filter(enrollment__isnull=False)
    assert on_agendas.filter(meeting__date__lt=today).exists()
    assert on_agendas.filter(meeting__date__gt=today, decision="").exists()
    assert Extension.objects.filter(agenda_item__isnull=False, decided_in=Extension.DecidedIn.MEETING).exists()
    archived = TeamMeeting.objects.filter(approved_at__isnull=False).exclude(minutes_sha256="").first()
    assert archived is not None
    assert archived.adjuster
    assert archived.minutes_pdf.open("rb").read(5) == b"%PDF-"
