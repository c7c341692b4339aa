"""Moving an enrolment to another team: proposed by the sending coordinator, accepted by the
receiving one (or in one go by a coordinator of both); history follows; notifications once; scoped."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ist.errors import NotAllowedNow
from ist.outbox.models import Message
from participants import emails, services
from participants.models import Enrollment, EnrollmentEvent, Transfer
from teams.models import Membership, Team
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def laholm(journey):
    """The receiving team with its coordinator and a handledare."""
    return {
        "team": Team.objects.get(slug="laholm"),
        "koordinator": member("koordinator", "laholm"),
        "handledare": member("handledare", "laholm"),
    }


def _told(kind: str) -> list[int]:
    return sorted(m.args[0] for m in Message.objects.filter(name=kind))


def _propose(journey, laholm, **extra):
    return services.transfer_propose(
        enrollment=journey["enrollment"],
        to_team=laholm["team"],
        day=timezone.localdate(),
        note="Flyttar till Laholm.",
        by=journey["koordinator"],
        **extra,
    )


def test_propose_then_accept_moves_the_enrolment_with_its_history(journey, laholm):
    enrollment = journey["enrollment"]
    events_before = enrollment.events.count()
    token = uuid.uuid4()
    proposal = _propose(journey, laholm, form_token=token)
    assert _propose(journey, laholm, form_token=token).pk == proposal.pk  # double submit: one proposal
    assert _told(emails.TRANSFER_PROPOSED) == [proposal.pk]
    assert Enrollment.objects.get(pk=enrollment.pk).team_id == enrollment.team_id  # not yet moved
    assert services.transfer_accept(transfer=proposal, responsible=laholm["handledare"], by=laholm["koordinator"])
    assert not services.transfer_accept(transfer=proposal, responsible=laholm["handledare"], by=laholm["koordinator"])
    moved = Enrollment.objects.get(pk=enrollment.pk)
    assert (moved.team_id, moved.responsible_id, moved.second_contact_id) == (
        laholm["team"].pk,
        laholm["handledare"].pk,
        None,
    )
    assert moved.events.count() == events_before + 1  # the history stays on the enrolment, plus the move
    assert moved.events.filter(kind=EnrollmentEvent.Kind.TRANSFERRED).count() == 1
    assert moved.activities.count() == 1  # the journey's activity follows
    assert Transfer.objects.get(pk=proposal.pk).status == Transfer.Status.ACCEPTED
    assert _told(emails.REASSIGNED) == [enrollment.pk]  # the new handledare, once


def test_a_second_open_proposal_and_a_date_before_the_start_are_refused(journey, laholm):
    _propose(journey, laholm)
    with pytest.raises(NotAllowedNow):
        _propose(journey, laholm)
    with pytest.raises(services.InvalidActivity):
        services.transfer_propose(
            enrollment=journey["enrollment"],
            to_team=laholm["team"],
            day=journey["enrollment"].start_date - timedelta(days=1),
            note="",
            by=journey["koordinator"],
        )


def test_decline_tells_the_proposer_once(journey, laholm):
    proposal = _propose(journey, laholm)
    assert services.transfer_decline(transfer=proposal, by=laholm["koordinator"])
    assert not services.transfer_decline(transfer=proposal, by=laholm["koordinator"])
    assert _told(emails.TRANSFER_DECLINED) == [proposal.pk]
    with pytest.raises(NotAllowedNow):
        services.transfer_accept(transfer=proposal, responsible=laholm["handledare"], by=laholm["koordinator"])


def test_the_receiving_coordinators_are_the_recipients(journey, laholm):
    proposal = _propose(journey, laholm)
    _subject, body, recipients = emails._transfer_proposed(proposal.pk)
    assert recipients == [laholm["koordinator"].email]
    assert journey["enrollment"].participant.last_name not in body  # no personal data in the e-mail


def test_pages_propose_and_accept(client, journey, laholm):
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    url = reverse("participants:transfer", args=[enrollment.pk])
    assert client.get(url).status_code == 200
    data = {
        "to_team": laholm["team"].pk,
        "date": timezone.localdate().isoformat(),
        "note": "",
        "form_token": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # double submit: the same proposal
    proposal = Transfer.objects.get(enrollment=enrollment)
    decide = reverse("participants:transfer_decide", args=[proposal.pk])
    # the sending coordinator sees the proposal but may not decide
    assert client.get(decide).status_code == 200
    assert client.post(decide, {"decision": "accept", "responsible": laholm["handledare"].pk}).status_code == 403
    client.force_login(laholm["koordinator"])
    caseload = client.get(reverse("participants:caseload")).content.decode()
    assert decide in caseload
    assert client.post(decide, {"decision": "accept", "responsible": laholm["handledare"].pk}).status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).team_id == laholm["team"].pk


def test_a_coordinator_of_both_goes_straight_to_accepting(client, journey, laholm):
    Membership.objects.create(user=journey["koordinator"], team=laholm["team"], role=Membership.Role.KOORDINATOR)
    client.force_login(journey["koordinator"])
    data = {"to_team": laholm["team"].pk, "date": timezone.localdate().isoformat(), "form_token": str(uuid.uuid4())}
    response = client.post(reverse("participants:transfer", args=[journey["enrollment"].pk]), data)
    proposal = Transfer.objects.get(enrollment=journey["enrollment"])
    assert response.url == reverse("participants:transfer_decide", args=[proposal.pk])
    client.post(response.url, {"decision": "accept", "responsible": laholm["handledare"].pk})
    assert Enrollment.objects.get(pk=journey["enrollment"].pk).team_id == laholm["team"].pk


def test_a_coordinator_of_an_unrelated_team_gets_404(client, journey, laholm):
    proposal = _propose(journey, laholm)
    client.force_login(member("koordinator", "varberg"))
    assert client.get(reverse("participants:transfer", args=[journey["enrollment"].pk])).status_code == 404
    decide = reverse("participants:transfer_decide", args=[proposal.pk])
    assert client.get(decide).status_code == 404
    assert client.post(decide, {"decision": "accept", "responsible": laholm["handledare"].pk}).status_code == 404
    assert Transfer.objects.get(pk=proposal.pk).status == Transfer.Status.PROPOSED


def test_the_receiving_coordinator_may_pick_only_their_teams_handledare(client, journey, laholm):
    proposal = _propose(journey, laholm)
    client.force_login(laholm["koordinator"])
    decide = reverse("participants:transfer_decide", args=[proposal.pk])
    assert client.post(decide, {"decision": "accept", "responsible": journey["handledare"].pk}).status_code == 200
    assert Transfer.objects.get(pk=proposal.pk).status == Transfer.Status.PROPOSED


def test_accepting_after_the_enrolment_was_closed_is_refused(client, journey, laholm):
    from participants.inputs import ClosureFields
    from participants.models import ExitReason

    proposal = _propose(journey, laholm)
    services.close(
        enrollment=journey["enrollment"],
        by=journey["koordinator"],
        values=ClosureFields(date=timezone.localdate(), reason=ExitReason.objects.get(code="arbete")),
    )
    client.force_login(laholm["koordinator"])
    decide = reverse("participants:transfer_decide", args=[proposal.pk])
    response = client.post(decide, {"decision": "accept", "responsible": laholm["handledare"].pk})
    assert response.status_code == 409
    assert "kan inte godkännas" in response.content.decode()
    assert Enrollment.objects.get(pk=journey["enrollment"].pk).team_id == journey["enrollment"].team_id
