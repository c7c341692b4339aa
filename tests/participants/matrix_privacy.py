"""URL × role matrix entries for consent, protected identity and handover (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.matrix_roles import signed_in


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
