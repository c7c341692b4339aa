"""The referral's life cycle to the end (docs/decisions/0029): which status may follow which, the
final states, and the steps that end a referral: enrolment (Inskriven), closure (Avslutad), and
Återtagen (withdrawn by the referrer before a decision, or closed by the team after an unanswered
komplettering). Also what the referrer is told of the stay that followed their referral.

Enrolment and closure are the participants app's services; they call `on_enrolled` / `on_closed`
here inside their own transaction, so the referral moves with them or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ist.errors import NotAllowedNow
from ist.idempotency import create_once
from ist.reminders.sweeps import sweep_for
from referrals import emails
from referrals.models import AgendaItem, ConsentHow, ConsultativeQuestion, Referral, ReferralEvent, TeamMeeting
from referrals.services import known_protected

if TYPE_CHECKING:
    from teams.models import Organisation, Team, User

Status = Referral.Status
Event = ReferralEvent.Kind

# Every status and the statuses a service may move it to. A final state has none: nothing leaves it.
NEXT: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED}),
    Status.SUBMITTED: frozenset(
        {Status.NEEDS_INFO, Status.ON_AGENDA, Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN}
    ),
    Status.NEEDS_INFO: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    # back to SUBMITTED when the referral moves to another team (its agendas are the old team's)
    Status.ON_AGENDA: frozenset(
        {Status.SUBMITTED, Status.NEEDS_INFO, Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN}
    ),
    Status.ACCEPTED: frozenset({Status.READY, Status.DECLINED}),  # "kom inte": booked again, stays
    Status.READY: frozenset({Status.ENROLLED}),
    Status.ENROLLED: frozenset({Status.CLOSED}),
    Status.REJECTED: frozenset(),
    Status.DECLINED: frozenset(),
    Status.CLOSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
FINAL = frozenset(status for status, after in NEXT.items() if not after)
# Undecided: the referrer may withdraw it.
WITHDRAWABLE = (Status.SUBMITTED, Status.NEEDS_INFO, Status.ON_AGENDA)


def _event(referral: Referral, kind: str, by: User | None, message: str = "") -> None:
    ReferralEvent.objects.create(referral=referral, kind=kind, by=by, message=message)


def _end(referral: Referral, *, by: User, reason: str, kind: str) -> None:
    """Återtagen: record who and why, take it off every agenda not yet decided, end its reminders."""
    referral.status = Status.WITHDRAWN
    referral.withdrawn_at = timezone.now()
    referral.withdrawn_by = by
    referral.withdrawal_reason = reason
    referral.version += 1
    referral.save(
        update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "version", "updated_at"]
    )
    _event(referral, kind, by, reason)
    undecided = AgendaItem.objects.filter(referral=referral, decision="")
    meetings = list(undecided.values_list("meeting_id", flat=True))
    undecided.delete()
    # The answer deadline and the "komplettering har dröjt" items go; the meetings have one point less.
    sweep_for(referral, *[(TeamMeeting, pk) for pk in meetings])


@transaction.atomic
def referral_withdraw(*, referral: Referral, by: User, reason: str) -> bool:
    """The referrer withdraws their referral before the team has decided (sent, back with them for
    a komplettering, or on an agenda). The team's coordinators are told by e-mail.

    Pre: `by` is the referral's referrer (NotAllowedNow otherwise). A second withdrawal changes
    nothing and returns False; a decided referral raises NotAllowedNow."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.referrer_id is None or current.referrer_id != by.pk:
        raise NotAllowedNow
    if current.status == Status.WITHDRAWN:
        return False
    if current.status not in WITHDRAWABLE:
        raise NotAllowedNow
    _end(current, by=by, reason=reason, kind=Event.WITHDRAWN)
    emails.send(emails.WITHDRAWN, current.pk, key=current.version)
    return True


@transaction.atomic
def referral_close_stalled(*, referral: Referral, by: User, reason: str) -> bool:
    """A coordinator closes a referral whose komplettering never came (Återtagen, with the reason);
    the referrer is told by e-mail.

    Pre: fetched through the coordinator's manage scope. Only while the komplettering is with the
    referrer (NotAllowedNow otherwise); closing twice changes nothing and returns False."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status == Status.WITHDRAWN:
        return False
    if current.status != Status.NEEDS_INFO:
        raise NotAllowedNow
    _end(current, by=by, reason=reason, kind=Event.CLOSED_BY_TEAM)
    emails.send(emails.CLOSED_BY_TEAM, current.pk, key=current.version)
    return True


def on_enrolled(*, referral_id: int, by: User, start_date: date) -> None:
    """Inskriven: called by the enrolment service in its transaction. Pre: the referral is READY
    (NotAllowedNow otherwise, which rolls the enrolment back)."""
    moved = Referral.objects.filter(pk=referral_id, status=Status.READY).update(
        status=Status.ENROLLED, version=F("version") + 1, updated_at=timezone.now()
    )
    if not moved:
        raise NotAllowedNow
    # The handledare's name and the details of the stay are on the referral page, within the consent.
    _event(Referral(pk=referral_id), Event.ENROLLED, by, f"Start {start_date:%Y-%m-%d}")


def on_closed(*, referral_id: int, by: User, closed_on: date) -> None:
    """Avslutad: called by the closure service in its transaction. Only an Inskriven referral moves
    (the data migration made every enrolled one so); any other is left as it is."""
    moved = Referral.objects.filter(pk=referral_id, status=Status.ENROLLED).update(
        status=Status.CLOSED, version=F("version") + 1, updated_at=timezone.now()
    )
    if moved:
        # The exit reason is the participant's: the referrer reads it on the referral page, within the consent.
        _event(Referral(pk=referral_id), Event.CLOSED, by, f"{closed_on:%Y-%m-%d}")


# -- Questions that came by phone or visit ------------------------------------------------------


@transaction.atomic
def question_register(
    *,
    by: User,
    team: Team,
    channel: str,
    asker_name: str,
    asker_contact: str,
    organisation: Organisation | None,
    question: str,
    personnummer: str = "",
    person_name: str = "",
    consent_given: bool = False,
    consent_date: date | None = None,
    consent_how: str = "",
    protected_identity: bool = False,
    form_token: uuid.UUID | None = None,
) -> ConsultativeQuestion:
    """A coordinator registers a konsultativ fråga that came by phone, visit or letter: who asked,
    for which organisation, how it came, the question. It waits on the board like one asked online.

    Pre: `team` is one the coordinator manages. A question naming the person needs their consent
    (NotAllowedNow without), as online; a person known to be protected is flagged."""
    named = bool(personnummer or person_name.strip())
    if named and not (consent_given and consent_date):
        raise NotAllowedNow
    if channel == ConsultativeQuestion.Channel.WEB:
        raise NotAllowedNow  # a web question is asked by its author, not registered

    def create(token: uuid.UUID | None) -> ConsultativeQuestion:
        return ConsultativeQuestion.objects.create(
            team=team,
            asked_by=None,
            channel=channel,
            asker_name=asker_name,
            asker_contact=asker_contact,
            organisation=organisation,
            registered_by=by,
            question=question,
            personnummer=personnummer,
            person_name=person_name,
            consent_given=named and consent_given,
            consent_date=consent_date if named else None,
            consent_how=(consent_how or ConsentHow.ORAL) if named else "",
            # Registered by the team: the flag is the team's, not an author's (there is no author account).
            protected_identity=named and (protected_identity or known_protected(personnummer)),
            form_token=token,
        )

    row, _created = create_once(ConsultativeQuestion, form_token=form_token, create=create, registered_by=by)
    return row


# -- What the referrer sees of the stay --------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """The enrolment that followed a referral, as its reader may see it."""

    start_date: date
    handledare: str
    phase: str
    closed_on: date | None
    exit_reason: str
    participant_url: str  # the participant page, when the reader may open it; else ""


def stay_of(referral: Referral, viewer: User) -> Stay | None:
    """The stay behind an Inskriven or Avslutad referral, or None when there is none or the viewer
    may not be told. The team's staff who see the enrolment are told; the referrer only within the
    consent (its scope covers their organisation and it is not withdrawn). What the referrer sees
    does not depend on the participant's protected flag: a flag set after enrolment must change
    nothing on their referral's pages (docs/decisions/0019); the participant page behind the link
    applies its own rule."""
    if referral.status not in (Status.ENROLLED, Status.CLOSED):
        return None
    from participants import selectors as participant_selectors  # participants builds on referrals: read lazily
    from participants.models import Enrollment

    enrollment = (
        Enrollment.objects.filter(referral=referral)
        .select_related("responsible", "closure__reason")
        .prefetch_related("phase_periods")
        .first()
    )
    if enrollment is None:
        return None
    staff = (
        participant_selectors.is_staff_for(viewer, enrollment)
        and participant_selectors.enrollments_for(viewer, "view").filter(pk=enrollment.pk).exists()
    )
    told = referral.referrer_id == viewer.pk and referral.consent_covers(viewer)
    if not (staff or told):
        return None
    periods = sorted(enrollment.phase_periods.all(), key=lambda p: p.start)
    closure = getattr(enrollment, "closure", None) if enrollment.status == "closed" else None
    return Stay(
        start_date=enrollment.start_date,
        handledare=enrollment.responsible.get_full_name(),
        phase=str(periods[-1].get_phase_display()) if periods else "",
        closed_on=closure.date if closure else None,
        exit_reason=str(closure.reason) if closure else "",
        participant_url=reverse("participants:detail", args=[enrollment.pk]),
    )


# -- What the referral page says at each state ----------------------------------------------

_NOW = {
    Status.ACCEPTED: "Personen erbjuds ett informationsmöte.",
    Status.READY: "Personen vill börja efter informationsmötet. Teamet förbereder inskrivningen.",
    Status.DECLINED: "Personen tackade nej efter informationsmötet.",
    Status.ENROLLED: "Personen är inskriven i IST.",
    Status.CLOSED: "Personen har avslutat sin tid i IST.",
}


@dataclass(frozen=True)
class DecisionBox:
    """The box "Teamets beslut": the decision itself, and where the referral stands since."""

    decision: str
    now: str


def decision_box(referral: Referral) -> DecisionBox | None:
    """None before a decision (and while a komplettering is asked for, and once withdrawn)."""
    if referral.decided_at is None or referral.status in WITHDRAWABLE or referral.status == Status.WITHDRAWN:
        return None
    if referral.status == Status.REJECTED:
        return DecisionBox(decision=str(Status.REJECTED.label), now="")
    return DecisionBox(decision="Antagen", now=_NOW.get(Status(referral.status), ""))
