"""The registerutdrag holds the person's self-assessments; anonymous answers are nobody's and stay out."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ist.questionnaires import reference
from ist.retention import extract as extract_service
from ist.retention.models import RegisterExtract
from tests.questionnaires import builders

pytestmark = pytest.mark.django_db


def test_the_extract_lists_the_self_assessments_and_no_anonymous_answer(settings, tmp_path, journey) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    enrollment = journey["enrollment"]
    builders.self_assessment(enrollment, 5, timezone.localdate())
    builders.example_answer(enrollment, 5, 4, timezone.localdate())  # anonymous: no link to the person
    extract = RegisterExtract.objects.create(
        personnummer=enrollment.participant.personnummer, reason="Begäran", requested_by=journey["administrator"]
    )
    assert extract_service.extract_build(extract_id=extract.pk)
    extract.refresh_from_db()
    with extract.pdf.open("rb") as handle:
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages).split())
    assert "Självskattningar (1)" in text
    assert reference.STEPS in text
    assert "En bit närmare" in text
    assert reference.EXAMPLE not in text
