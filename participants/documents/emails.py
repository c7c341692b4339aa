"""Document e-mails (ist.messaging sends them): a document is ready to download. No personal data:
the document's kind and number, the team, and a link behind login."""

from __future__ import annotations

from django.urls import reverse

from ist.messaging.registry import link, register, send
from participants.documents.models import Delivery

DOCUMENT_READY = "document_ready"

__all__ = ["DOCUMENT_READY", "send"]


@register(DOCUMENT_READY)
def _document_ready(object_id: int) -> tuple[str, str, list[str]]:
    delivery = Delivery.objects.select_related(
        "document__enrollment__team", "document__enrollment__participant", "recipient"
    ).get(pk=object_id)
    # Revoked since it was queued (consent withdrawn or narrowed, protected identity): nothing to tell.
    if delivery.revoked_at or not delivery.recipient.is_active:
        return "", "", []
    if delivery.document.enrollment.participant.protected_identity:
        return "", "", []
    document = delivery.document
    # Straight to the document (after signing in): downloading it marks it read in "Dokument".
    where = reverse("participants:document_download", kwargs={"public_id": document.public_id})
    inbox = reverse("participants:document_inbox")
    body = (
        f"Hej!\n\n{document.get_kind_display()} {document.reference} (version {document.version}) från "
        f"{document.enrollment.team} är klar och finns att hämta när du loggat in:\n{link(where)}\n\n"
        f"Alla dokument du har fått finns under Dokument:\n{link(inbox)}\n"
    )
    return f"{document.get_kind_display()} att hämta – {document.enrollment.team}", body, [delivery.recipient.email]
