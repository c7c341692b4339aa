"""What document_save_draft writes, as typed, named fields (docs/architecture.md "Services"): the
content of the draft, its sub-goals, the evaluations of the previous plan's sub-goals and the
planned weekly activities. The editor's forms build them; the service writes exactly these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from participants.documents.models import Document


@dataclass(frozen=True, kw_only=True)
class DocumentContent:
    """The text and dates of a document. The service writes the fields its kind has
    (services.CONTENT_FIELDS); the others stay as they are."""

    period_start: date | None = None
    period_end: date | None = None
    direction: str = ""
    goal: str = ""
    support: str = ""
    own_words: str = ""
    agreed_on: date | None = None
    signed_returned_on: date | None = None
    progress: str = ""
    assessment: str = ""
    changes: str = ""
    next_steps: str = ""
    summary: str = ""
    recommendations: str = ""

    @classmethod
    def of(cls, document: Document, **changes: Any) -> Self:
        """The document's saved content with `changes` (what the editor would post)."""
        return replace(cls(**{f.name: getattr(document, f.name) for f in fields(cls)}), **changes)


@dataclass(frozen=True, kw_only=True)
class SubGoalRow:
    goal: str = ""
    activities: str = ""
    responsible: str = ""
    due_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class EvaluationRow:
    """The evaluation of one sub-goal of the previous plan, by position."""

    result: str = ""
    comment: str = ""


@dataclass(frozen=True, kw_only=True)
class PlannedActivity:
    """One weekly activity of the plan (stored as a row of `Document.planned_activities`)."""

    kind: str
    label: str
    count: int
    per_weeks: int
    note: str = ""

    def stored(self) -> dict[str, object]:
        return asdict(self)
