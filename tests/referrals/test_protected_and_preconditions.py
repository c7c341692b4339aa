"""Protected identity across referral pages, and the preconditions the services enforce."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ist.audit.subjects import find_people
from ist.errors import NotAllowedNow
from participants.privacy import identity_set
from referrals import selectors, services
from referrals.inputs import TeamEdit
from referrals.models import AgendaItem, InformationMeeting, Referral
from teams.models import Membership
from tests.factories import UserFactory, member, team
from tests.pages import page_content
from tests.referrals import builders

pytestmark = pytest.mark.django_db
Role = Membership.Role
Decision = AgendaItem.Decision


def protect(enrollment) -> None:
    identity_set(participant=enrollment.participant, protected=True, by=enrollment.responsible)


def test_referrals_of_a_protected_person_are_hidden_from_colleagues_and_agenda(journey) -> None:
    enrollment = journey["enrollment"]
    protect(enrollment)
    referral = enrollment.referral
    colleague = member(Role.HANDLEDARE)
    for user in (colleague, journey["samverkansteam"]):
        assert referral not in selectors.referrals_for(user), user
    for user in (journey["handledare"], journey["koordinator"]):
        assert referral in selectors.referrals_for(user), user


def test_the_referrer_who_flagged_the_person_follows_the_status_without_the_person(client, world):
    referral = builders.submitted(world["referrer"], protected_identity=True, last_name="Flaggadsson")
    client.force_login(world["referrer"])
    for url in (reverse("referrals:mine"), reverse("referrals:detail", args=[referral.pk])):
        html = client.get(url).content.decode()
        assert "Skyddad person" in html
        assert "Flaggadsson" not in html
        assert referral.personnummer[:8] not in html
    assert "Personen har skyddade personuppgifter" in html


def test_a_flag_the_referrer_did_not_set_changes_nothing_they_see_of_their_referral(client, journey):
    """Set by the handledare after enrolment: the referrer's own pages stay as they were (they typed
    the details; a change would tell them the person is protected). The enrolment and its documents
    are another matter: they leave the referrer's reach (test_privacy, test_protected_crawl)."""
    enrollment = journey["enrollment"]
    client.force_login(journey["referrer"])
    urls = (reverse("referrals:mine"), reverse("referrals:detail", args=[enrollment.referral_id]))
    before = [page_content(client.get(url).content.decode()) for url in urls]
    protect(enrollment)
    after = [page_content(client.get(url).content.decode()) for url in urls]
    assert after == before
    assert enrollment.participant.last_name in after[1]
    assert "Skyddad person" not in after[1]


def test_agenda_and_minutes_do_not_name_a_protected_person_to_the_samverkansteam(client, journey) -> None:
    enrollment = journey["enrollment"]
    meeting = enrollment.referral.agenda_items.get().meeting
    protect(enrollment)
    client.force_login(journey["samverkansteam"])
    for name in ("meeting", "minutes"):
        html = client.get(reverse(f"referrals:{name}", args=[meeting.pk])).content.decode()
        assert "Skyddad person" in html
        assert enrollment.participant.last_name not in html
    client.force_login(journey["koordinator"])
    assert (
        enrollment.participant.last_name in client.get(reverse("referrals:meeting", args=[meeting.pk])).content.decode()
    )


def test_log_reviewers_find_a_protected_person_as_the_unfiltered_log_shows_them(journey) -> None:
    """Loggkontroll is for coordinators and administrators, who both see the protected person's
    entries in the unfiltered log: the search finds them too (it answered "Ingen person matchar")."""
    protect(journey["enrollment"])
    admin = UserFactory.create(is_administrator=True)
    assert find_people(admin, journey["participant"].last_name)
    assert find_people(journey["koordinator"], journey["participant"].last_name)


def test_a_decided_referral_stays_with_its_team(world) -> None:
    with pytest.raises(NotAllowedNow):
        services.referral_update_by_team(
            referral=world["accepted"],
            by=world["koordinator"],
            values=TeamEdit.of(world["accepted"], team=team("laholm")),
            expected_version=Referral.objects.get(pk=world["accepted"].pk).version,
        )


def test_moving_a_waiting_referral_takes_it_off_the_old_teams_agenda(world) -> None:
    referral = Referral.objects.get(pk=world["referral"].pk)
    services.referral_update_by_team(
        referral=referral,
        by=world["koordinator"],
        values=TeamEdit.of(referral, team=team("laholm")),
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert not referral.agenda_items.exists()


def test_a_referral_decided_at_one_meeting_cannot_be_decided_again_at_another(world) -> None:
    coordinator = world["koordinator"]
    referral = builders.submitted(world["referrer"])
    first = builders.on_agenda(referral, builders.meeting(coordinator), coordinator)
    second = builders.on_agenda(referral, builders.meeting(coordinator, days_ahead=14), coordinator)
    services.agenda_decide(item=first, decision=Decision.ACCEPT, reasoning="Ja.", by=coordinator)
    assert not AgendaItem.objects.filter(pk=second.pk).exists()  # the open item went with the decision
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_a_referral_sent_back_cannot_be_decided_from_the_agenda(world) -> None:
    coordinator = world["koordinator"]
    item = world["item"]
    services.referral_request_info(referral=world["referral"], by=coordinator, message="?")
    with pytest.raises(NotAllowedNow):
        services.agenda_decide(item=item, decision=Decision.ACCEPT, reasoning="", by=coordinator)
    assert AgendaItem.objects.get(pk=item.pk).decision == ""  # the claim rolled back


def test_one_open_information_meeting_at_a_time_and_notes_stay_with_the_team(world) -> None:
    coordinator, referral = world["koordinator"], world["accepted"]
    book: dict[str, Any] = {
        "date": timezone.localdate() + timedelta(days=9),
        "start_time": time(9, 0),
        "place": "IST",
        "attendees": [],
    }
    with pytest.raises(NotAllowedNow):
        services.info_meeting_book(referral=referral, by=coordinator, **book)
    services.info_meeting_record_outcome(
        meeting=world["info_meeting"],
        outcome=InformationMeeting.Outcome.NO_SHOW,
        note="Sjuk enligt mamman.",
        by=coordinator,
        today=world["info_meeting"].date,  # recorded on the meeting's day (not before it)
    )
    assert services.info_meeting_book(referral=referral, by=coordinator, **book).pk
    messages = " ".join(referral.events.values_list("message", flat=True))
    assert "Sjuk enligt mamman" not in messages


def test_a_flag_set_at_intake_hides_the_person_on_the_agenda_and_minutes_before_enrolment(client, world) -> None:
    """Before enrolment there was no flag at all: the board, the agenda and the minutes named the person."""
    referral = builders.submitted(world["referrer"], protected_identity=True, last_name="Skyddadsson")
    meeting = world["meeting"]
    builders.on_agenda(referral, meeting, world["koordinator"])
    client.force_login(world["samverkansteam"])
    for name in ("meeting", "minutes"):
        html = client.get(reverse(f"referrals:{name}", args=[meeting.pk])).content.decode()
        assert "Skyddad person" in html
        assert "Skyddadsson" not in html
        assert referral.personnummer[:8] not in html
    client.force_login(world["koordinator"])
    assert "Skyddadsson" in client.get(reverse("referrals:meeting", args=[meeting.pk])).content.decode()
    # the minutes travel: not even the coordinator's printout names the person
    assert "Skyddadsson" not in client.get(reverse("referrals:minutes", args=[meeting.pk])).content.decode()


def test_the_referrer_sees_their_own_draft_of_a_protected_person_to_write_it(client, world) -> None:
    draft = builders.draft(world["referrer"], protected_identity=True, last_name="Utkastsson")
    client.force_login(world["referrer"])
    assert "Utkastsson" in client.get(reverse("referrals:detail", args=[draft.pk])).content.decode()
    builders.submitted(world["referrer"], protected_identity=True, last_name="Skickadsson")
    assert "Skickadsson" not in client.get(reverse("referrals:mine")).content.decode()
