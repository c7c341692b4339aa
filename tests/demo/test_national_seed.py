"""`seed_demo --national`: the national data set at a tiny scale (counts), on top of the seeded demo
(the package's one seeding, conftest.py); where it refuses: tests/test_national_seed.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from ist.demo import national
from participants.models import Activity, Closure, Enrollment, Participant, PhasePeriod
from referrals.models import Referral
from teams.models import Membership, Team, User
from tests.audit.test_indexes import KEPT as LOG_INDEXES
from tests.test_national_seed import SCALE

pytestmark = pytest.mark.django_db


def test_the_national_set_at_a_tiny_scale_has_the_promised_shape(demo, settings) -> None:
    settings.DEBUG = True
    size = national.Size.at(SCALE)
    call_command("seed_demo", national=True, scale=SCALE, stdout=open("/dev/null", "w"))  # noqa: SIM115
    teams = Team.objects.filter(slug__startswith="nat-")
    assert teams.count() == size.teams == 2
    assert all(t.municipalities.count() == 3 for t in teams)
    for team in teams:
        roles = Membership.objects.filter(team=team).values_list("role", flat=True)
        assert sorted(set(roles)) == ["handledare", "koordinator", "samverkansteam"]
        assert len(roles) == 20
    assert User.objects.filter(email__startswith="nat.remittent", is_referrer=True).count() == size.referrers
    enrollments = Enrollment.objects.filter(team__in=teams)
    assert enrollments.count() == Participant.objects.filter(enrollments__team__in=teams).count() == 25
    assert Referral.objects.filter(team__in=teams).count() == 25 + size.extra_referrals
    assert enrollments.filter(referral__isnull=False).count() == 25
    # closed enrolments have a closure on their last phase's end; two phases each
    closed = enrollments.filter(status="closed")
    assert Closure.objects.filter(enrollment__in=closed).count() == closed.count()
    assert PhasePeriod.objects.filter(enrollment__in=enrollments).count() == 50
    # activities: about two a week inside each enrolment, none in the future
    activities = Activity.objects.filter(enrollment__in=enrollments)
    today = timezone.localdate()
    assert activities.filter(Q(date__gt=today) | Q(date__lt=F("enrollment__start_date"))).count() == 0
    weeks = sum(
        ((min(e.closure.date if e.status == "closed" else today, today) - e.start_date).days // 7 + 1)
        for e in enrollments.select_related("closure")
    )
    assert weeks <= activities.count() <= 2 * weeks
    # the access log: exactly the rows asked for, each about an enrolled person, in the right team
    assert LogEntry.objects.filter(actor_email__startswith="nat-").count() == size.log_rows
    about = LogEntry.objects.filter(additional_data__team__in=list(teams.values_list("pk", flat=True)))
    assert about.count() >= 0.95 * size.log_rows
    sample = about.order_by("-pk").first()
    assert Participant.objects.filter(personnummer=sample.additional_data["person"].removeprefix("pnr:")).exists()
    assert about.filter(timestamp__gt=timezone.now()).count() == 0
    assert about.filter(timestamp__lt=timezone.now() - timedelta(days=1100)).count() == 0
    # the indexes dropped for the load are back
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'auditlog_logentry'")
        assert {name for (name,) in cursor.fetchall()} == LOG_INDEXES
    # a second run adds nothing
    call_command("seed_demo", national=True, scale=SCALE, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Enrollment.objects.filter(team__in=teams).count() == 25
