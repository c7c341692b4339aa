"""URL × role matrix entries for this part of participants (merged by tests/test_url_matrix.py).

Enrolment and corrections are the coordinators': "Att skriva in" is a 403 for everyone else; the
enrolment form and the correction form are a 403 for those who see the referral or enrolment but do
not coordinate its team (handledare, the referrer; the samverkansteam that had the referral on its
agenda) and a 404 for everyone else. The participant page is the team's staff's and (limited) the
referrer's; the list is for staff and referrers.
"""

from __future__ import annotations

from typing import Any

from participants.models import Enrollment, Participant
from tests.matrix_roles import Post, fresh_token, signed_in
from tests.participants.test_views_enrolment import correction_data, enrol_data

# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "participants:list": ({}, "", signed_in(403, koordinator=200, handledare=200, referrer=200)),
    "participants:ready": ({}, "", signed_in(403, koordinator=200)),
    "participants:enroll": (
        lambda w: {"referral_pk": w["ready"].pk},
        "",
        signed_in(404, koordinator=200, handledare=403, samverkansteam=403, referrer=403),
    ),
    "participants:detail": (
        lambda w: {"enrollment_pk": w["enrollment"].pk},
        "",
        signed_in(404, koordinator=200, handledare=200, referrer=200),
    ),
    "participants:correct": (
        lambda w: {"participant_pk": w["participant"].pk},
        "",
        signed_in(404, koordinator=200, handledare=403, referrer=403),
    ),
}

POSTS: dict[str, Post] = {
    "participants:enroll": Post(
        answers=signed_in(404, koordinator=302, handledare=403, samverkansteam=403, referrer=403),
        data=lambda w: enrol_data(w["handledare"], form_token=fresh_token(w)),
        changed=lambda p: Enrollment.objects.filter(form_token=p.world["token"]).exists(),
    ),
    "participants:correct": Post(
        answers=signed_in(404, koordinator=302, handledare=403, referrer=403),
        data=lambda w: correction_data(w["participant"], phone="070-111 22 33"),
        changed=lambda p: Participant.objects.get(pk=p.kwargs["participant_pk"]).phone == "070-111 22 33",
    ),
}
