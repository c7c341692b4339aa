"""URL × role matrix entries for this part of participants (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from participants.models import Enrollment, Extension, FollowUp, Phase, PhasePeriod, Transfer
from referrals.models import AgendaItem
from teams.models import Membership, Team
from tests.factories import member
from tests.matrix_roles import Post, fresh_token, signed_in
from tests.participants.test_views_journey import closure_post

# Whoever may change the enrolment (coordinator, responsible handledare) gets the page; the referrer,
# who may see the enrolment, gets 403; everyone else 404.
CHANGE = signed_in(404, koordinator=200, handledare=200, referrer=403)
# Coordinators only; the handledare and the referrer see the enrolment: 403.
MANAGE = signed_in(404, koordinator=200, handledare=403, referrer=403)


def _enrollment_and_colleague(w: dict[str, Any]) -> dict[str, int]:
    w["colleague"] = member(Membership.Role.HANDLEDARE)  # a handledare of the same team to hand over to
    return {"enrollment_pk": w["enrollment"].pk}


def _colleague(w: dict[str, Any]) -> dict[str, int]:
    w["colleague"] = member(Membership.Role.HANDLEDARE)  # a handledare of the same team to move to
    return {}


def _incoming_transfer(w: dict[str, Any]) -> dict[str, int]:
    """A proposal from Laholm to the coordinator's team (Halmstad/Hylte), for the receiving side."""
    from participants import services
    from teams.models import Team
    from tests.participants import builders

    laholm = Team.objects.get(slug="laholm")
    enrollment = builders.enrolled(w["referrer"], w["koordinator"], w["handledare"])
    Enrollment.objects.filter(pk=enrollment.pk).update(team=laholm)
    enrollment.refresh_from_db()
    w["transfer"] = services.transfer_propose(
        enrollment=enrollment,
        to_team=w["enrollment"].team,
        day=timezone.localdate(),
        note="",
        by=member(Membership.Role.KOORDINATOR, "laholm"),
    )
    return {"transfer_pk": w["transfer"].pk}


def _enrollment(p: Any) -> Enrollment:
    return Enrollment.objects.get(pk=p.kwargs["enrollment_pk"])


# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "participants:phase": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", CHANGE),
    "participants:extend": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", MANAGE),
    # The samverkansteam's agenda (issue 18): whoever may change the enrolment puts it there.
    "participants:agenda": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", CHANGE),
    "participants:agenda_meeting_add": (lambda w: {"meeting_pk": w["meeting"].pk}, "", signed_in(405)),  # POST only
    # The meeting page's picker: coordinators (who have enrolments to put on an agenda) only.
    "participants:agenda_search": ({}, "q=a", signed_in(403, koordinator=200)),
    "participants:caseload": ({}, "", signed_in(403, koordinator=200)),
    "participants:reassign": (_enrollment_and_colleague, "", MANAGE),
    # Without a selection the page says to tick participants first (coordinators); others 403.
    "participants:caseload_move": (_colleague, "", signed_in(403, koordinator=200)),
    "participants:close": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", CHANGE),
    "participants:transfer": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", MANAGE),
    # The receiving coordinator decides; the sending one would see it too; nobody else does.
    "participants:transfer_decide": (_incoming_transfer, "", signed_in(404, koordinator=200)),
    "participants:follow_ups": ({}, "", signed_in(403, koordinator=200, handledare=200)),
    "participants:follow_up": (lambda w: {"follow_up_pk": w["follow_up"].pk}, "", CHANGE),
}

# POST: who may GET the form may send it (CHANGE and MANAGE with 302 for those answered 200).
CHANGES = signed_in(404, koordinator=302, handledare=302, referrer=403)
MANAGES = signed_in(404, koordinator=302, handledare=403, referrer=403)

POSTS: dict[str, Post] = {
    "participants:phase": Post(
        answers=CHANGES,
        data=lambda w: {"to": Phase.ARBETSFORBEREDANDE, "on": timezone.localdate().isoformat(), "reason": ""},
        changed=lambda p: PhasePeriod.objects.filter(
            enrollment_id=p.kwargs["enrollment_pk"], phase=Phase.ARBETSFORBEREDANDE
        ).exists(),
    ),
    "participants:extend": Post(
        answers=MANAGES,
        data=lambda w: {
            "new_end": (w["enrollment"].target_end + timedelta(days=60)).isoformat(),
            "decided_on": timezone.localdate().isoformat(),
            "decided_by": "Samverkansteamet",
            "reason": "Behöver längre tid i arbetsträning.",
            "version": w["enrollment"].version,
        },
        changed=lambda p: Extension.objects.filter(enrollment_id=p.kwargs["enrollment_pk"]).exists(),
    ),
    "participants:reassign": Post(
        answers=MANAGES,
        data=lambda w: {"responsible": w["colleague"].pk, "version": w["enrollment"].version},
        changed=lambda p: _enrollment(p).responsible_id == p.world["colleague"].pk,
    ),
    "participants:caseload_move": Post(
        answers=signed_in(403, koordinator=302),
        data=lambda w: {
            "e": f"{w['enrollment'].pk}-{w['enrollment'].version}",
            "responsible": w["colleague"].pk,
            "second_contact": "keep",
        },
        changed=lambda p: Enrollment.objects.get(pk=p.world["enrollment"].pk).responsible_id == p.world["colleague"].pk,
    ),
    "participants:transfer": Post(
        answers=MANAGES,
        data=lambda w: {
            "to_team": Team.objects.get(slug="laholm").pk,
            "date": timezone.localdate().isoformat(),
            "form_token": fresh_token(w),
        },
        changed=lambda p: Transfer.objects.filter(enrollment_id=p.kwargs["enrollment_pk"]).exists(),
    ),
    "participants:transfer_decide": Post(
        answers=signed_in(404, koordinator=302),
        data=lambda w: {"decision": "accept", "responsible": w["handledare"].pk},
        changed=lambda p: Transfer.objects.get(pk=p.kwargs["transfer_pk"]).status == Transfer.Status.ACCEPTED,
    ),
    "participants:close": Post(
        answers=CHANGES,
        data=lambda w: closure_post(w["enrollment"]),
        changed=lambda p: _enrollment(p).status != Enrollment.Status.ACTIVE,
    ),
    "participants:follow_up": Post(
        answers=CHANGES,
        data={"found": FollowUp.Found.WORK, "note": "Heltid."},
        changed=lambda p: FollowUp.objects.get(pk=p.kwargs["follow_up_pk"]).found != "",
    ),
    "participants:agenda": Post(
        answers=signed_in(404, koordinator=302, handledare=302, referrer=403),
        data=lambda w: {"meeting": w["meeting"].pk, "reason": "follow_up", "note": "Hur går arbetsträningen?"},
        changed=lambda p: AgendaItem.objects.filter(
            enrollment=p.world["enrollment"], meeting=p.world["meeting"]
        ).exists(),
    ),
    # From the meeting page: the meeting's coordinators; the samverkansteam sees the meeting (403).
    "participants:agenda_meeting_add": Post(
        answers=signed_in(404, koordinator=302, samverkansteam=403),
        data=lambda w: {"deltagare-enrollment": w["enrollment"].pk, "deltagare-reason": "consultation"},
        changed=lambda p: AgendaItem.objects.filter(
            enrollment=p.world["enrollment"], meeting_id=p.kwargs["meeting_pk"]
        ).exists(),
    ),
}
