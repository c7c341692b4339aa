"""What the questionnaire services write, as typed, named fields (docs/architecture.md "Services")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class AnswerInput:
    """One question's answer: the chosen option ids (one for a scale or single choice, any number for
    several choices) or the free text."""

    question_id: int
    option_ids: tuple[int, ...] = ()
    text: str = ""
