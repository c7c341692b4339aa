"""Referral e-mails, in Swedish, naming the referral by number only (ist.messaging sends them)."""

from __future__ import annotations

from django.urls import reverse

from ist.messaging.registry import link, register, send
from referrals.models import ConsultativeQuestion, InformationMeeting, Referral
from teams.models import Membership, User

DECIDED = "referral_decided"
INFO_REQUESTED = "referral_info_requested"
INFO_MEETING_BOOKED = "info_meeting_booked"
QUESTION_ANSWERED = "question_answered"
WITHDRAWN = "referral_withdrawn"
CLOSED_BY_TEAM = "referral_closed_by_team"

__all__ = [
    "CLOSED_BY_TEAM",
    "DECIDED",
    "INFO_MEETING_BOOKED",
    "INFO_REQUESTED",
    "QUESTION_ANSWERED",
    "WITHDRAWN",
    "send",
]


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


@register(INFO_MEETING_BOOKED)
def _info_meeting_booked(object_id: int) -> tuple[str, str, list[str]]:
    meeting = InformationMeeting.objects.select_related("referral__team").get(pk=object_id)
    referral = meeting.referral
    body = (
        f"Hej!\n\nEtt informationsmöte är bokat för remiss nr {referral.pk} till {referral.team}:\n"
        f"{meeting.date:%Y-%m-%d} kl. {meeting.start_time:%H:%M}, {meeting.place}.\n"
        "Du är välkommen att delta.\n"
        f"Mer information: {link(reverse('referrals:detail', args=[referral.pk]))}\n"
    )
    return f"Informationsmöte bokat – remiss {referral.pk}", body, [referral.referrer_email]


@register(INFO_REQUESTED)
def _info_requested(object_id: int) -> tuple[str, str, list[str]]:
    referral = Referral.objects.select_related("team").get(pk=object_id)
    body = (
        f"Hej!\n\n{referral.team} behöver mer information i remiss nr {referral.pk}.\n"
        f"Logga in, komplettera och skicka remissen igen: {link(reverse('referrals:detail', args=[referral.pk]))}\n"
    )
    return f"Komplettering behövs – remiss {referral.pk}", body, [referral.referrer_email]


@register(DECIDED)
def _decided(object_id: int) -> tuple[str, str, list[str]]:
    referral = Referral.objects.select_related("team").get(pk=object_id)
    body = (
        f"Hej!\n\n{referral.team} har fattat beslut om remiss nr {referral.pk}: "
        f"{referral.get_status_display().lower()}.\n"
        f"Inremittenten kan logga in och läsa beslutet med motivering: "
        f"{link(reverse('referrals:detail', args=[referral.pk]))}\n"
    )
    return f"Beslut om remiss {referral.pk}", body, [referral.referrer_email, referral.support_contact_email]


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
