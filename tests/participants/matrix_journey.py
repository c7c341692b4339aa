"""URL × role matrix entries for this part of participants (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import signed_in

# Whoever may change the enrolment (coordinator, responsible handledare) gets the page; the referrer,
# who may see the enrolment, gets 403; everyone else 404.
CHANGE = signed_in(404, koordinator=200, handledare=200, referrer=403)
# Coordinators only; the handledare and the referrer see the enrolment: 403.
MANAGE = signed_in(404, koordinator=200, handledare=403, referrer=403)

# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "participants:phase": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", CHANGE),
    "participants:extend": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", MANAGE),
    "participants:caseload": ({}, "", signed_in(403, koordinator=200)),
    "participants:reassign": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", MANAGE),
    "participants:close": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", CHANGE),
    "participants:follow_ups": ({}, "", signed_in(403, koordinator=200, handledare=200)),
    "participants:follow_up": (lambda w: {"follow_up_pk": w["follow_up"].pk}, "", CHANGE),
}
