"""URL × role matrix entries for this part of participants (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import LOGIN, every, signed_in  # noqa: F401

# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {}
