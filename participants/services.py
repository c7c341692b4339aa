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
from django.db.models import Q
from django.utils import timezone

from ist.idempotency import create_once
from ist.notifications.sweeps import sweep_for
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
from teams.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
    if referral.team is None:  # an accepted referral has its team
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
    if referral.protected_identity and not participant.protected_identity:
        # Protected identity known at intake flows to the person (docs/decisions/0019).
        from participants.privacy import identity_set

        identity_set(participant=participant, protected=True, by=by)
    notifications.send(notifications.ENROLLED, enrollment.pk, key="enrolled")
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
    data = dict(data)
    protected = data.pop("protected_identity", None)
    for field, value in data.items():
        setattr(current, field, value)
    current.version += 1
    current.save(update_fields=[*data, "version"])
    if protected is not None and protected != current.protected_identity:
        # Setting or removing the flag has consequences (grants revoked, referrals flagged, logged).
        from participants.privacy import identity_set

        identity_set(participant=current, protected=protected, by=by)
        current.refresh_from_db()
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
    sweep_for(enrollment)  # "Prova på slutar snart" ends with the phase
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
    sweep_for(enrollment)  # the inriktningstid items of the old end date go
    return extension


def _reassign_one(enrollment: Enrollment, *, responsible: User, second_contact: User | None, by: User) -> bool:
    """Change the locked, active enrolment's handledare and log it; no e-mail (the callers tell)."""
    if (enrollment.responsible_id, enrollment.second_contact_id) == (
        responsible.pk,
        second_contact.pk if second_contact else None,
    ):
        return False
    previous, previous_second = enrollment.responsible, enrollment.second_contact
    enrollment.responsible = responsible
    enrollment.second_contact = second_contact
    _bump(enrollment, ["responsible", "second_contact"])
    message = f"{previous.get_full_name()} → {responsible.get_full_name()}"
    if previous_second != second_contact:
        before = previous_second.get_full_name() if previous_second else "ingen"
        after = second_contact.get_full_name() if second_contact else "ingen"
        message += f"; andra kontaktperson {before} → {after}"
    _event(enrollment, Event.REASSIGNED, by, message)
    return True


@transaction.atomic
def reassign(
    *, enrollment: Enrollment, responsible: User, second_contact: User | None, by: User, expected_version: int
) -> bool:
    """The coordinator gives the participant a new handledare (or second contact); the new one is told."""
    enrollment = _locked(enrollment, expected_version)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise NotAllowedNow
    previous = enrollment.responsible
    if not _reassign_one(enrollment, responsible=responsible, second_contact=second_contact, by=by):
        return False
    if previous.pk != responsible.pk:
        notifications.send(notifications.REASSIGNED, enrollment.pk, key=enrollment.version)
    # The previous handledare's items about this participant go (the new one's come with the sweep).
    sweep_for(enrollment, previous)
    return True


@transaction.atomic
def reassign_many(*, enrollment_ids: list[int], replace: User, by_user: User, by: User) -> int:
    """Move the active enrolments `enrollment_ids` from `replace` to `by_user` in one step: where
    `replace` is responsible, `by_user` becomes responsible (the second contact stays, unless it is
    `by_user`, then none); where `replace` is second contact, `by_user` takes that place (none if
    `by_user` is already responsible). Each enrolment is logged as reassigned; `by_user` is told once.

    Pre: the caller (`by`) manages the enrolments' team and `by_user` is a handledare of it (the
    view's selectors). Rows are locked in id order, so two bulk moves cannot deadlock; enrolments no
    longer active or no longer held by `replace` are skipped, so a double submit moves nothing twice.
    Returns how many enrolments changed. Built for the handover after a deactivation and for moving
    many participants from Arbetsfördelning alike."""
    moved: list[Enrollment] = []
    locked = Enrollment.objects.select_for_update(of=("self",)).filter(
        pk__in=enrollment_ids, status=Enrollment.Status.ACTIVE
    )
    for enrollment in locked.select_related("responsible", "second_contact").order_by("pk"):
        if enrollment.responsible_id == replace.pk:
            second = None if enrollment.second_contact_id == by_user.pk else enrollment.second_contact
            changed = _reassign_one(enrollment, responsible=by_user, second_contact=second, by=by)
        elif enrollment.second_contact_id == replace.pk:
            second = None if enrollment.responsible_id == by_user.pk else by_user
            changed = _reassign_one(enrollment, responsible=enrollment.responsible, second_contact=second, by=by)
        else:
            changed = False
        if changed:
            moved.append(enrollment)
    if moved:
        # One e-mail per move: the first moved enrolment's new version names the occasion.
        notifications.send(notifications.REASSIGNED_MANY, by_user.pk, key=f"{moved[0].pk}-{moved[0].version}")
        # The previous handledare's items about these participants go (as in `reassign`).
        sweep_for(*moved, replace)
    return len(moved)


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
        activity = Activity.objects.create(
            form_token=token,
            enrollment=enrollment,
            kind=kind,
            date=day,
            attendance=attendance,
            duration_minutes=duration_minutes,
            note=note,
            logged_by=by,
        )
        sweep_for((User, enrollment.responsible_id))  # "veckologg saknas" names one participant less
        return activity

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
    sweep_for((User, current.enrollment.responsible_id))  # moved into a week whose log was missing
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
    sweep_for(*{(User, e.responsible_id) for e in enrollments})  # "veckologg saknas", per handledare
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
    # Every deadline of the stay ends with it, the handledare's week log included.
    sweep_for(enrollment, (User, enrollment.responsible_id))
    return closure


@transaction.atomic
def follow_up_record(*, follow_up: FollowUp, found: str, note: str, by: User) -> bool:
    """Record a follow-up once."""
    claimed = FollowUp.objects.filter(pk=follow_up.pk, found="").update(
        found=found, note=note, recorded_by=by, recorded_at=timezone.now()
    )
    if claimed:
        _event(follow_up.enrollment, Event.FOLLOW_UP, by, f"{follow_up.months} mån: {FollowUp.Found(found).label}")
        sweep_for(follow_up)
    return bool(claimed)


def attendance_choices() -> list[tuple[str, StrOrPromise]]:
    return list(Attendance.choices)


@transaction.atomic
def handover(*, user: User, team_id: int, to: User, by: User, today: date | None = None) -> tuple[int, int]:
    """ "Flytta alla": everything the deactivated `user` held in the team goes to the handledare `to`
    in one step: their active participants (reassign_many: each logged as reassigned, `to` told
    once; drafts follow their enrolments) and their upcoming information meetings (`to` attends in
    their place). The coordinators' "Att göra" item resolves at once.

    Pre: `by` coordinates the team; `to` is an active handledare of it. Idempotent: a second submit
    finds nothing left and returns (0, 0)."""
    from ist.notifications.sweeps import sweep
    from referrals.models import InformationMeeting

    today = today or timezone.localdate()
    ids = list(
        Enrollment.objects.filter(team_id=team_id, status=Enrollment.Status.ACTIVE)
        .filter(Q(responsible=user) | Q(second_contact=user))
        .values_list("pk", flat=True)
    )
    moved = reassign_many(enrollment_ids=ids, replace=user, by_user=to, by=by)
    meetings = 0
    upcoming = InformationMeeting.objects.select_for_update(of=("self",)).filter(
        referral__team_id=team_id, attendees=user, date__gte=today, outcome=""
    )
    for meeting in upcoming.order_by("pk"):
        meeting.attendees.remove(user)
        meeting.attendees.add(to)
        meetings += 1
    sweep("handover", today)
    return moved, meetings
