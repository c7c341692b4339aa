"""Meetings as teams run them (issue 18, decision 0033): the agenda's order, removing and moving items,
attendance from the registered members, decisions from the meeting's day, the justering and the
archived minutes (read back with pypdf)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ist.errors import NotAllowedNow, StaleEdit
from ist.outbox.models import Message
from referrals import meetings, services
from referrals.models import AgendaItem, Referral, TeamMeeting
from teams.models import Membership
from tests.factories import member
from tests.referrals import builders

pytestmark = pytest.mark.django_db


def _agenda(meeting: TeamMeeting) -> list[int]:
    return list(meeting.items.order_by("position", "pk").values_list("pk", flat=True))


@pytest.fixture
def three(world):
    """World's meeting (today) with its referral item plus two questions: three items."""
    meeting, coordinator = world["meeting"], world["koordinator"]
    for _ in range(2):
        services.agenda_add(meeting=meeting, question=builders.question(world["referrer"]), by=coordinator)
    meeting.refresh_from_db()
    return meeting


# -- Order, removal, moving ---------------------------------------------------------------------


def test_move_puts_the_item_where_asked_and_bumps_the_version(three) -> None:
    first, second, third = _agenda(three)
    assert meetings.agenda_move(meeting=three, item_id=third, to_index=0, expected_version=three.version)
    assert _agenda(three) == [third, first, second]
    assert TeamMeeting.objects.get(pk=three.pk).version == three.version


def test_a_double_submit_of_a_move_changes_nothing_the_second_time(three) -> None:
    first, second, third = _agenda(three)
    version = three.version
    assert meetings.agenda_move(meeting=three, item_id=second, to_index=0, expected_version=version)
    # The same form again (same version): the item is already there; no error, nothing changes.
    assert not meetings.agenda_move(meeting=three, item_id=second, to_index=0, expected_version=version)
    assert _agenda(three) == [second, first, third]


def test_two_people_reordering_at_once_the_second_is_stale(three) -> None:
    first, second, third = _agenda(three)
    opened = three.version  # both coordinators opened the page at this version
    meetings.agenda_move(meeting=three, item_id=third, to_index=0, expected_version=opened)
    with pytest.raises(StaleEdit):
        meetings.agenda_move(meeting=three, item_id=second, to_index=0, expected_version=opened)
    assert _agenda(three) == [third, first, second]


def test_two_coordinators_reordering_at_once_in_the_browser_forms(client, world, three) -> None:
    first, second, third = _agenda(three)
    opened = three.version
    client.force_login(world["koordinator"])
    url = reverse("referrals:agenda_move", kwargs={"pk": three.pk, "item_pk": third})
    assert client.post(url, {"till": "0", "version": opened}).status_code == 302
    other = reverse("referrals:agenda_move", kwargs={"pk": three.pk, "item_pk": second})
    response = client.post(other, {"till": "0", "version": opened})
    assert response.status_code == 409
    assert "Någon annan har ändrat dagordningen" in response.content.decode()
    assert _agenda(three) == [third, first, second]


def test_remove_releases_the_referral_and_a_second_remove_is_harmless(world) -> None:
    meeting, item = world["meeting"], world["item"]
    assert meetings.agenda_remove(meeting=meeting, item_id=item.pk, expected_version=meeting.version)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert Referral.objects.get(pk=item.referral_id).status == Referral.Status.SUBMITTED
    assert not meetings.agenda_remove(meeting=meeting, item_id=item.pk, expected_version=meeting.version)


def test_a_decided_item_cannot_be_removed(world) -> None:
    item = world["item"]
    services.agenda_decide(item=item, decision="accept", reasoning="", by=world["koordinator"])
    with pytest.raises(NotAllowedNow):
        meetings.agenda_remove(meeting=world["meeting"], item_id=item.pk, expected_version=None)


def test_move_to_the_next_meeting_goes_last_there_and_a_double_submit_is_harmless(world) -> None:
    meeting, item, coordinator = world["meeting"], world["item"], world["koordinator"]
    later = builders.meeting(coordinator, days_ahead=14)
    nearer = builders.meeting(coordinator, days_ahead=7)
    services.agenda_add(meeting=nearer, question=builders.question(world["referrer"]), by=coordinator)
    target = meetings.agenda_to_next(meeting=meeting, item_id=item.pk, expected_version=meeting.version)
    assert target is not None
    assert target.pk == nearer.pk != later.pk
    item.refresh_from_db()
    assert item.meeting_id == nearer.pk
    assert _agenda(nearer)[-1] == item.pk
    assert Referral.objects.get(pk=item.referral_id).status == Referral.Status.ON_AGENDA
    assert meetings.agenda_to_next(meeting=meeting, item_id=item.pk, expected_version=meeting.version) is None


def test_without_a_next_meeting_the_move_is_refused_in_swedish(client, world) -> None:
    meeting, item = world["meeting"], world["item"]
    client.force_login(world["koordinator"])
    url = reverse("referrals:agenda_next", kwargs={"pk": meeting.pk, "item_pk": item.pk})
    response = client.post(url, {"version": meeting.version}, follow=True)
    assert meetings.NO_NEXT in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).meeting_id == meeting.pk


def test_the_meeting_page_has_keyboard_buttons_to_reorder(client, world, three) -> None:
    client.force_login(world["koordinator"])
    html = client.get(reverse("referrals:meeting", kwargs={"pk": three.pk})).content.decode()
    assert html.count(">Flytta upp</button>") == 2
    assert html.count(">Flytta ned</button>") == 2
    assert html.count(">Ta bort från dagordningen</button>") == 3


# -- Attendance ---------------------------------------------------------------------------------


def test_members_are_ticked_before_anything_is_saved_and_others_are_added_as_rows(client, world) -> None:
    meeting = world["meeting"]
    members = list(meetings.members_of(meeting.team_id))
    assert world["samverkansteam"] in members
    client.force_login(world["koordinator"])
    html = client.get(reverse("referrals:meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert f'value="{world["samverkansteam"].pk}"' in html
    assert "checked" in html
    data = {
        "version": meeting.version,
        "members": [world["samverkansteam"].pk],
        "attendance-TOTAL_FORMS": "1",
        "attendance-INITIAL_FORMS": "0",
        "attendance-0-organisation_kind": "region",
        "attendance-0-name": "Maria Holm",
    }
    assert client.post(reverse("referrals:meeting_attendance", kwargs={"pk": meeting.pk}), data).status_code == 302
    rows = {(a.name, a.member_id) for a in meeting.attendances.all()}
    assert (world["samverkansteam"].get_full_name(), world["samverkansteam"].pk) in rows
    assert ("Maria Holm", None) in rows


def test_a_member_of_another_team_cannot_be_ticked(client, world) -> None:
    meeting = world["meeting"]
    outsider = member(Membership.Role.SAMVERKANSTEAM, team_slug="laholm")
    client.force_login(world["koordinator"])
    data = {
        "version": meeting.version,
        "members": [outsider.pk],
        "attendance-TOTAL_FORMS": "0",
        "attendance-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("referrals:meeting_attendance", kwargs={"pk": meeting.pk}), data)
    assert response.status_code == 200
    assert not meeting.attendances.exists()


# -- Decisions from the meeting's day -------------------------------------------------------------


def test_no_decision_before_the_meeting_day(client, world) -> None:
    coordinator = world["koordinator"]
    future = builders.meeting(coordinator, days_ahead=3)
    item = builders.on_agenda(builders.submitted(world["referrer"]), future, coordinator)
    with pytest.raises(NotAllowedNow):
        services.agenda_decide(item=item, decision="accept", reasoning="", by=coordinator)
    client.force_login(coordinator)
    data = {f"punkt-{item.pk}-decision": "accept", f"punkt-{item.pk}-reasoning": "I målgruppen."}
    response = client.post(reverse("referrals:decide", kwargs={"item_pk": item.pk}), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert f"Beslut kan registreras först på mötesdagen, {future.date:%Y-%m-%d}." in html
    assert AgendaItem.objects.get(pk=item.pk).decision == ""


def test_the_page_before_the_day_shows_no_decision_form(client, world) -> None:
    coordinator = world["koordinator"]
    future = builders.meeting(coordinator, days_ahead=3)
    builders.on_agenda(builders.submitted(world["referrer"]), future, coordinator)
    client.force_login(coordinator)
    html = client.get(reverse("referrals:meeting", kwargs={"pk": future.pk})).content.decode()
    assert "Registrera beslut" not in html
    assert "Beslut kan registreras först på mötesdagen" in html


# -- Justering and the archived minutes -----------------------------------------------------------


def _attend(meeting: TeamMeeting, *names: str) -> None:
    meetings.attendance_record(meeting=meeting, members=[], others=[("fk", name) for name in names])
    meeting.refresh_from_db()


def test_the_justerare_must_have_attended(world) -> None:
    meeting = world["meeting"]
    _attend(meeting, "Sara Samverkan")
    with pytest.raises(NotAllowedNow):
        meetings.minutes_approve(
            meeting=meeting,
            minute_taker="Sara Samverkan",
            adjuster="Okänd",
            by=world["koordinator"],
            expected_version=None,
        )


def test_approval_locks_the_meeting_queues_one_render_and_a_double_submit_is_harmless(world) -> None:
    meeting, coordinator = world["meeting"], world["koordinator"]
    _attend(meeting, "Sara Samverkan", "Ali Hussein")
    assert meetings.minutes_approve(
        meeting=meeting,
        minute_taker="Ali Hussein",
        adjuster="Sara Samverkan",
        by=coordinator,
        expected_version=meeting.version,
    )
    assert not meetings.minutes_approve(
        meeting=meeting, minute_taker="Ali Hussein", adjuster="Sara Samverkan", by=coordinator, expected_version=1
    )
    assert Message.objects.filter(name=meetings.RENDER_TASK, args=[meeting.pk]).count() == 1
    with pytest.raises(NotAllowedNow):
        services.agenda_decide(item=world["item"], decision="accept", reasoning="", by=coordinator)
    with pytest.raises(NotAllowedNow):
        meetings.attendance_record(meeting=meeting, members=[], others=[])
    with pytest.raises(NotAllowedNow):
        meetings.agenda_remove(meeting=meeting, item_id=world["item"].pk, expected_version=None)


def test_an_approval_based_on_an_older_page_is_stale(world) -> None:
    meeting = world["meeting"]
    _attend(meeting, "Sara Samverkan")
    opened = meeting.version
    _attend(meeting, "Sara Samverkan", "Ali Hussein")  # someone changed the meeting meanwhile
    with pytest.raises(StaleEdit):
        meetings.minutes_approve(
            meeting=meeting,
            minute_taker="Ali Hussein",
            adjuster="Sara Samverkan",
            by=world["koordinator"],
            expected_version=opened,
        )


def test_the_archived_pdf_names_protokollforare_justerare_and_decisions_and_masks_a_protected_person(
    client, world
) -> None:
    meeting, coordinator = world["meeting"], world["koordinator"]
    hidden = builders.submitted(world["referrer"], protected_identity=True, first_name="Hemlig", last_name="Person")
    services.agenda_add(meeting=meeting, referral=hidden, by=coordinator)
    services.agenda_decide(item=world["item"], decision="reject", reasoning="Annan planering först.", by=coordinator)
    _attend(meeting, "Sara Samverkan", "Ali Hussein")
    meetings.minutes_approve(
        meeting=meeting, minute_taker="Ali Hussein", adjuster="Sara Samverkan", by=coordinator, expected_version=None
    )
    assert meetings.minutes_render(meeting_id=meeting.pk)
    assert not meetings.minutes_render(meeting_id=meeting.pk)  # once
    client.force_login(world["samverkansteam"])
    response = client.get(reverse("referrals:minutes_pdf", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Protokollförare: Ali Hussein" in text
    assert "av Sara Samverkan" in text
    assert "Avslås" in text
    assert "Annan planering först." in text
    assert "Skyddad person" in text
    assert "Hemlig" not in text
    assert hidden.personnummer[:8] not in text
    assert meeting.team.name in text  # the letterhead


def test_the_pdf_is_404_until_rendered(client, world) -> None:
    client.force_login(world["koordinator"])
    assert client.get(reverse("referrals:minutes_pdf", kwargs={"pk": world["meeting"].pk})).status_code == 404


def test_approval_through_the_page(client, world) -> None:
    meeting = world["meeting"]
    _attend(meeting, "Sara Samverkan")
    client.force_login(world["koordinator"])
    data = {
        "protokoll-minute_taker": "Sara Samverkan",
        "protokoll-adjuster": "Sara Samverkan",
        "protokoll-version": meeting.version,
    }
    url = reverse("referrals:minutes_approve", kwargs={"pk": meeting.pk})
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit: "already approved", nothing changes
    meeting.refresh_from_db()
    assert meeting.approved
    assert meeting.adjuster == "Sara Samverkan"
    assert meeting.approved_by == world["koordinator"]
    html = client.get(reverse("referrals:meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert "Mötet är låst" in html
    assert "Registrera beslut" not in html


def test_justering_before_the_meeting_day_is_refused(world) -> None:
    future = builders.meeting(world["koordinator"], days_ahead=2)
    _attend(future, "Sara Samverkan")
    with pytest.raises(NotAllowedNow):
        meetings.minutes_approve(
            meeting=future,
            minute_taker="Sara Samverkan",
            adjuster="Sara Samverkan",
            by=world["koordinator"],
            expected_version=None,
        )
    assert timezone.localdate() + timedelta(days=2) == future.date
