from __future__ import annotations

from datetime import date

import pytest

from referrals.demo_people import fake_personnummer
from referrals.inputs import TeamEdit
from referrals.rules import target_group_hints
from tests.factories import ReferrerFactory
from tests.referrals import builders

pytestmark = pytest.mark.django_db


def texts(referral, today=date(2026, 11, 23)):
    return {h.text: h.ok for h in target_group_hints(referral, today)}


def test_hints_for_a_referral_in_the_target_group() -> None:
    referral = builders.draft(ReferrerFactory.create(), personnummer=fake_personnummer(date(1984, 5, 1)))
    assert texts(referral) == {"42 år": True, "Bor i Halmstad": True, "2 inblandade myndigheter": True}


def test_age_outside_16_64_is_a_warning_at_the_edges() -> None:
    young = builders.draft(ReferrerFactory.create(), personnummer=fake_personnummer(date(2010, 11, 24)))
    assert texts(young)["15 år – utanför 16–64"] is False
    turning_16 = builders.draft(ReferrerFactory.create(), personnummer=fake_personnummer(date(2010, 11, 23)))
    assert texts(turning_16)["16 år"] is True
    aged_65 = builders.draft(ReferrerFactory.create(), personnummer=fake_personnummer(date(1961, 11, 23)))
    assert texts(aged_65)["65 år – utanför 16–64"] is False


def test_one_authority_and_checklist_items_are_flagged() -> None:
    referral = builders.draft(
        ReferrerFactory.create(), authorities_involved=["fk"], substance_abuse=True, full_sickness_compensation=True
    )
    hints = texts(referral)
    assert hints["1 inblandade myndigheter – minst två väntas"] is False
    assert hints["Pågående missbruk"] is False
    assert hints["Hel sjukersättning"] is False


def test_a_municipality_of_another_team_is_pointed_out() -> None:
    from referrals import services
    from tests.factories import member, team

    referral = builders.submitted(ReferrerFactory.create(), municipality="Varberg")
    services.referral_update_by_team(
        referral=referral,
        by=member("koordinator"),
        values=TeamEdit.of(referral, team=team("laholm")),
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    assert texts(referral)["Bor i Varberg – annat teams kommun"] is False
