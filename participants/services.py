"""Every change to a participant's journey: one function per use case.

Keyword-only, transactional; idempotent where a double submit is possible
(form tokens, conditional updates); optimistic locking (`expected_version`)
on the enrolment and on activities.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from ist.idempotency import create_once
from participants import notifications, rules
from participants.models import (
    PHASE_ORDER,
    Activity,
    Attendance,
    Closure,
    Enrollment,
    EnrollmentEvent,
    Extension,
    FollowUp,
    GroupSession,
    Participant,
    Phase,
    PhasePeriod,
)
from referrals import personnummer
from referrals.models import Referral
from referrals.services import NotAllowedNow, StaleEdit

if TYPE_CHECKING:
    from teams.models import User

Event = EnrollmentEvent.Kind
FOLLOW_UP_MONTHS = (6, 12)

__all__ = ["InvalidActivity", "NotAllowedNow", "StaleEdit"]


class InvalidActivity(Exception):  # noqa: N818 - a domain outcome, shown beside the field
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _event(enrollment: Enrollment, kind: str, by: User | None, message: str = "") -> None:
    EnrollmentEvent.objects.create(enrollment=enrollment, kind=kind, by=by, message=message)


def _locked(enrollment: Enrollment, expected_version: int | None = None) -> Enrollment:
    current = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    return current


def _bump(enrollment: Enrollment, fields: list[str]) -> None:
    enrollment.version += 1
    enrollment.save(update_fields=[*fields, "version"])


# -- Enrolment ---------------------------------------------------------------------


@transaction.atomic
def enroll(
    *,
    referral: Referral,
    responsible: User,
    second_contact: User | None,
    start_date: date,
    by: User,
    entry: dict[str, Any],
    form_token: uuid.UUID | None = None,
) -> Enrollment:
    """Enrol the person of a referral whose information meeting ended in "wants to start".

    The person is found by personnummer (a returning person keeps their history)
    or created; sex and birth year are derived from the number. Starts in Prova på.
    Pre: the coordinator manages the referral's team; handledare are of that team.
    """
    enrollment, _created = create_once(
        Enrollment,
        form_token=form_token,
        create=lambda token: _enroll(
            referral=referral,
            responsible=responsible,
            second_contact=second_contact,
            start_date=start_date,
            by=by,
            entry=entry,
            form_token=token,
        ),
        referral_id=referral.pk,
    )
    return enrollment


def _enroll(
    *,
    referral: Referral,
    responsible: User,
    second_contact: User | None,
    start_date: date,
    by: User,
    entry: dict[str, Any],
    form_token: uuid.UUID | None,
) -> Enrollment:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.READY or Enrollment.objects.filter(referral=referral).exists():
        raise NotAllowedNow
    identity = personnummer.parse(referral.personnummer)
    participant, created = Participant.objects.get_or_create(
        personnummer=identity.number,
        defaults={
            "first_name": referral.first_name,
            "last_name": referral.last_name,
            "phone": referral.phone,
            "email": referral.email,
            "address": referral.address,
            "municipality": referral.municipality,
            "sex": Participant.Sex.MALE if identity.male else Participant.Sex.FEMALE,
            "birth_year": identity.birth_date.year,
        },
    )
    if not created:  # a returning person: the newest contact details win
        for field in ("first_name", "last_name", "phone", "email", "address", "municipality"):
            value = getattr(referral, field)
            if value:
                setattr(participant, field, value)
        participant.save()
    if Enrollment.objects.filter(participant=participant, status=Enrollment.Status.ACTIVE).exists():
        raise NotAllowedNow
    age = identity.age_on(start_date)
    enrollment = Enrollment.objects.create(
        participant=participant,
        team=referral.team,
        referral=referral,
        responsible=responsible,
        second_contact=second_contact,
        start_date=start_date,
        target_end=rules.target_end(start_date, age),
        created_by=by,
        form_token=form_token,
        **entry,
    )
    PhasePeriod.objects.create(enrollment=enrollment, phase=Phase.PROVA_PA, start=start_date, changed_by=by)
    _event(enrollment, Event.ENROLLED, by, f"Start {start_date:%Y-%m-%d}, ansvarig {responsible.get_full_name()}")
    notifications.send_after_commit(notifications.ENROLLED, enrollment.pk)
    return enrollment


@transaction.atomic
def participant_correct(
    *, participant: Participant, by: User, data: dict[str, Any], expected_version: int | None = None
) -> Participant:
    """A coordinator corrects derived or personal fields (sex, birth year, contact, protected identity).

    StaleEdit if someone saved the person after the form was opened."""
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    for field, value in data.items():
        setattr(current, field, value)
    current.version += 1
    current.save(update_fields=[*data, "version"])
    return current


# -- Phases and duration -------------------------------------------------------------


def current_period(enrollment: Enrollment) -> PhasePeriod:
    return enrollment.phase_periods.get(end__isnull=True)


@transaction.atomic
def phase_change(
    *, enrollment: Enrollment, to: str, on: date, reason: str, by: User, expected_version: int | None = None
) -> bool:
    """Move to the next phase, or back with a reason. The same phase: nothing happens (False).

    Pre: `by` may change the enrolment. Moving back requires a reason. StaleEdit if the
    enrolment changed after the form was opened.
    """
    enrollment = _locked(enrollment, expected_version)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise NotAllowedNow
    period = PhasePeriod.objects.select_for_update().get(enrollment=enrollment, end__isnull=True)
    if period.phase == to:
        return False
    backwards = PHASE_ORDER.index(Phase(to)) < PHASE_ORDER.index(Phase(period.phase))
    if backwards and not reason.strip():
        raise InvalidActivity("reason", "Ange varför deltagaren går tillbaka till en tidigare fas.")
    if on < period.start:
        raise InvalidActivity("on", "Fasbytet kan inte ligga före den nuvarande fasens start.")
    period.end = on
    period.save(update_fields=["end"])
    PhasePeriod.objects.create(enrollment=enrollment, phase=to, start=on, reason=reason, changed_by=by)
    _bump(enrollment, [])
    _event(enrollment, Event.PHASE, by, f"{Phase(period.phase).label} → {Phase(to).label}. {reason}".strip())
    return True


@transaction.atomic
def extend(
    *,
    enrollment: Enrollment,
    new_end: date,
    decided_on: date,
    decided_by: str,
    reason: str,
    by: User,
    expected_version: int | None = None,
) -> Extension:
    """Record a decision to extend the inriktningstid, within the age rule's maximum.
    StaleEdit if the enrolment changed after the form was opened (e.g. a double submit)."""
    enrollment = _locked(enrollment, expected_version)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise NotAllowedNow
    identity = personnummer.parse(enrollment.participant.personnummer)
    limit = rules.latest_allowed_end(enrollment.start_date, identity.age_on(enrollment.start_date))
    if new_end <= enrollment.target_end:
        raise InvalidActivity("new_end", "Det nya slutdatumet måste ligga efter det nuvarande.")
    if new_end > limit:
        raise InvalidActivity("new_end", f"Inriktningstiden kan förlängas till högst {limit:%Y-%m-%d}.")
    extension = Extension.objects.create(
        enrollment=enrollment,
        previous_end=enrollment.target_end,
        new_end=new_end,
        decided_on=decided_on,
        decided_by=decided_by,
        reason=reason,
        recorded_by=by,
    )
    enrollment.target_end = new_end
    _bump(enrollment, ["target_end"])
    _event(enrollment, Event.EXTENDED, by, f"Till {new_end:%Y-%m-%d}: {reason}")
    return extension


@transaction.atomic
def reassign(
    *, enrollment: Enrollment, responsible: User, second_contact: User | None, by: User, expected_version: int
) -> bool:
    """The coordinator gives the participant a new handledare (or second contact); the new one is told."""
    enrollment = _locked(enrollment, expected_version)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise NotAllowedNow
    if (enrollment.responsible_id, enrollment.second_contact_id) == (
        responsible.pk,
        second_contact.pk if second_contact else None,
    ):
        return False
    previous = enrollment.responsible
    enrollment.responsible = responsible
    enrollment.second_contact = second_contact
    _bump(enrollment, ["responsible", "second_contact"])
    _event(enrollment, Event.REASSIGNED, by, f"{previous.get_full_name()} → {responsible.get_full_name()}")
    if previous.pk != responsible.pk:
        notifications.send_after_commit(notifications.REASSIGNED, enrollment.pk)
    return True


# -- Activities ----------------------------------------------------------------------


def _check_date(enrollment: Enrollment, day: date, today: date) -> None:
    if day > today:
        raise InvalidActivity("date", "En aktivitet kan inte loggas i framtiden.")
    if day < enrollment.start_date:
        raise InvalidActivity("date", f"Inskrivningen började {enrollment.start_date:%Y-%m-%d}.")
    closure = Closure.objects.filter(enrollment=enrollment).only("date").first()
    if closure and day > closure.date:
        raise InvalidActivity("date", f"Inskrivningen avslutades {closure.date:%Y-%m-%d}.")


@transaction.atomic
def activity_log(
    *,
    enrollment: Enrollment,
    kind: str,
    day: date,
    attendance: str,
    duration_minutes: int,
    note: str,
    by: User,
    today: date | None = None,
    form_token: uuid.UUID | None = None,
) -> Activity:
    """Log one activity, once per form token. Pre: `by` may change the enrolment.
    Raises InvalidActivity (date)."""

    def create(token: uuid.UUID | None) -> Activity:
        _check_date(enrollment, day, today or timezone.localdate())
        return Activity.objects.create(
            form_token=token,
            enrollment=enrollment,
            kind=kind,
            date=day,
            attendance=attendance,
            duration_minutes=duration_minutes,
            note=note,
            logged_by=by,
        )

    activity, _created = create_once(Activity, form_token=form_token, create=create, enrollment=enrollment)
    return activity


@transaction.atomic
def activity_correct(
    *, activity: Activity, by: User, data: dict[str, Any], expected_version: int, today: date | None = None
) -> Activity:
    """Correct a logged activity (earlier weeks too); the change is in the history and on the timeline."""
    current = Activity.objects.select_for_update().select_related("enrollment").get(pk=activity.pk)
    if current.version != expected_version:
        raise StaleEdit
    if "date" in data:
        _check_date(current.enrollment, data["date"], today or timezone.localdate())
    changed = [field for field, value in data.items() if getattr(current, field) != value]
    if not changed:
        return current
    for field in changed:
        setattr(current, field, data[field])
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    _event(current.enrollment, Event.ACTIVITY_CORRECTED, by, f"{current} ({', '.join(changed)})")
    return current


@transaction.atomic
def activity_delete(*, activity: Activity, by: User, expected_version: int | None = None) -> None:
    """Remove an activity logged by mistake; the history keeps it. StaleEdit if a colleague
    corrected it after the form was opened."""
    current = Activity.objects.select_for_update().select_related("enrollment").get(pk=activity.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    _event(current.enrollment, Event.ACTIVITY_CORRECTED, by, f"{current} borttagen")
    current.delete()


@transaction.atomic
def group_session_log(
    *,
    team_id: int,
    kind: str,
    day: date,
    duration_minutes: int,
    note: str,
    attendance: dict[int, str],
    by: User,
    form_token: uuid.UUID | None = None,
    today: date | None = None,
) -> GroupSession:
    """One session with an attendance list: enrolment id → attendance. Once per form token.

    Pre: every enrolment is active in `team_id` and changeable by `by`.
    """
    session, _created = create_once(
        GroupSession,
        form_token=form_token,
        create=lambda token: _group_session_create(
            team_id=team_id,
            kind=kind,
            day=day,
            duration_minutes=duration_minutes,
            note=note,
            attendance=attendance,
            by=by,
            form_token=token,
            today=today or timezone.localdate(),
        ),
        led_by=by,
    )
    return session


def _group_session_create(
    *,
    team_id: int,
    kind: str,
    day: date,
    duration_minutes: int,
    note: str,
    attendance: dict[int, str],
    by: User,
    form_token: uuid.UUID | None,
    today: date,
) -> GroupSession:
    enrollments = list(Enrollment.objects.filter(pk__in=attendance, team_id=team_id))
    if len(enrollments) != len(attendance):
        raise NotAllowedNow
    for enrollment in enrollments:
        _check_date(enrollment, day, today)
    session = GroupSession.objects.create(
        team_id=team_id,
        kind=kind,
        date=day,
        duration_minutes=duration_minutes,
        note=note,
        led_by=by,
        form_token=form_token,
    )
    Activity.objects.bulk_create(
        [
            Activity(
                enrollment=e,
                kind=kind,
                date=day,
                duration_minutes=duration_minutes,
                attendance=attendance[e.pk],
                note=note,
                group_session=session,
                logged_by=by,
            )
            for e in enrollments
        ]
    )
    return session


# -- Closure and follow-up -------------------------------------------------------------


@transaction.atomic
def close(*, enrollment: Enrollment, by: User, data: dict[str, Any], expected_version: int | None = None) -> Closure:
    """Close the enrolment once, with exit reason and exit variables; follow-ups at 6 and 12 months
    become due. A closure for health reasons requires that the care provider and the other parties
    were consulted. Closing twice: NotAllowedNow."""
    enrollment = _locked(enrollment, expected_version)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise NotAllowedNow
    reason = data["reason"]
    if reason.health and not (data.get("care_provider_consulted") and data.get("parties_consulted")):
        raise InvalidActivity(
            "care_provider_consulted",
            "Vid avslut av hälsoskäl ska vårdgivaren och övriga parter ha hörts först.",
        )
    if data["date"] < enrollment.start_date:
        raise InvalidActivity("date", "Avslutet kan inte ligga före starten.")
    closure = Closure.objects.create(enrollment=enrollment, closed_by=by, **data)
    PhasePeriod.objects.filter(enrollment=enrollment, end__isnull=True).update(end=closure.date)
    enrollment.status = Enrollment.Status.CLOSED
    _bump(enrollment, ["status"])
    FollowUp.objects.bulk_create(
        [
            FollowUp(enrollment=enrollment, months=m, due_on=closure.date + relativedelta(months=m))
            for m in FOLLOW_UP_MONTHS
        ]
    )
    _event(enrollment, Event.CLOSED, by, f"{reason}. {closure.date:%Y-%m-%d}")
    return closure


@transaction.atomic
def follow_up_record(*, follow_up: FollowUp, found: str, note: str, by: User) -> bool:
    """Record a follow-up once."""
    claimed = FollowUp.objects.filter(pk=follow_up.pk, found="").update(
        found=found, note=note, recorded_by=by, recorded_at=timezone.now()
    )
    if claimed:
        _event(follow_up.enrollment, Event.FOLLOW_UP, by, f"{follow_up.months} mån: {FollowUp.Found(found).label}")
    return bool(claimed)


def attendance_choices() -> list[tuple[str, str]]:
    return list(Attendance.choices)
