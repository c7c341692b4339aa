"""URL × role matrix entries for this part of referrals (merged by tests/test_url_matrix.py).

The triage is the coordinators' alone: the board and the register form are a 403 for everyone else.
The review page and its actions: 200 for the team's coordinator, 403 for those who may see the
referral but not manage it (handledare of the team, the samverkansteam it is on the agenda of, the
referrer who sent it), 404 for those who may not see it at all.
"""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import LOGIN, every, signed_in  # noqa: F401


def _referral(w: dict[str, Any]) -> dict[str, int]:
    return {"pk": w["referral"].pk}


def _question(w: dict[str, Any]) -> dict[str, int]:
    return {"pk": w["question"].pk}


SEES_BUT_MAY_NOT_MANAGE = {"handledare": 403, "samverkansteam": 403, "referrer": 403}

# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "referrals:triage": ({}, "", signed_in(403, koordinator=200)),
    "referrals:register": ({}, "", signed_in(403, koordinator=200)),
    "referrals:review": (_referral, "", signed_in(404, koordinator=200, **SEES_BUT_MAY_NOT_MANAGE)),
    # world["referral"] has no scanned attachment: a 404 for its coordinator too (200: test_views_triage.py)
    "referrals:attachment": (_referral, "", signed_in(404, **SEES_BUT_MAY_NOT_MANAGE)),
    # POST only
    "referrals:request_info": (_referral, "", signed_in(405)),
    "referrals:agenda_add": (_referral, "", signed_in(405)),
    "referrals:question_agenda_add": (_question, "", signed_in(405)),
}
