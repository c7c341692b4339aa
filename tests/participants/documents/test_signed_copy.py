"""The scanned signed plan goes through the one upload check (ist/uploads.py): PDF or a real image by
content, within the size limit, stored under a random name, served as a download; a replaced scan is
deleted once the replacement has committed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ist.errors import StaleEdit
from participants.documents import services
from participants.documents.inputs import DocumentContent
from participants.documents.models import Document
from tests.participants.documents.test_views_documents import editor_data, html

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(enrollment, journey):
    return services.document_start(enrollment=enrollment, kind=Document.Kind.ACTION_PLAN, by=journey["handledare"])


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("plan.html", b"<!doctype html><script>alert(1)</script>", "text/html", "Filens innehåll är inget av dem"),
        ("plan.pdf", b"<!doctype html><script>alert(1)</script>", "application/pdf", "Filens innehåll är inget av dem"),
        ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml", "Filens innehåll är inget av dem"),
        ("plan.exe", b"MZ\x90\x00\x03\x00", "application/x-msdownload", "Filens innehåll är inget av dem"),
        ("plan.png", b"\x89PNG\r\n\x1a\nIEND but no image", "image/png", "Bilden går inte att läsa"),
    ],
)
def test_a_signed_copy_that_is_not_a_pdf_or_image_is_refused_beside_the_field_and_the_rest_is_kept(
    client, draft, journey, media, name, content, content_type, message
):
    client.force_login(journey["handledare"])
    data = editor_data(draft, goal="Mitt mål som inte får försvinna")
    data["signed_copy"] = SimpleUploadedFile(name, content, content_type=content_type)
    response = client.post(reverse("participants:document_detail", args=[draft.public_id]), data)
    page = html(response)
    assert response.status_code == 400
    assert message in page
    assert 'id="id_signed_copy_error"' in page  # beside the field, tied to it
    assert "Mitt mål som inte får försvinna" in page
    assert "Välj den inskannade filen igen" in page
    draft.refresh_from_db()
    assert (draft.goal, draft.signed_copy.name) == ("", "")
    assert stored_files(media) == []


def test_a_signed_copy_over_the_limit_is_refused(client, draft, journey, media, settings):
    settings.IST_UPLOAD_MAX_MB = 1
    client.force_login(journey["handledare"])
    data = editor_data(draft)
    data["signed_copy"] = SimpleUploadedFile("plan.pdf", PDF + b"0" * (2 * 1024 * 1024), "application/pdf")
    response = client.post(reverse("participants:document_detail", args=[draft.public_id]), data)
    assert response.status_code == 400
    assert "Filen är för stor (2,0 MB). Högst 1 MB." in html(response)
    assert stored_files(media) == []


def test_autosave_with_a_bad_file_saves_nothing_and_says_why(client, draft, journey, media):
    client.force_login(journey["handledare"])
    data = editor_data(draft, goal="Skrivet medan filen valdes")
    data["signed_copy"] = SimpleUploadedFile("plan.svg", b"<svg/>", "image/svg+xml")
    response = client.post(
        reverse("participants:document_autosave", args=[draft.public_id]), data, headers={"HX-Request": "true"}
    )
    assert "Inte sparat" in html(response)
    assert "Inskannad underskriven plan: Välj en PDF eller en bild" in html(response)
    draft.refresh_from_db()
    assert draft.goal == ""
    assert stored_files(media) == []


def test_a_good_scan_is_stored_under_a_random_name_and_served_as_a_download(client, draft, journey, media):
    client.force_login(journey["handledare"])
    data = editor_data(draft)
    data["signed_copy"] = SimpleUploadedFile("Åsa Öberg underskrift.pdf", png(), "application/pdf")
    response = client.post(reverse("participants:document_detail", args=[draft.public_id]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.signed_copy.name.startswith("documents/signed/")
    assert draft.signed_copy.name.endswith(".png")  # the content's suffix, not the name's
    assert "Öberg" not in draft.signed_copy.name
    download = client.get(reverse("participants:document_signed_copy", args=[draft.public_id]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{draft.reference}-underskriven.png"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == png()


def test_replacing_the_scan_deletes_the_old_file_after_the_commit(
    draft, journey, media, django_capture_on_commit_callbacks
):
    handledare = journey["handledare"]
    first = services.document_save_draft(
        document=draft,
        by=handledare,
        expected_revision=draft.revision,
        signed_copy=SimpleUploadedFile("fil.pdf", PDF),
    )
    old = first.signed_copy.name
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = services.document_save_draft(
            document=first,
            by=handledare,
            expected_revision=first.revision,
            signed_copy=SimpleUploadedFile("fil.png", png()),
        )
        assert (media / old).exists()  # not before the commit
    assert len(callbacks) == 1
    assert stored_files(media) == [second.signed_copy.name]
    # Saving the draft again without a new file keeps the scan.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        third = services.document_save_draft(
            document=second,
            by=handledare,
            expected_revision=second.revision,
            content=DocumentContent.of(second, goal="Nytt mål"),
        )
    assert callbacks == []
    assert third.signed_copy.name == second.signed_copy.name
    assert stored_files(media) == [second.signed_copy.name]


def test_a_refused_replacement_keeps_the_old_scan(draft, journey, media, django_capture_on_commit_callbacks):
    handledare = journey["handledare"]
    first = services.document_save_draft(
        document=draft,
        by=handledare,
        expected_revision=draft.revision,
        signed_copy=SimpleUploadedFile("fil.pdf", PDF),
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(StaleEdit):
        services.document_save_draft(
            document=first,
            by=handledare,
            expected_revision=first.revision - 1,
            signed_copy=SimpleUploadedFile("fil.png", png()),
        )
    assert callbacks == []
    first.refresh_from_db()
    assert (media / first.signed_copy.name).read_bytes() == PDF
