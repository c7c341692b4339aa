"""Referral e-mails, in Swedish, naming the referral by number only (ist.messaging sends them).

An address that has no account able to read the referral (a paper referrer, the support
authority's contact) is never asked to log in: it is told what happened and that a letter comes
from the team (referrals/letters.py, docs/decisions/0032). Addresses with such an account keep the
link. Meeting bookings carry a calendar invite (ist/calendar_invite.py) for those with an account.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from ist.calendar_invite import CONTENT_TYPE, Invite, ics
from ist.messaging.registry import Mail, link, register, send
from referrals import letters
from referrals.models import ConsultativeQuestion, InformationMeeting, Referral, ReferralEvent, TeamMeeting
from teams.models import Membership, User

DECIDED = "referral_decided"
INFO_REQUESTED = "referral_info_requested"
INFO_MEETING_BOOKED = "info_meeting_booked"
MEETING_BOOKED = "team_meeting_booked"
QUESTION_ANSWERED = "question_answered"
MAILBOX_REFERRAL = "mailbox_referral"
MAILBOX_QUESTION = "mailbox_question"
WITHDRAWN = "referral_withdrawn"
CLOSED_BY_TEAM = "referral_closed_by_team"

__all__ = [
    "CLOSED_BY_TEAM",
    "DECIDED",
    "INFO_MEETING_BOOKED",
    "INFO_REQUESTED",
    "MAILBOX_QUESTION",
    "MAILBOX_REFERRAL",
    "MEETING_BOOKED",
    "QUESTION_ANSWERED",
    "WITHDRAWN",
    "send",
]


@register(MAILBOX_REFERRAL)
def _mailbox_referral(object_id: int) -> tuple[str, str, list[str]]:
    """The team's mailbox (Team.mailbox): the number and a link, nothing of the person."""
    referral = Referral.objects.select_related("team").get(pk=object_id)
    if referral.team is None or referral.status != Referral.Status.SUBMITTED:
        return "", "", []  # taken up before the e-mail went
    resent = referral.paused_days > 0 or referral.events.filter(kind=ReferralEvent.Kind.RESUBMITTED).exists()
    what = "kompletterats och skickats igen" if resent else "kommit in"
    deadline = f" Svar senast {referral.answer_deadline:%Y-%m-%d}." if referral.answer_deadline else ""
    body = (
        f"Hej!\n\nRemiss nr {referral.pk} till {referral.team} har {what}.{deadline}\n"
        f"Inkommande remisser: {link(reverse('referrals:triage'))}\n"
    )
    subject = f"{'Kompletterad' if resent else 'Ny'} remiss {referral.pk} – {referral.team}"
    return subject, body, [referral.team.mailbox]


@register(MAILBOX_QUESTION)
def _mailbox_question(object_id: int) -> tuple[str, str, list[str]]:
    question = ConsultativeQuestion.objects.select_related("team").get(pk=object_id)
    body = (
        f"Hej!\n\nEn ny konsultativ fråga (nr {question.pk}) har ställts till {question.team}.\n"
        f"Inkommande frågor: {link(reverse('referrals:triage'))}\n"
    )
    return f"Ny konsultativ fråga {question.pk} – {question.team}", body, [question.team.mailbox]


# How long a calendar entry lasts: the meetings have a start time only.
INFO_MEETING_MINUTES = 60
TEAM_MEETING_MINUTES = 120


def info_meeting_invite(meeting: InformationMeeting) -> Invite:
    """The calendar entry of an information meeting: the team, never the person."""
    team = meeting.referral.team
    return Invite(
        kind="informationsmote",
        pk=meeting.pk,
        title=f"Informationsmöte, {team.name}" if team else "Informationsmöte, IST",
        day=meeting.date,
        start=meeting.start_time,
        minutes=INFO_MEETING_MINUTES,
        place=meeting.place,
        description=f"Mer information i IST: {link(reverse('referrals:info_meeting', args=[meeting.pk]))}",
        organiser_name=team.name if team else "",
        organiser_email=team.email if team else "",
    )


def team_meeting_invite(meeting: TeamMeeting) -> Invite:
    return Invite(
        kind="samverkansmote",
        pk=meeting.pk,
        title=f"Samverkansteamsmöte, {meeting.team.name}",
        day=meeting.date,
        start=meeting.start_time,
        minutes=TEAM_MEETING_MINUTES,
        place=meeting.place,
        description=f"Dagordningen i IST: {link(reverse('referrals:meeting', args=[meeting.pk]))}",
        organiser_name=meeting.team.name,
        organiser_email=meeting.team.email,
    )


def _attachment(invite: Invite) -> tuple[str, bytes, str]:
    return (invite.filename, ics(invite), CONTENT_TYPE)


@register(QUESTION_ANSWERED)
def _question_answered(object_id: int) -> tuple[str, str, list[str]]:
    question = ConsultativeQuestion.objects.select_related("asked_by", "team").get(pk=object_id)
    body = (
        f"Hej!\n\n{question.team} har besvarat din konsultativa fråga (nr {question.pk}).\n"
        f"Logga in för att läsa svaret: {link(reverse('referrals:question', args=[question.pk]))}\n"
    )
    # A question registered from a phone call or a visit has no account to write to: the
    # coordinator gives the answer the way the question came.
    return f"Svar på din fråga till {question.team}", body, [question.asked_by.email] if question.asked_by else []


def _when(day: date, start: object) -> str:
    return f"{day:%Y-%m-%d} (v. {day.isocalendar().week}) kl. {start:%H:%M}"


@register(INFO_MEETING_BOOKED)
def _info_meeting_booked(object_id: int) -> list[Mail]:
    meeting = InformationMeeting.objects.select_related("referral__team").get(pk=object_id)
    referral = meeting.referral
    subject = f"Informationsmöte bokat – remiss {referral.pk}"
    when = f"{_when(meeting.date, meeting.start_time)}, {meeting.place}"
    invite = [_attachment(info_meeting_invite(meeting))]
    mails = []
    if meeting.referrer_invited and referral.referrer_email:
        welcome = f"Hej!\n\nEtt informationsmöte är bokat för remiss nr {referral.pk} till {referral.team}:\n{when}.\n"
        welcome += "Du är välkommen att delta.\n"
        if letters.reader(referral.referrer_email, referral) is not None:
            detail = link(reverse("referrals:detail", args=[referral.pk]))
            mails.append(Mail(subject, f"{welcome}Mer information: {detail}\n", [referral.referrer_email], invite))
        else:
            mails.append(
                Mail(subject, f"{welcome}Har du frågor, kontakta {referral.team}.\n", [referral.referrer_email])
            )
    staff = [user.email for user in meeting.attendees.filter(is_active=True)]
    page = link(reverse("referrals:info_meeting", args=[meeting.pk]))
    body = f"Hej!\n\nDu är med på ett informationsmöte för {referral.team}:\n{when}.\nMötet i IST: {page}\n"
    mails.append(Mail(f"Informationsmöte {meeting.date:%Y-%m-%d}", body, staff, invite))
    return mails


@register(MEETING_BOOKED)
def _team_meeting_booked(object_id: int) -> list[Mail]:
    """The samverkansteam's members and the team's coordinators get the new meeting with an invite."""
    meeting = TeamMeeting.objects.select_related("team").get(pk=object_id)
    roles = [Membership.Role.SAMVERKANSTEAM, Membership.Role.KOORDINATOR]
    members = (
        User.objects.filter(is_active=True, memberships__team=meeting.team, memberships__role__in=roles)
        .distinct()
        .values_list("email", flat=True)
    )
    page = link(reverse("referrals:meeting", args=[meeting.pk]))
    when = _when(meeting.date, meeting.start_time) + (f", {meeting.place}" if meeting.place else "")
    body = f"Hej!\n\nSamverkansteamet i {meeting.team} har möte {when}.\nDagordningen i IST: {page}\n"
    subject = f"Samverkansteamsmöte {meeting.date:%Y-%m-%d}"
    return [Mail(subject, body, list(members), [_attachment(team_meeting_invite(meeting))])]


@register(INFO_REQUESTED)
def _info_requested(object_id: int) -> list[Mail]:
    referral = Referral.objects.select_related("team").get(pk=object_id)
    subject = f"Komplettering behövs – remiss {referral.pk}"
    opening = f"Hej!\n\n{referral.team} behöver mer information i remiss nr {referral.pk}.\n"
    if letters.reader(referral.referrer_email, referral) is not None:
        detail = link(reverse("referrals:detail", args=[referral.pk]))
        return [
            Mail(
                subject,
                f"{opening}Logga in, komplettera och skicka remissen igen: {detail}\n",
                [referral.referrer_email],
            )
        ]
    return [
        Mail(
            subject, f"{opening}Teamet hör av sig och berättar vilka uppgifter som behövs.\n", [referral.referrer_email]
        )
    ]


@register(DECIDED)
def _decided(object_id: int) -> list[Mail]:
    """The referrer and the support authority's contact: a link for an address that may read the
    referral in IST, otherwise word that a letter with the decision and its reasoning comes."""
    referral = Referral.objects.select_related("team").get(pk=object_id)
    subject = f"Beslut om remiss {referral.pk}"
    news = (
        f"Hej!\n\n{referral.team} har fattat beslut om remiss nr {referral.pk}: "
        f"{referral.get_status_display().lower()}.\n"
    )
    with_link = (
        f"{news}Logga in och läs beslutet med motivering: {link(reverse('referrals:detail', args=[referral.pk]))}\n"
    )
    by_letter = (
        f"{news}Du får beslutet med motivering i ett brev från {referral.team}. "
        "Har du frågor, kontakta teamet och ange remissens nummer.\n"
    )
    mails = []
    for address in dict.fromkeys(a.lower() for a in (referral.referrer_email, referral.support_contact_email) if a):
        readable = letters.reader(address, referral) is not None
        mails.append(Mail(subject, with_link if readable else by_letter, [address]))
    return mails


@register(WITHDRAWN)
def _withdrawn(object_id: int) -> tuple[str, str, list[str]]:
    """The team's coordinators: the referral they were to answer is withdrawn (the reason is behind login)."""
    referral = Referral.objects.select_related("team").get(pk=object_id)
    coordinators = User.objects.filter(
        is_active=True, memberships__team=referral.team, memberships__role=Membership.Role.KOORDINATOR
    ).values_list("email", flat=True)
    body = (
        f"Hej!\n\nInremittenten har återtagit remiss nr {referral.pk} till {referral.team}. "
        "Teamet behöver inte besluta om den.\n"
        f"Skälet står på remissen: {link(reverse('referrals:detail', args=[referral.pk]))}\n"
    )
    return f"Remiss {referral.pk} återtagen", body, list(coordinators)


@register(CLOSED_BY_TEAM)
def _closed_by_team(object_id: int) -> tuple[str, str, list[str]]:
    """The referrer: the team closed the referral whose komplettering never came."""
    referral = Referral.objects.select_related("team").get(pk=object_id)
    body = (
        f"Hej!\n\n{referral.team} har avslutat remiss nr {referral.pk} eftersom kompletteringen "
        "inte kom in. Skicka en ny remiss om personen fortfarande behöver stöd.\n"
    )
    if referral.referrer_id:
        body += f"Skälet står på remissen: {link(reverse('referrals:detail', args=[referral.pk]))}\n"
    else:  # a paper referral: no account to log in to
        body += f"Kontakta {referral.team} om du vill veta mer.\n"
    return f"Remiss {referral.pk} avslutad", body, [referral.referrer_email]
