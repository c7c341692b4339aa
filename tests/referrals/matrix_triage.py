"""URL × role matrix entries for this part of referrals (merged by tests/test_url_matrix.py).

The triage is the coordinators' alone: the board and the register form are a 403 for everyone else.
The review page and its actions: 200 for the team's coordinator, 403 for those who may see the
referral but not manage it (handledare of the team, the samverkansteam it is on the agenda of, the
referrer who sent it), 404 for those who may not see it at all.
"""

from __future__ import annotations

from typing import Any

from referrals.models import AgendaItem, Referral
from tests.matrix_roles import Post, Posted, fresh_token, signed_in
from tests.referrals import builders
from tests.referrals.test_views_triage import edit_data, register_data


def _referral(w: dict[str, Any]) -> dict[str, int]:
    return {"pk": w["referral"].pk}


def _fresh(w: dict[str, Any]) -> dict[str, int]:
    """A submitted referral not yet on any agenda (world["referral"] already is)."""
    return {"pk": builders.submitted(w["referrer"]).pk}


def _on_agenda(p: Posted) -> bool:
    return AgendaItem.objects.filter(referral_id=p.kwargs["pk"], meeting=p.world["meeting"]).exists()


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
    "referrals:agenda_add": (_fresh, "", signed_in(405)),
    "referrals:question_agenda_add": (_question, "", signed_in(405)),
}

# Only the team's coordinator may act; those who see the referral (or question) get 403, others 404.
POSTS: dict[str, Post] = {
    "referrals:register": Post(
        answers=signed_in(403, koordinator=302),
        data=lambda w: register_data(form_token=fresh_token(w)),
        changed=lambda p: Referral.objects.filter(form_token=p.world["token"]).exists(),
    ),
    "referrals:review": Post(
        answers=signed_in(404, koordinator=302, **SEES_BUT_MAY_NOT_MANAGE),
        data=lambda w: edit_data(w["referral"], phone="035-12 34 56"),
        changed=lambda p: Referral.objects.get(pk=p.kwargs["pk"]).phone == "035-12 34 56",
    ),
    "referrals:request_info": Post(
        answers=signed_in(404, koordinator=302, **SEES_BUT_MAY_NOT_MANAGE),
        data={"message": "Hur länge har personen varit sjukskriven?"},
        changed=lambda p: Referral.objects.get(pk=p.kwargs["pk"]).status == Referral.Status.NEEDS_INFO,
    ),
    "referrals:agenda_add": Post(
        answers=signed_in(404, koordinator=302, handledare=403, referrer=403),
        data=lambda w: {"meeting": w["meeting"].pk},
        changed=_on_agenda,
    ),
    "referrals:question_agenda_add": Post(
        answers=signed_in(404, koordinator=302, samverkansteam=403, referrer=403),
        data=lambda w: {"meeting": w["meeting"].pk},
        changed=lambda p: AgendaItem.objects.filter(question_id=p.kwargs["pk"]).exists(),
    ),
}
