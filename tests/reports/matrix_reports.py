"""URL × role matrix entries for statistics and the overview (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import signed_in

# Aggregates: coordinators (their teams), the steering group and administrators (all teams, suppressed).
READERS = signed_in(403, administrator=200, steering=200, koordinator=200)

ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "reports:statistics": ({}, "fran=2026-01-01&till=2026-12-31", READERS),
    "reports:statistics_csv": ({}, "fran=2026-01-01&till=2026-12-31", READERS),
    "reports:statistics_xlsx": ({}, "fran=2026-01-01&till=2026-12-31", READERS),
    "reports:reports": ({}, "", READERS),
    "reports:report_pdf": ({"kind": "quarterly", "label": "2026Q3"}, "", READERS),
    "reports:report_xlsx": ({"kind": "halfyear", "label": "2026H1"}, "", READERS),
    # Participant-level data: administrators only.
    "reports:participant_export": ({}, "", signed_in(403, administrator=200)),
    "reports:dashboard": ({}, "", signed_in(403, koordinator=200)),
}
