"""The PDF mechanism: tagged PDF/UA, the shipped font with å ä ö, page numbers, draft mark, hash."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from pypdf import PdfReader

from ist.pdf.rendering import render_pdf

CONTEXT = {
    "title": "Handlingsplan 1",
    "document_id": "HP-2026-0001",
    "version": 1,
    "team_name": "IST Halmstad/Hylte",
    "person": "Åsa Öberg",
    "period": "2026-11-02 – 2027-02-01",
    "goals": ["Träna på att åka buss till arbetsträningen", "Öka närvaron till tre dagar i veckan"],
}


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_rendered_pdf_carries_the_swedish_text_and_page_footer() -> None:
    rendered = render_pdf("pdf/sample.html", CONTEXT)
    text = text_of(rendered.content)
    for expected in (
        "Handlingsplan 1",
        "Åsa Öberg",
        "Träna på att åka buss",
        "Sida 1 av 1",
        "HP-2026-0001 · version 1",
        "Samordningsförbundet i Halland · IST Halmstad/Hylte",
    ):
        assert expected in text
    assert "UTKAST" not in text
    assert rendered.sha256 == hashlib.sha256(rendered.content).hexdigest()


def test_the_pdf_is_tagged_with_title_language_and_embedded_font() -> None:
    reader = PdfReader(io.BytesIO(render_pdf("pdf/sample.html", CONTEXT).content))
    root: Any = reader.trailer["/Root"]  # pypdf's objects are indexed by PDF name
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "sv"
    assert reader.metadata is not None
    assert reader.metadata.title == "Handlingsplan 1"
    resources: Any = reader.pages[0]["/Resources"]
    fonts = {str(f["/BaseFont"]) for f in resources["/Font"].values()}
    assert any(f.endswith("+IST-Sans") for f in fonts)  # the shipped font, subset and embedded


def test_a_draft_is_marked_utkast() -> None:
    assert "UTKAST" in text_of(render_pdf("pdf/sample.html", CONTEXT, draft=True).content)


def test_long_documents_number_their_pages() -> None:
    goals = [f"Delmål {n}: {'lång text om vad som ska göras ' * 8}" for n in range(60)]
    reader = PdfReader(io.BytesIO(render_pdf("pdf/sample.html", {**CONTEXT, "goals": goals}).content))
    pages = len(reader.pages)
    assert pages > 1
    assert f"Sida {pages} av {pages}" in reader.pages[-1].extract_text()
