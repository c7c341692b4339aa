"""Running a samverkansteam meeting as teams do (issue 18, docs/decisions/0033-meetings-as-teams-run-them.md).

The agenda's order, removing an item or moving it to the next meeting, attendance from the team's
registered members, the day from which decisions may be recorded, and the minutes: protokollförare,
justerare (an attendee), the justering that locks the meeting, and the PDF archived by a task.
Enrolments on the agenda are participants/agenda.py (participants builds on referrals).

Every change to the agenda's order or the attendance carries the meeting's `version`: a second
coordinator working from an older page gets `StaleEdit`; a double submit of the same step finds it
already done and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from ist.errors import NotAllowedNow, StaleEdit
from ist.outbox import services as outbox
from ist.pdf.rendering import render_pdf
from ist.pdf.storage import store
from ist.reminders.sweeps import sweep_for
from referrals.models import AgendaItem, ConsultativeQuestion, MeetingAttendance, Referral, TeamMeeting
from teams.models import Membership, User

if TYPE_CHECKING:
    from django.db.models import QuerySet

log = logging.getLogger(__name__)

Decision = AgendaItem.Decision
Reason = AgendaItem.Reason

# What the team may decide for each reason an enrolment is on the agenda (participants/agenda.py).
ENROLLMENT_DECISIONS: dict[str, tuple[Decision, ...]] = {
    Reason.FOLLOW_UP: (Decision.FOLLOWED_UP,),
    Reason.EXTENSION: (Decision.EXTEND, Decision.NO_EXTEND, Decision.TO_STYRGRUPP),
    Reason.HEALTH_CLOSURE: (Decision.CLOSE_HEALTH, Decision.CONTINUE),
    Reason.CONSULTATION: (Decision.CONSULTED,),
}
RENDER_TASK = "referrals.tasks.render_minutes"
LOCKED = "Protokollet är justerat. Mötet kan inte längre ändras."
NO_NEXT = "Teamet har inget senare möte inbokat. Boka nästa möte först."


def decisions_open(meeting: TeamMeeting, today: date | None = None) -> bool:
    """Decisions are recorded at the meeting: from its day on, never before."""
    return (today or timezone.localdate()) >= meeting.date


def not_before_message(meeting: TeamMeeting) -> str:
    return f"Beslut kan registreras först på mötesdagen, {meeting.date:%Y-%m-%d}."


def members_of(team_id: int) -> QuerySet[User]:
    """The team's registered samverkansteam members, the attendance list's checkboxes."""
    return (
        User.objects.filter(
            is_active=True, memberships__team_id=team_id, memberships__role=Membership.Role.SAMVERKANSTEAM
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__kind", "last_name", "first_name")
    )


def _locked(meeting: TeamMeeting, expected_version: int | None) -> TeamMeeting:
    """The meeting row, locked; NotAllowedNow once the minutes are approved, StaleEdit if someone saved
    after the page was opened."""
    current = TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    if current.approved_at is not None:
        raise NotAllowedNow(LOCKED)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    return current


def _bump(meeting: TeamMeeting, current: TeamMeeting) -> None:
    current.version += 1
    current.save(update_fields=["version"])
    meeting.version = current.version


def require_open(meeting: TeamMeeting) -> None:
    """For the services that change an item: refuse once the minutes are approved (the row is locked)."""
    if TeamMeeting.objects.select_for_update().filter(pk=meeting.pk, approved_at__isnull=False).exists():
        raise NotAllowedNow(LOCKED)


# -- The agenda -----------------------------------------------------------------------------------


def _renumber(meeting_id: int, ordered: Sequence[int]) -> None:
    for position, pk in enumerate(ordered, start=1):
        AgendaItem.objects.filter(pk=pk, meeting_id=meeting_id).exclude(position=position).update(position=position)


@transaction.atomic
def agenda_move(*, meeting: TeamMeeting, item_id: int, to_index: int, expected_version: int | None) -> bool:
    """Put an item at `to_index` (0-based) in the agenda's order.

    Returns False when the item is already there (a double submit of "Flytta upp" changes nothing);
    StaleEdit when someone else changed the order since the page was opened."""
    current = TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    if current.approved_at is not None:
        raise NotAllowedNow(LOCKED)
    ordered = list(
        AgendaItem.objects.filter(meeting_id=meeting.pk).order_by("position", "pk").values_list("pk", flat=True)
    )
    if item_id not in ordered:
        raise NotAllowedNow
    to_index = max(0, min(to_index, len(ordered) - 1))
    if ordered.index(item_id) == to_index:
        return False
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    ordered.remove(item_id)
    ordered.insert(to_index, item_id)
    _renumber(meeting.pk, ordered)
    _bump(meeting, current)
    return True


def _release(item: AgendaItem) -> None:
    """An undecided referral or question leaves the agenda: back to waiting when on no other agenda."""
    if item.referral_id and not AgendaItem.objects.filter(referral_id=item.referral_id, decision="").exists():
        Referral.objects.filter(pk=item.referral_id, status=Referral.Status.ON_AGENDA).update(
            status=Referral.Status.SUBMITTED
        )
    if item.question_id and not AgendaItem.objects.filter(question_id=item.question_id, decision="").exists():
        ConsultativeQuestion.objects.filter(pk=item.question_id, status=ConsultativeQuestion.Status.ON_AGENDA).update(
            status=ConsultativeQuestion.Status.NEW
        )


@transaction.atomic
def agenda_remove(*, meeting: TeamMeeting, item_id: int, expected_version: int | None) -> bool:
    """Take an undecided item off the agenda. False if it is gone already (a double submit);
    NotAllowedNow for a decided item (its decision stays in the minutes)."""
    current = _locked(meeting, None)
    item = AgendaItem.objects.filter(pk=item_id, meeting_id=meeting.pk).first()
    if item is None:
        return False
    if item.decision:
        raise NotAllowedNow("Punkten har ett beslut och kan inte tas bort.")
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    item.delete()
    _release(item)
    _renumber(meeting.pk, list(current.items.order_by("position", "pk").values_list("pk", flat=True)))
    _bump(meeting, current)
    sweep_for((TeamMeeting, meeting.pk))
    return True


def next_meeting(meeting: TeamMeeting) -> TeamMeeting | None:
    """The team's next meeting after this one (by date and time)."""
    later = TeamMeeting.objects.filter(team_id=meeting.team_id, approved_at__isnull=True).exclude(pk=meeting.pk)
    same_day_later = later.filter(date=meeting.date, start_time__gt=meeting.start_time)
    return (same_day_later | later.filter(date__gt=meeting.date)).order_by("date", "start_time", "pk").first()


@transaction.atomic
def agenda_to_next(*, meeting: TeamMeeting, item_id: int, expected_version: int | None) -> TeamMeeting | None:
    """Move an undecided item to the end of the team's next meeting's agenda. Returns that meeting,
    or None if the item has left this agenda already (a double submit). NotAllowedNow when the team
    has no later meeting, or the next one has the subject already."""
    current = _locked(meeting, None)
    item = AgendaItem.objects.select_for_update().filter(pk=item_id, meeting_id=meeting.pk).first()
    if item is None:
        return None
    if item.decision:
        raise NotAllowedNow("Punkten har ett beslut och kan inte flyttas.")
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    target = next_meeting(current)
    if target is None:
        raise NotAllowedNow(NO_NEXT)
    target = TeamMeeting.objects.select_for_update().get(pk=target.pk)
    subject = {"referral": item.referral_id, "question": item.question_id, "enrollment": item.enrollment_id}
    clash = AgendaItem.objects.filter(meeting=target, **{name: pk for name, pk in subject.items() if pk})
    if clash.exists():
        raise NotAllowedNow("Ärendet finns redan på nästa mötes dagordning.")
    item.meeting = target
    item.position = (target.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item.save(update_fields=["meeting", "position"])
    _renumber(meeting.pk, list(current.items.order_by("position", "pk").values_list("pk", flat=True)))
    _bump(meeting, current)
    TeamMeeting.objects.filter(pk=target.pk).update(version=F("version") + 1)
    sweep_for((TeamMeeting, meeting.pk), (TeamMeeting, target.pk))
    return target


# -- Attendance -----------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    meeting: TeamMeeting,
    members: Sequence[User],
    others: Sequence[tuple[str, str]],
    expected_version: int | None = None,
) -> None:
    """Replace the attendance list: the ticked registered members (their organisation's kind and
    name) and (organisation kind, name) rows for anyone else.

    Pre: `members` are the team's samverkansteam members (the form's queryset). StaleEdit if someone
    saved after the form was opened; NotAllowedNow once the minutes are approved."""
    current = _locked(meeting, expected_version)
    _bump(meeting, current)
    rows: dict[tuple[str, str], User | None] = {}
    for user in members:
        kind = user.organisation.kind if user.organisation_id and user.organisation else "other"
        rows.setdefault((kind, user.get_full_name() or user.get_username()), user)
    for kind, name in others:
        rows.setdefault((kind, name), None)
    meeting.attendances.all().delete()
    MeetingAttendance.objects.bulk_create(
        [
            MeetingAttendance(meeting=meeting, organisation_kind=kind, name=name, member=user)
            for (kind, name), user in rows.items()
        ]
    )


# -- Minutes --------------------------------------------------------------------------------------


@transaction.atomic
def minutes_approve(
    *, meeting: TeamMeeting, minute_taker: str, adjuster: str, by: User, expected_version: int | None
) -> bool:
    """Record the justering: protokollförare and justerare (both attendees), who recorded it and
    when. From then on the meeting is locked; the minutes are rendered to PDF in a task.

    Returns False if they were approved already (a double submit). StaleEdit if the meeting changed
    after the page was opened (the justerare approved something else); NotAllowedNow if the justerare
    or protokollförare did not attend."""
    current = TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    if current.approved_at is not None:
        return False
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit
    names = set(current.attendances.values_list("name", flat=True))
    if adjuster not in names or minute_taker not in names:
        raise NotAllowedNow("Protokollförare och justerare ska finnas bland de närvarande.")
    if not decisions_open(current):
        raise NotAllowedNow("Protokollet kan justeras först på mötesdagen.")
    current.minute_taker = minute_taker
    current.adjuster = adjuster
    current.approved_at = timezone.now()
    current.approved_by = by
    current.version += 1
    current.save(update_fields=["minute_taker", "adjuster", "approved_at", "approved_by", "version"])
    for field in ("minute_taker", "adjuster", "approved_at", "approved_by", "version"):
        setattr(meeting, field, getattr(current, field))
    outbox.enqueue_task(key=f"render-minutes:{meeting.pk}", task=RENDER_TASK, args=[meeting.pk])
    sweep_for((TeamMeeting, meeting.pk))
    return True


def minutes_render(*, meeting_id: int) -> bool:
    """Render the approved minutes to PDF once and store them with their SHA-256. Safe to run twice
    and concurrently (the row is claimed with skip_locked; only approved minutes without a PDF)."""
    from referrals.minutes import context_for  # the printing module reads through the selectors

    with transaction.atomic():
        meeting = (
            TeamMeeting.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("team", "approved_by")
            .filter(pk=meeting_id, approved_at__isnull=False, minutes_sha256="")
            .first()
        )
        if meeting is None:
            return False
        rendered = render_pdf("pdf/minutes.html", context_for(meeting))
        meeting.minutes_sha256 = store(meeting.minutes_pdf, f"protokoll-{meeting.pk}.pdf", rendered.content)
        meeting.minutes_rendered_at = timezone.now()
        meeting.save(update_fields=["minutes_pdf", "minutes_sha256", "minutes_rendered_at"])
    log.info("rendered the minutes of meeting %s (%s)", meeting_id, rendered.sha256[:12])
    return True
