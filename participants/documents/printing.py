"""What a document's PDF shows: the template per kind and its context.

Every kind opens with the shared letterhead (ist/pdf/letterhead.py): the association and the team,
the addressee (the referrer and their organisation, else the first party it is delivered to; the
others as copies), the referral it answers and the consent it rests on. The addressees are the
deliveries in force when the PDF is rendered: a party given the document later gets the same bytes
(docs/decisions/0026).
"""

from __future__ import annotations

from typing import Any

from ist.pdf.letterhead import Addressee, letter_context
from participants.documents.models import Delivery, Document, Responsible
from participants.documents.selectors import hours_total
from participants.models import Closure, Enrollment

TEMPLATES: dict[str, str] = {
    Document.Kind.ACTION_PLAN: "pdf/documents/action_plan.html",
    Document.Kind.REPORT: "pdf/documents/report.html",
    Document.Kind.CLOSING: "pdf/documents/closing.html",
}

NOT_DELIVERED = "Dokumentet lämnas inte ut utanför IST."


def template_for(document: Document) -> str:
    return TEMPLATES[document.kind]


def consent_text(enrollment: Enrollment) -> str:
    """The consent the document rests on, in one line: how and when it was given and whom it covers."""
    referral = enrollment.referral
    if referral is None or not referral.consent_given:
        return "Samtycke saknas."
    how = referral.get_consent_how_display().lower() if referral.consent_how else ""
    given = " ".join(
        part
        for part in ("Lämnat", how, referral.consent_date.strftime("%Y-%m-%d") if referral.consent_date else "")
        if part
    )
    if referral.consent_withdrawn_on:
        return f"{given}; återkallat {referral.consent_withdrawn_on:%Y-%m-%d}."
    scope = ", ".join(referral.consent_scope_labels())
    return f"{given}; gäller: {scope or 'inga parter'}."


def referral_text(enrollment: Enrollment) -> str:
    referral = enrollment.referral
    if referral is None:
        return "Ingen remiss (inskriven utan remiss)."
    received = f", inkom {referral.received_on:%Y-%m-%d}" if referral.received_on else ""
    return f"Remiss {referral.pk}{received}"


def letter_for(document: Document) -> dict[str, Any]:
    """The letterhead context of a document: sender, addressees and references."""
    enrollment = document.enrollment
    deliveries = list(
        Delivery.objects.filter(document=document, revoked_at__isnull=True)
        .select_related("recipient__organisation")
        .order_by("-is_referrer", "delivered_at", "pk")
    )
    people = [Addressee.of(delivery.recipient) for delivery in deliveries]
    if document.is_draft:
        # A draft's preview has no deliveries yet: it names the referrer it will go to, if it may.
        from participants.documents.services import may_receive  # services import this module

        referrer = enrollment.referral.referrer if enrollment.referral else None
        if referrer is not None and referrer.is_active and may_receive(enrollment, referrer):
            people = [Addressee.of(referrer)]
    references = [
        ("Dokument-id", f"{document.reference}, version {document.version}"),
        ("Avser", referral_text(enrollment)),
        ("Samtycke", consent_text(enrollment)),
    ]
    return letter_context(
        team=enrollment.team,
        to=people[:1],
        copies=people[1:],
        references=references,
        no_addressee=NOT_DELIVERED,
    )


def context_for(document: Document) -> dict[str, Any]:
    """The PDF context: the document with its rows, the participant, the team, the people and the
    letterhead."""
    enrollment = Enrollment.objects.select_related("participant", "team", "responsible", "referral__referrer").get(
        pk=document.enrollment_id
    )
    document.enrollment = enrollment
    participant = enrollment.participant
    planned = [
        {**row, "every": "vecka" if row.get("per_weeks") == 1 else f"{row.get('per_weeks')} veckor"}
        for row in document.planned_activities
    ]
    closure = None
    if document.kind == Document.Kind.CLOSING:
        closure = (
            Closure.objects.select_related("reason", "occupation_after", "support_after")
            .filter(enrollment=enrollment)
            .first()
        )
    return {
        "title": f"{document.get_kind_display()} {document.number} – {participant}",
        "document_id": document.reference,
        "version": document.version,
        "document": document,
        "participant": participant,
        "enrollment": enrollment,
        "responsible": enrollment.responsible,
        "sub_goals": list(document.sub_goals.all()),
        "evaluations": list(document.evaluations.all()),
        "planned": planned,
        "responsible_labels": dict(Responsible.choices),
        "hours_total": hours_total(document.attendance) if document.kind == Document.Kind.REPORT else None,
        "closure": closure,
        **letter_for(document),
    }
