"""The one upload check (ist/uploads.py): the content decides, not the name or the browser's type; an
image must decode; the size limit is a setting; the stored name is random; a replaced file goes only
once its replacement has committed."""

from __future__ import annotations

import io
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from ist import uploads
from ist.uploads import RandomName, UploadField, check_upload, delete_after_commit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white").save(buffer, format=fmt)
    return buffer.getvalue()


def upload(content: bytes, name: str = "fil.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(content: bytes, **kwargs: str) -> str:
    with pytest.raises(ValidationError) as error:
        check_upload(upload(content, **kwargs))
    return error.value.messages[0]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (image_bytes("JPEG"), "jpeg"),
        (image_bytes("PNG"), "png"),
        (image_bytes("TIFF"), "tiff"),
    ],
)
def test_a_pdf_or_a_real_image_is_accepted_whatever_it_is_called(content, kind):
    assert check_upload(upload(content, name="skanning.exe", content_type="text/html")) == kind


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (b"<!doctype html><script>alert(1)</script>", "plan.pdf", "application/pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "plan.svg", "image/svg+xml"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "plan.exe", "application/x-msdownload"),
        (b"PK\x03\x04 a zip or an office file", "plan.docx", "application/pdf"),
        (b"GIF89a\x01\x00\x01\x00", "plan.gif", "image/gif"),
    ],
)
def test_anything_else_is_refused_by_its_content(content, name, content_type):
    message = refusal(content, name=name, content_type=content_type)
    assert message == uploads.NOT_ALLOWED


def test_a_file_that_only_starts_like_an_image_is_refused():
    assert refusal(b"\x89PNG\r\n\x1a\n<html>not really</html>") == uploads.BROKEN_IMAGE
    assert refusal(b"\xff\xd8\xff<script>") == uploads.BROKEN_IMAGE


def test_a_truncated_image_is_refused_even_though_weasyprint_lets_pillow_load_one():
    import weasyprint  # noqa: F401 - it sets ImageFile.LOAD_TRUNCATED_IMAGES, as in the worker
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    for fmt in ("JPEG", "PNG"):
        whole = image_bytes(fmt, size=(400, 300))
        assert refusal(whole[: len(whole) // 2]) == uploads.BROKEN_IMAGE


def test_a_pdf_without_its_end_is_refused():
    assert refusal(b"%PDF-1.4\n1 0 obj<<>>endobj\n") == uploads.BROKEN_PDF


def test_an_image_of_more_than_50_megapixels_is_refused_before_it_is_decoded():
    huge = image_bytes("PNG", size=(8000, 7000), mode="1")  # 56 megapixels, a few kB on disk
    assert refusal(huge) == uploads.TOO_MANY_PIXELS


def test_an_empty_file_is_refused():
    assert refusal(b"") == uploads.EMPTY


def test_the_size_limit_is_a_setting_and_the_message_says_how_big_the_file_was(settings):
    settings.IST_UPLOAD_MAX_MB = 1
    big = PDF + b"0" * (3 * 1024 * 1024 // 2)
    assert refusal(big) == "Filen är för stor (1,5 MB). Högst 1 MB."
    settings.IST_UPLOAD_MAX_MB = 2
    assert check_upload(upload(big[:-1] + b"\n%%EOF\n")) == "pdf"


def test_the_field_renames_the_upload_to_the_suffix_of_its_content():
    field = UploadField(required=False)
    cleaned = field.clean(upload(image_bytes("PNG"), name="../../Åsa Öberg.pdf"))
    assert cleaned.name == "fil.png"
    assert field.clean(None, initial="documents/signed/2026/x.pdf") == "documents/signed/2026/x.pdf"
    with pytest.raises(ValidationError):
        field.clean(upload(b"<html>", name="plan.pdf"))
    assert field.widget.attrs["accept"].startswith(".pdf")
    assert field.help_text == "PDF eller bild (JPEG, PNG, TIFF), högst 10 MB."


def test_the_stored_name_is_random_and_never_the_users():
    name = RandomName("documents/signed")
    first, second = name(None, "fil.pdf"), name(None, "fil.pdf")
    assert first != second
    assert first.startswith("documents/signed/")
    assert first.endswith(".pdf")
    assert name(None, "../../etc/passwd").count("/") == 3  # folder/YYYY/<random>: no path from the user
    assert not name(None, "plan.html").endswith(".html")
    assert RandomName("a") == RandomName("a") != RandomName("b")
    assert cast(Any, RandomName("a")).deconstruct() == ("ist.uploads.RandomName", ("a",), {})


@pytest.mark.django_db
def test_a_replaced_file_is_deleted_after_commit_and_kept_after_a_rollback(
    tmp_path, django_capture_on_commit_callbacks
):
    storage = FileSystemStorage(location=tmp_path)
    kept, gone = storage.save("kept.pdf", ContentFile(PDF)), storage.save("gone.pdf", ContentFile(PDF))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                delete_after_commit(storage, kept)
                raise RuntimeError
        except RuntimeError:
            pass
        delete_after_commit(storage, gone)
        assert storage.exists(gone)  # not before the commit
    assert storage.exists(kept)
    assert not storage.exists(gone)


def test_every_file_field_a_user_fills_is_named_by_random_name():
    """A new FileField either holds what the application makes (listed here) or what a user uploads,
    and then it goes through RandomName (and its form through UploadField)."""
    from django.apps import apps
    from django.db import models

    generated = {
        ("participants", "document", "pdf"),
        ("referrals", "letter", "pdf"),  # beslutsbrev and kallelse (decision 0032)
        ("referrals", "teammeeting", "minutes_pdf"),  # the approved minutes (decision 0033)
        ("reports", "reportfile", "pdf"),
        ("reports", "reportfile", "xlsx"),
        ("retention", "registerextract", "pdf"),
    }
    uploaded = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                key = (model._meta.app_label, model._meta.model_name, field.name)
                if key not in generated:
                    assert isinstance(field.upload_to, RandomName), key
                    uploaded.add(key)
    assert uploaded == {
        ("referrals", "referral", "attachment"),
        ("participants", "document", "signed_copy"),
        ("teams", "letterhead", "logo"),  # through ImageUploadField in the admin
    }
