"""Printed documents: Django templates rendered to tagged PDF (PDF/UA-1) by WeasyPrint.

Rendering takes about 0.3 s for two pages, so it happens in Celery tasks; only
a draft preview is rendered in a request. The font ships in static/fonts/
(DejaVu Sans, with å ä ö), so output does not depend on the machine's fonts.
WeasyPrint reads nothing but our static files and data: URLs (fetching.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML, Attachment

from ist.pdf.fetching import StaticOnlyFetcher

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (shown in the reader's attachments pane)."""

    name: str  # ASCII, no personal data
    content: bytes
    description: str = ""


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    sha256: str


def font_url(name: str) -> str:
    """A file:// URL of a font shipped in static/fonts (WeasyPrint reads it from disk)."""
    path = finders.find(f"fonts/{name}")
    if path is None:
        raise FileNotFoundError(f"static/fonts/{name} is missing")
    return Path(path).resolve().as_uri()


def render_pdf(
    template: str, context: dict[str, Any], *, draft: bool = False, attachments: list[PdfAttachment] | None = None
) -> RenderedPdf:
    """Render `template` (which extends pdf/base.html) to a tagged PDF and its SHA-256.

    `context` should carry `title`, `document_id` and `version`; a draft is
    watermarked "UTKAST". `attachments` are embedded as files (a registerutdrag carries the stored
    documents this way).
    """
    html = render_to_string(
        template,
        {
            "organisation_name": settings.IST_ORGANISATION_NAME,  # a letterhead in `context` names its own
            **context,
            "draft": draft,
            "font_regular": font_url("DejaVuSans.ttf"),
            "font_bold": font_url("DejaVuSans-Bold.ttf"),
        },
    )
    embedded = [
        Attachment(string=item.content, name=item.name, description=item.description or item.name)
        for item in attachments or []
    ]
    # Only our static files and data: URLs can reach the PDF (ist/pdf/fetching.py).
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=StaticOnlyFetcher())
    content = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=embedded or None)
    return RenderedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())
