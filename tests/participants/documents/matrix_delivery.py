"""URL × role matrix entries for the delivery pages (merged by tests/test_url_matrix.py).

The download answers the team's staff and the referrer the rendered plan was delivered to; everyone
else gets a 404. "Delade dokument" is every signed-in user's own list (empty for most).
"""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import signed_in
from tests.participants.documents import builders

ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "participants:document_download": (
        lambda w: {"public_id": builders.rendered_plan(w).public_id},
        "",
        signed_in(404, koordinator=200, handledare=200, referrer=200),
    ),
    "participants:shared_documents": ({}, "", signed_in(200)),
    # "Dokument": every signed-in user's own list of what was delivered to them (empty for most).
    "participants:document_inbox": ({}, "", signed_in(200)),
}
