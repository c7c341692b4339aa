"""Statistics of a past period keep their counts when gallring removes its people."""

from __future__ import annotations

from datetime import date

import pytest

from participants.models import Participant
from referrals import services as referral_services
from referrals.models import AgendaItem
from reports import presentation
from reports.statistics import Period, all_sections
from teams.models import Team
from tests.referrals import builders as referral_builders
from tests.retention import builders

pytestmark = pytest.mark.django_db

DAY = date(2020, 1, 15)
PERIOD = Period(date(2020, 1, 1), date(2020, 3, 31))


def figures() -> list:
    sections = all_sections(Team.objects.all(), PERIOD)
    return [
        (s.key, [(t.key, t.rows) for t in s.tables], [(m.label, m.value, m.basis) for m in s.measures])
        for s in sections
    ]


def test_past_period_statistics_unchanged_after_gallring(media, journey, gallra) -> None:
    coordinator = journey["koordinator"]
    enrollment = journey["enrollment"]
    builders.close_with_everything(enrollment, journey["handledare"], coordinator)
    builders.age_enrollment(enrollment, DAY)
    rejected = referral_builders.submitted(journey["referrer"])
    item = referral_builders.on_agenda(rejected, referral_builders.meeting(coordinator), coordinator)
    referral_services.agenda_decide(item=item, decision=AgendaItem.Decision.REJECT, reasoning="Nej", by=coordinator)
    rejected.refresh_from_db()
    builders.age_referral(rejected, DAY)

    before = figures()
    assert any(rows for _key, tables, _m in before for _t, rows in tables), "the period has figures"
    finsam = dict({key: tables for key, tables, _m in before}["participants"])["finsam"]
    assert sum(sum(values) for _label, values in finsam) == 1  # the person is counted
    shown_before = presentation.show(all_sections(Team.objects.all(), PERIOD), suppress=True)

    run = gallra(date(2025, 1, 15))
    assert run.lines.filter(record="Deltagare", action="anonymised").exists()
    assert run.lines.filter(record="Remiss", action="anonymised").exists()
    assert Participant.objects.get(pk=enrollment.participant_id).first_name == ""

    assert figures() == before
    assert presentation.show(all_sections(Team.objects.all(), PERIOD), suppress=True) == shown_before
