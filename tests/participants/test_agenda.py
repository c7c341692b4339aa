"""Enrolments on the samverkansteam's agenda (issue 18, point 6): put there with a reason by the
coordinator or the handledare, decided per item, an extension decided at the meeting linked to the
decision; what the samverkansteam sees of the participant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ist.errors import NotAllowedNow
from participants import agenda, services
from participants.models import Enrollment, Extension
from participants.privacy import identity_set
from referrals.models import AgendaItem
from tests.referrals import builders as referral_builders

pytestmark = pytest.mark.django_db

Reason = AgendaItem.Reason
Decision = AgendaItem.Decision


def _put(journey, reason: str = Reason.EXTENSION, meeting=None) -> AgendaItem:
    item, created = agenda.enrollment_to_agenda(
        enrollment=journey["enrollment"],
        meeting=meeting or journey["meeting"],
        reason=reason,
        note="Behöver mer tid i arbetsträningen.",
        by=journey["handledare"],
    )
    assert created
    return item


# -- Services ---------------------------------------------------------------------------------


def test_putting_an_enrolment_on_the_agenda_twice_gives_one_item(journey) -> None:
    item = _put(journey)
    again, created = agenda.enrollment_to_agenda(
        enrollment=journey["enrollment"],
        meeting=journey["meeting"],
        reason=Reason.FOLLOW_UP,
        note="",
        by=journey["koordinator"],
    )
    assert not created
    assert again.pk == item.pk
    assert AgendaItem.objects.filter(enrollment=journey["enrollment"]).count() == 1
    assert item.position == journey["meeting"].items.count()  # last on the agenda


def test_only_an_upcoming_meeting_of_the_enrolments_team(journey) -> None:
    past = referral_builders.meeting(journey["koordinator"], days_ahead=-7)
    other_team = referral_builders.meeting(journey["koordinator"], team_slug="laholm")
    for meeting in (past, other_team):
        with pytest.raises(NotAllowedNow):
            agenda.enrollment_to_agenda(
                enrollment=journey["enrollment"],
                meeting=meeting,
                reason=Reason.FOLLOW_UP,
                note="",
                by=journey["koordinator"],
            )


def test_an_extension_decided_at_the_meeting_is_recorded_and_linked(journey) -> None:
    item = _put(journey)
    enrollment = journey["enrollment"]
    new_end = enrollment.target_end + timedelta(days=90)
    assert agenda.enrollment_decide(
        item=item, decision=Decision.EXTEND, reasoning="Tydlig progression.", by=journey["koordinator"], new_end=new_end
    )
    extension = Extension.objects.get(enrollment=enrollment)
    assert extension.agenda_item_id == item.pk
    assert extension.decided_in == Extension.DecidedIn.MEETING
    assert extension.decided_on == journey["meeting"].date
    assert extension.new_end == new_end
    assert Enrollment.objects.get(pk=enrollment.pk).target_end == new_end
    # A second decision (a double submit) changes nothing.
    assert not agenda.enrollment_decide(
        item=item,
        decision=Decision.EXTEND,
        reasoning="Igen.",
        by=journey["koordinator"],
        new_end=new_end + timedelta(days=1),
    )
    assert Extension.objects.filter(enrollment=enrollment).count() == 1


def test_an_extension_beyond_the_age_rule_undoes_the_decision(journey) -> None:
    item = _put(journey)
    with pytest.raises(services.InvalidActivity):
        agenda.enrollment_decide(
            item=item,
            decision=Decision.EXTEND,
            reasoning="",
            by=journey["koordinator"],
            new_end=journey["enrollment"].target_end + timedelta(days=3650),
        )
    assert AgendaItem.objects.get(pk=item.pk).decision == ""
    assert not Extension.objects.exists()


def test_a_decision_that_does_not_fit_the_reason_is_refused(journey) -> None:
    item = _put(journey, reason=Reason.FOLLOW_UP)
    with pytest.raises(NotAllowedNow):
        agenda.enrollment_decide(item=item, decision=Decision.EXTEND, reasoning="", by=journey["koordinator"])


def test_no_enrolment_decision_before_the_meeting_day(journey) -> None:
    future = referral_builders.meeting(journey["koordinator"], days_ahead=4)
    item = _put(journey, reason=Reason.CONSULTATION, meeting=future)
    with pytest.raises(NotAllowedNow, match="först på mötesdagen"):
        agenda.enrollment_decide(item=item, decision=Decision.CONSULTED, reasoning="", by=journey["koordinator"])


def test_a_styrgrupp_extension_is_recorded_as_such(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    data = {
        "new_end": (enrollment.target_end + timedelta(days=30)).isoformat(),
        "decided_on": timezone.localdate().isoformat(),
        "decided_by": "§ 12",
        "reason": "Styrgruppen beviljade.",
        "version": enrollment.version,
    }
    assert client.post(reverse("participants:extend", kwargs={"enrollment_pk": enrollment.pk}), data).status_code == 302
    extension = Extension.objects.get(enrollment=enrollment)
    assert extension.decided_in == Extension.DecidedIn.STYRGRUPP
    assert extension.agenda_item is None
    assert extension.decided_by == "Styrgruppen, § 12"


# -- Views ------------------------------------------------------------------------------------


def test_the_handledare_puts_the_participant_on_the_agenda_from_the_participant_page(client, journey) -> None:
    enrollment, meeting = journey["enrollment"], journey["meeting"]
    client.force_login(journey["handledare"])
    url = reverse("participants:agenda", kwargs={"enrollment_pk": enrollment.pk})
    assert client.get(url).status_code == 200
    data = {"meeting": meeting.pk, "reason": Reason.FOLLOW_UP, "note": "Uppföljning efter tre månader."}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit: already there
    assert AgendaItem.objects.filter(enrollment=enrollment, meeting=meeting, reason=Reason.FOLLOW_UP).count() == 1
    detail = client.get(reverse("participants:detail", kwargs={"enrollment_pk": enrollment.pk})).content.decode()
    assert url in detail


def test_a_missing_reason_is_shown_beside_the_field_and_the_note_kept(client, journey) -> None:
    client.force_login(journey["koordinator"])
    url = reverse("participants:agenda", kwargs={"enrollment_pk": journey["enrollment"].pk})
    response = client.post(url, {"meeting": journey["meeting"].pk, "note": "Mitt skrivna"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mitt skrivna" in html
    assert 'id="id_reason_error"' in html


def test_the_coordinator_adds_from_the_meeting_page_with_the_picker(client, journey) -> None:
    meeting, enrollment = journey["meeting"], journey["enrollment"]
    client.force_login(journey["koordinator"])
    search = client.get(reverse("participants:agenda_search"), {"q": enrollment.participant.last_name})
    assert str(enrollment.participant) in search.content.decode()
    page = client.get(reverse("referrals:meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert 'name="deltagare-enrollment_q"' in page
    assert "<select" not in page.split("lagg-till-deltagare")[1].split("</details>")[0]
    url = reverse("participants:agenda_meeting_add", kwargs={"meeting_pk": meeting.pk})
    data = {"deltagare-enrollment_q": enrollment.participant.last_name, "deltagare-reason": Reason.CONSULTATION}
    assert client.post(url, data).status_code == 302
    item = AgendaItem.objects.get(enrollment=enrollment, meeting=meeting)
    assert item.reason == Reason.CONSULTATION
    assert item.added_by == journey["koordinator"]


def test_decision_on_an_enrolment_item_through_the_meeting_page(client, journey) -> None:
    item = _put(journey)
    new_end = journey["enrollment"].target_end + timedelta(days=60)
    client.force_login(journey["koordinator"])
    url = reverse("referrals:decide", kwargs={"item_pk": item.pk})
    missing = client.post(url, {f"punkt-{item.pk}-decision": Decision.EXTEND, f"punkt-{item.pk}-reasoning": "Bra"})
    assert "Ange det nya slutdatumet" in missing.content.decode()
    data = {
        f"punkt-{item.pk}-decision": Decision.EXTEND,
        f"punkt-{item.pk}-reasoning": "Bra utveckling.",
        f"punkt-{item.pk}-new_end": new_end.isoformat(),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit
    assert Extension.objects.get(agenda_item=item).new_end == new_end


def test_the_samverkansteam_sees_name_and_reason_but_not_the_participant_page(client, journey) -> None:
    item = _put(journey)
    client.force_login(journey["samverkansteam"])
    html = client.get(reverse("referrals:meeting", kwargs={"pk": journey["meeting"].pk})).content.decode()
    participant = journey["enrollment"].participant
    assert f"Förlängning: {participant}" in html
    assert "Behöver mer tid i arbetsträningen." in html
    assert reverse("participants:detail", kwargs={"enrollment_pk": item.enrollment_id}) not in html
    assert client.get(reverse("participants:detail", kwargs={"enrollment_pk": item.enrollment_id})).status_code == 404


def test_a_protected_participant_is_masked_for_the_samverkansteam(client, journey) -> None:
    _put(journey)
    participant = journey["enrollment"].participant
    identity_set(participant=participant, protected=True, by=journey["koordinator"])
    client.force_login(journey["samverkansteam"])
    html = client.get(reverse("referrals:meeting", kwargs={"pk": journey["meeting"].pk})).content.decode()
    assert "Förlängning: Skyddad person" in html
    assert participant.last_name not in html
    assert participant.personnummer[:8] not in html
    client.force_login(journey["koordinator"])
    html = client.get(reverse("referrals:meeting", kwargs={"pk": journey["meeting"].pk})).content.decode()
    assert participant.last_name in html


def test_the_meeting_page_reads_are_access_logged_for_the_enrolment(client, journey) -> None:
    from auditlog.models import LogEntry

    item = _put(journey)
    client.force_login(journey["samverkansteam"])
    client.get(reverse("referrals:meeting", kwargs={"pk": journey["meeting"].pk}))
    logged = LogEntry.objects.filter(object_pk=str(item.enrollment_id), actor=journey["samverkansteam"])
    assert logged.filter(content_type__model="enrollment").exists()
