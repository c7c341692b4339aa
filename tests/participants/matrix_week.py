"""URL × role matrix entries for this part of participants (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from participants import services
from participants.models import Activity, ActivityGroup, ActivityKind, Attendance, GroupSession
from tests.matrix_roles import Post, World, fresh_token, signed_in
from tests.participants.test_groups import saved_group, session_post, session_values
from tests.participants.test_views_week import activity_post, group_post


def _group(w: World) -> ActivityGroup:
    """A saved group of the world's handledare with its participant (made once per test)."""
    if "group" not in w:
        w["group"] = saved_group(w["handledare"], [w["enrollment"]])
    return w["group"]


def _session(w: World) -> GroupSession:
    if "group_session" not in w:
        attendance: dict[int, str] = {w["enrollment"].pk: Attendance.PRESENT}
        logged = services.group_meeting_log(
            group=_group(w), values=session_values(), attendance=attendance, by=w["handledare"]
        )
        w["group_session"] = logged.session
    return w["group_session"]


STAFF = signed_in(403, koordinator=200, handledare=200)
STAFF_POST = signed_in(403, koordinator=302, handledare=302)

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
    # Saved groups and their sessions (docs/decisions/0035): the team's IST staff; everyone else
    # gets the 403 page as for Min vecka (a coordinator of another team: 404, tests/participants/test_groups.py).
    "participants:groups": ({}, "", STAFF),
    "participants:group_new": ({}, "", STAFF),
    "participants:group_detail": (lambda w: {"group_pk": _group(w).pk}, "", STAFF),
    "participants:group_edit": (lambda w: {"group_pk": _group(w).pk}, "", STAFF),
    "participants:group_session_new": (lambda w: {"group_pk": _group(w).pk}, "", STAFF),
    "participants:group_session": (lambda w: {"session_pk": _session(w).pk}, "", STAFF),
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
    "participants:group_new": Post(
        answers=STAFF_POST,
        data=lambda w: {
            "name": "Matrisgruppen",
            "kind": "fysisk",
            "weekday": "2",
            "start_time": "09:30",
            "duration_minutes": "60",
            "medlem": [str(w["enrollment"].pk)],
            "form_token": fresh_token(w),
        },
        changed=lambda p: ActivityGroup.objects.filter(form_token=p.world["token"]).exists(),
    ),
    "participants:group_edit": Post(
        answers=STAFF_POST,
        data=lambda w: {
            "name": "Omdöpt",
            "kind": "fysisk",
            "weekday": "3",
            "start_time": "10:00",
            "duration_minutes": "60",
            "medlem": [str(w["enrollment"].pk)],
            "version": "1",
        },
        changed=lambda p: ActivityGroup.objects.get(pk=p.kwargs["group_pk"]).name == "Omdöpt",
    ),
    "participants:group_session_new": Post(
        answers=STAFF_POST,
        data=lambda w: session_post({}, token=fresh_token(w)),
        changed=lambda p: GroupSession.objects.filter(form_token=p.world["token"]).exists(),
    ),
    "participants:group_session": Post(
        answers=STAFF_POST,
        data=lambda w: session_post({w["enrollment"].pk: Attendance.EXCUSED}, version="1", note="Rättad"),
        changed=lambda p: GroupSession.objects.get(pk=p.kwargs["session_pk"]).note == "Rättad",
    ),
}
