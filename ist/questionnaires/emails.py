"""The questionnaire e-mail: a one-time link to the participant or, for a referrer's questionnaire, to
the referrer. The link is made when the e-mail is built (in the worker), so its token exists only in the
e-mail; a retried delivery makes a new link and the earlier one stops working."""

from __future__ import annotations

from django.urls import reverse

from ist.messaging.registry import link, register
from ist.questionnaires.models import Invitation, RespondentGroup


def recipient(invitation: Invitation) -> str:
    """Where the link goes: the referrer for a referrer's questionnaire, else the participant."""
    enrollment = invitation.enrollment
    if invitation.version.questionnaire.respondent_group == RespondentGroup.REFERRER:
        referral = enrollment.referral
        return referral.referrer.email if referral and referral.referrer else ""
    return enrollment.participant.email


@register("questionnaires.link")
def link_email(invitation_id: int) -> tuple[str, str, list[str]]:
    from ist.questionnaires.services import link_create

    invitation = Invitation.objects.select_related(
        "version__questionnaire", "enrollment__participant", "enrollment__referral__referrer"
    ).get(pk=invitation_id)
    to = recipient(invitation)
    if not to:
        return "", "", []
    token = link_create(invitation=invitation)
    body = (
        "Hej!\n\nVi vill gärna veta vad du tycker. Svara på enkäten här (länken fungerar en gång och i 14 dagar):\n\n"
        f"{link(reverse('questionnaires:answer', kwargs={'token': token}))}\n"
    )
    return "Enkät från IST", body, [to]
