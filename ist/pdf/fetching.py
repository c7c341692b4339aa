"""What WeasyPrint may read while it renders a PDF: our own static files and in-memory data: URLs.

WeasyPrint's default fetcher opens any http(s)://, ftp:// or file:// URL in the HTML. Our templates
escape every field, so no user can put a URL there today, but one `|safe` or one careless `src` would
let a document pull a file off the server (file:///etc/passwd into a PDF the referrer downloads) or
reach an internal address from the worker. This fetcher refuses everything except files under the
project's static roots (fonts, CSS, images), the stored letterhead logos (ist/pdf/letterhead.py, the
only uploaded files a PDF shows) and data: URLs, and logs each refusal, so a template
mistake shows up in the log instead of in a PDF.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ist.pdf.letterhead import logo_root

logger = logging.getLogger("ist.pdf")


class RefusedURLError(ValueError):
    """A URL the PDF renderer may not fetch (WeasyPrint skips the resource and carries on)."""


def static_roots() -> list[Path]:
    """The folders PDFs may read from: the project's static folders, the collected static root and
    the folder of the uploaded letterhead logo (nothing else of the stored files: not the scans, not
    other PDFs)."""
    roots = [entry[1] if isinstance(entry, tuple | list) else entry for entry in settings.STATICFILES_DIRS]
    return [*(Path(root).resolve() for root in [*roots, settings.STATIC_ROOT]), logo_root()]


def static_file(url: str) -> Path | None:
    """The file a file:// URL names, if it is a file inside a static root or the logo folder (symlinks and ../ resolved
    first, so neither can lead out of it); None otherwise."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_file():
        return None
    return path if any(path.is_relative_to(root) for root in static_roots()) else None


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to our static files, the stored letterhead logo and data: URLs;
    every other URL is refused (nothing is opened) and logged as a warning on `ist.pdf`."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory, nothing is opened
        path = static_file(url) if scheme == "file" else None
        if path is None:
            logger.warning("PDF: refused to fetch %s (only static files and data: URLs)", url[:200])
            raise RefusedURLError(f"not a static file: {url[:200]}")
        mime, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
        )
