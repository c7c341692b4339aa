"""Journey e-mails (ist.messaging sends them): numbers, names of staff and links only."""

from __future__ import annotations

from django.urls import reverse

from ist.messaging.registry import link, register, send
from participants.models import Enrollment, Transfer

ENROLLED = "enrolled"
REASSIGNED = "reassigned"
REASSIGNED_MANY = "reassigned_many"
CONSENT_CHANGED = "consent_changed"
TRANSFER_PROPOSED = "transfer_proposed"
TRANSFER_DECLINED = "transfer_declined"

__all__ = [
    "CONSENT_CHANGED",
    "ENROLLED",
    "REASSIGNED",
    "REASSIGNED_MANY",
    "TRANSFER_DECLINED",
    "TRANSFER_PROPOSED",
    "send",
]


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


@register(REASSIGNED_MANY)
def _reassigned_many(object_id: int) -> tuple[str, str, list[str]]:
    """The new handledare of several participants moved at once is told once (object: the user)."""
    from teams.models import User

    user = User.objects.get(pk=object_id)
    if not user.is_active:
        return "", "", []
    body = (
        "Hej!\n\nDu har fått nya deltagare i ditt ansvar (som ansvarig handledare eller andra kontaktperson).\n"
        f"Min vecka: {link(reverse('participants:week'))}\n"
    )
    return "Nya deltagare i ditt ansvar", body, [user.email]


@register(CONSENT_CHANGED)
def _consent_changed(object_id: int) -> tuple[str, str, list[str]]:
    """The handledare are told that the consent was narrowed or withdrawn: what was shared outside
    IST has been revoked; the participant page says what applies now. No personal data."""
    enrollment = Enrollment.objects.select_related("responsible", "second_contact", "team").get(pk=object_id)
    recipients = [u.email for u in (enrollment.responsible, enrollment.second_contact) if u and u.is_active]
    body = (
        f"Hej!\n\nSamtycket för en deltagare i {enrollment.team} har ändrats eller återkallats. "
        "Dokument som delats med parter utanför samtycket är inte längre tillgängliga för dem, "
        "och inget nytt skickas till dem.\n"
        f"Deltagarsidan: {link(reverse('participants:detail', args=[enrollment.pk]))}\n"
    )
    return f"Samtycket har ändrats – {enrollment.team}", body, recipients


def _coordinator_emails(team_id: int) -> list[str]:
    from teams.models import Membership

    return list(
        Membership.objects.filter(team_id=team_id, role=Membership.Role.KOORDINATOR, user__is_active=True)
        .order_by("user_id")
        .values_list("user__email", flat=True)
    )


@register(TRANSFER_PROPOSED)
def _transfer_proposed(object_id: int) -> tuple[str, str, list[str]]:
    """The receiving team's coordinators are told of a proposed move (no personal data: a link)."""
    transfer = Transfer.objects.select_related("from_team", "to_team").get(pk=object_id)
    if transfer.status != Transfer.Status.PROPOSED:
        return "", "", []
    body = (
        f"Hej!\n\n{transfer.from_team} föreslår att en deltagare flyttar till {transfer.to_team} "
        f"från {transfer.date:%Y-%m-%d}. Godkänn eller avböj här:\n"
        f"{link(reverse('participants:transfer_decide', args=[transfer.pk]))}\n"
    )
    return f"Förslag om flytt till {transfer.to_team}", body, _coordinator_emails(transfer.to_team_id)


@register(TRANSFER_DECLINED)
def _transfer_declined(object_id: int) -> tuple[str, str, list[str]]:
    """The proposer is told that the receiving team declined."""
    transfer = Transfer.objects.select_related("to_team", "proposed_by").get(pk=object_id)
    body = (
        f"Hej!\n\n{transfer.to_team} har avböjt flytten av en deltagare.\n"
        f"{link(reverse('participants:transfer_decide', args=[transfer.pk]))}\n"
    )
    return f"Flytten till {transfer.to_team} avböjdes", body, [transfer.proposed_by.email]
