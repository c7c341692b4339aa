"""Delivery of finalised documents: the download of the stored PDF and the parties' "Delade dokument".

A download serves the file stored when the document was rendered, never a fresh rendering (the
referrer must get exactly the bytes whose SHA-256 was recorded), through the user's scoped
documents (404 and the attempt logged otherwise). Every download is recorded twice: a Download row
that the handledare sees on the document page, and an access-log entry like every read of personal data.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ist.audit.recording import client_ip, get_visible_or_404, record_access
from ist.http import AuthenticatedHttpRequest
from ist.pdf.storage import stored_sha256
from participants.documents import forms, selectors, services
from participants.documents.models import Document

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpResponse, HttpResponseBase

PAGE_SIZE = 25
PENDING = "participants/delivery/pending.html"
TAMPERED = "participants/delivery/tampered.html"
SHARED = "participants/delivery/shared.html"
INBOX = "participants/delivery/inbox.html"

# File names carry no personal data and only ASCII, so they survive every mail client and disk.
FILE_KIND: dict[str, tuple[str, str]] = {
    Document.Kind.ACTION_PLAN: ("Handlingsplan", "HP"),
    Document.Kind.REPORT: ("Aterrapport", "AR"),
    Document.Kind.CLOSING: ("Avslutssammanfattning", "AS"),
}

security_log = logging.getLogger("ist.security")


def download_filename(document: Document) -> str:
    """e.g. Handlingsplan-1-v1-HP-000123.pdf: kind, number, version and document id."""
    label, prefix = FILE_KIND[document.kind]
    return f"{label}-{document.number}-v{document.version}-{prefix}-{document.pk:06d}.pdf"


@never_cache
@login_required
@require_GET
def document_download(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponseBase:
    document = get_visible_or_404(
        request, selectors.documents_for(request.user), what="document_download", public_id=public_id
    )
    if not document.is_final or not document.pdf:
        # Finalised, the PDF is being rendered (or a draft a staff member followed a link to).
        response: HttpResponseBase = render(request, PENDING, {"document": document}, status=409)
        response["Cache-Control"] = "no-store, private"
        return response
    # Verifying costs one read of the file (a few hundred kB); serving a file that is not the one
    # recorded at finalisation would hand the referrer a document nobody signed off.
    if stored_sha256(document.pdf) != document.sha256:
        security_log.error("document %s: stored PDF does not match its SHA-256; not served", document.pk)
        record_access(request, [document], what="document_download", outcome="tampered")
        return render(request, TAMPERED, {"document": document}, status=500)
    # Recorded for the handledare (who fetched which version) and as read for the user's inbox.
    services.download_record(document=document, user=request.user, ip=client_ip(request))
    response = FileResponse(
        document.pdf.open("rb"),
        as_attachment=True,
        filename=download_filename(document),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_GET
def shared_documents(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Documents delivered to the user as a party (the referrer finds theirs under Mina deltagare)."""
    page = Paginator(selectors.shared_with(request.user), PAGE_SIZE).get_page(request.GET.get("sida"))
    documents = list(page.object_list)
    record_access(request, documents, what="shared_documents")
    return render(request, SHARED, {"page": page, "documents": documents})


@login_required
@require_GET
def document_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The inbox "Dokument": every document delivered to the user (referrer or party), newest first, the
    ones not yet downloaded marked "Ny", filtered by person. Reading the list is logged for the
    documents shown; downloading one marks it read."""
    form = forms.PersonFilter(request.GET)
    person = form.cleaned_data["person"].strip() if form.is_valid() else ""
    page = Paginator(selectors.inbox_for(request.user, person=person), PAGE_SIZE).get_page(request.GET.get("sida"))
    documents = list(page.object_list)
    record_access(request, documents, what="document_inbox")
    query = urlencode({"person": person}) if person else ""
    return render(
        request, INBOX, {"form": form, "page": page, "documents": documents, "person": person, "query": query}
    )


urlpatterns = [
    path("dokument/", document_inbox, name="document_inbox"),
    path("dokument/<uuid:public_id>/pdf/", document_download, name="document_download"),
    path("delade-dokument/", shared_documents, name="shared_documents"),
]
