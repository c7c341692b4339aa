"""render_sample_documents: three PDFs from the data, or a clear refusal without it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from participants.documents import services
from participants.documents.models import Document
from tests.participants.documents import builders

pytestmark = pytest.mark.django_db


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_writes_a_plan_a_report_and_a_closing_summary(journey, tmp_path):
    handledare = journey["handledare"]
    builders.phase_two(journey["enrollment"], handledare)
    builders.final_plan(journey["enrollment"], handledare)
    report = services.document_start(enrollment=journey["enrollment"], kind=Document.Kind.REPORT, by=handledare)
    report = builders.complete_report(report, handledare)
    services.document_finalise(document=report, by=handledare, expected_revision=report.revision)
    closing = services.document_start(enrollment=journey["closed"], kind=Document.Kind.CLOSING, by=handledare)
    closing = builders.complete_closing(closing, handledare)
    services.document_finalise(document=closing, by=handledare, expected_revision=closing.revision)

    out = io.StringIO()
    call_command("render_sample_documents", str(tmp_path / "ut"), stdout=out)

    plan = text_of(tmp_path / "ut" / "handlingsplan.pdf")
    assert "Handlingsplan" in plan
    assert str(journey["participant"].last_name) in plan
    assert "Åka buss på egen hand" in plan
    assert "Återrapport" in text_of(tmp_path / "ut" / "aterrapport.pdf")
    closing_text = text_of(tmp_path / "ut" / "avslutssammanfattning.pdf")
    assert "Deltagaren har fått arbete." in closing_text
    assert out.getvalue().count(".pdf") == 3


def test_refuses_without_demo_data(db, tmp_path):
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("render_sample_documents", str(tmp_path))
    assert not list(tmp_path.iterdir())
