"""Every read of referrals, questions and meetings on a user's behalf."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet

from referrals.models import (
    AgendaItem,
    ConsultativeQuestion,
    InformationMeeting,
    Referral,
    ReferralEvent,
    TeamMeeting,
)
from teams.access import team_ids_where, with_grant
from teams.models import Membership, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

Status = Referral.Status
WAITING = (Status.SUBMITTED, Status.NEEDS_INFO, Status.ON_AGENDA)


def referrals_for(user: User | AnonymousUser, action: str = "view") -> QuerySet[Referral]:
    """Referrals the user may see (view), change (change: the team's staff) or decide on (manage).

    view = the team's staff, the samverkansteam for what is on its agendas, and
    the referrer through their grant. Drafts are the referrer's alone.
    """
    if not user.is_authenticated or not user.is_active:
        return Referral.objects.none()
    sent = Q(pk__in=with_grant(user, "referrals.view_referral", Referral.objects.all()).values("pk"))
    team_scope = Q(team__in=team_ids_where(user, action=action)) & ~Q(status=Status.DRAFT)
    if action == "view":
        on_agenda = Q(
            pk__in=AgendaItem.objects.filter(meeting__team__in=team_ids_where(user, action="consult")).values(
                "referral_id"
            )
        )
        # Skyddade personuppgifter: of the team's staff only the person's handledare and the
        # coordinators open the referral of a protected person; the samverkansteam sees the agenda
        # item only ("Skyddad person" and what the meeting decides), and the referrer follows the
        # status of their own referral without the person's details (ist/privacy/identity.py
        # decides what is shown; docs/decisions/0019).
        own = Q(enrollment__responsible=user) | Q(enrollment__second_contact=user)
        may_see_protected = own | Q(team__in=team_ids_where(user, action="manage"))
        condition = ((team_scope | on_agenda) & (~protected_person() | may_see_protected)) | sent
    else:
        condition = team_scope
    return Referral.objects.filter(condition).select_related("team", "municipality", "referrer_organisation")


def protected_person() -> Q:
    """Referrals of a person who has protected identity (skyddade personuppgifter): flagged at intake
    or since (the participant's flag is copied to every referral of the person)."""
    return Q(protected_identity=True)


def own_referrals(user: User) -> QuerySet[Referral]:
    """The referrer's list: what they sent (or drafted), newest first."""
    return referrals_for(user).filter(referrer=user).order_by("-created_at")


def triage_board(user: User, *, team_ids: list[int] | None = None) -> QuerySet[Referral]:
    """Waiting referrals of the coordinator's teams, oldest deadline first; those out for komplettering
    (the clock paused, referrals/deadline.py) after them."""
    referrals = referrals_for(user, "manage").filter(status__in=WAITING)
    if team_ids:
        referrals = referrals.filter(team_id__in=team_ids)
    return referrals.order_by(F("paused_since").asc(nulls_first=True), "answer_deadline", "pk")


def questions_for(user: User | AnonymousUser) -> QuerySet[ConsultativeQuestion]:
    """Questions the user asked, and those of the teams whose samverkansteam they sit in or coordinate."""
    if not user.is_authenticated or not user.is_active:
        return ConsultativeQuestion.objects.none()
    return ConsultativeQuestion.objects.filter(
        Q(asked_by=user) | Q(team__in=team_ids_where(user, action="consult"))
    ).select_related("team", "asked_by", "organisation", "registered_by")


def waiting_questions(user: User, *, team_ids: list[int] | None = None) -> QuerySet[ConsultativeQuestion]:
    questions = ConsultativeQuestion.objects.filter(
        team__in=team_ids_where(user, action="manage"),
        status__in=[ConsultativeQuestion.Status.NEW, ConsultativeQuestion.Status.ON_AGENDA],
    ).select_related("team", "asked_by", "organisation")
    if team_ids:
        questions = questions.filter(team_id__in=team_ids)
    return questions.order_by("created_at")


def meetings_for(user: User | AnonymousUser, action: str = "consult") -> QuerySet[TeamMeeting]:
    """Meetings the samverkansteam members and coordinators of the team see (consult) or run (manage)."""
    if not user.is_authenticated or not user.is_active:
        return TeamMeeting.objects.none()
    return TeamMeeting.objects.filter(team__in=team_ids_where(user, action=action)).select_related("team")


def agenda_of(meeting: TeamMeeting) -> QuerySet[AgendaItem]:
    """The agenda. A protected person's item is shown without name or number to everyone but the
    meeting's coordinators (ist/privacy/identity.py)."""
    return meeting.items.select_related(
        "referral__municipality",
        "referral__team",
        "referral__referrer_organisation",
        "question__organisation",
        "enrollment__participant",
        "enrollment__responsible",
        "extension",
        "decided_by",
    )


def agenda_items_for(user: User | AnonymousUser, action: str = "consult") -> QuerySet[AgendaItem]:
    """Agenda items of the meetings the user may consult on (or run: action="manage")."""
    return AgendaItem.objects.filter(meeting__in=meetings_for(user, action)).select_related(
        "meeting__team",
        "referral__municipality",
        "question__organisation",
        "enrollment__participant",
        "enrollment__responsible",
        "extension",
        "decided_by",
    )


def information_meetings_for(user: User | AnonymousUser, action: str = "view") -> QuerySet[InformationMeeting]:
    """Information meetings of the referrals the user may see (or manage)."""
    return (
        InformationMeeting.objects.filter(referral__in=referrals_for(user, action))
        .select_related("referral__team", "booked_by")
        .prefetch_related("attendees")
    )


def events_of(referral: Referral, *, for_referrer: bool) -> QuerySet[ReferralEvent]:
    """The timeline; the referrer sees what concerns them, not the team's internal steps."""
    events = referral.events.select_related("by")
    if for_referrer:
        events = events.exclude(kind=ReferralEvent.Kind.ON_AGENDA)
    return events


def information_meetings_of(referral: Referral) -> QuerySet[InformationMeeting]:
    return referral.information_meetings.prefetch_related("attendees")


def team_staff(team_id: int) -> QuerySet[User]:
    """IST staff of a team (coordinators and handledare), for booking information meetings."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__team_id=team_id,
            memberships__role__in=[Membership.Role.KOORDINATOR, Membership.Role.HANDLEDARE],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def referral_subjects_matching(viewer: User, text: str) -> list[tuple[str, str]]:
    """Loggkontroll: persons in referrals the reviewer may see, by personnummer or name."""
    digits = "".join(ch for ch in text if ch.isdigit())
    # Loggkontroll is for coordinators and administrators, who both may see a protected person in
    # the log: the search finds what the unfiltered log shows (docs/decisions/0019).
    referrals = referrals_for(viewer, "manage") if not viewer.is_administrator else Referral.objects.all()
    if len(digits) >= 8:
        referrals = referrals.filter(personnummer__contains=digits[-10:] if len(digits) > 10 else digits)
    else:
        words = text.split()
        if not words:
            return []
        for word in words:
            referrals = referrals.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    seen: dict[str, str] = {}
    for r in referrals.exclude(personnummer="").order_by("last_name")[:50]:
        seen.setdefault(f"pnr:{r.personnummer}", f"{r.person_name} ({r.personnummer_masked})")
    return list(seen.items())[:20]
