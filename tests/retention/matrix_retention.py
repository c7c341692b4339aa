"""URL × role matrix entries for gallring and registerutdrag: administrators only (merged by
tests/test_url_matrix.py). POST-only addresses answer 405 to a GET; their POSTs are in test_views.py."""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import signed_in

ADMINISTRATORS = signed_in(403, administrator=200)
NO_SUCH_EXTRACT = "00000000-0000-4000-8000-000000000000"

ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "retention:overview": ({}, "", ADMINISTRATORS),
    "retention:hold_place": ({}, "", signed_in(405)),
    "retention:hold_release": ({"pk": 1}, "", signed_in(405)),
    "retention:extracts": ({}, "", ADMINISTRATORS),
    # None exists in the matrix's world: administrators get 404 (the download is in test_views.py).
    "retention:extract_download": ({"public_id": NO_SUCH_EXTRACT}, "", signed_in(403, administrator=404)),
}
