"""URL × role matrix entries for the questionnaires (merged by tests/test_url_matrix.py).

The answering pages are open to everyone (a respondent has no account) and show only the questionnaire;
handing out and typing in from paper are for the person's handledare and the team's coordinators."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ist.questionnaires import reference, services
from ist.questionnaires.models import How, Invitation, Questionnaire, Response
from tests.matrix_roles import Post, Unchanged, every, signed_in
from tests.questionnaires import builders


def example_pk() -> int:
    return Questionnaire.objects.get(name=reference.EXAMPLE).pk


def of_enrollment(world: dict[str, Any]) -> dict[str, int]:
    return {"enrollment_pk": world["enrollment"].pk, "questionnaire_pk": example_pk()}


def fresh_link(world: dict[str, Any]) -> dict[str, str]:
    """A one-time link handed out for the journey's enrolment (unused: each role's answer is rolled back)."""
    invitation = services.invitation_create(
        enrollment=world["enrollment"],
        version=builders.version_of(reference.EXAMPLE),
        rule=None,
        occasion=timezone.localdate(),
        how=How.LINK,
        by=world["handledare"],
    )
    return {"token": services.link_create(invitation=invitation)}


def answers(world: dict[str, Any]) -> dict[str, str]:
    version = builders.version_of(reference.EXAMPLE)
    return {f"fraga_{a.question_id}": str(a.option_ids[0]) for a in builders.scale_answers(version, [5, 4])}


def answered(_posted: Any) -> bool:
    return Response.objects.exists()


EDITORS = signed_in(404, koordinator=200, handledare=200, referrer=403)

# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "questionnaires:answer": (fresh_link, "", every(200)),
    "questionnaires:thanks": ({}, "", every(200)),
    "questionnaires:locked": ({}, "", every(200)),
    # Without deltagarläge started in this session: the locked screen.
    "questionnaires:participant_mode": ({}, "", every(302)),
    "questionnaires:hand_out": (of_enrollment, "", signed_in(405)),  # POST only
    # The referrer sees the enrolment (read-only): 403; the rest of the team's staff do not see it here: 404.
    "questionnaires:paper": (of_enrollment, "", EDITORS),
}

POSTS: dict[str, Post] = {
    # Anyone with the link answers, once.
    "questionnaires:answer": Post(answers=every(302), data=answers, changed=answered),
    # No deltagarläge in this session: nothing to answer, the locked screen.
    "questionnaires:participant_mode": Post(answers=every(Unchanged(302)), data=answers, changed=answered),
    "questionnaires:hand_out": Post(
        answers=signed_in(404, koordinator=200, handledare=200, referrer=403),
        data={"how": How.LINK},
        changed=lambda p: Invitation.objects.filter(how=How.LINK).exists(),
    ),
    "questionnaires:paper": Post(
        answers=signed_in(404, koordinator=302, handledare=302, referrer=403),
        data=lambda w: answers(w) | {"answered_on": timezone.localdate().isoformat()},
        changed=lambda p: Response.objects.filter(how=How.PAPER).exists(),
    ),
}
