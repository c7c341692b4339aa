"""URL × role matrix entries for this part of referrals (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.utils import timezone

from referrals import services
from referrals.models import AgendaItem, InformationMeeting, MeetingAttendance, TeamMeeting
from teams.models import Team
from tests.matrix_roles import Post, fresh_token, signed_in
from tests.referrals import builders


def _accepted_without_meeting(w: dict[str, Any]) -> dict[str, int]:
    """An accepted referral with no information meeting yet (world["accepted"] has one)."""
    return {"referral_pk": builders.accepted(builders.submitted(w["referrer"]), w["koordinator"]).pk}


def _meeting_today(w: dict[str, Any]) -> dict[str, int]:
    """An information meeting held today: its outcome may be recorded (world["info_meeting"] is ahead)."""
    referral = builders.accepted(builders.submitted(w["referrer"]), w["koordinator"])
    meeting = services.info_meeting_book(
        referral=referral,
        date=timezone.localdate(),
        start_time=time(8, 0),
        place="IST",
        attendees=[],
        by=w["koordinator"],
    )
    return {"pk": meeting.pk}


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
        _accepted_without_meeting,
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
    "referrals:meeting_new": Post(
        answers=signed_in(403, koordinator=302),
        data=lambda w: {
            "team": Team.objects.get(slug="halmstad-hylte").pk,
            "date": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "start_time": "13:30",
            "place": "Rådhuset",
            "form_token": fresh_token(w),
        },
        changed=lambda p: TeamMeeting.objects.filter(form_token=p.world["token"]).exists(),
    ),
    # Booking: the coordinator; who sees the referral but may not book gets 403.
    "referrals:info_meeting_new": Post(
        answers=signed_in(404, koordinator=302, handledare=403, samverkansteam=403, referrer=403),
        data=lambda w: {
            "date": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "start_time": "10:00",
            "place": "IST-kontoret, Halmstad",
            "attendees": [w["koordinator"].pk],
            "referrer_invited": "on",
            "form_token": fresh_token(w),
        },
        changed=lambda p: InformationMeeting.objects.filter(form_token=p.world["token"]).exists(),
    ),
    # Recording the outcome (from the meeting's day: one held today): coordinators; the others who
    # see the meeting get 403.
    "referrals:info_meeting": Post(
        answers=signed_in(404, koordinator=302, handledare=403, samverkansteam=403, referrer=403),
        kwargs=_meeting_today,
        data={"outcome": "wants_to_start", "note": "Startar v. 3"},
        changed=lambda p: InformationMeeting.objects.get(pk=p.kwargs["pk"]).outcome != "",
    ),
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
