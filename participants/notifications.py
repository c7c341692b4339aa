"""Journey e-mails (ist.messaging sends them): numbers, names of staff and links only."""

from __future__ import annotations

from django.urls import reverse

from ist.messaging.registry import link, register, send
from participants.models import Enrollment

ENROLLED = "enrolled"
REASSIGNED = "reassigned"

__all__ = ["ENROLLED", "REASSIGNED", "send"]


@register(ENROLLED)
def _enrolled(object_id: int) -> tuple[str, str, list[str]]:
    """The referrer is told the planning (DOMAIN step 4)."""
    enrollment = Enrollment.objects.select_related("referral", "responsible", "team").get(pk=object_id)
    referral = enrollment.referral
    if referral is None:
        return "", "", []
    body = (
        f"Hej!\n\nPersonen i remiss nr {referral.pk} är inskriven i {enrollment.team} "
        f"från {enrollment.start_date:%Y-%m-%d} och börjar i Prova på.\n"
        f"Ansvarig handledare: {enrollment.responsible.get_full_name()}, {enrollment.responsible.email}.\n"
        f"Mer information: {link(reverse('referrals:detail', args=[referral.pk]))}\n"
    )
    return f"Inskrivning – remiss {referral.pk}", body, [referral.referrer_email]


@register(REASSIGNED)
def _reassigned(object_id: int) -> tuple[str, str, list[str]]:
    """The new handledare is told."""
    enrollment = Enrollment.objects.select_related("responsible", "team").get(pk=object_id)
    body = (
        f"Hej!\n\nDu är ny ansvarig handledare för en deltagare i {enrollment.team}.\n"
        f"Deltagarsidan: {link(reverse('participants:detail', args=[enrollment.pk]))}\n"
    )
    return f"Ny deltagare – {enrollment.team}", body, [enrollment.responsible.email]
