"""Demo data for the questionnaires: a year of anonymous answers to the example participant questionnaire
in every team, and self-assessments ("Steg mot arbete") with progression for the demo's enrolments, each
handed out at its due occasion (so "Att göra" shows only what is really due). Idempotent: nothing is
made if the demo already has answers."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ist.questionnaires import due, reference, selectors, services
from ist.questionnaires.inputs import AnswerInput
from ist.questionnaires.models import How, Invitation, Questionnaire, QuestionnaireVersion, Response
from participants.models import Enrollment
from teams.models import Team

SELF_ASSESSED = 4  # enrolments per team with a self-assessment history


def _answers(version: QuestionnaireVersion, steps: list[int]) -> list[AnswerInput]:
    questions = [q for q in version.questions.all() if q.has_options and q.answer_type != "flera_val"]
    result = []
    for question, step in zip(questions, steps, strict=False):
        option = next(o for o in question.options.all() if o.value == step)
        result.append(AnswerInput(question_id=question.pk, option_ids=(option.pk,)))
    return result


@transaction.atomic
def seed_questionnaires() -> dict[str, int]:
    if Response.objects.exists():
        return {"answers": 0, "self_assessments": 0}
    rng = random.Random(2020)  # noqa: S311 - demo data, the same every time
    today = timezone.localdate()
    versions = selectors.published_versions()
    example_questionnaire = Questionnaire.objects.filter(name=reference.EXAMPLE).first()
    steps_questionnaire = Questionnaire.objects.filter(name=reference.STEPS).first()
    if not (example_questionnaire and steps_questionnaire) or not {
        example_questionnaire.pk,
        steps_questionnaire.pk,
    } <= set(versions):
        return {"answers": 0, "self_assessments": 0}  # the reference questionnaires were removed
    example = selectors.with_questions(versions[example_questionnaire.pk].pk)
    steps = selectors.with_questions(versions[steps_questionnaire.pk].pk)
    rules = {rule.trigger: rule for rule in steps_questionnaire.due_rules.all()}
    answers = assessments = 0
    for team in Team.objects.filter(active=True).order_by("name"):
        # A year of anonymous answers, 2–6 a month, mostly positive.
        for months_back in range(12):
            day = (today.replace(day=1) - timedelta(days=31 * months_back)).replace(day=rng.randint(1, 25))
            for _ in range(rng.randint(2, 6)):
                support = rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 3, 6, 5])[0]
                heard = rng.choices([1, 2, 3, 4], weights=[1, 2, 6, 6])[0]
                services.response_submit(
                    version=example,
                    team=team,
                    respondent_group=example.questionnaire.respondent_group,
                    how=rng.choice([How.LINK, How.PARTICIPANT_MODE, How.PAPER]),
                    enrollment=None,
                    answers=_answers(example, [support, heard]),
                    on=min(day, today),
                )
                answers += 1
        # Self-assessments at enrolment and every three months, drifting toward work.
        enrollments = Enrollment.objects.filter(team=team, status=Enrollment.Status.ACTIVE).select_related(
            "responsible"
        )
        for enrollment in enrollments.order_by("start_date")[:SELF_ASSESSED]:
            occasions = [(rules.get(due.ENROLMENT), enrollment.start_date)]
            every = rules.get(due.EVERY)
            if every and every.months:
                facts = due.RuleFacts(every.pk, every.trigger, every.months, every.days_open)
                occasions += [
                    (every, d) for d in due.occasions(facts, start=enrollment.start_date, closed_on=None, until=today)
                ]
            step = rng.randint(1, 3)
            for rule, occasion in occasions:
                Invitation.objects.create(
                    version=steps,
                    rule=rule,
                    enrollment=enrollment,
                    occasion=occasion,
                    how=How.PARTICIPANT_MODE,
                    created_by=enrollment.responsible,
                )
                services.response_submit(
                    version=steps,
                    team=team,
                    respondent_group=steps.questionnaire.respondent_group,
                    how=How.PARTICIPANT_MODE,
                    enrollment=enrollment,
                    answers=_answers(steps, [step, rng.randint(2, 4)]),
                    on=occasion,
                )
                assessments += 1
                step = max(1, min(7, step + rng.choice([0, 1, 1, 2, -1])))
    return {"answers": answers, "self_assessments": assessments}
