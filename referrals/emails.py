"""Referral e-mails, in Swedish, naming the referral by number only (ist.messaging sends them)."""

from __future__ import annotations

from django.urls import reverse

from ist.messaging.registry import link, register, send
from referrals.models import ConsultativeQuestion, InformationMeeting, Referral, ReferralEvent

DECIDED = "referral_decided"
INFO_REQUESTED = "referral_info_requested"
INFO_MEETING_BOOKED = "info_meeting_booked"
QUESTION_ANSWERED = "question_answered"
MAILBOX_REFERRAL = "mailbox_referral"
MAILBOX_QUESTION = "mailbox_question"

__all__ = [
    "DECIDED",
    "INFO_MEETING_BOOKED",
    "INFO_REQUESTED",
    "MAILBOX_QUESTION",
    "MAILBOX_REFERRAL",
    "QUESTION_ANSWERED",
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


@register(QUESTION_ANSWERED)
def _question_answered(object_id: int) -> tuple[str, str, list[str]]:
    question = ConsultativeQuestion.objects.select_related("asked_by", "team").get(pk=object_id)
    body = (
        f"Hej!\n\n{question.team} har besvarat din konsultativa fråga (nr {question.pk}).\n"
        f"Logga in för att läsa svaret: {link(reverse('referrals:question', args=[question.pk]))}\n"
    )
    return f"Svar på din fråga till {question.team}", body, [question.asked_by.email]


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
