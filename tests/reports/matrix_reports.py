"""URL × role matrix entries for statistics and the overview (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry

from reports.models import ReportFile
from tests.matrix_roles import Post, signed_in

# Aggregates: coordinators (their teams), the steering group and administrators (all teams, suppressed).
READERS = signed_in(403, administrator=200, steering=200, koordinator=200)

ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "reports:statistics": ({}, "fran=2026-01-01&till=2026-12-31", READERS),
    "reports:statistics_csv": ({}, "fran=2026-01-01&till=2026-12-31", READERS),
    "reports:statistics_xlsx": ({}, "fran=2026-01-01&till=2026-12-31", READERS),
    "reports:reports": ({}, "", READERS),
    # Stored reports: none is built in the matrix's world, so a download answers 409 ("not built yet";
    # the 200 is in test_views_periodic.py); the row is an htmx fragment whose plain address is the page.
    "reports:report_pdf": (
        {"kind": "quarterly", "label": "2026Q3"},
        "",
        signed_in(403, administrator=409, steering=409, koordinator=409),
    ),
    "reports:report_xlsx": (
        {"kind": "halfyear", "label": "2026H1"},
        "",
        signed_in(403, administrator=409, steering=409, koordinator=409),
    ),
    "reports:report_row": (
        {"kind": "quarterly", "label": "2026Q3"},
        "",
        signed_in(403, administrator=302, steering=302, koordinator=302),
    ),
    "reports:report_request": ({"kind": "quarterly", "label": "2026Q3"}, "", signed_in(405)),  # POST only
    # Participant-level data: administrators only.
    "reports:participant_export": ({}, "", signed_in(403, administrator=200)),
    "reports:dashboard": ({}, "", signed_in(403, koordinator=200)),
    # The people behind a figure: a coordinator's own teams only; everyone else (the steering group
    # and administrators too, who see aggregates) gets a 404.
    "reports:figure_people": (
        {},
        "fran=2026-01-01&till=2026-12-31&tabell=finsam&rad=Kvinna&kolumn=0",
        signed_in(404, koordinator=200),
    ),
}

EXPORT_REASON = "Förbundets uppföljning 2026 (beslut i styrgruppen)"


def _export_logged(posted: object) -> bool:
    """The export streams: its rows are read and logged as the client downloads them."""
    response = posted.response  # type: ignore[attr-defined]  # the matrix's Posted, typed object in matrix_roles
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return LogEntry.objects.filter(additional_data__what=f"deltagarexport: {EXPORT_REASON}").exists()


POSTS: dict[str, Post] = {
    # The export is a read, but a logged one: its change is the access log entry with the reason.
    "reports:participant_export": Post(
        answers=signed_in(403, administrator=200),
        data={"fran": "2026-01-01", "till": "2026-12-31", "reason": EXPORT_REASON},
        changed=_export_logged,
    ),
    # Those who may read a stored report may have it built; a finished period (2026Q3) only.
    "reports:report_request": Post(
        answers=signed_in(403, administrator=302, steering=302, koordinator=302),
        changed=lambda p: ReportFile.objects.filter(kind="quarterly", label="2026Q3").exists(),
    ),
}
