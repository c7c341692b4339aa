"""The person, not the paper (docs/decisions/0031): the scoped lookup of a personnummer's referrals
and stays, the triage board's mark, and contact details offered but never copied."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participants.models import Participant
from participants.privacy import identity_set
from referrals.models import Referral
from referrals.person_history import EMPTY, normalised, person_history, with_history
from teams.models import Membership, User
from tests.factories import ReferrerFactory, UserFactory, member
from tests.participants.stays import a_year_ago, closed_stay
from tests.referrals import builders

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def varberg() -> dict[str, User]:
    return {"koordinator": member(Role.KOORDINATOR, "varberg"), "handledare": member(Role.HANDLEDARE, "varberg")}


@pytest.fixture
def returning(users, varberg) -> dict[str, object]:
    """A person enrolled and closed in IST Varberg a year ago, referred again to IST Halmstad/Hylte."""
    start, end = a_year_ago()
    stay = closed_stay(
        "varberg",
        users["referrer"],
        varberg["koordinator"],
        varberg["handledare"],
        start=start,
        end=end,
        municipality="Varberg",
        address="Gamla vägen 1, Varberg",
        phone="070-111 11 11",
    )
    again = builders.submitted(
        users["referrer"], personnummer=stay.participant.personnummer, address="", phone="", municipality="Halmstad"
    )
    return {"stay": stay, "again": again, "number": stay.participant.personnummer}


def test_the_coordinator_of_the_earlier_team_sees_the_stay_with_dates_status_and_exit_reason(returning, varberg):
    history = person_history(varberg["koordinator"], returning["number"], exclude_referral=returning["again"].pk)
    [stay] = history.stays
    assert stay.enrollment == returning["stay"]
    assert stay.team.slug == "varberg"
    assert (stay.start, stay.end) == (returning["stay"].start_date, returning["stay"].closure.date)
    assert stay.status == "Avslutad"
    assert stay.exit_reason == str(returning["stay"].closure.reason)
    assert history.referrals == []  # the stay's referral shows with the stay, not twice
    assert history.elsewhere == []  # the new Halmstad referral is not theirs: only its team is named
    history = person_history(varberg["koordinator"], returning["number"])
    assert [t.slug for t in history.elsewhere] == ["halmstad-hylte"]


def test_a_coordinator_of_another_team_sees_only_which_team_to_contact(returning, users):
    history = person_history(users["koordinator"], returning["number"], exclude_referral=returning["again"].pk)
    assert history.stays == []
    assert history.referrals == []
    assert [t.name for t in history.elsewhere] == ["IST Varberg"]
    assert history.offer is None  # nothing from a record they may not see
    assert bool(history)


def test_the_lookup_accepts_a_typed_personnummer_and_ignores_an_invalid_one(returning, users):
    number = returning["number"]
    typed = f"{number[2:8]}-{number[8:]}"
    assert normalised(typed) == number
    assert [t.name for t in person_history(users["koordinator"], typed).elsewhere] == ["IST Varberg"]
    assert person_history(users["koordinator"], "19850101-0000") is EMPTY
    assert person_history(users["koordinator"], "") is EMPTY


def test_a_referrer_sees_their_own_referrals_and_nothing_of_other_referrers(returning, users):
    own = person_history(users["referrer"], returning["number"])
    assert set(own.referrals) | {s.referral_id for s in own.stays} >= {returning["again"]}
    assert own.elsewhere == []
    stranger = person_history(ReferrerFactory.create(), returning["number"])
    assert not stranger
    assert stranger.offer is None


def test_the_steering_group_and_the_samverkansteam_see_nothing(returning, users):
    assert not person_history(users["steering"], returning["number"])
    assert not person_history(UserFactory.create(is_administrator=True), returning["number"])
    consultant = person_history(users["samverkansteam"], returning["number"], exclude_referral=returning["again"].pk)
    assert not consultant


def test_drafts_are_the_referrers_alone(users):
    draft = builders.draft(users["referrer"])
    assert not person_history(users["koordinator"], draft.personnummer)
    assert with_history([draft.personnummer]) == set()


def test_a_protected_person_is_pointed_to_only_for_coordinators(returning, users, varberg):
    identity_set(participant=returning["stay"].participant, protected=True, by=varberg["koordinator"])
    number = returning["number"]
    assert [t.slug for t in person_history(users["koordinator"], number).elsewhere] == ["varberg"]
    assert not person_history(users["handledare"], number).elsewhere
    # their own handledare still sees the stay itself
    assert [s.enrollment for s in person_history(varberg["handledare"], number).stays] == [returning["stay"]]


def test_contact_details_of_the_newest_visible_referral_are_offered(users):
    first = builders.submitted(users["referrer"], address="Storgatan 9", phone="", email="a@example.se")
    again = builders.submitted(users["referrer"], personnummer=first.personnummer, address="", phone="")
    offer = person_history(users["koordinator"], first.personnummer, exclude_referral=again.pk).offer
    assert offer is not None
    assert offer.referral_id == first.pk
    assert offer.values() == {"address": "Storgatan 9", "email": "a@example.se"}
    left = offer.besides({"address": "Storgatan 9", "email": ""})
    assert left is not None
    assert left.values() == {"email": "a@example.se"}
    assert offer.besides({"address": "Storgatan 9", "email": "a@example.se"}) is None
    again.refresh_from_db()
    assert again.address == ""  # offered, never copied


def test_the_lookup_takes_a_constant_number_of_queries(users, varberg):
    start, end = a_year_ago()
    stay = closed_stay(
        "varberg", users["referrer"], varberg["koordinator"], varberg["handledare"], start=start, end=end,
        municipality="Varberg",
    )  # fmt: skip
    number = stay.participant.personnummer
    coordinator = users["koordinator"]
    person_history(coordinator, number)  # the user's roles and teams, cached for the request

    def counted() -> int:
        fresh = User.objects.get(pk=coordinator.pk)
        with CaptureQueriesContext(connection) as queries:
            person_history(fresh, number)
        return len(queries)

    one = counted()
    for _ in range(4):
        builders.submitted(users["referrer"], personnummer=number)
        builders.submitted(users["referrer"], personnummer=number, municipality="Kungsbacka")
    assert counted() == one <= 5


def test_the_board_mark_finds_people_with_a_history_in_one_query(returning, users, django_assert_num_queries):
    lone = builders.submitted(users["referrer"])
    twice = builders.submitted(users["referrer"])
    builders.submitted(users["referrer"], personnummer=twice.personnummer)
    with django_assert_num_queries(1):
        marked = with_history([returning["again"].personnummer, lone.personnummer, twice.personnummer, ""])
    assert marked == {returning["again"].personnummer, twice.personnummer}


def test_anonymised_records_are_not_a_history(returning, users):
    Referral.objects.filter(personnummer=returning["number"]).update(personnummer="")
    Participant.objects.filter(pk=returning["stay"].participant_id).update(personnummer="anon-1")
    assert not person_history(users["koordinator"], returning["number"])


def test_enrolling_a_returning_person_copies_no_earlier_contact_detail(users):
    """The old address used to stay where the new referral had none (issue 18): no more."""
    from participants import services
    from participants.inputs import ContactDetails, EntryVariables
    from tests.participants.stays import ready_in

    start, end = a_year_ago()
    stay = closed_stay(
        "halmstad-hylte", users["referrer"], users["koordinator"], users["handledare"], start=start, end=end,
        address="Gamla vägen 1", phone="070-333 33 33", email="gammal@example.se",
    )  # fmt: skip
    number = stay.participant.personnummer
    ready = ready_in(
        "halmstad-hylte", users["referrer"], users["koordinator"], personnummer=number, address="", email=""
    )
    again = services.enroll(
        referral=ready, responsible=users["handledare"], second_contact=None, start_date=end + timedelta(days=30),
        by=users["koordinator"], entry=EntryVariables(),
    )  # fmt: skip
    person = Participant.objects.get(pk=again.participant_id)
    assert person.pk == stay.participant_id  # the same person, two stays
    assert (person.address, person.email, person.phone) == ("", "", ready.phone)
    other = ready_in("halmstad-hylte", users["referrer"], users["koordinator"], personnummer=number)
    services.close(enrollment=again, by=users["koordinator"], values=_closure())
    services.enroll(
        referral=other, responsible=users["handledare"], second_contact=None, start_date=timezone.localdate(),
        by=users["koordinator"], entry=EntryVariables(), contact=ContactDetails(address="Gamla vägen 1"),
    )  # fmt: skip
    person.refresh_from_db()
    assert (person.address, person.phone) == ("Gamla vägen 1", "")  # what the coordinator confirmed, only


def _closure():
    from participants.inputs import ClosureFields
    from participants.models import ExitReason

    return ClosureFields(date=timezone.localdate() - timedelta(days=1), reason=ExitReason.objects.get(code="arbete"))
