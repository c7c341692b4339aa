"""Records of a chosen age for the gallring tests: made through the services, then moved back in
time with queryset updates (auto_now fields cannot be set otherwise)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from participants.inputs import ClosureFields
from participants.models import Activity, Closure, Document, Enrollment, EnrollmentEvent, FollowUp, PhasePeriod
from referrals.models import AgendaItem, Referral, ReferralEvent

if TYPE_CHECKING:
    from teams.models import User


def rules_on() -> None:
    """Switch every gallring rule on, as an administrator does once the periods are checked: the
    migration seeds them off (docs/decisions/0018-retention.md)."""
    from ist.retention.models import RetentionRule

    RetentionRule.objects.update(active=True)


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def with_scan(referral: Referral) -> Referral:
    """A scanned paper referral stored on disk."""
    referral.attachment.save("remiss.pdf", ContentFile(b"%PDF-1.4 inskannad remiss"), save=True)
    return referral


def age_referral(referral: Referral, day: date) -> Referral:
    """Everything about the referral happened on `day`."""
    moment = at_noon(day)
    Referral.objects.filter(pk=referral.pk).update(
        updated_at=moment,
        created_at=moment,
        received_on=day if referral.received_on else None,
        answer_deadline=day + timedelta(days=14) if referral.answer_deadline else None,
        decided_at=moment if referral.decided_at else None,
    )
    ReferralEvent.objects.filter(referral=referral).update(at=moment)
    AgendaItem.objects.filter(referral=referral).exclude(decided_at=None).update(decided_at=moment)
    referral.refresh_from_db()
    return referral


def age_enrollment(enrollment: Enrollment, closed_on: date) -> Enrollment:
    """A closed enrolment whose last entry of every kind was on `closed_on`."""
    moment = at_noon(closed_on)
    Closure.objects.filter(enrollment=enrollment).update(date=closed_on)
    EnrollmentEvent.objects.filter(enrollment=enrollment).update(at=moment)
    FollowUp.objects.filter(enrollment=enrollment).update(recorded_at=None, due_on=closed_on)
    Activity.objects.filter(enrollment=enrollment).update(date=closed_on)
    PhasePeriod.objects.filter(enrollment=enrollment).update(start=closed_on, end=closed_on)
    Document.objects.filter(enrollment=enrollment).update(updated_at=moment, finalised_at=moment)
    Enrollment.objects.filter(pk=enrollment.pk).update(start_date=closed_on)
    if enrollment.referral is not None:
        age_referral(enrollment.referral, closed_on)
    enrollment.refresh_from_db()
    return enrollment


def close_with_everything(enrollment: Enrollment, handledare: User, coordinator: User) -> Document:
    """Give the active enrolment a final handlingsplan (PDF rendered, signed copy stored), an
    activity note and a closure with a summary; then close it. Returns the plan."""
    from participants import services as journey_services
    from participants.documents import services as document_services
    from participants.models import ExitReason
    from tests.participants.documents import builders as document_builders

    document_builders.phase_two(enrollment, handledare)
    plan = document_builders.final_plan(enrollment, handledare)
    document_services.document_render(document_id=plan.pk)
    plan.refresh_from_db()
    plan.signed_copy.save("underskriven.pdf", ContentFile(b"%PDF-1.4 underskriven"), save=True)
    Activity.objects.filter(enrollment=enrollment).update(note="Pratade om familjen")
    journey_services.close(
        enrollment=enrollment,
        by=coordinator,
        values=ClosureFields(
            date=timezone.localdate(), reason=ExitReason.objects.get(code="arbete"), summary="Fick jobb"
        ),
    )
    return plan
