"""Every change to referrals, questions and meetings: one function per use case.

Conventions: keyword-only, transactional, idempotent where a double submit is
possible (form tokens, conditional status changes), and optimistic locking
(`expected_version`) where two people may edit the same referral.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, replace
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ist.errors import NotAllowedNow, StaleEdit
from ist.idempotency import create_once
from ist.reminders.sweeps import sweep_for
from referrals import arrivals, emails, letters
from referrals import deadline as clock
from referrals.inputs import ReferralFields, RegisteredReferralFields, TeamEdit
from referrals.models import (
    AgendaItem,
    ConsentHow,
    ConsultativeQuestion,
    InformationMeeting,
    MeetingAttendance,
    Referral,
    ReferralEvent,
    TeamMeeting,
)
from referrals.rules import missing_for_submit
from teams.access import grant

if TYPE_CHECKING:
    from teams.models import Team, User

Status = Referral.Status
Event = ReferralEvent.Kind
Decision = AgendaItem.Decision
Outcome = InformationMeeting.Outcome

VIEW_REFERRAL = "view_referral"
WAITING = (Status.SUBMITTED, Status.NEEDS_INFO, Status.ON_AGENDA)


class IncompleteReferral(Exception):  # noqa: N818
    def __init__(self, missing: dict[str, str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class Saved:
    referral: Referral
    created: bool


# -- Referrals -------------------------------------------------------------------


def _locked(referral: Referral, expected_version: int | None) -> Referral:
    """The row, locked for this transaction; StaleEdit if it moved on since the form was opened."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    return current


def _apply(referral: Referral, values: ReferralFields | TeamEdit) -> list[str]:
    """Write the typed fields onto the referral; returns the names of those that changed."""
    changed = []
    for name in (f.name for f in fields(values)):
        value = getattr(values, name)
        if getattr(referral, name) != value:
            setattr(referral, name, value)
            changed.append(name)
    if "municipality" in changed and referral.municipality is not None and referral.status == Status.DRAFT:
        referral.team = referral.municipality.team
        changed.append("team")
    return changed


def known_protected(personnummer: str) -> bool:
    """Is the person already known to have protected identity (a flagged referral or participant)?
    Then a new referral or question about them is flagged from the start. That flag is not the
    author's (`protected_identity_by_author` stays false), so nothing the author sees of their own
    referral or question changes: else a question would tell any referrer whether a personnummer is
    protected (ist/privacy/identity.py)."""
    if not personnummer:
        return False
    from participants.models import Participant  # participants builds on referrals: read its flag lazily

    return (
        Referral.objects.filter(personnummer=personnummer, protected_identity=True).exists()
        or Participant.objects.filter(personnummer=personnummer, protected_identity=True).exists()
    )


def _record_intake(referral: Referral, by: User) -> list[str]:
    """What the team records when a referral arrives: who recorded the consent, and the protected
    flag of a person already known to be protected. Returns the changed fields."""
    changed = []
    if referral.consent_given and referral.consent_recorded_by_id is None:
        referral.consent_recorded_by = by
        changed.append("consent_recorded_by")
    if not referral.protected_identity and known_protected(referral.personnummer):
        referral.protected_identity = True
        changed.append("protected_identity")
    return changed


def _author_flag(current: Referral | None, values: ReferralFields) -> tuple[ReferralFields, bool]:
    """The referrer's tick in the form is their own flag (`protected_identity_by_author`). The flag
    itself is the tick, or stays set when someone else set it (the team, another record of the
    person) or the referral has been sent: then only the team removes it (referral_update_by_team).
    Returns the fields with the flag to store, and the referrer's own tick.
    """
    tick = values.protected_identity
    keep = False
    if current is not None and current.protected_identity:
        set_elsewhere = not current.protected_identity_by_author
        keep = set_elsewhere or current.status != Status.DRAFT
    return replace(values, protected_identity=tick or keep), tick


def _set_author_tick(referral: Referral, tick: bool, changed: list[str]) -> None:
    if referral.protected_identity_by_author != tick:
        referral.protected_identity_by_author = tick
        changed.append("protected_identity_by_author")


def _event(referral: Referral, kind: str, by: User | None, message: str = "") -> None:
    ReferralEvent.objects.create(referral=referral, kind=kind, by=by, message=message)


@transaction.atomic
def referral_save_draft(
    *,
    referrer: User,
    values: ReferralFields,
    form_token: uuid.UUID | None = None,
    referral: Referral | None = None,
    expected_version: int | None = None,
) -> Saved:
    """Create (once per form token) or update the referrer's own draft or returned referral.

    Pre: `referral`, if given, was fetched through the referrer's scope and is open for them.
    """
    if referral is None:

        def create(token: uuid.UUID | None) -> Referral:
            draft = Referral(
                referrer=referrer,
                referrer_name=referrer.get_full_name(),
                referrer_email=referrer.email,
                referrer_phone=referrer.phone,
                referrer_organisation=referrer.organisation,
                form_token=token,
            )
            flagged, tick = _author_flag(None, values)
            _apply(draft, flagged)
            draft.protected_identity_by_author = tick
            draft.save()
            grant(VIEW_REFERRAL, referrer, draft)
            return draft

        return Saved(*create_once(Referral, form_token=form_token, create=create, referrer=referrer))
    current = _locked(referral, expected_version)
    if not current.is_open_for_referrer:
        raise NotAllowedNow
    flagged, tick = _author_flag(current, values)
    changed = _apply(current, flagged)
    _set_author_tick(current, tick, changed)
    if changed:
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
    return Saved(current, created=False)


@transaction.atomic
def referral_submit(*, referral: Referral, by: User, today: date | None = None) -> bool:
    """Send a draft (or a completed referral that was sent back) to the team.

    Raises IncompleteReferral with what is missing. Idempotent: sending a
    referral that is already sent changes nothing and returns False.
    """
    current = Referral.objects.select_for_update(of=("self",)).select_related("team").get(pk=referral.pk)
    if current.status not in (Status.DRAFT, Status.NEEDS_INFO):
        return False
    missing = missing_for_submit(current)
    if missing:
        raise IncompleteReferral(missing)
    today = today or timezone.localdate()
    if current.status == Status.DRAFT:
        current.received_on = today
        if current.team is None:  # the municipality (required above) brings the team
            raise IncompleteReferral({"municipality": "Kommunen hör inte till något team."})
        current.answer_deadline = today + timedelta(days=current.team.answer_deadline_days)
        _event(current, Event.SUBMITTED, by)
        resumed: list[str] = []
    else:
        _event(current, Event.RESUBMITTED, by)
        resumed = clock.resume(current, today)  # the answer clock runs again, the deadline moved by the pause
    current.status = Status.SUBMITTED
    current.version += 1
    intake = _record_intake(current, by)
    current.save(
        update_fields=list(
            dict.fromkeys(["status", "received_on", "answer_deadline", "version", "updated_at", *resumed, *intake])
        )
    )
    arrivals.referral_arrived(current)  # the team's coordinators (and mailbox) hear of it now
    sweep_for(current)  # "komplettering har dröjt" ends with the completion
    return True


@transaction.atomic
def referral_register(
    *,
    by: User,
    team: Team,
    values: RegisteredReferralFields,
    channel: str,
    received_on: date,
    form_token: uuid.UUID | None = None,
) -> Saved:
    """A coordinator registers a referral that came on paper or by e-mail, or that follows an
    information meeting held without a written referral. It arrives as submitted.

    Pre: `team` is one the coordinator manages. Raises IncompleteReferral.
    """

    def create(token: uuid.UUID | None) -> Referral:
        referral = Referral(
            team=team,
            channel=channel,
            status=Status.SUBMITTED,
            registered_by=by,
            received_on=received_on,
            answer_deadline=received_on + timedelta(days=team.answer_deadline_days),
            form_token=token,
        )
        _apply(referral, values)
        referral.team = team  # the coordinator's choice wins over the municipality's team
        missing = missing_for_submit(referral, registered=True)
        if missing:
            raise IncompleteReferral(missing)
        _record_intake(referral, by)
        referral.save()
        _event(referral, Event.REGISTERED, by)
        arrivals.referral_arrived(referral)  # the team's other coordinators (and mailbox) hear of it now
        return referral

    return Saved(*create_once(Referral, form_token=form_token, create=create, registered_by=by))


@transaction.atomic
def referral_update_by_team(*, referral: Referral, by: User, values: TeamEdit, expected_version: int) -> Referral:
    """A coordinator corrects a referral (contact details, municipality, team, checklist).

    Pre: fetched through the coordinator's manage scope, and `values.team` is one of their teams.
    Raises StaleEdit.
    """
    current = _locked(referral, expected_version)
    old_team = current.team
    if not values.protected_identity:
        from participants.models import Participant  # participants builds on referrals: read lazily

        if Participant.objects.filter(personnummer=current.personnummer, protected_identity=True).exists():
            # The person's flag is removed on the participant (a coordinator), never through a copy.
            values = replace(values, protected_identity=True)
    if values.team != old_team and current.status not in WAITING:
        # Decided, booked or enrolled: the case belongs to its team now.
        raise NotAllowedNow
    changed = _apply(current, values)
    if not values.protected_identity:
        # The flag is gone, the referrer's own mark with it: a flag set again later is not theirs.
        _set_author_tick(current, False, changed)
    if not changed:
        return current
    current.version += 1
    current.save(update_fields=[*set(changed), "version", "updated_at"])
    if current.team_id != (old_team.pk if old_team else None):
        # The old team's agendas no longer concern it; the new team takes it up afresh.
        undecided = AgendaItem.objects.filter(referral=current, decision="")
        old_meetings = list(undecided.values_list("meeting_id", flat=True))
        undecided.delete()
        if current.status == Status.ON_AGENDA:
            current.status = Status.SUBMITTED
            current.save(update_fields=["status"])
        _event(current, Event.TEAM_CHANGED, by, f"{old_team} → {current.team}")
        arrivals.referral_arrived(current)  # new work for the new team's coordinators (and mailbox)
        # The old team's coordinators no longer answer it; its meetings have one point less to prepare.
        sweep_for(current, *[(TeamMeeting, pk) for pk in old_meetings])
    return current


@transaction.atomic
def referral_request_info(*, referral: Referral, by: User, message: str) -> bool:
    """Send the referral back to the referrer with a message. Idempotent on status."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status not in (Status.SUBMITTED, Status.ON_AGENDA):
        return False
    current.status = Status.NEEDS_INFO
    current.version += 1
    paused = clock.pause(current, timezone.localdate())  # the answer clock stops while the referrer completes it
    current.save(update_fields=["status", "version", "updated_at", *paused])
    _event(current, Event.INFO_REQUESTED, by, message)
    emails.send(emails.INFO_REQUESTED, current.pk, key=current.version)
    arrivals.komplettering_asked(current)  # the referrer's "Att göra"
    sweep_for(current)  # answered for now: the answer deadline's items go
    return True


# -- Questions -------------------------------------------------------------------


@transaction.atomic
def question_ask(
    *,
    asked_by: User,
    team: Team,
    question: str,
    personnummer: str = "",
    person_name: str = "",
    consent_given: bool = False,
    consent_date: date | None = None,
    consent_how: str = "",
    protected_identity: bool = False,
    form_token: uuid.UUID | None = None,
) -> ConsultativeQuestion:
    """Put a consultative question to a team, once per form token.

    A question that names the person (personnummer or name) requires their consent, like a referral
    (NotAllowedNow without it); an anonymous one does not. A person already known to be protected
    is flagged on the question too, but not as the asker's flag (`protected_identity_by_author`),
    so the asker sees their question as they would for anyone (known_protected)."""
    named = bool(personnummer or person_name.strip())
    if named and not (consent_given and consent_date):
        raise NotAllowedNow
    question_row, created = create_once(
        ConsultativeQuestion,
        form_token=form_token,
        create=lambda token: ConsultativeQuestion.objects.create(
            team=team,
            asked_by=asked_by,
            organisation=asked_by.organisation,
            question=question,
            personnummer=personnummer,
            person_name=person_name,
            consent_given=named and consent_given,
            consent_date=consent_date if named else None,
            consent_how=(consent_how or ConsentHow.WRITTEN) if named else "",
            protected_identity=named and (protected_identity or known_protected(personnummer)),
            protected_identity_by_author=named and protected_identity,
            form_token=token,
        ),
        asked_by=asked_by,
    )
    if created:
        arrivals.question_arrived(question_row)  # the team's coordinators (and mailbox) hear of it now
    return question_row


# -- Meetings --------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, team: Team, date: date, start_time: time, place: str, by: User, form_token: uuid.UUID | None = None
) -> TeamMeeting:
    """A coordinator schedules a samverkansteam meeting, once per form token. The team's members
    and coordinators get it by e-mail with a calendar invite, unless it is dated in the past (a
    meeting recorded afterwards)."""

    def create(token: uuid.UUID | None) -> TeamMeeting:
        meeting = TeamMeeting.objects.create(
            team=team, date=date, start_time=start_time, place=place, created_by=by, form_token=token
        )
        if date >= timezone.localdate():
            emails.send(emails.MEETING_BOOKED, meeting.pk, key="booked")
        return meeting

    meeting, _created = create_once(TeamMeeting, form_token=form_token, create=create, created_by=by)
    return meeting


@transaction.atomic
def agenda_add(
    *, meeting: TeamMeeting, by: User, referral: Referral | None = None, question: ConsultativeQuestion | None = None
) -> bool:
    """Put a waiting referral or question on the meeting's agenda. Idempotent.

    Pre: the subject belongs to the meeting's team.
    """
    subject = referral or question
    if subject is not None:  # decide on the row as it is now, not on the caller's copy
        subject = type(subject).objects.select_for_update().get(pk=subject.pk)
    if subject is None or subject.team_id != meeting.team_id:
        raise NotAllowedNow
    waiting = WAITING if referral else ("new", "on_agenda")
    if subject.status not in waiting:
        raise NotAllowedNow  # decided or still a draft: nothing for the samverkansteam to take up
    if AgendaItem.objects.filter(meeting=meeting, referral=referral, question=question).exists():
        return False
    position = (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1
    AgendaItem.objects.create(meeting=meeting, referral=referral, question=question, position=position)
    if referral is not None:
        Referral.objects.filter(pk=referral.pk, status=Status.SUBMITTED).update(status=Status.ON_AGENDA)
        _event(referral, Event.ON_AGENDA, by, str(meeting))
    elif question is not None:
        ConsultativeQuestion.objects.filter(pk=question.pk, status=ConsultativeQuestion.Status.NEW).update(
            status=ConsultativeQuestion.Status.ON_AGENDA
        )
    sweep_for(subject)  # taken up: "Ny remiss" / "Ny fråga" leaves "Att göra"
    return True


@transaction.atomic
def meeting_record_attendance(
    *, meeting: TeamMeeting, rows: list[tuple[str, str]], expected_version: int | None = None
) -> None:
    """Replace the attendance list with (organisation kind, name) rows.

    StaleEdit if someone saved the list after this form was opened (`expected_version`).
    """
    current = TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    current.version += 1
    current.save(update_fields=["version"])
    meeting.version = current.version
    meeting.attendances.all().delete()
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(meeting=meeting, organisation_kind=kind, name=name) for kind, name in dict.fromkeys(rows)]
    )


_REFERRAL_AFTER = {
    Decision.ACCEPT: Status.ACCEPTED,
    Decision.REJECT: Status.REJECTED,
    Decision.MORE_INFO: Status.NEEDS_INFO,
}


@transaction.atomic
def agenda_decide(*, item: AgendaItem, decision: str, reasoning: str, by: User) -> bool:
    """Record the team's decision on an agenda item, once.

    A referral: accept (an information meeting is offered), reject, or ask for
    more information; the referrer and the support authority are told. A
    question: answered with the reasoning as the answer. A second decision on
    the same item changes nothing and returns False.
    """
    now = timezone.now()
    claimed = AgendaItem.objects.filter(pk=item.pk, decision="").update(
        decision=decision, reasoning=reasoning, decided_at=now, decided_by=by
    )
    if not claimed:
        return False
    item.refresh_from_db()
    if item.referral_id:
        if decision not in _REFERRAL_AFTER:
            raise NotAllowedNow
        referral = Referral.objects.select_for_update().get(pk=item.referral_id)
        if referral.status not in (Status.SUBMITTED, Status.ON_AGENDA) or referral.team_id != item.meeting.team_id:
            raise NotAllowedNow  # decided elsewhere, sent back, or moved: the claim above rolls back
        referral.status = _REFERRAL_AFTER[Decision(decision)]
        referral.decision_reason = reasoning
        referral.decided_at = now
        referral.version += 1
        # "Mer information": a komplettering like any other, the answer clock stops.
        paused = clock.pause(referral, timezone.localdate()) if decision == Decision.MORE_INFO else []
        referral.save(update_fields=["status", "decision_reason", "decided_at", "version", "updated_at", *paused])
        if paused:
            arrivals.komplettering_asked(referral)
        _event(referral, Event.DECIDED, by, f"{Decision(decision).label}. {reasoning}".strip())
        AgendaItem.objects.filter(referral=referral, decision="").exclude(pk=item.pk).delete()
        emails.send(emails.DECIDED, referral.pk, key=referral.version)
        letters.decision_letter_queue(item=item)  # for those told of it who cannot read it in IST
    else:
        if decision != Decision.ANSWERED or item.question_id is None:
            raise NotAllowedNow
        ConsultativeQuestion.objects.filter(pk=item.question_id).update(
            status=ConsultativeQuestion.Status.ANSWERED, answer=reasoning, answered_at=now
        )
        emails.send(emails.QUESTION_ANSWERED, item.question_id, key=f"item-{item.pk}")
    # The referral is answered; the meeting has one point less to prepare (none left: its item goes).
    sweep_for((TeamMeeting, item.meeting_id), *([(Referral, item.referral_id)] if item.referral_id else []))
    return True


# -- Information meetings -------------------------------------------------------------


@transaction.atomic
def info_meeting_book(
    *,
    referral: Referral,
    date: date,
    start_time: time,
    place: str,
    attendees: list[User],
    by: User,
    form_token: uuid.UUID | None = None,
    today: date | None = None,
) -> InformationMeeting:
    """Book the information meeting of an accepted referral, invite the referrer and the attendees
    (with a calendar invite) and make the person's kallelse (referrals/letters.py).

    A meeting dated before today is recorded as already held (a meeting agreed by phone and
    registered afterwards, docs/decisions/0032): nobody is invited to it, no kallelse is made, and
    its outcome can be recorded at once.

    Pre: the referral is accepted (a no-show may be booked again).
    """
    held = date < (today or timezone.localdate())

    def create(token: uuid.UUID | None) -> InformationMeeting:
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != Status.ACCEPTED or locked.information_meetings.filter(outcome="").exists():
            raise NotAllowedNow  # not accepted, or a meeting is booked and its outcome not yet recorded
        meeting = InformationMeeting.objects.create(
            referral=locked, date=date, start_time=start_time, place=place, booked_by=by, form_token=token
        )
        meeting.attendees.set(attendees)
        when = f"{date:%Y-%m-%d} {start_time:%H:%M}, {place}"
        _event(locked, Event.INFO_MEETING_BOOKED, by, f"{when} (registrerat i efterhand)" if held else when)
        if not held:
            emails.send(emails.INFO_MEETING_BOOKED, meeting.pk, key="booked")
            letters.invitation_queue(meeting=meeting)
        return meeting

    meeting, _created = create_once(InformationMeeting, form_token=form_token, create=create, referral_id=referral.pk)
    return meeting


_OUTCOME_STATUS = {Outcome.WANTS_TO_START: Status.READY, Outcome.DECLINES: Status.DECLINED}


@transaction.atomic
def info_meeting_record_outcome(
    *, meeting: InformationMeeting, outcome: str, note: str, by: User, today: date | None = None
) -> bool:
    """Record how the information meeting went, once. Wants to start: ready for enrolment.

    Only on or after the meeting's day (NotAllowedNow before: a meeting that has not taken place
    has no outcome; the form says so beside the field)."""
    if meeting.date > (today or timezone.localdate()):
        raise NotAllowedNow
    claimed = InformationMeeting.objects.filter(pk=meeting.pk, outcome="").update(
        outcome=outcome, outcome_note=note, outcome_recorded_at=timezone.now()
    )
    if not claimed:
        return False
    referral = Referral.objects.select_for_update().get(pk=meeting.referral_id)
    new_status = _OUTCOME_STATUS.get(Outcome(outcome))
    if new_status and referral.status == Status.ACCEPTED:
        referral.status = new_status
        referral.version += 1
        referral.save(update_fields=["status", "version", "updated_at"])
    # The note is the team's working note; the timeline (which the referrer reads) gets the outcome only.
    _event(referral, Event.INFO_MEETING_OUTCOME, by, str(Outcome(outcome).label))
    sweep_for(meeting)  # "informationsmöte i morgon" ends when its outcome is recorded
    return True
