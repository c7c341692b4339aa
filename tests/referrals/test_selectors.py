from __future__ import annotations

import pytest

from referrals.person_history import person_history
from referrals.selectors import meetings_for, questions_for, referral_subjects_matching, referrals_for
from teams.models import Membership
from tests.factories import ReferrerFactory, UserFactory, member
from tests.referrals import builders

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_referrer_sees_only_their_own_referrals(world) -> None:
    other = ReferrerFactory.create()
    theirs = builders.submitted(other)
    visible = set(referrals_for(world["referrer"]))
    assert world["referral"] in visible
    assert world["draft"] in visible
    assert theirs not in visible


def test_team_staff_see_the_teams_sent_referrals_but_not_drafts(world) -> None:
    for role in ("koordinator", "handledare"):
        visible = set(referrals_for(world[role]))
        assert world["referral"] in visible
        assert world["draft"] not in visible


def test_samverkansteam_sees_only_what_is_on_its_agendas(world) -> None:
    visible = set(referrals_for(world["samverkansteam"]))
    assert visible == {world["referral"], world["accepted"]}  # both were on a meeting's agenda
    not_on_agenda = builders.submitted(world["referrer"])
    assert not_on_agenda not in set(referrals_for(world["samverkansteam"]))


def test_other_teams_and_roles_without_team_see_nothing(world) -> None:
    outsider = member(Role.KOORDINATOR, "kungsbacka")
    for user in (outsider, world["administrator"], world["steering"]):
        assert not referrals_for(user).exists()


def test_only_coordinators_manage(world) -> None:
    assert referrals_for(world["koordinator"], "manage").exists()
    assert not referrals_for(world["handledare"], "manage").exists()
    assert not referrals_for(world["referrer"], "manage").exists()


def test_a_known_person_is_found_by_personnummer(world) -> None:
    again = builders.submitted(world["referrer"], personnummer=world["referral"].personnummer)
    mine = person_history(world["koordinator"], again.personnummer, exclude_referral=again.pk)
    assert mine.referrals == [world["referral"]]
    other = person_history(member(Role.KOORDINATOR, "kungsbacka"), again.personnummer, exclude_referral=again.pk)
    assert other.referrals == []
    assert [t.slug for t in other.elsewhere] == ["halmstad-hylte"]


def test_questions_are_seen_by_the_asker_and_the_teams_consultants(world) -> None:
    assert world["question"] in set(questions_for(world["referrer"]))
    assert world["question"] in set(questions_for(world["samverkansteam"]))
    assert world["question"] not in set(questions_for(world["handledare"]))
    assert world["question"] not in set(questions_for(ReferrerFactory.create()))


def test_meetings_are_for_coordinators_and_samverkansteam(world) -> None:
    assert world["meeting"] in set(meetings_for(world["samverkansteam"]))
    assert not meetings_for(world["samverkansteam"], "manage").exists()
    assert not meetings_for(world["handledare"]).exists()


def test_loggkontroll_finds_people_by_personnummer_or_name(world) -> None:
    pnr = world["referral"].personnummer
    found = referral_subjects_matching(world["koordinator"], pnr[:8] + "-" + pnr[8:])
    assert found == [(f"pnr:{pnr}", f"{world['referral'].person_name} ({pnr[:8]}-****)")]
    assert referral_subjects_matching(world["koordinator"], world["referral"].last_name)
    assert referral_subjects_matching(member(Role.KOORDINATOR, "kungsbacka"), pnr) == []
    assert referral_subjects_matching(UserFactory.create(is_administrator=True), pnr)
