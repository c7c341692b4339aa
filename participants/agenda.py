"""Enrolments on the samverkansteam's agenda (issue 18, docs/decisions/0033-meetings-as-teams-run-them.md).

The team follows an enrolment for as long as the person is enrolled: a coordinator or the
participant's handledare puts it on an upcoming meeting's agenda with a reason (uppföljning,
förlängning, avslut av hälsoskäl, konsultation), and the team's decision is recorded on the item like
a referral's. An extension decided at the meeting is recorded at once, linked to the decision.

The agenda and its rules (order, the meeting's day, the justering) are referrals.meetings';
participants builds on referrals, so this module lives here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ist.errors import NotAllowedNow
from ist.reminders.sweeps import sweep_for
from participants import services
from participants.models import Enrollment, Extension
from referrals.meetings import ENROLLMENT_DECISIONS as DECISIONS
from referrals.meetings import decisions_open, not_before_message, require_open
from referrals.models import AgendaItem, TeamMeeting

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from teams.models import User

Decision = AgendaItem.Decision
Reason = AgendaItem.Reason

NOT_ACTIVE = "Deltagaren är inte inskriven längre."


def upcoming_meetings(enrollment: Enrollment, *, today: date | None = None) -> QuerySet[TeamMeeting]:
    """The enrolment's team's meetings from today on whose minutes are not approved: where it may go."""
    return TeamMeeting.objects.filter(
        team_id=enrollment.team_id, date__gte=today or timezone.localdate(), approved_at__isnull=True
    ).order_by("date", "start_time")


def items_of(enrollment: Enrollment) -> QuerySet[AgendaItem]:
    """The enrolment's agenda items, newest meeting first, with their decision and extension."""
    return (
        AgendaItem.objects.filter(enrollment=enrollment)
        .select_related("meeting", "decided_by", "extension")
        .order_by("-meeting__date", "-meeting__start_time")
    )


@transaction.atomic
def enrollment_to_agenda(
    *, enrollment: Enrollment, meeting: TeamMeeting, reason: str, note: str, by: User, today: date | None = None
) -> tuple[AgendaItem, bool]:
    """Put an active enrolment on an upcoming meeting of its team, last on the agenda.

    Pre: `by` coordinates the team or is the enrolment's handledare (the caller's selector). Returns
    (item, created): the same enrolment on the same meeting again (a double submit) gives the item
    already there. NotAllowedNow for another team's, a past or an approved meeting, or a closed
    enrolment. `today` is for the demo's history (meetings that were upcoming then)."""
    current = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    locked = TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    if current.status != Enrollment.Status.ACTIVE:
        raise NotAllowedNow(NOT_ACTIVE)
    if locked.team_id != current.team_id or not upcoming_meetings(current, today=today).filter(pk=locked.pk).exists():
        raise NotAllowedNow("Välj ett kommande möte i deltagarens team.")
    if reason not in DECISIONS:
        raise NotAllowedNow("Välj ett skäl.")
    existing = AgendaItem.objects.filter(meeting=locked, enrollment=current).first()
    if existing is not None:
        return existing, False
    position = (locked.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=locked, enrollment=current, reason=reason, note=note.strip(), added_by=by, position=position
    )
    locked.version += 1  # the agenda changed: a reorder based on the older page is stale
    locked.save(update_fields=["version"])
    return item, True


@transaction.atomic
def enrollment_decide(
    *, item: AgendaItem, decision: str, reasoning: str, by: User, new_end: date | None = None
) -> bool:
    """Record the team's decision on an enrolment's item, once; an extension granted here is
    recorded at once (Extension linked to the item, decided in the samverkansteam on the meeting's day).

    From the meeting's day on and until the minutes are approved (NotAllowedNow otherwise). The
    extension's limits are participants.services.extend's (InvalidActivity names the field; the whole
    decision is then undone). A second decision changes nothing and returns False."""
    meeting = item.meeting
    require_open(meeting)
    if not decisions_open(meeting):
        raise NotAllowedNow(not_before_message(meeting))
    if item.enrollment_id is None or decision not in DECISIONS.get(item.reason, ()):
        raise NotAllowedNow
    now = timezone.now()
    claimed = AgendaItem.objects.filter(pk=item.pk, decision="").update(
        decision=decision, reasoning=reasoning, decided_at=now, decided_by=by
    )
    if not claimed:
        return False
    item.refresh_from_db()
    if decision == Decision.EXTEND:
        if new_end is None:
            raise services.InvalidActivity("new_end", "Ange det nya slutdatumet.")
        enrollment = Enrollment.objects.get(pk=item.enrollment_id)
        if enrollment.status != Enrollment.Status.ACTIVE:
            raise NotAllowedNow(NOT_ACTIVE)
        services.extend(
            enrollment=enrollment,
            new_end=new_end,
            decided_on=meeting.date,
            decided_in=Extension.DecidedIn.MEETING,
            decided_by=f"Samverkansteamet, möte {meeting.date:%Y-%m-%d}",
            reason=reasoning or str(Decision.EXTEND.label),
            by=by,
            agenda_item=item,
        )
    sweep_for((TeamMeeting, meeting.pk))
    return True
