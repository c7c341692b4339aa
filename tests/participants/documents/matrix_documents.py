"""URL × role matrix entries for the document pages (merged by tests/test_url_matrix.py).

The team's staff see every document; the referrer only the final documents delivered to them (the
rendered plan is delivered to world["referrer"]); drafts, the preview and the signed copy are the
staff's (404 for the referrer). Writing is POST only: GET answers 405.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from participants.documents import services
from participants.documents.models import Contact, Delivery, Document
from tests.factories import ReferrerFactory
from tests.matrix_roles import Post, Posted, signed_in
from tests.participants.documents import builders
from tests.participants.documents.test_views_documents import editor_data

POST_ONLY = signed_in(405)
# Writing: the team's coordinator and the responsible handledare; the referrer, who sees the
# enrolment, gets 403; everyone else 404.
WRITERS = signed_in(404, koordinator=302, handledare=302, referrer=403)


def _contact(w: dict[str, Any]) -> Contact:
    """A party (e.g. the handläggare at FK) around world["enrollment"]."""
    return services.contact_add(
        enrollment=w["enrollment"], user=ReferrerFactory.create(), role="FK", by=w["handledare"]
    )


def _final_with_contact(w: dict[str, Any]) -> dict[str, object]:
    w["contact"] = _contact(w)
    return {"public_id": builders.rendered_plan(w).public_id}


def _enrollment_with_contact(w: dict[str, Any]) -> dict[str, object]:
    w["contact"] = _contact(w)
    return {"pk": w["enrollment"].pk, "contact_pk": w["contact"].pk}


def _enrollment_and_party(w: dict[str, Any]) -> dict[str, object]:
    w["party"] = ReferrerFactory.create()  # someone with an account who may become a contact
    return {"pk": w["enrollment"].pk}


def _draft(w: dict[str, Any]) -> dict[str, object]:
    w["draft"] = builders.draft_plan(w)
    return {"public_id": w["draft"].public_id}


def _document(p: Posted) -> Document:
    return Document.objects.get(public_id=p.kwargs["public_id"])


STAFF = signed_in(404, koordinator=200, handledare=200)


def _signed_draft(world: dict[str, Any]) -> dict[str, object]:
    draft = builders.draft_plan(world)
    services.document_save_draft(
        document=draft,
        by=world["handledare"],
        expected_revision=draft.revision,
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
    "participants:document_autosave": (_draft, "", POST_ONLY),
    "participants:document_correct": (lambda w: {"public_id": builders.rendered_plan(w).public_id}, "", POST_ONLY),
    "participants:document_share": (_final_with_contact, "", POST_ONLY),
    "participants:document_preview": (lambda w: {"public_id": builders.draft_plan(w).public_id}, "", STAFF),
    "participants:document_signed_copy": (_signed_draft, "", STAFF),
    # The htmx poll of the PDF; a plain GET is sent to the document page (302) for whoever sees it.
    "participants:document_pdf": (
        lambda w: {"public_id": builders.rendered_plan(w).public_id},
        "",
        signed_in(404, koordinator=302, handledare=302, referrer=302),
    ),
    "participants:contact_add": (_enrollment_and_party, "", POST_ONLY),
    # The contact picker's matches: for whoever may change some enrolment.
    "participants:contact_search": ({}, "user_q=a", signed_in(403, koordinator=200, handledare=200)),
    "participants:contact_remove": (_enrollment_with_contact, "", POST_ONLY),
}

POSTS: dict[str, Post] = {
    # "Spara utkast" on a draft's page (the GET row shows a final document, which the referrer sees).
    "participants:document_detail": Post(
        answers=signed_in(404, koordinator=302, handledare=302),
        kwargs=_draft,
        data=lambda w: editor_data(w["draft"], goal="Arbeta i en trädgård"),
        changed=lambda p: _document(p).goal == "Arbeta i en trädgård",
    ),
    "participants:document_new": Post(
        answers=WRITERS,
        changed=lambda p: Document.objects.filter(enrollment_id=p.kwargs["pk"], kind=p.kwargs["kind"]).exists(),
    ),
    "participants:document_autosave": Post(
        answers=signed_in(404, koordinator=200, handledare=200),  # a draft is the staff's: 404 for the referrer
        htmx=True,
        data=lambda w: editor_data(w["draft"], goal="Arbeta på ett växthus"),
        changed=lambda p: _document(p).goal == "Arbeta på ett växthus",
    ),
    "participants:document_correct": Post(
        answers=WRITERS, changed=lambda p: Document.objects.filter(corrects__public_id=p.kwargs["public_id"]).exists()
    ),
    "participants:document_share": Post(
        answers=WRITERS,
        data=lambda w: {"recipients": [w["contact"].pk]},
        changed=lambda p: Delivery.objects.filter(recipient=p.world["contact"].user).exists(),
    ),
    "participants:contact_add": Post(
        answers=WRITERS,
        data=lambda w: {"user": w["party"].pk, "role": "Handläggare sjukpenning"},
        changed=lambda p: Contact.objects.filter(enrollment_id=p.kwargs["pk"], user=p.world["party"]).exists(),
    ),
    "participants:contact_remove": Post(
        answers=WRITERS, changed=lambda p: not Contact.objects.filter(pk=p.kwargs["contact_pk"]).exists()
    ),
}
