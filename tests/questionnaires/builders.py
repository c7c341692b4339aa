"""Questionnaire answers for tests, made through the services."""

from __future__ import annotations

from datetime import date

from ist.questionnaires import reference, selectors, services
from ist.questionnaires.inputs import AnswerInput
from ist.questionnaires.models import How, Option, Questionnaire, QuestionnaireVersion, Response
from participants.models import Enrollment


def version_of(name: str) -> QuestionnaireVersion:
    questionnaire = Questionnaire.objects.get(name=name)
    return selectors.with_questions(selectors.published_versions()[questionnaire.pk].pk)


def scale_answers(version: QuestionnaireVersion, steps: list[int]) -> list[AnswerInput]:
    """Answer the version's scale and choice questions in order with the given steps (option values)."""
    answers = []
    for question, step in zip([q for q in version.questions.all() if q.has_options], steps, strict=False):
        option = Option.objects.get(question=question, value=step)
        answers.append(AnswerInput(question_id=question.pk, option_ids=(option.pk,)))
    return answers


def self_assessment(enrollment: Enrollment, step: int, on: date, energy: int = 3) -> Response:
    version = version_of(reference.STEPS)
    return services.response_submit(
        version=version,
        team=enrollment.team,
        respondent_group=version.questionnaire.respondent_group,
        how=How.PARTICIPANT_MODE,
        enrollment=enrollment,
        answers=scale_answers(version, [step, energy]),
        on=on,
    )


def example_answer(enrollment: Enrollment, support: int, heard: int, on: date) -> Response:
    version = version_of(reference.EXAMPLE)
    return services.response_submit(
        version=version,
        team=enrollment.team,
        respondent_group=version.questionnaire.respondent_group,
        how=How.LINK,
        enrollment=enrollment,
        answers=scale_answers(version, [support, heard]),
        on=on,
    )
