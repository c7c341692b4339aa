"""The person's consent (samtycke) and protected identity (skyddade personuppgifter): the services
that change them and enforce what follows (docs/decisions/0019-consent-and-protected-identity.md).

Consent is recorded on the referral (given: when, how, recorded by; scope: the referrer's organisation
and other authorities by kind; withdrawal: when, recorded by). Protected identity is a flag on the
participant, copied to every referral and question about the same personnummer so every read filters
one column. Both end in `deliveries_enforce`: every delivery the new state no longer allows is revoked.
Who sees the name is decided in ist/privacy/identity.py, not here.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction

from ist.errors import StaleEdit
from participants import emails
from participants.documents.services import deliveries_enforce
from participants.models import Enrollment, EnrollmentEvent, Participant
from referrals.models import ConsultativeQuestion, Referral, ReferralEvent
from teams.models import Organisation

if TYPE_CHECKING:
    from teams.models import User

security_log = logging.getLogger("ist.security")

__all__ = ["consent_record", "consent_withdraw", "identity_set"]

KIND_LABELS = dict(Organisation.Kind.choices)


def _locked_referral(referral: Referral, expected_version: int | None) -> Referral:
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    return current


def _scope_text(*, referrer: bool, kinds: list[str]) -> str:
    parts = (["inremittentens organisation"] if referrer else []) + [str(KIND_LABELS.get(k, k)) for k in kinds]
    return ", ".join(parts) or "ingen part utanför IST"


def _after_change(referral: Referral, *, by: User, message: str, tell: bool) -> None:
    """Log the change on the referral and the enrolment, revoke what is no longer allowed, and tell the
    responsible handledare (once per change) when sharing was narrowed or stopped."""
    ReferralEvent.objects.create(referral=referral, kind=ReferralEvent.Kind.CONSENT, by=by, message=message)
    enrollment = Enrollment.objects.filter(referral=referral).first()
    if enrollment is None:
        return
    event = EnrollmentEvent.objects.create(
        enrollment=enrollment, kind=EnrollmentEvent.Kind.CONSENT, by=by, message=message
    )
    deliveries_enforce(enrollment_ids=[enrollment.pk])
    if tell:
        emails.send(emails.CONSENT_CHANGED, enrollment.pk, key=f"consent-{event.pk}")


@transaction.atomic
def consent_record(
    *,
    referral: Referral,
    by: User,
    given_on: date,
    how: str,
    scope_referrer: bool,
    scope_kinds: list[str],
    note: str,
    expected_version: int | None,
) -> bool:
    """Record the consent in force: given (when, how, recorded by `by`) and its scope. A consent
    given anew after a withdrawal replaces it.

    Pre: `by` coordinates the referral's team or is the enrolment's handledare (checked by the view's
    selector). A narrower scope than before revokes, at once, every delivery to the parties it no
    longer covers, and the handledare is told. StaleEdit when the referral moved on since the form
    was opened. Returns False when nothing changed (a double submit)."""
    current = _locked_referral(referral, expected_version)
    kinds = sorted(dict.fromkeys(scope_kinds))
    new = {
        "consent_given": True,
        "consent_date": given_on,
        "consent_how": how,
        "consent_scope_referrer": scope_referrer,
        "consent_scope_kinds": kinds,
        "consent_scope": note,
        "consent_withdrawn_on": None,
        "consent_withdrawn_by": None,
    }
    changed = [field for field, value in new.items() if getattr(current, field) != value]
    if not changed:
        return False
    narrowed = current.consent_in_force and (
        (current.consent_scope_referrer and not scope_referrer) or bool(set(current.consent_scope_kinds) - set(kinds))
    )
    for field, value in new.items():
        setattr(current, field, value)
    current.consent_recorded_by = by
    current.version += 1
    current.save(update_fields=[*changed, "consent_recorded_by", "version", "updated_at"])
    scope = _scope_text(referrer=scope_referrer, kinds=kinds)
    verb = "Samtyckets omfattning ändrad" if narrowed else "Samtycke registrerat"
    _after_change(current, by=by, message=f"{verb} ({given_on:%Y-%m-%d}): {scope}.", tell=narrowed)
    referral.version = current.version
    return True


@transaction.atomic
def consent_withdraw(*, referral: Referral, by: User, withdrawn_on: date, expected_version: int | None) -> bool:
    """The person withdraws their consent: from now on nothing is delivered to anyone outside IST,
    every earlier download grant is revoked, and the handledare is told.

    Idempotent: withdrawing a withdrawn consent changes nothing and returns False."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.consent_withdrawn_on is not None or not current.consent_given:
        return False
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    current.consent_withdrawn_on = withdrawn_on
    current.consent_withdrawn_by = by
    current.version += 1
    current.save(update_fields=["consent_withdrawn_on", "consent_withdrawn_by", "version", "updated_at"])
    _after_change(current, by=by, message=f"Samtycket återkallat {withdrawn_on:%Y-%m-%d}.", tell=True)
    referral.version = current.version
    return True


@transaction.atomic
def identity_set(*, participant: Participant, protected: bool, by: User) -> bool:
    """Set or remove protected identity (skyddade personuppgifter) for the person.

    The flag is copied to every referral and consultative question about the same personnummer.
    Setting it revokes every document grant outside IST and stops future deliveries; removing it
    gives nothing back (a document is shared again by the handledare, within the consent). Both are
    logged: an event on each enrolment, the change history, and the security log. Idempotent."""
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    # A removed flag takes the authors' own marks with it: a flag set again later is not theirs
    # (what an author sees changes only by their own flag, ist/privacy/identity.py).
    copy: dict[str, bool] = {"protected_identity": protected}
    if not protected:
        copy["protected_identity_by_author"] = False
    if current.protected_identity == protected:
        Referral.objects.filter(personnummer=current.personnummer).exclude(protected_identity=protected).update(**copy)
        return False
    current.protected_identity = protected
    current.version += 1
    current.save(update_fields=["protected_identity", "version"])  # save(): the change history sees it
    participant.protected_identity, participant.version = protected, current.version
    # update(): a copy of the participant's flag, whose change is logged above; the referrals'
    # own history would only repeat it.
    Referral.objects.filter(personnummer=current.personnummer).update(**copy)
    ConsultativeQuestion.objects.filter(personnummer=current.personnummer).update(**copy)
    message = "Skyddade personuppgifter markerade." if protected else "Markeringen skyddade personuppgifter borttagen."
    enrollment_ids = list(Enrollment.objects.filter(participant=current).values_list("pk", flat=True))
    EnrollmentEvent.objects.bulk_create(
        [
            EnrollmentEvent(enrollment_id=pk, kind=EnrollmentEvent.Kind.PROTECTED, by=by, message=message)
            for pk in enrollment_ids
        ]
    )
    if protected:
        deliveries_enforce(enrollment_ids=enrollment_ids)
    security_log.info(
        "protected identity %s for participant %s by %s", "set" if protected else "removed", current.pk, by.pk
    )
    return True
