"""URL × role matrix entries for the document pages (merged by tests/test_url_matrix.py).

The team's staff see every document; the referrer only the final documents delivered to them (the
rendered plan is delivered to world["referrer"]); drafts, the preview and the signed copy are the
staff's (404 for the referrer). Writing is POST only: GET answers 405.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from participants.documents import services
from tests.matrix_roles import signed_in
from tests.participants.documents import builders

POST_ONLY = signed_in(405)
STAFF = signed_in(404, koordinator=200, handledare=200)


def _signed_draft(world: dict[str, Any]) -> dict[str, object]:
    draft = builders.draft_plan(world)
    services.document_save_draft(
        document=draft,
        by=world["handledare"],
        expected_revision=draft.revision,
        data={},
        signed_copy=ContentFile(b"%PDF-1.4 signed", name="underskrift.pdf"),
    )
    return {"public_id": draft.public_id}


# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "participants:document_detail": (
        lambda w: {"public_id": builders.rendered_plan(w).public_id},
        "",
        signed_in(404, koordinator=200, handledare=200, referrer=200),
    ),
    "participants:document_new": (lambda w: {"pk": w["enrollment"].pk, "kind": "action_plan"}, "", POST_ONLY),
    "participants:document_autosave": (lambda w: {"public_id": builders.draft_plan(w).public_id}, "", POST_ONLY),
    "participants:document_correct": (lambda w: {"public_id": builders.draft_plan(w).public_id}, "", POST_ONLY),
    "participants:document_share": (lambda w: {"public_id": builders.draft_plan(w).public_id}, "", POST_ONLY),
    "participants:document_preview": (lambda w: {"public_id": builders.draft_plan(w).public_id}, "", STAFF),
    "participants:document_signed_copy": (_signed_draft, "", STAFF),
    # The htmx poll of the PDF; a plain GET is sent to the document page (302) for whoever sees it.
    "participants:document_pdf": (
        lambda w: {"public_id": builders.rendered_plan(w).public_id},
        "",
        signed_in(404, koordinator=302, handledare=302, referrer=302),
    ),
    "participants:contact_add": (lambda w: {"pk": w["enrollment"].pk}, "", POST_ONLY),
    "participants:contact_remove": (lambda w: {"pk": w["enrollment"].pk, "contact_pk": 1}, "", POST_ONLY),
}
