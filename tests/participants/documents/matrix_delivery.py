"""URL × role matrix entries (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {}
