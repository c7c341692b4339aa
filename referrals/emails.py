"""Referral e-mails, in Swedish, naming the referral by number only (ist.messaging sends them)."""

from __future__ import annotations

from django.urls import reverse

from ist.messaging.registry import link, register, send
from referrals.models import ConsultativeQuestion, InformationMeeting, Referral

DECIDED = "referral_decided"
INFO_REQUESTED = "referral_info_requested"
INFO_MEETING_BOOKED = "info_meeting_booked"
QUESTION_ANSWERED = "question_answered"

__all__ = ["DECIDED", "INFO_MEETING_BOOKED", "INFO_REQUESTED", "QUESTION_ANSWERED", "send"]


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
