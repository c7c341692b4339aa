"""Documents for tests, written and finalised through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from participants.documents import services
from participants.documents.inputs import DocumentContent, EvaluationRow, SubGoalRow
from participants.documents.models import Document
from participants.models import Enrollment
from teams.models import User

PLAN = {
    "direction": Document.Direction.WORK,
    "goal": "Få ett arbete inom växtodling på halvtid.",
    "support": "Försäkringskassan följer upp sjukpenningen; AF ordnar praktikplats.",
    "own_words": "Jag vill må bättre och komma ut på en arbetsplats.",
}
SUB_GOALS = [
    {
        "goal": "Åka buss på egen hand till träningen",
        "activities": "Övningsresor med handledare",
        "responsible": "participant",
    },
    {"goal": "Närvaro tre dagar i veckan", "activities": "Arbetsträning i grupp", "responsible": "ist"},
]


def complete_plan(document: Document, by: User) -> Document:
    """Fill every field a handlingsplan needs to be finalised."""
    today = timezone.localdate()
    evaluations = [EvaluationRow(result="met", comment="Gick bra.") for _ in document.evaluations.all()]
    return services.document_save_draft(
        document=document,
        by=by,
        expected_revision=document.revision,
        content=DocumentContent.of(document, **PLAN, agreed_on=today),
        sub_goals=[SubGoalRow(**row, due_on=today + timedelta(days=60)) for row in SUB_GOALS],
        evaluations=evaluations,
    )


def final_plan(enrollment: Enrollment, by: User, **finalise: Any) -> Document:
    """A finalised (pending-PDF) handlingsplan."""
    document = complete_plan(services.document_start(enrollment=enrollment, kind=Document.Kind.ACTION_PLAN, by=by), by)
    return services.document_finalise(document=document, by=by, expected_revision=document.revision, **finalise)


def complete_report(document: Document, by: User) -> Document:
    return services.document_save_draft(
        document=document,
        by=by,
        expected_revision=document.revision,
        content=DocumentContent.of(
            document,
            progress="Går framåt: närvaron har ökat.",
            assessment="Närvaron motsvarar planen; redo för arbetsträning på en arbetsplats.",
            changes="",
            next_steps="Börja arbetsträning på en arbetsplats.",
        ),
    )


def complete_closing(document: Document, by: User) -> Document:
    return services.document_save_draft(
        document=document,
        by=by,
        expected_revision=document.revision,
        content=DocumentContent.of(
            document,
            summary="Deltagaren har fått arbete.",
            recommendations="Fortsatt kontakt med AF.",
            next_steps="Avslutningsmöte.",
        ),
    )


def phase_two(enrollment: Enrollment, by: User) -> None:
    """Move a fresh (Prova på) enrolment into Arbetsförberedande, where plans begin."""
    from participants import services as journey_services
    from participants.models import Phase

    journey_services.phase_change(
        enrollment=enrollment,
        to=Phase.ARBETSFORBEREDANDE,
        on=timezone.localdate() - timedelta(days=20),
        reason="",
        by=by,
    )


def rendered_plan(world: dict[str, Any]) -> Document:
    """A finalised handlingsplan of world["enrollment"] with its PDF rendered (as the task would)
    and delivered to world["referrer"]. For the URL matrix and view tests."""
    enrollment, handledare = world["enrollment"], world["handledare"]
    plan = final_plan(enrollment, handledare)
    services.document_render(document_id=plan.pk)
    plan.refresh_from_db()
    return plan


def draft_plan(world: dict[str, Any]) -> Document:
    return services.document_start(
        enrollment=world["enrollment"], kind=Document.Kind.ACTION_PLAN, by=world["handledare"]
    )
