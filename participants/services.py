"""Every change to a participant's journey: one function per use case.

Keyword-only, transactional; idempotent where a double submit is possible
(form tokens, conditional updates); optimistic locking (`expected_version`)
on the enrolment and on activities.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, time
from typing import TYPE_CHECKING, Final, Literal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ist import personnummer
from ist.errors import NotAllowedNow, StaleEdit
from ist.idempotency import create_once
from ist.reminders.sweeps import sweep_for
from participants import emails, rules
from participants.inputs import (
    ActivityFields,
    ClosureFields,
    ContactDetails,
    EntryVariables,
    GroupFields,
    ParticipantCorrection,
    SessionFields,
)
from participants.models import (
    PHASE_ORDER,
    Activity,
    ActivityGroup,
    ActivityType,
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
    Transfer,
)
from referrals import lifecycle
from referrals.models import Referral
from reports import rollup
from teams.models import Team, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Event = EnrollmentEvent.Kind
FOLLOW_UP_MONTHS = (6, 12)

__all__ = ["DuplicateSession", "InvalidActivity"]


class InvalidActivity(Exception):  # noqa: N818 - a domain outcome, shown beside the field
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class DuplicateSession(Exception):  # noqa: N818 - a domain outcome: the session is already stored
    """The saved group already has a session on that date and time (another form than the first:
    Back and "Spara" after a reload). Carries the stored session, to link to it."""

    def __init__(self, session: GroupSession) -> None:
        super().__init__("Gruppträffen är redan registrerad – ändra den i stället.")
        self.session = session


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
    entry: EntryVariables,
    contact: ContactDetails | None = None,
    form_token: uuid.UUID | None = None,
) -> Enrollment:
    """Enrol the person of a referral whose information meeting ended in "wants to start".

    The person is found by personnummer (a returning person keeps their history)
    or created; sex and birth year are derived from the number. Starts in Prova på.
    The person's contact details become `contact` (default: the referral's), blanks included:
    an earlier record's details are never copied in silently (docs/decisions/0031).
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
            contact=contact,
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
    entry: EntryVariables,
    contact: ContactDetails | None,
    form_token: uuid.UUID | None,
) -> Enrollment:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if contact is None:
        contact = ContactDetails(phone=referral.phone, email=referral.email, address=referral.address)
    if referral.status != Referral.Status.READY or Enrollment.objects.filter(referral=referral).exists():
        raise NotAllowedNow
    identity = personnummer.parse(referral.personnummer)
    participant, created = Participant.objects.get_or_create(
        personnummer=identity.number,
        defaults={
            "first_name": referral.first_name,
            "last_name": referral.last_name,
            "phone": contact.phone,
            "email": contact.email,
            "address": contact.address,
            "municipality": referral.municipality,
            "sex": Participant.Sex.MALE if identity.male else Participant.Sex.FEMALE,
            "birth_year": identity.birth_date.year,
        },
    )
    if not created:
        # A returning person: the new referral's name and municipality (always filled by then), and
        # the contact details as confirmed, blanks included. An earlier stay's address or phone used to
        # stay silently where the new referral had none; now the enrol page offers it ("Använd").
        for name in ("first_name", "last_name", "municipality"):
            value = getattr(referral, name)
            if value:
                setattr(participant, name, value)
        for f in fields(contact):
            setattr(participant, f.name, getattr(contact, f.name))
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
        **{f.name: getattr(entry, f.name) for f in fields(entry)},
    )
    PhasePeriod.objects.create(enrollment=enrollment, phase=Phase.PROVA_PA, start=start_date, changed_by=by)
    _event(enrollment, Event.ENROLLED, by, f"Start {start_date:%Y-%m-%d}, ansvarig {responsible.get_full_name()}")
    if referral.protected_identity and not participant.protected_identity:
        # Protected identity known at intake flows to the person (docs/decisions/0019).
        from participants.privacy import identity_set

        identity_set(participant=participant, protected=True, by=by)
    emails.send(emails.ENROLLED, enrollment.pk, key="enrolled")
    lifecycle.on_enrolled(referral_id=referral.pk, by=by, start_date=start_date)  # Inskriven, with it
    return enrollment


@transaction.atomic
def participant_correct(
    *, participant: Participant, by: User, values: ParticipantCorrection, expected_version: int | None = None
) -> Participant:
    """A coordinator corrects derived or personal fields (sex, birth year, contact, protected identity).

    StaleEdit if someone saved the person after the form was opened."""
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    changed = []
    for name in (f.name for f in fields(values) if f.name != "protected_identity"):
        value = getattr(values, name)
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed.append(name)
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    protected = values.protected_identity
    if protected != current.protected_identity:
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
        emails.send(emails.REASSIGNED, enrollment.pk, key=enrollment.version)
    # The previous handledare's items about this participant go (the new one's come with the sweep).
    sweep_for(enrollment, previous)
    return True


KEEP: Final = "keep"
"""`reassign_many(second_contact=KEEP)`: every enrolment keeps its second contact (none if that is the
new handledare)."""


@dataclass(frozen=True)
class Reassigned:
    """What `reassign_many` did: the enrolments it changed, and the ones it left because someone
    changed them after the page was shown (stale: reported, never overwritten)."""

    moved: tuple[int, ...] = ()
    stale: tuple[int, ...] = ()


@transaction.atomic
def reassign_many(
    *,
    enrollment_ids: list[int] | dict[int, int],
    by_user: User,
    by: User,
    replace: User | None = None,
    second_contact: User | Literal["keep"] | None = KEEP,
) -> Reassigned:
    """Move many active enrolments to the handledare `by_user` in one step; each enrolment is logged
    as reassigned, `by_user` (and a new second contact) is told once. The one mechanism for the
    handover after a deactivation and for moving many participants from Arbetsfördelning.

    Handover (`replace` given): where `replace` is responsible, `by_user` becomes responsible (the
    second contact stays, unless it is `by_user`, then none); where `replace` is second contact,
    `by_user` takes that place (none if `by_user` is already responsible); enrolments no longer held
    by `replace` are skipped.

    Arbetsfördelning (`replace` None): `by_user` becomes responsible and `second_contact` the second
    contact (`KEEP`: the current one stays, none if it is `by_user`). `enrollment_ids` may map each id
    to the version the coordinator saw: an enrolment changed since then is left as it is and reported
    stale, unless it already has the chosen handledare (a double submit: nothing happens twice).

    Pre: the caller (`by`) manages the enrolments' team and `by_user` (and `second_contact`) are
    handledare of it (the view's selectors). Rows are locked in id order, so two bulk moves cannot
    deadlock; enrolments no longer active are skipped."""
    expected = enrollment_ids if isinstance(enrollment_ids, dict) else {}
    moved: list[Enrollment] = []
    stale: list[int] = []
    told_second: set[int] = set()
    previous: set[int] = set()
    locked = Enrollment.objects.select_for_update(of=("self",)).filter(
        pk__in=list(enrollment_ids), status=Enrollment.Status.ACTIVE
    )
    for enrollment in locked.select_related("responsible", "second_contact").order_by("pk"):
        if replace is not None:
            if enrollment.responsible_id == replace.pk:
                responsible = by_user
                second = None if enrollment.second_contact_id == by_user.pk else enrollment.second_contact
            elif enrollment.second_contact_id == replace.pk:
                responsible = enrollment.responsible
                second = None if enrollment.responsible_id == by_user.pk else by_user
            else:
                continue
        else:
            responsible = by_user
            second = enrollment.second_contact if isinstance(second_contact, str) else second_contact  # str: KEEP
            if second is not None and second.pk == by_user.pk:
                second = None
            target = (responsible.pk, second.pk if second else None)
            if (enrollment.responsible_id, enrollment.second_contact_id) == target:
                continue  # already so: a double submit, or the same choice as before
            if enrollment.pk in expected and enrollment.version != expected[enrollment.pk]:
                stale.append(enrollment.pk)
                continue
        previous_second = enrollment.second_contact_id
        previous.update(pk for pk in (enrollment.responsible_id, previous_second) if pk)
        if _reassign_one(enrollment, responsible=responsible, second_contact=second, by=by):
            moved.append(enrollment)
            if second is not None and second.pk != previous_second and second.pk != by_user.pk:
                told_second.add(second.pk)
    if moved:
        # One e-mail per person per move: the first moved enrolment's new version names the occasion.
        occasion = f"{moved[0].pk}-{moved[0].version}"
        emails.send(emails.REASSIGNED_MANY, by_user.pk, key=occasion)
        for user_id in sorted(told_second):
            emails.send(emails.REASSIGNED_MANY, user_id, key=occasion)
        # The previous handledare's items about these participants go (as in `reassign`).
        sweep_for(*moved, *((User, pk) for pk in sorted(previous)))
    return Reassigned(moved=tuple(e.pk for e in moved), stale=tuple(stale))


# -- Transfer to another team ---------------------------------------------------------------


@transaction.atomic
def transfer_propose(
    *,
    enrollment: Enrollment,
    to_team: Team,
    day: date,
    note: str,
    by: User,
    form_token: uuid.UUID | None = None,
) -> Transfer:
    """The sending team's coordinator proposes moving the active enrolment to `to_team` from `day`;
    the receiving team's coordinators are told (through the outbox). Once per form token; a second
    open proposal for the same enrolment: NotAllowedNow. Pre: `by` coordinates the enrolment's team.
    Raises InvalidActivity (day, to_team)."""

    def create(token: uuid.UUID | None) -> Transfer:
        current = _locked(enrollment)
        if current.status != Enrollment.Status.ACTIVE:
            raise NotAllowedNow
        if to_team.pk == current.team_id:
            raise InvalidActivity("to_team", "Deltagaren är redan inskriven i det teamet.")
        if day < current.start_date:
            raise InvalidActivity("date", f"Inskrivningen började {current.start_date:%Y-%m-%d}.")
        last = current.transfers.filter(status=Transfer.Status.ACCEPTED).order_by("-date").first()
        if last is not None and day <= last.date:
            raise InvalidActivity("date", f"Deltagaren flyttades senast {last.date:%Y-%m-%d}.")
        if current.transfers.filter(status=Transfer.Status.PROPOSED).exists():
            raise NotAllowedNow
        transfer = Transfer.objects.create(
            enrollment=current,
            from_team_id=current.team_id,
            to_team=to_team,
            date=day,
            note=note,
            proposed_by=by,
            form_token=token,
        )
        emails.send(emails.TRANSFER_PROPOSED, transfer.pk, key=transfer.pk)
        return transfer

    transfer, _created = create_once(Transfer, form_token=form_token, create=create, proposed_by=by)
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: Transfer, responsible: User, by: User) -> bool:
    """The receiving team's coordinator accepts: from the transfer date the enrolment is the
    receiving team's, with `responsible` as handledare (no second contact: the old one was the
    sending team's). Its history, documents and grants follow the enrolment; the move is on the
    timeline; the new handledare is told. Accepting twice changes nothing (False).
    Pre: `by` coordinates the receiving team; `responsible` is a handledare of it."""
    current = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if current.status == Transfer.Status.ACCEPTED:
        return False
    if current.status != Transfer.Status.PROPOSED:
        raise NotAllowedNow
    enrollment = _locked(current.enrollment)
    if enrollment.status != Enrollment.Status.ACTIVE or enrollment.team_id != current.from_team_id:
        raise NotAllowedNow
    previous = (enrollment.responsible_id, enrollment.second_contact_id)
    enrollment.team_id = current.to_team_id
    # Activities from the transfer date on were counted for the sending team: count those days again.
    rollup.mark_dirty(days=enrollment.activities.filter(date__gte=current.date).values_list("date", flat=True))
    enrollment.responsible = responsible
    enrollment.second_contact = None
    _bump(enrollment, ["team", "responsible", "second_contact"])
    current.status = Transfer.Status.ACCEPTED
    current.decided_by = by
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    _event(
        enrollment,
        Event.TRANSFERRED,
        by,
        f"{current.from_team} → {current.to_team} från {current.date:%Y-%m-%d}; "
        f"ansvarig handledare {responsible.get_full_name()}",
    )
    emails.send(emails.REASSIGNED, enrollment.pk, key=enrollment.version)
    sweep_for(enrollment, *((User, pk) for pk in previous if pk))
    return True


@transaction.atomic
def transfer_decline(*, transfer: Transfer, by: User) -> bool:
    """The receiving team's coordinator declines; the proposer is told. Declining twice: False."""
    current = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if current.status == Transfer.Status.DECLINED:
        return False
    if current.status != Transfer.Status.PROPOSED:
        raise NotAllowedNow
    current.status = Transfer.Status.DECLINED
    current.decided_by = by
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    emails.send(emails.TRANSFER_DECLINED, current.pk, key=current.pk)
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


def _check_kind(code: str, *, current: str | None = None) -> None:
    """A new activity needs an active kind; a corrected one may keep a kind made inactive since."""
    if code == current:
        return
    if not ActivityType.objects.filter(code=code, active=True).exists():
        raise InvalidActivity("kind", "Välj ett aktivitetsslag som finns.")


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
        _check_kind(kind)
        activity = Activity.objects.create(
            form_token=token,
            enrollment=enrollment,
            kind_id=kind,  # the kind's code
            date=day,
            attendance=attendance,
            duration_minutes=duration_minutes,
            note=note,
            logged_by=by,
        )
        rollup.mark_dirty(days=[day])  # Statistik counts the day live until the worker has counted it again
        sweep_for((User, enrollment.responsible_id))  # "veckologg saknas" names one participant less
        return activity

    activity, _created = create_once(Activity, form_token=form_token, create=create, enrollment=enrollment)
    return activity


@transaction.atomic
def activity_correct(
    *, activity: Activity, by: User, values: ActivityFields, expected_version: int, today: date | None = None
) -> Activity:
    """Correct a logged activity (earlier weeks too); the change is in the history and on the timeline."""
    current = Activity.objects.select_for_update().select_related("enrollment").get(pk=activity.pk)
    if current.version != expected_version:
        raise StaleEdit
    _check_date(current.enrollment, values.date, today or timezone.localdate())
    _check_kind(values.kind, current=current.kind_id)
    wanted = {f.name: getattr(values, f.name) for f in fields(values)}
    wanted["kind_id"] = wanted.pop("kind")  # the kind's code
    changed = [name for name, value in wanted.items() if getattr(current, name) != value]
    if not changed:
        return current
    rollup.mark_dirty(days=[current.date, values.date])  # the day it was on and the day it moves to
    for name in changed:
        setattr(current, name, wanted[name])
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    named = ", ".join("kind" if field == "kind_id" else field for field in changed)
    _event(current.enrollment, Event.ACTIVITY_CORRECTED, by, f"{current} ({named})")
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
    rollup.mark_dirty(days=[current.date])
    current.delete()


def _refuse_same_one_off(team_id: int, kind: str, day: date, people: set[int]) -> None:
    """A one-off session (no saved group, no time) is the same as a stored one of the team, kind
    and date with exactly the same participants: Back and "Spara" on a reloaded form stored it twice
    ("✓ ons ✓ ons", issue 19). Two sessions of one day with other participants are fine."""
    same_day = GroupSession.objects.filter(team_id=team_id, kind__code=kind, date=day, group__isnull=True)
    stored: dict[int, set[int]] = {}
    for session_id, enrollment_id in Activity.objects.filter(group_session__in=same_day).values_list(
        "group_session_id", "enrollment_id"
    ):
        stored.setdefault(session_id, set()).add(enrollment_id)
    for session_id, attendees in stored.items():
        if attendees == people:
            raise DuplicateSession(GroupSession.objects.get(pk=session_id))


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
    """One session with an attendance list: enrolment id → attendance. Once per form token; the
    same team, kind, date and participants from another form: DuplicateSession.

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
    group: ActivityGroup | None = None,
    start_time: time | None = None,
) -> GroupSession:
    enrollments = list(Enrollment.objects.filter(pk__in=attendance, team_id=team_id))
    if len(enrollments) != len(attendance):
        raise NotAllowedNow
    if group is None:
        _refuse_same_one_off(team_id, kind, day, set(attendance))
    for enrollment in enrollments:
        _check_date(enrollment, day, today)
    _check_kind(kind)
    session = GroupSession.objects.create(
        team_id=team_id,
        kind_id=kind,
        date=day,
        duration_minutes=duration_minutes,
        note=note,
        led_by=by,
        form_token=form_token,
        group=group,
        start_time=start_time,
    )
    Activity.objects.bulk_create(
        [
            Activity(
                enrollment=e,
                kind_id=kind,
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
    rollup.mark_dirty(days=[day])
    sweep_for(*{(User, e.responsible_id) for e in enrollments})  # "veckologg saknas", per handledare
    return session


# -- Saved groups and their sessions (issue 19.4, docs/decisions/0035) ---------------------


def _check_group(team_id: int, values: GroupFields, members: list[Enrollment], *, current_kind: str | None) -> None:
    _check_kind(values.kind, current=current_kind)
    if any(m.team_id != team_id or m.status != Enrollment.Status.ACTIVE for m in members):
        raise NotAllowedNow  # a member moved or closed since the form was shown


@transaction.atomic
def group_create(
    *,
    team: Team,
    values: GroupFields,
    members: list[Enrollment],
    by: User,
    form_token: uuid.UUID | None = None,
) -> ActivityGroup:
    """Save a group of the team's active participants. Once per form token.
    Pre: `by` is staff of the team and may change every member. Raises InvalidActivity (kind),
    NotAllowedNow (a member no longer active in the team)."""

    def create(token: uuid.UUID | None) -> ActivityGroup:
        _check_group(team.pk, values, members, current_kind=None)
        group = ActivityGroup.objects.create(
            team=team,
            name=values.name,
            kind_id=values.kind,
            weekday=values.weekday,
            start_time=values.start_time,
            duration_minutes=values.duration_minutes,
            created_by=by,
            form_token=token,
        )
        group.members.set(members)
        return group

    group, _created = create_once(ActivityGroup, form_token=form_token, create=create, created_by=by)
    return group


@transaction.atomic
def group_update(
    *, group: ActivityGroup, values: GroupFields, members: list[Enrollment], by: User, expected_version: int
) -> ActivityGroup:
    """Change a group's fields and members (sessions already logged keep who attended). A second
    identical submit changes nothing; a colleague's change since the form was shown: StaleEdit.
    Pre: as group_create; `members` is the whole new membership."""
    current = ActivityGroup.objects.select_for_update().get(pk=group.pk)
    wanted = {f.name: getattr(values, f.name) for f in fields(values)}
    wanted["kind_id"] = wanted.pop("kind")
    unchanged = all(getattr(current, k) == v for k, v in wanted.items()) and set(
        current.members.values_list("pk", flat=True)
    ) == {m.pk for m in members}
    if unchanged:
        return current
    if current.version != expected_version:
        raise StaleEdit
    _check_group(current.team_id, values, members, current_kind=current.kind_id)
    for name, value in wanted.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    current.members.set(members)
    return current


@transaction.atomic
def group_archive(*, group: ActivityGroup, archived: bool, by: User) -> bool:
    """Archive a group no longer meeting (its sessions stay), or take it back. Idempotent: False if
    it already was so. Pre: `by` is staff of the group's team."""
    current = ActivityGroup.objects.select_for_update().get(pk=group.pk)
    if (current.archived_at is not None) == archived:
        return False
    current.archived_at = timezone.now() if archived else None
    current.version += 1
    current.save(update_fields=["archived_at", "version"])
    return True


@dataclass(frozen=True)
class SessionLogged:
    session: GroupSession
    created: bool  # False: a double submit of the same form, which changed nothing


@transaction.atomic
def group_meeting_log(
    *,
    group: ActivityGroup,
    values: SessionFields,
    attendance: dict[int, str],
    by: User,
    form_token: uuid.UUID | None = None,
    today: date | None = None,
) -> SessionLogged:
    """Log a session of a saved group in one go: enrolment id -> attendance (members and anyone
    added for this session). Once per form token (a double click); a second form for the same
    group, date and start time: DuplicateSession. Pre: every enrolment is active in the group's
    team and changeable by `by`. Raises InvalidActivity (date), NotAllowedNow."""

    def create(token: uuid.UUID | None) -> GroupSession:
        existing = GroupSession.objects.filter(group=group, date=values.date, start_time=values.start_time).first()
        if existing is not None:
            raise DuplicateSession(existing)
        try:
            with transaction.atomic():
                return _group_session_create(
                    team_id=group.team_id,
                    kind=group.kind_id,
                    day=values.date,
                    duration_minutes=values.duration_minutes,
                    note=values.note,
                    attendance=attendance,
                    by=by,
                    form_token=token,
                    today=today or timezone.localdate(),
                    group=group,
                    start_time=values.start_time,
                )
        except IntegrityError:  # a colleague stored the same session a moment ago
            same = GroupSession.objects.filter(group=group, date=values.date, start_time=values.start_time).first()
            if same is None:
                raise
            raise DuplicateSession(same) from None

    session, created = create_once(GroupSession, form_token=form_token, create=create, led_by=by)
    return SessionLogged(session, created)


def _session_note(session: GroupSession) -> str:
    when = f" {session.start_time:%H:%M}" if session.start_time else ""
    name = session.group.name if session.group_id and session.group else session.kind.name
    return f"Gruppträff {name} {session.date:%Y-%m-%d}{when}"


@transaction.atomic
def group_session_correct(
    *,
    session: GroupSession,
    values: SessionFields,
    attendance: dict[int, str],
    by: User,
    expected_version: int,
    today: date | None = None,
) -> GroupSession:
    """Correct a whole session at once: its date, time, length and note for every activity, and the
    attendance list (enrolment id -> attendance; an enrolment left out is removed from the session,
    a new one added). Every activity changed is saved one by one (the audit trail) and put on its
    participant's timeline, as a correction of one activity is. A second identical submit changes
    nothing; a colleague's change since the form was shown: StaleEdit. Pre: as group_meeting_log.
    Raises InvalidActivity (date), DuplicateSession (the group's other session at that time)."""
    current = GroupSession.objects.select_for_update(of=("self",)).select_related("group", "kind").get(pk=session.pk)
    activities = {a.enrollment_id: a for a in current.activities.select_related("enrollment", "kind")}
    shared = {"date": values.date, "duration_minutes": values.duration_minutes, "note": values.note}
    session_wanted = {**shared, "start_time": values.start_time}
    same_session = all(getattr(current, k) == v for k, v in session_wanted.items())
    same_people = set(activities) == set(attendance) and all(
        all(getattr(a, k) == v for k, v in shared.items()) and a.attendance == attendance[pk]
        for pk, a in activities.items()
    )
    if same_session and same_people:
        return current
    if current.version != expected_version:
        raise StaleEdit
    if current.group_id and (values.date, values.start_time) != (current.date, current.start_time):
        clash = GroupSession.objects.filter(group_id=current.group_id, date=values.date, start_time=values.start_time)
        if (other := clash.exclude(pk=current.pk).first()) is not None:
            raise DuplicateSession(other)
    added = [pk for pk in attendance if pk not in activities]
    newcomers = list(Enrollment.objects.filter(pk__in=added, team_id=current.team_id, status=Enrollment.Status.ACTIVE))
    if len(newcomers) != len(added):
        raise NotAllowedNow
    day = today or timezone.localdate()
    for enrollment in [*(a.enrollment for pk, a in activities.items() if pk in attendance), *newcomers]:
        _check_date(enrollment, values.date, day)
    old_day = current.date
    for name, value in session_wanted.items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    what = _session_note(current)
    responsible: set[int] = set()
    for pk, activity in activities.items():
        responsible.add(activity.enrollment.responsible_id)
        if pk not in attendance:
            _event(activity.enrollment, Event.ACTIVITY_CORRECTED, by, f"{what}: borttagen ur träffen")
            activity.delete()  # one by one: each removal is in the audit trail
            continue
        wanted = {**shared, "attendance": attendance[pk]}
        changed = [k for k, v in wanted.items() if getattr(activity, k) != v]
        if not changed:
            continue
        for name in changed:
            setattr(activity, name, wanted[name])
        activity.version += 1
        activity.save(update_fields=[*changed, "version"])
        _event(activity.enrollment, Event.ACTIVITY_CORRECTED, by, f"{what} ({', '.join(changed)})")
    for enrollment in newcomers:
        responsible.add(enrollment.responsible_id)
        Activity.objects.create(
            enrollment=enrollment,
            kind_id=current.kind_id,
            group_session=current,
            logged_by=by,
            attendance=attendance[enrollment.pk],
            **shared,
        )
        _event(enrollment, Event.ACTIVITY_CORRECTED, by, f"{what}: tillagd i träffen")
    rollup.mark_dirty(days=[old_day, values.date])
    sweep_for(*((User, pk) for pk in responsible))
    return current


@transaction.atomic
def group_session_delete(*, session: GroupSession, by: User, expected_version: int | None = None) -> bool:
    """Remove a whole session logged by mistake: every activity of it, each on its participant's
    timeline and in the audit trail. Removing it twice: False. A colleague's correction since the
    form was shown: StaleEdit."""
    current = (
        GroupSession.objects.select_for_update(of=("self",))
        .select_related("group", "kind")
        .filter(pk=session.pk)
        .first()
    )
    if current is None:
        return False
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    what = _session_note(current)
    responsible = set()
    for activity in current.activities.select_related("enrollment"):
        responsible.add(activity.enrollment.responsible_id)
        _event(activity.enrollment, Event.ACTIVITY_CORRECTED, by, f"{what}: borttagen")
        activity.delete()
    rollup.mark_dirty(days=[current.date])
    current.delete()
    sweep_for(*((User, pk) for pk in responsible))
    return True


# -- Closure and follow-up -------------------------------------------------------------


@transaction.atomic
def close(*, enrollment: Enrollment, by: User, values: ClosureFields, expected_version: int | None = None) -> Closure:
    """Close the enrolment once, with exit reason and exit variables; follow-ups at 6 and 12 months
    become due. A closure for health reasons requires that the care provider and the other parties
    were consulted. Closing twice: NotAllowedNow."""
    enrollment = _locked(enrollment, expected_version)
    if enrollment.status != Enrollment.Status.ACTIVE:
        raise NotAllowedNow
    reason = values.reason
    if reason.health and not (values.care_provider_consulted and values.parties_consulted):
        raise InvalidActivity(
            "care_provider_consulted",
            "Vid avslut av hälsoskäl ska vårdgivaren och övriga parter ha hörts först.",
        )
    if values.date < enrollment.start_date:
        raise InvalidActivity("date", "Avslutet kan inte ligga före starten.")
    closure = Closure.objects.create(
        enrollment=enrollment, closed_by=by, **{f.name: getattr(values, f.name) for f in fields(values)}
    )
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
    if enrollment.referral_id is not None:
        lifecycle.on_closed(referral_id=enrollment.referral_id, by=by, closed_on=closure.date)  # Avslutad
    # Every deadline of the stay ends with it, the handledare's week log included.
    sweep_for(enrollment, (User, enrollment.responsible_id))
    return closure


@transaction.atomic
def follow_up_record(*, follow_up: FollowUp, found: str, note: str, by: User, today: date | None = None) -> bool:
    """Record a follow-up once, and not before it is due (rules.follow_up_open): NotAllowedNow."""
    if not rules.follow_up_open(follow_up.due_on, today or timezone.localdate()):
        raise NotAllowedNow
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
    from ist.reminders.sweeps import sweep
    from referrals.models import InformationMeeting

    today = today or timezone.localdate()
    ids = list(
        Enrollment.objects.filter(team_id=team_id, status=Enrollment.Status.ACTIVE)
        .filter(Q(responsible=user) | Q(second_contact=user))
        .values_list("pk", flat=True)
    )
    moved = len(reassign_many(enrollment_ids=ids, replace=user, by_user=to, by=by).moved)
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
