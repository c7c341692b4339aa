"""URL × role matrix entries for "Att göra" (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import every, signed_in

# Snooze and done take POST only, so a GET answers 405 before any item is looked up; who may POST
# (the recipient; 404 for anyone else) is tested in tests/notifications/test_views.py.
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "notifications:inbox": ({}, "", signed_in(200)),
    # Anonymous too: a session that ended gets the plain link text, not a login page inside the link.
    "notifications:count": ({}, "", every(200)),
    "notifications:snooze": ({"pk": 1}, "", signed_in(405)),
    "notifications:done": ({"pk": 1}, "", signed_in(405)),
    "notifications:preferences": ({}, "", signed_in(200)),
}
