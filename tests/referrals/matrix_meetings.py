"""URL × role matrix entries for this part of referrals (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from referrals.models import AgendaItem, MeetingAttendance
from tests.matrix_roles import Post, signed_in

# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    # The samverkansteam's meetings: coordinators run them, members prepare; others have no list.
    "referrals:meetings": ({}, "", signed_in(403, koordinator=200, samverkansteam=200)),
    "referrals:meeting_new": ({}, "", signed_in(403, koordinator=200)),
    "referrals:meeting": (lambda w: {"pk": w["meeting"].pk}, "", signed_in(404, koordinator=200, samverkansteam=200)),
    "referrals:minutes": (lambda w: {"pk": w["meeting"].pk}, "", signed_in(404, koordinator=200, samverkansteam=200)),
    "referrals:meeting_attendance": (lambda w: {"pk": w["meeting"].pk}, "", signed_in(405)),  # POST only
    "referrals:decide": (lambda w: {"item_pk": w["item"].pk}, "", signed_in(405)),  # POST only
    # Booking: the team's coordinators; those who see the referral but may not book get 403.
    "referrals:info_meeting_new": (
        lambda w: {"referral_pk": w["accepted"].pk},
        "",
        signed_in(404, koordinator=200, handledare=403, samverkansteam=403, referrer=403),
    ),
    # Whoever sees the referral sees its information meeting (only coordinators record the outcome).
    "referrals:info_meeting": (
        lambda w: {"pk": w["info_meeting"].pk},
        "",
        signed_in(404, koordinator=200, handledare=200, samverkansteam=200, referrer=200),
    ),
}

# The coordinator runs the meeting; the samverkansteam, who sees it, gets 403; everyone else 404.
RUNS = signed_in(404, koordinator=302, samverkansteam=403)

POSTS: dict[str, Post] = {
    "referrals:meeting_attendance": Post(
        answers=RUNS,
        data={
            "attendance-TOTAL_FORMS": "1",
            "attendance-INITIAL_FORMS": "0",
            "attendance-0-organisation_kind": "fk",
            "attendance-0-name": "Kim Handläggare",
        },
        changed=lambda p: MeetingAttendance.objects.filter(meeting_id=p.kwargs["pk"]).exists(),
    ),
    "referrals:decide": Post(
        answers=RUNS,
        data=lambda w: {f"punkt-{w['item'].pk}-decision": "accept", f"punkt-{w['item'].pk}-reasoning": ""},
        changed=lambda p: AgendaItem.objects.get(pk=p.kwargs["item_pk"]).decision != "",
    ),
}
