"""Consent as a record and protected identity: what they stop, revoke, log and show
(docs/decisions/0019-consent-and-protected-identity.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ist.errors import NotAllowedNow
from ist.messaging.registry import deliver
from participants import emails, privacy
from participants.documents.emails import DOCUMENT_READY
from participants.documents.models import Delivery
from participants.documents.selectors import documents_for, shared_with
from participants.inputs import EntryVariables
from participants.models import EnrollmentEvent, Participant
from referrals import services as referral_services
from referrals.models import Organisation, Referral, ReferralEvent
from tests.factories import OrganisationFactory, ReferrerFactory, member
from tests.participants import builders as journey_builders
from tests.participants.documents import builders
from tests.referrals import builders as referral_builders

pytestmark = pytest.mark.django_db
Kind = Organisation.Kind


@pytest.fixture
def party():
    """A handläggare at Arbetsförmedlingen: a party the referral's consent covers (by kind)."""
    return ReferrerFactory(organisation=OrganisationFactory(kind=Kind.AF, name="Arbetsförmedlingen"))


def _record(referral: Referral, by, **scope) -> bool:
    referral.refresh_from_db()
    return privacy.consent_record(
        referral=referral,
        by=by,
        given_on=timezone.localdate() - timedelta(days=2),
        how="oral",
        scope_referrer=scope.get("referrer", True),
        scope_kinds=scope.get("kinds", []),
        note="",
        expected_version=referral.version,
    )


def test_narrowing_the_scope_revokes_the_partys_grant_and_stops_future_deliveries(journey, party):
    enrollment, handledare, referrer = journey["enrollment"], journey["handledare"], journey["referrer"]
    plan = builders.final_plan(enrollment, handledare, recipients=[party])
    assert documents_for(party).filter(pk=plan.pk).exists()
    assert shared_with(party).filter(pk=plan.pk).exists()

    assert _record(enrollment.referral, journey["koordinator"], referrer=True, kinds=[Kind.FK]) is True

    assert not documents_for(party).filter(pk=plan.pk).exists()
    assert Delivery.objects.get(document=plan, recipient=party).revoked_at is not None
    assert documents_for(referrer).filter(pk=plan.pk).exists()  # the referrer's organisation stays in scope
    enrollment.referral.refresh_from_db()
    assert enrollment.referral.consent_scope_kinds == [Kind.FK]
    assert ReferralEvent.objects.filter(referral=enrollment.referral, kind=ReferralEvent.Kind.CONSENT).count() == 1
    # a double submit changes nothing twice
    assert _record(enrollment.referral, journey["koordinator"], referrer=True, kinds=[Kind.FK]) is False


def test_outside_the_consent_nothing_is_delivered(journey, party):
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    _record(enrollment.referral, journey["koordinator"], referrer=True, kinds=[])
    plan = builders.final_plan(enrollment, handledare, recipients=[party])
    assert list(Delivery.objects.filter(document=plan).values_list("recipient", flat=True)) == [journey["referrer"].pk]
    assert not documents_for(party).filter(pk=plan.pk).exists()


def test_withdrawal_revokes_every_grant_tells_the_handledare_and_shows_on_the_participant_page(
    client, journey, party, django_capture_on_commit_callbacks
):
    enrollment, handledare, referrer = journey["enrollment"], journey["handledare"], journey["referrer"]
    plan = builders.final_plan(enrollment, handledare, recipients=[party])
    referral = Referral.objects.get(pk=enrollment.referral_id)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert privacy.consent_withdraw(
            referral=referral, by=handledare, withdrawn_on=timezone.localdate(), expected_version=referral.version
        )
    assert len(queued) == 1  # one e-mail to the handledare
    assert not privacy.consent_withdraw(
        referral=referral, by=handledare, withdrawn_on=timezone.localdate(), expected_version=None
    )  # idempotent
    for user in (referrer, party):
        assert not documents_for(user).filter(pk=plan.pk).exists()
    assert not Delivery.objects.filter(document=plan, revoked_at__isnull=True).exists()
    assert EnrollmentEvent.objects.filter(enrollment=enrollment, kind=EnrollmentEvent.Kind.CONSENT).exists()

    mail.outbox.clear()
    deliver(emails.CONSENT_CHANGED, enrollment.pk)
    assert [m.to for m in mail.outbox] == [[handledare.email]]
    assert enrollment.participant.last_name not in mail.outbox[0].body

    client.force_login(handledare)
    html = client.get(reverse("participants:detail", args=[enrollment.pk])).content.decode()
    assert "Samtycket är återkallat" in html

    # the "ready" e-mail queued before the withdrawal is not sent after it
    mail.outbox.clear()
    for delivery in Delivery.objects.filter(document=plan):
        deliver(DOCUMENT_READY, delivery.pk)
    assert mail.outbox == []


def test_the_consent_page_is_for_coordinators_and_the_handledare(client, journey):
    referral = journey["enrollment"].referral
    url = reverse("participants:consent", args=[referral.pk])
    for user, status in (
        (journey["koordinator"], 200),
        (journey["handledare"], 200),
        (journey["referrer"], 403),
        (member("handledare", "laholm"), 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(journey["handledare"])
    response = client.post(
        reverse("participants:consent_withdraw", args=[referral.pk]),
        {"withdrawn_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "version": referral.version},
    )
    assert "Datumet kan inte ligga i framtiden." in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).consent_withdrawn_on is None


def test_protected_identity_revokes_grants_hides_shared_documents_and_is_logged(journey, party):
    enrollment, handledare, referrer = journey["enrollment"], journey["handledare"], journey["referrer"]
    plan = builders.final_plan(enrollment, handledare, recipients=[party])
    assert privacy.identity_set(participant=enrollment.participant, protected=True, by=handledare) is True
    for user in (referrer, party):
        assert not documents_for(user).filter(pk=plan.pk).exists()
        assert not shared_with(user).filter(pk=plan.pk).exists()
    assert Referral.objects.get(pk=enrollment.referral_id).protected_identity
    events = EnrollmentEvent.objects.filter(enrollment=enrollment, kind=EnrollmentEvent.Kind.PROTECTED)
    assert events.count() == 1
    change = LogEntry.objects.get_for_object(Participant.objects.get(pk=enrollment.participant_id)).first()
    assert "protected_identity" in (change.changes_text or str(change.changes))
    assert privacy.identity_set(participant=enrollment.participant, protected=False, by=handledare) is True
    assert events.count() == 2
    assert not Referral.objects.get(pk=enrollment.referral_id).protected_identity


def test_a_document_finalised_after_the_flag_is_delivered_to_nobody(journey, party):
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    privacy.identity_set(participant=enrollment.participant, protected=True, by=handledare)
    plan = builders.final_plan(enrollment, handledare, recipients=[party])
    assert not Delivery.objects.filter(document=plan).exists()


def test_the_flag_set_at_intake_flows_to_the_participant(journey):
    referral = referral_builders.submitted(journey["referrer"], protected_identity=True)
    assert referral.protected_identity
    assert referral.consent_recorded_by == journey["referrer"]
    ready = journey_builders.ready_referral(journey["referrer"], journey["koordinator"], protected_identity=True)
    from participants import services

    enrollment = services.enroll(
        referral=ready,
        responsible=journey["handledare"],
        second_contact=None,
        start_date=timezone.localdate(),
        by=journey["koordinator"],
        entry=EntryVariables(),
    )
    assert Participant.objects.get(pk=enrollment.participant_id).protected_identity
    assert EnrollmentEvent.objects.filter(enrollment=enrollment, kind=EnrollmentEvent.Kind.PROTECTED).exists()


def test_a_named_question_requires_consent_and_an_anonymous_one_does_not(journey):
    asker, team = journey["referrer"], journey["enrollment"].team
    with pytest.raises(NotAllowedNow):
        referral_services.question_ask(asked_by=asker, team=team, question="Hur?", person_name="Greta G")
    anonymous = referral_services.question_ask(asked_by=asker, team=team, question="Hur gör man?")
    assert not anonymous.consent_given
    named = referral_services.question_ask(
        asked_by=asker,
        team=team,
        question="Hur?",
        person_name="Greta G",
        consent_given=True,
        consent_date=timezone.localdate(),
    )
    assert named.consent_given
    assert named.consent_how == "written"


def test_the_question_form_says_why_a_named_question_needs_consent(client, journey):
    client.force_login(journey["referrer"])
    response = client.post(
        reverse("referrals:question_new"),
        {"team": journey["enrollment"].team_id, "question": "Kan ni ta emot?", "person_name": "Greta Grönberg"},
    )
    html = response.content.decode()
    assert "kräver personens samtycke" in html
    assert "Greta Grönberg" in html  # nothing typed is lost


def test_sharing_with_a_party_outside_the_consent_says_why_it_was_not_shared(client, journey, party):
    from participants.documents import services as document_services

    enrollment, handledare = journey["enrollment"], journey["handledare"]
    _record(enrollment.referral, journey["koordinator"], referrer=True, kinds=[Kind.FK])
    plan = builders.final_plan(enrollment, handledare)
    contact = document_services.contact_add(enrollment=enrollment, user=party, role="Arbetsförmedlare", by=handledare)
    client.force_login(handledare)
    response = client.post(
        reverse("participants:document_share", args=[plan.public_id]), {"recipients": [contact.pk]}, follow=True
    )
    assert "samtycke omfattar inte dem" in response.content.decode()
    assert not Delivery.objects.filter(document=plan, recipient=party).exists()


def test_the_participants_flag_is_not_the_referrers_and_removing_it_takes_their_mark(journey):
    """What the referrer sees changes only by a flag they set (docs/decisions/0019): the flag the
    handledare sets is copied to the referral without being the referrer's; a coordinator removing it
    clears every author's mark, so a flag set again later is not theirs either."""
    enrollment = journey["enrollment"]
    participant = enrollment.participant
    privacy.identity_set(participant=participant, protected=True, by=journey["handledare"])
    copied = Referral.objects.get(pk=enrollment.referral_id)
    assert copied.protected_identity
    assert not copied.protected_identity_by_author
    number = participant.personnummer
    ticked = referral_builders.draft(journey["referrer"], personnummer=number, protected_identity=True)
    assert ticked.protected_identity_by_author
    privacy.identity_set(participant=participant, protected=False, by=journey["koordinator"])
    marks = Referral.objects.filter(personnummer=participant.personnummer).values_list(
        "protected_identity", "protected_identity_by_author"
    )
    assert set(marks) == {(False, False)}
