"""What a document's PDF shows: the template per kind and its context."""

from __future__ import annotations

from typing import Any

from participants.documents.models import Document, Responsible

TEMPLATES: dict[str, str] = {
    Document.Kind.ACTION_PLAN: "pdf/documents/action_plan.html",
    Document.Kind.REPORT: "pdf/documents/report.html",
    Document.Kind.CLOSING: "pdf/documents/closing.html",
}


def template_for(document: Document) -> str:
    return TEMPLATES[document.kind]


def context_for(document: Document) -> dict[str, Any]:
    """The PDF context: the document with its rows, the participant, the team and the people."""
    enrollment = document.enrollment
    participant = enrollment.participant
    planned = [
        {**row, "every": "vecka" if row.get("per_weeks") == 1 else f"{row.get('per_weeks')} veckor"}
        for row in document.planned_activities
    ]
    return {
        "title": f"{document.get_kind_display()} {document.number} – {participant}",
        "document_id": document.reference,
        "version": document.version,
        "team_name": enrollment.team.name,
        "document": document,
        "participant": participant,
        "enrollment": enrollment,
        "responsible": enrollment.responsible,
        "sub_goals": list(document.sub_goals.all()),
        "evaluations": list(document.evaluations.all()),
        "planned": planned,
        "responsible_labels": dict(Responsible.choices),
    }
