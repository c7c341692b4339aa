"""URL × role matrix entries for consent, protected identity and handover (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from participants.models import Enrollment, Participant
from referrals.models import ConsentHow, Referral
from tests.matrix_roles import Post, signed_in


def deactivated_with_work(world: dict[str, Any]) -> dict[str, int]:
    """A handledare of the team, responsible for the journey's enrolment, then deactivated."""
    from participants import services
    from teams.services import user_deactivate
    from tests.factories import member

    leaver = member("handledare")
    enrollment = world["enrollment"]
    enrollment.refresh_from_db()
    services.reassign(
        enrollment=enrollment,
        responsible=leaver,
        second_contact=None,
        by=world["koordinator"],
        expected_version=enrollment.version,
    )
    user_deactivate(user=leaver, by=world["administrator"])
    return {"user_pk": leaver.pk}


# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    # The team's coordinator and the enrolment's handledare; the referrer and the samverkansteam see the
    # referral (sent by them, on their agenda): 403.
    "participants:consent": (
        lambda w: {"referral_pk": w["enrollment"].referral_id},
        "",
        signed_in(404, koordinator=200, handledare=200, referrer=403, samverkansteam=403),
    ),
    "participants:consent_withdraw": (lambda w: {"referral_pk": w["enrollment"].referral_id}, "", signed_in(405)),
    "participants:protect": (lambda w: {"enrollment_pk": w["enrollment"].pk}, "", signed_in(405)),
    # Coordinators of a team where the deactivated user left work; everyone else 404.
    "participants:handover": (deactivated_with_work, "", signed_in(404, koordinator=200)),
}


def referral_version(world: dict[str, Any]) -> int:
    return Referral.objects.get(pk=world["enrollment"].referral_id).version


def journey_referral(p: Any) -> Referral:
    return Referral.objects.get(pk=p.world["enrollment"].referral_id)


CONSENT_EDITORS = signed_in(404, koordinator=302, handledare=302, referrer=403, samverkansteam=403)

POSTS: dict[str, Post] = {
    # Recording the consent anew (oral rather than written): as the page's GET row.
    "participants:consent": Post(
        answers=CONSENT_EDITORS,
        data=lambda w: {
            "given_on": timezone.localdate().isoformat(),
            "how": ConsentHow.ORAL,
            "scope_referrer": "on",
            "scope_kinds": ["af", "fk", "kommun", "region"],
            "note": "Muntligt vid mötet",
            "version": referral_version(w),
        },
        changed=lambda p: journey_referral(p).consent_how == ConsentHow.ORAL,
    ),
    "participants:consent_withdraw": Post(
        answers=CONSENT_EDITORS,
        data=lambda w: {"withdrawn_on": timezone.localdate().isoformat(), "version": referral_version(w)},
        changed=lambda p: journey_referral(p).consent_withdrawn_on is not None,
    ),
    # Marking protected identity: whoever may change the enrolment. The referrer sees the enrolment
    # (read-only): 403; the samverkansteam sees the referral but not the enrolment: 404.
    "participants:protect": Post(
        answers=signed_in(404, koordinator=302, handledare=302, referrer=403),
        data={"protected": "1"},
        changed=lambda p: Participant.objects.get(enrollments__pk=p.kwargs["enrollment_pk"]).protected_identity,
    ),
    # "Flytta alla" to the team's handledare: coordinators of the team only.
    "participants:handover": Post(
        answers=signed_in(404, koordinator=302),
        data=lambda w: {"team": w["enrollment"].team_id, f"team-{w['enrollment'].team_id}-to": w["handledare"].pk},
        changed=lambda p: (
            Enrollment.objects.get(pk=p.world["enrollment"].pk).responsible_id == p.world["handledare"].pk
        ),
    ),
}
