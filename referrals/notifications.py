"""Telling people by e-mail, in Swedish, with no more personal data than needed.

A message names the referral by number only; the details are behind login.
Sent by a Celery task after the transaction commits.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from referrals.models import ConsultativeQuestion, InformationMeeting, Referral

DECIDED = "decided"
INFO_REQUESTED = "info_requested"
INFO_MEETING_BOOKED = "info_meeting_booked"
QUESTION_ANSWERED = "question_answered"


def send_after_commit(kind: str, object_id: int) -> None:
    from referrals.tasks import send_notification

    transaction.on_commit(lambda: send_notification.delay(kind, object_id))


def _link(path: str) -> str:
    return f"{settings.IST_BASE_URL.rstrip('/')}{path}"


def build(kind: str, object_id: int) -> tuple[str, str, list[str]]:
    """(subject, body, recipients) for one notification."""
    if kind == QUESTION_ANSWERED:
        question = ConsultativeQuestion.objects.select_related("asked_by", "team").get(pk=object_id)
        body = (
            f"Hej!\n\n{question.team} har besvarat din konsultativa fråga (nr {question.pk}).\n"
            f"Logga in för att läsa svaret: {_link(reverse('referrals:question', args=[question.pk]))}\n"
        )
        return f"Svar på din fråga till {question.team}", body, [question.asked_by.email]
    if kind == INFO_MEETING_BOOKED:
        meeting = InformationMeeting.objects.select_related("referral__team").get(pk=object_id)
        referral = meeting.referral
        body = (
            f"Hej!\n\nEtt informationsmöte är bokat för remiss nr {referral.pk} till {referral.team}:\n"
            f"{meeting.date:%Y-%m-%d} kl. {meeting.start_time:%H:%M}, {meeting.place}.\n"
            "Du är välkommen att delta.\n"
            f"Mer information: {_link(reverse('referrals:detail', args=[referral.pk]))}\n"
        )
        return f"Informationsmöte bokat – remiss {referral.pk}", body, [referral.referrer_email]
    referral = Referral.objects.select_related("team").get(pk=object_id)
    url = _link(reverse("referrals:detail", args=[referral.pk]))
    if kind == INFO_REQUESTED:
        body = (
            f"Hej!\n\n{referral.team} behöver mer information i remiss nr {referral.pk}.\n"
            f"Logga in, komplettera och skicka remissen igen: {url}\n"
        )
        return f"Komplettering behövs – remiss {referral.pk}", body, [referral.referrer_email]
    body = (
        f"Hej!\n\n{referral.team} har fattat beslut om remiss nr {referral.pk}: "
        f"{referral.get_status_display().lower()}.\n"
        f"Inremittenten kan logga in och läsa beslutet med motivering: {url}\n"
    )
    recipients = [referral.referrer_email, referral.support_contact_email]
    return f"Beslut om remiss {referral.pk}", body, recipients


def deliver(kind: str, object_id: int) -> int:
    try:
        subject, body, recipients = build(kind, object_id)
    except ObjectDoesNotExist:
        return 0  # removed since the message was queued: nothing to tell
    recipients = list(dict.fromkeys(r for r in recipients if r))
    if not recipients:
        return 0
    body += "\nIndividsamverkansteamen i Halland\n(Meddelandet innehåller inga personuppgifter; svara inte på det.)\n"
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
