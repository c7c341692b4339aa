"""Registerutdrag: everything held on one personnummer, read back from the PDF, with the stored
files attached byte for byte."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pytest
from django.test import RequestFactory
from pypdf import PdfReader

from ist.audit.recording import record_access
from ist.retention import extract as extract_service
from ist.retention.models import LegalHold, RegisterExtract
from participants.documents import services as document_services
from tests.participants.documents import builders as document_builders
from tests.retention import builders

pytestmark = pytest.mark.django_db


def read(extract: RegisterExtract) -> tuple[str, Mapping[str, list[bytes]]]:
    with extract.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader.attachments


def test_extract_holds_the_persons_referrals_stay_documents_consent_and_readers(media, journey) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    participant = enrollment.participant
    document_builders.phase_two(enrollment, handledare)
    plan = document_builders.final_plan(enrollment, handledare)
    document_services.document_render(document_id=plan.pk)
    plan.refresh_from_db()
    builders.with_scan(enrollment.referral)
    request = RequestFactory().get("/")
    request.user = journey["koordinator"]
    record_access(request, [participant], what="deltagarsidan")
    LegalHold.objects.create(
        personnummer=participant.personnummer, reason="Begäran dnr 2026-77", placed_by=journey["administrator"]
    )
    extract = RegisterExtract.objects.create(
        personnummer=participant.personnummer, reason="Begäran via brev", requested_by=journey["administrator"]
    )

    assert extract_service.extract_build(extract_id=extract.pk)
    assert not extract_service.extract_build(extract_id=extract.pk)  # twice: built once
    extract.refresh_from_db()
    assert extract.status == RegisterExtract.Status.READY
    assert len(extract.sha256) == 64

    text, attachments = read(extract)
    number = f"{participant.personnummer[:8]}-{participant.personnummer[8:]}"
    assert "Registerutdrag" in text
    assert number in text
    assert f"{participant.first_name} {participant.last_name}" in text
    assert f"Remiss {enrollment.referral.pk}" in text
    assert "Samtycke Lämnat" in text
    assert "FK, kommunen och regionen" in text  # the consent's scope
    assert enrollment.team.name in text
    assert "Individuellt samtal" in text  # the logged activity
    assert f"Handlingsplan 1 version 1 ({plan.reference})" in text
    assert "deltagarsidan" in text  # who read the data
    assert journey["koordinator"].email in text or str(journey["koordinator"]) in text
    assert "Begäran dnr 2026-77" in text  # the spärr
    with plan.pdf.open("rb") as handle:
        assert attachments[f"dokument-{plan.pk}-v1.pdf"] == [handle.read()]
    assert attachments[f"remiss-{enrollment.referral.pk}-inskannad.pdf"] == [b"%PDF-1.4 inskannad remiss"]
    # The download's name carries no personal data.
    assert participant.personnummer not in extract.filename
    assert participant.personnummer not in extract.pdf.name


def test_extract_of_someone_unknown_says_nothing_is_held(media, users) -> None:
    extract = RegisterExtract.objects.create(
        personnummer="198501012396", reason="Begäran via e-post", requested_by=users["administrator"]
    )
    extract_service.extract_build(extract_id=extract.pk)
    extract.refresh_from_db()
    text, attachments = read(extract)
    assert "Personen har aldrig varit inskriven i IST." in text
    assert "Inga remisser." in text
    assert attachments == {}


def test_a_failed_build_is_recorded_retried_and_finally_failed(media, users, monkeypatch, client) -> None:
    from django.urls import reverse

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(extract_service, "render_pdf", broken)
    extract = RegisterExtract.objects.create(
        personnummer="198501019817", reason="Begäran via e-post", requested_by=users["administrator"]
    )
    with pytest.raises(OSError, match="disk full"):
        extract_service.extract_build(extract_id=extract.pk)
    extract.refresh_from_db()
    assert (extract.status, extract.attempts, extract.error) == (RegisterExtract.Status.PENDING, 1, "OSError")
    assert not extract.pdf

    extract_service.extract_give_up(extract_id=extract.pk)  # what the task does after its last retry
    extract.refresh_from_db()
    assert extract.status == RegisterExtract.Status.FAILED
    client.force_login(users["administrator"])
    assert "Kunde inte skapas. Beställ ett nytt." in client.get(reverse("retention:extracts")).content.decode()
