"""URL × role matrix entries for this part of referrals (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from referrals.models import ConsultativeQuestion, Referral
from teams.models import Team
from tests.matrix_roles import Post, fresh_token, signed_in
from tests.referrals.test_views_referrer import form_post

STAFF_AND_REFERRER = {"koordinator": 200, "handledare": 200, "samverkansteam": 200, "referrer": 200}

# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    # Lists of one's own referrals and questions: anyone signed in (empty for those who sent none).
    "referrals:mine": ({}, "", signed_in(200)),
    "referrals:questions": ({}, "", signed_in(200)),
    # Writing a referral: referrers only.
    "referrals:new": ({}, "", signed_in(403, referrer=200)),
    "referrals:autosave": ({}, "", signed_in(405)),  # POST only (htmx, as the referrer types)
    # The referrer's own draft; nobody else sees a draft at all.
    "referrals:edit": (lambda w: {"pk": w["draft"].pk}, "", signed_in(404, referrer=200)),
    # A referral on the team's agenda: the team's staff, its samverkansteam and the referrer.
    "referrals:detail": (lambda w: {"pk": w["referral"].pk}, "", signed_in(404, **STAFF_AND_REFERRER)),
    # Asking: referrers, partner staff and IST staff; not the administrator or the steering group.
    "referrals:question_new": ({}, "", signed_in(200, administrator=403, steering=403)),
    # A question: the asker and the samverkansteam (and coordinator) of the team asked.
    "referrals:question": (
        lambda w: {"pk": w["question"].pk},
        "",
        signed_in(404, koordinator=200, samverkansteam=200, referrer=200),
    ),
}

POSTS: dict[str, Post] = {
    "referrals:new": Post(
        answers=signed_in(403, referrer=302),
        data=lambda w: form_post(token=fresh_token(w)),
        changed=lambda p: Referral.objects.filter(form_token=p.world["token"]).exists(),
    ),
    # Autosave while typing a new referral (htmx): referrers only; the first save creates one draft.
    "referrals:autosave": Post(
        answers=signed_in(403, referrer=200),
        data=lambda w: form_post("", fresh_token(w), background="Början"),
        changed=lambda p: Referral.objects.filter(
            form_token=p.world["token"], status=Referral.Status.DRAFT, background="Början"
        ).exists(),
        htmx=True,
    ),
    # Saving the draft: its author only; nobody else sees it.
    "referrals:edit": Post(
        answers=signed_in(404, referrer=302),
        data=lambda w: {**form_post("draft", first_name="Ändrad"), "version": w["draft"].version},
        changed=lambda p: Referral.objects.get(pk=p.kwargs["pk"]).first_name == "Ändrad",
    ),
    "referrals:question_new": Post(
        answers=signed_in(302, administrator=403, steering=403),
        data=lambda w: {
            "team": Team.objects.get(slug="halmstad-hylte").pk,
            "question": "Kan ni ta emot en person som …?",
            "form_token": fresh_token(w),
        },
        changed=lambda p: ConsultativeQuestion.objects.filter(form_token=p.world["token"]).exists(),
    ),
}
