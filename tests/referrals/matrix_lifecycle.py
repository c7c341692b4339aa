"""URL × role matrix entries for the referral's life cycle (merged by tests/test_url_matrix.py).

Withdrawing is the referrer's alone: those who see the referral otherwise (the team's coordinator
and handledare, the samverkansteam it is on the agenda of) get 403, everyone else 404. Closing a
stalled komplettering is the team's coordinator's: 403 for those who see the referral, 404 for the
rest. Registering a question that came by phone or visit: coordinators; 403 for everyone else.
"""

from __future__ import annotations

from typing import Any

from referrals import services
from referrals.models import ConsultativeQuestion, Referral
from tests.factories import team
from tests.matrix_roles import Post, fresh_token, signed_in
from tests.referrals import builders


def _referral(w: dict[str, Any]) -> dict[str, int]:
    return {"pk": w["referral"].pk}


def _needs_info(w: dict[str, Any]) -> dict[str, int]:
    """A referral sent back for a komplettering (not on any agenda)."""
    referral = builders.submitted(w["referrer"])
    services.referral_request_info(referral=referral, by=w["koordinator"], message="Läkarintyg")
    return {"pk": referral.pk}


def _withdrawn(p: Any) -> bool:
    return Referral.objects.get(pk=p.kwargs["pk"]).status == Referral.Status.WITHDRAWN


def _question_data(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "form_token": fresh_token(w),
        "team": team().pk,
        "channel": "phone",
        "asker_name": "Lena Vårdcentral",
        "asker_contact": "035-12 34 56",
        "question": "Kan en person med långvarig smärta remitteras?",
    }


SEES = {"koordinator": 403, "handledare": 403, "samverkansteam": 403}

ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "referrals:withdraw": (_referral, "", signed_in(404, referrer=200, **SEES)),
    # world["referral"] is on an agenda, not back for a komplettering: the page says it cannot be closed here
    "referrals:close_stalled": (
        _referral,
        "",
        signed_in(404, koordinator=200, handledare=403, samverkansteam=403, referrer=403),
    ),
    "referrals:question_register": ({}, "", signed_in(403, koordinator=200)),
}

POSTS: dict[str, Post] = {
    "referrals:withdraw": Post(
        answers=signed_in(404, referrer=302, **SEES),
        data={"reason": "Personen har fått arbete."},
        changed=_withdrawn,
    ),
    "referrals:close_stalled": Post(
        # the referral sent back is on no agenda: the samverkansteam does not see it
        answers=signed_in(404, koordinator=302, handledare=403, referrer=403),
        data={"reason": "Kompletteringen kom aldrig."},
        changed=_withdrawn,
        kwargs=_needs_info,
    ),
    "referrals:question_register": Post(
        answers=signed_in(403, koordinator=302),
        data=_question_data,
        changed=lambda p: ConsultativeQuestion.objects.filter(form_token=p.world["token"]).exists(),
    ),
}
