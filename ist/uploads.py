"""Files people upload (a scanned referral, a signed plan): one check and one naming rule for all.

What is accepted is decided by the content, never by the name or the type the browser claims: a whole
PDF (header and end marker) or an image that Pillow can really decode (JPEG, PNG, TIFF), at most
`IST_UPLOAD_MAX_MB`. The stored name is random, with the suffix of the content, so nothing the user
typed becomes a path on disk, and a file is served back only as a download (`nosniff`). A replaced
file is deleted once the replacing transaction has committed.
"""

from __future__ import annotations

import uuid
import warnings
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

if TYPE_CHECKING:
    from django.core.files.storage import Storage

# Kind of content → the suffix it is stored with.
SUFFIXES = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "tiff": ".tif"}
MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
]
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF"}
# A scanned A4 page at 600 dpi is 35 megapixels; more is not a scan, and decoding it would take the
# worker's memory (Pillow's own bomb limit is about 180 megapixels).
MAX_PIXELS = 50_000_000
ACCEPT = ".pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/jpeg,image/png,image/tiff"
HELP = "PDF eller bild (JPEG, PNG, TIFF), högst {mb} MB."

NOT_ALLOWED = "Välj en PDF eller en bild (JPEG, PNG eller TIFF). Filens innehåll är inget av dem, vad filen än heter."
EMPTY = "Filen är tom. Välj filen igen."
BROKEN_IMAGE = "Bilden går inte att läsa. Skanna eller spara den på nytt och välj den igen."
BROKEN_PDF = "PDF-filen är ofullständig eller skadad. Spara den på nytt och välj den igen."
TOO_MANY_PIXELS = "Bilden har för hög upplösning. Skanna med högst 600 dpi."
# Shown beside the field when a form comes back with errors: everything typed is kept, but no
# browser lets a page choose a file for the user.
FILE_LOST_MESSAGE = (
    "Välj den inskannade filen igen innan du sparar: en webbläsare kan inte behålla en vald fil "
    "när formuläret visas på nytt."
)


def max_bytes() -> int:
    return int(settings.IST_UPLOAD_MAX_MB) * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def sniff(upload: UploadedFile) -> str | None:
    """The kind of content by its first bytes ("pdf", "jpeg", "png", "tiff"), or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


# How a whole file of each kind ends (looked for near the end, after any padding): a cut-off upload
# does not. Needed for images too: WeasyPrint switches on Pillow's LOAD_TRUNCATED_IMAGES for the whole
# process, so Pillow alone would decode half a JPEG without complaint. TIFF has no end marker; its
# decoder checks the strips it reads.
END_MARKERS = {"pdf": b"%%EOF", "jpeg": b"\xff\xd9", "png": b"IEND"}
BROKEN = {"pdf": BROKEN_PDF, "jpeg": BROKEN_IMAGE, "png": BROKEN_IMAGE}


def _check_end(upload: UploadedFile, kind: str) -> None:
    marker = END_MARKERS.get(kind)
    if marker is None:
        return
    size = upload.size or 0
    upload.seek(max(0, size - 2048))
    tail = upload.read()
    upload.seek(0)
    if marker not in tail:
        raise ValidationError(BROKEN[kind], code="broken")


def _check_image(upload: UploadedFile, kind: str) -> None:
    """The image must decode completely, as the format its header says."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                if image.format != PILLOW_FORMATS[kind]:
                    raise ValidationError(BROKEN_IMAGE, code="broken_image")
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:  # what Pillow raises on bad data
        raise ValidationError(BROKEN_IMAGE, code="broken_image") from exc
    finally:
        upload.seek(0)


def check_upload(upload: UploadedFile) -> str:
    """Raise ValidationError (Swedish, for beside the field) unless `upload` is a whole PDF or image
    within the size limit; return its kind."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(EMPTY, code="empty")
    if size > max_bytes():
        raise ValidationError(
            f"Filen är för stor ({_megabytes(size)} MB). Högst {settings.IST_UPLOAD_MAX_MB} MB.", code="too_big"
        )
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(NOT_ALLOWED, code="not_allowed")
    _check_end(upload, kind)
    if kind != "pdf":
        _check_image(upload, kind)
    return kind


class UploadField(forms.FileField):
    """The form field of every upload: checked by content, renamed to the suffix of its content (the
    stored name is made random by `RandomName`). Without a new file it keeps what is stored."""

    widget = forms.FileInput(attrs={"accept": ACCEPT})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", HELP.format(mb=settings.IST_UPLOAD_MAX_MB))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            value.name = f"fil{SUFFIXES[check_upload(value)]}"
        return value


NOT_AN_IMAGE = "Välj en bild i PNG- eller JPEG-format. Filens innehåll är inget av dem, vad filen än heter."
IMAGE_ACCEPT = ".png,.jpg,.jpeg,image/png,image/jpeg"


class ImageUploadField(UploadField):
    """An upload that must be a PNG or JPEG image (a logo printed on documents): the same content
    check as every upload, then only those two kinds, which every PDF reader shows."""

    widget = forms.FileInput(attrs={"accept": IMAGE_ACCEPT})
    KINDS = frozenset({"png", "jpeg"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", f"PNG eller JPEG, högst {settings.IST_UPLOAD_MAX_MB} MB.")
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile) and PurePosixPath(value.name or "").suffix not in {
            SUFFIXES[kind] for kind in self.KINDS
        }:
            raise ValidationError(NOT_AN_IMAGE, code="not_an_image")
        return value


@deconstructible
class RandomName:
    """`upload_to` of every uploaded file: `folder/YYYY/<random>.<suffix>`. The user's file name is
    never part of the path; its suffix is kept only if it is one we accept (UploadField has already
    replaced it with the suffix of the content)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: object, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()
        suffix = suffix if suffix in SUFFIXES.values() else ""
        return f"{self.folder}/{timezone.localdate():%Y}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def delete_after_commit(storage: Storage, name: str) -> None:
    """Delete a stored file that a row no longer points to, once the change that replaced it has
    committed (if it rolls back, the row still points to the file, so it stays)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))
