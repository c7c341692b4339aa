"""URL × role matrix entries for gallring and registerutdrag: administrators only (merged by
tests/test_url_matrix.py). POST-only addresses answer 405 to a GET; POSTS below (details in test_views.py)."""

from __future__ import annotations

from typing import Any

from ist.retention.models import LegalHold, RegisterExtract
from tests.matrix_roles import Post, fresh_token, signed_in

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


NUMBER = "198501019817"


def a_hold(world: dict[str, Any]) -> dict[str, int]:
    """A spärr to release (placed by the administrator)."""
    hold = LegalHold.objects.create(personnummer=NUMBER, reason="Dnr 1 klagomål", placed_by=world["administrator"])
    return {"pk": hold.pk}


ADMINISTRATORS_CHANGE = signed_in(403, administrator=302)

POSTS: dict[str, Post] = {
    "retention:hold_place": Post(
        answers=ADMINISTRATORS_CHANGE,
        data={"personnummer": "19850101-9817", "reason": "Begäran dnr 12"},
        changed=lambda p: LegalHold.objects.filter(personnummer=NUMBER).exists(),
    ),
    "retention:hold_release": Post(
        answers=ADMINISTRATORS_CHANGE,
        kwargs=a_hold,
        changed=lambda p: not LegalHold.objects.filter(pk=p.kwargs["pk"]).exists(),
    ),
    # Ordering a registerutdrag: the row is made (and its task waits in the outbox for the worker).
    "retention:extracts": Post(
        answers=ADMINISTRATORS_CHANGE,
        data=lambda w: {"personnummer": "19850101-9817", "reason": "Brev dnr 34", "form_token": fresh_token(w)},
        changed=lambda p: RegisterExtract.objects.filter(form_token=p.world["token"], personnummer=NUMBER).exists(),
    ),
}
