"""Referral deadlines: the answer to the referrer, a completion that is slow to come, the information meeting."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from ist.reminders.models import DeadlineSettings, Kind
from ist.reminders.registry import register
from ist.reminders.rules import Due, Rule, coordinators_by_team, initials, iso, last_weekday_before, narrow
from referrals import deadline as clock
from referrals.arrivals import kompletteringar_asked, new_questions, new_referrals
from referrals.models import ConsultativeQuestion, InformationMeeting, Referral, ReferralEvent, TeamMeeting
from teams.models import Membership

# Sent and not yet answered: the team owes the referrer a decision.
AWAITING_ANSWER = [Referral.Status.SUBMITTED, Referral.Status.ON_AGENDA]


def answer_deadlines(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """From `answer_days_before` days before the answer deadline → the team's coordinators;
    from the day after it → "overdue" instead, until the team has answered."""
    coordinators = coordinators_by_team()
    referrals = (
        narrow(Referral.objects, "pk", only)
        .filter(
            status__in=AWAITING_ANSWER,
            answer_deadline__isnull=False,
            answer_deadline__lte=today + timedelta(days=config.answer_days_before),
        )
        .values_list("pk", "team_id", "answer_deadline", "first_name", "last_name", "received_on", "paused_days")
    )
    items = []
    for pk, team_id, deadline, first, last, received, paused_days in referrals:
        if deadline is None:  # excluded by the filter above
            continue
        overdue = deadline < today
        kind = Kind.ANSWER_OVERDUE if overdue else Kind.ANSWER_SOON
        # The clock pauses for a komplettering: the deadline has moved by the pause (referrals/deadline.py).
        now = clock.clock(
            received_on=received, answer_deadline=deadline, paused_since=None, paused_days=paused_days, today=today
        )
        title = f"Remiss {pk} ({initials(first, last)}): " + (
            f"svaret skulle ha lämnats {iso(deadline)} ({now.detail})"
            if overdue
            else f"svara senast {iso(deadline)} ({now.detail})"
        )
        url = reverse("referrals:review", args=[pk])
        items += [
            Due(user, kind, Referral, pk, deadline, title, url, team_id) for user in coordinators.get(team_id, [])
        ]
    return items


def waiting_for_information(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """Sent back for more information more than `needs_info_days` days ago → the team's coordinators."""
    coordinators = coordinators_by_team()
    requested = (
        narrow(ReferralEvent.objects, "referral_id", only)
        .filter(referral__status=Referral.Status.NEEDS_INFO, kind=ReferralEvent.Kind.INFO_REQUESTED)
        .values("referral_id", "referral__team_id", "referral__first_name", "referral__last_name")
        .annotate(last=Max("at"))
    )
    items = []
    for row in requested:
        due_on = timezone.localtime(row["last"]).date() + timedelta(days=config.needs_info_days)
        if today <= due_on:
            continue
        pk = row["referral_id"]
        title = (
            f"Remiss {pk} ({initials(row['referral__first_name'], row['referral__last_name'])}): "
            f"kompletteringen har dröjt sedan {iso(due_on - timedelta(days=config.needs_info_days))}"
        )
        url = reverse("referrals:review", args=[pk])
        items += [
            Due(user, Kind.NEEDS_INFO_WAITING, Referral, pk, due_on, title, url, row["referral__team_id"])
            for user in coordinators.get(row["referral__team_id"], [])
        ]
    return items


def information_meetings(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """The day before an information meeting (the Friday before a Monday) and on the day, until the
    outcome is recorded → the IST attendees and the invited referrer."""
    meetings = (
        narrow(InformationMeeting.objects, "pk", only)
        .filter(outcome="", date__gte=today, date__lte=today + timedelta(days=3))
        .select_related("referral")
        .prefetch_related("attendees")
    )
    items = []
    for meeting in meetings:
        if today < last_weekday_before(meeting.date):
            continue
        referral = meeting.referral
        title = (
            f"Informationsmöte {iso(meeting.date)} kl. {meeting.start_time:%H:%M}, remiss {referral.pk} "
            f"({initials(referral.first_name, referral.last_name)})"
        )
        staff_url = reverse("referrals:info_meeting", args=[meeting.pk])
        items += [
            Due(
                user.pk,
                Kind.INFO_MEETING_TOMORROW,
                InformationMeeting,
                meeting.pk,
                meeting.date,
                title,
                staff_url,
                referral.team_id,
            )
            for user in meeting.attendees.all()
            if user.is_active
        ]
        if meeting.referrer_invited and referral.referrer_id:
            referrer_url = reverse("referrals:detail", args=[referral.pk])
            items.append(
                Due(
                    referral.referrer_id,
                    Kind.INFO_MEETING_TOMORROW,
                    InformationMeeting,
                    meeting.pk,
                    meeting.date,
                    title,
                    referrer_url,
                    referral.team_id,
                )
            )
    return items


def team_meetings(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """From `team_meeting_days_before` days before a samverkansteam meeting with undecided items on its
    agenda, until the meeting day → the team's samverkansteam members, who prepare the consultations."""
    members: dict[int, list[int]] = {}
    for team_id, user_id in Membership.objects.filter(
        role=Membership.Role.SAMVERKANSTEAM, team__active=True, user__is_active=True
    ).values_list("team_id", "user_id"):
        members.setdefault(team_id, []).append(user_id)
    meetings = (
        narrow(TeamMeeting.objects, "pk", only)
        .filter(date__gte=today, date__lte=today + timedelta(days=config.team_meeting_days_before))
        .annotate(open_items=Count("items", filter=Q(items__decision="")))
        .filter(open_items__gt=0)
        .values_list("pk", "team_id", "date", "start_time", "open_items")
    )
    items = []
    for pk, team_id, day, start, open_items in meetings:
        points = "1 punkt" if open_items == 1 else f"{open_items} punkter"
        title = f"Samverkansteamsmöte {iso(day)} kl. {start:%H:%M}: {points} att förbereda"
        url = reverse("referrals:meeting", args=[pk])
        items += [
            Due(user, Kind.TEAM_MEETING_SOON, TeamMeeting, pk, day, title, url, team_id)
            for user in members.get(team_id, [])
        ]
    return items


RULES = [
    Rule((Kind.TEAM_MEETING_SOON,), TeamMeeting, team_meetings),
    Rule((Kind.ANSWER_SOON, Kind.ANSWER_OVERDUE), Referral, answer_deadlines),
    Rule((Kind.NEEDS_INFO_WAITING,), Referral, waiting_for_information),
    Rule((Kind.INFO_MEETING_TOMORROW,), InformationMeeting, information_meetings),
    Rule((Kind.NEW_REFERRAL, Kind.REFERRAL_RESUBMITTED), Referral, new_referrals),
    Rule((Kind.NEW_QUESTION,), ConsultativeQuestion, new_questions),
    Rule((Kind.INFO_ASKED,), Referral, kompletteringar_asked),
]
AREA = register("referrals", RULES)
