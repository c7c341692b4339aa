"""The questionnaires panel of the participant page: what is due, how to hand it out, and the
self-assessment over time. Shown only to the person's handledare and the team's coordinators; the
identified answers it shows are logged as read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from ist.audit.recording import record_access
from ist.questionnaires import chart, selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from participants.models import Enrollment


@dataclass
class Offer:
    """A questionnaire the handledare can hand out now, with the due rule and occasion if it is due."""

    questionnaire_id: int
    name: str
    anonymous: bool
    rule_id: int | None
    occasion: str
    deadline: str
    # Each hand-out form has its own idempotency key: one double click, one hand-out (ist/idempotency.py).
    token: uuid.UUID = field(default_factory=uuid.uuid4)


def panel_context(request: HttpRequest, enrollment: Enrollment) -> dict[str, Any] | None:
    """The panel's context, or None if the user is not the person's handledare or a coordinator.
    Constant queries (about eight)."""
    if not selectors.enrollments_with_answers_for(request.user).filter(pk=enrollment.pk).exists():
        return None
    today = timezone.localdate()
    due = selectors.open_due([enrollment.pk], today).get(enrollment.pk, [])
    versions = selectors.published_versions()
    offers = [
        Offer(
            item.rule.questionnaire_id,
            item.rule.questionnaire.name,
            item.rule.questionnaire.anonymous,
            item.rule.pk,
            f"{item.occasion:%Y-%m-%d}",
            f"{item.deadline:%Y-%m-%d}",
        )
        for item in due
        if item.rule.questionnaire_id in versions
    ]
    others = [
        Offer(v.questionnaire_id, v.questionnaire.name, v.questionnaire.anonymous, None, "", "")
        for v in versions.values()
    ]
    responses = list(selectors.identified_responses(enrollment))
    if responses:
        # One entry on the enrolment (it names the person, so the registerutdrag lists the read).
        record_access(request, [enrollment], what="självskattning")
    progress = selectors.progression(enrollment)
    charts = [(p, chart.line_chart(p)) for p in progress]
    return {"due": offers, "others": others, "responses": responses, "progress": charts, "enrollment": enrollment}
