"""URL × role matrix entries for this part of participants (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from participants.models import Activity, ActivityKind, Attendance, GroupSession
from tests.matrix_roles import Post, fresh_token, signed_in
from tests.participants.test_views_week import activity_post, group_post

# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    # IST staff only; others get the 403 page.
    "participants:week": ({}, "vecka=2026-W47", signed_in(403, koordinator=200, handledare=200)),
    # Change scope: the referrer may see the enrolment (403), the rest may not (404).
    "participants:log": (
        lambda w: {"enrollment_pk": w["enrollment"].pk},
        "typ=samtal",
        signed_in(404, koordinator=200, handledare=200, referrer=403),
    ),
    # Activities are IST staff's working notes: not part of the referrer's read-only view.
    "participants:activity": (
        lambda w: {"activity_pk": w["activity"].pk},
        "",
        signed_in(404, koordinator=200, handledare=200),
    ),
    "participants:group": ({}, "", signed_in(403, koordinator=200, handledare=200)),
    # The participant page's full activity history: IST staff of the team; the referrer sees the
    # enrolment but not the activities (403).
    "participants:activities": (
        lambda w: {"enrollment_pk": w["enrollment"].pk},
        "typ=samtal",
        signed_in(404, koordinator=200, handledare=200, referrer=403),
    ),
    # "Närvarande, standardlängd": POST only (a button in Min vecka's row).
    "participants:quick_log": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", signed_in(405)),
}

POSTS: dict[str, Post] = {
    "participants:log": Post(
        answers=signed_in(404, koordinator=302, handledare=302, referrer=403),
        data=lambda w: activity_post(form_token=fresh_token(w)),
        changed=lambda p: Activity.objects.filter(form_token=p.world["token"]).exists(),
    ),
    "participants:activity": Post(
        answers=signed_in(404, koordinator=302, handledare=302),
        data=lambda w: activity_post(
            ActivityKind.TALK, w["activity"].date, Attendance.UNEXCUSED, version=str(w["activity"].version)
        ),
        changed=lambda p: Activity.objects.get(pk=p.kwargs["activity_pk"]).attendance == Attendance.UNEXCUSED,
    ),
    "participants:quick_log": Post(
        answers=signed_in(404, koordinator=302, handledare=302, referrer=403),
        data=lambda w: {"typ": "samtal", "datum": timezone.localdate().isoformat(), "form_token": fresh_token(w)},
        changed=lambda p: Activity.objects.filter(form_token=p.world["token"]).exists(),
    ),
    "participants:group": Post(
        answers=signed_in(403, koordinator=302, handledare=302),
        data=lambda w: group_post({w["enrollment"].pk: Attendance.PRESENT}, token=fresh_token(w)),
        changed=lambda p: GroupSession.objects.filter(form_token=p.world["token"]).exists(),
    ),
}
