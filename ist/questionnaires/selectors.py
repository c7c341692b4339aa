"""Every read of questionnaires and answers on a user's behalf.

Identified answers (the self-assessment) are personal data: only the person's handledare (responsible or
second contact) and the team's coordinators see them, through `enrollments_for(user, "change")`, and
views open them with `get_visible_or_404`, which logs the read. Anonymous answers are read only as counts
(reports/questionnaires.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from ist.questionnaires import due
from ist.questionnaires.models import (
    Answer,
    DueRule,
    Invitation,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from participants.models import Closure, Enrollment
from participants.selectors import enrollments_for

if TYPE_CHECKING:
    from collections.abc import Collection

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from teams.models import User


def enrollments_with_answers_for(user: User | AnonymousUser) -> QuerySet[Enrollment]:
    """Enrolments whose identified answers the user may see and record: the handledare and coordinators."""
    return enrollments_for(user, "change")


def published_versions() -> dict[int, QuestionnaireVersion]:
    """The newest published version of every active questionnaire, by questionnaire id. One query."""
    versions = (
        QuestionnaireVersion.objects.filter(published_at__isnull=False, questionnaire__active=True)
        .select_related("questionnaire")
        .order_by("questionnaire_id", "-number")
    )
    result: dict[int, QuestionnaireVersion] = {}
    for version in versions:
        result.setdefault(version.questionnaire_id, version)
    return result


def with_questions(version_pk: int) -> QuestionnaireVersion:
    """A version with its questions and options, for the answering form. Two queries after the first."""
    options = Prefetch("options", queryset=Option.objects.order_by("order"))
    questions = Prefetch("questions", queryset=Question.objects.order_by("order").prefetch_related(options))
    return QuestionnaireVersion.objects.select_related("questionnaire").prefetch_related(questions).get(pk=version_pk)


def rule_facts() -> list[tuple[DueRule, due.RuleFacts]]:
    """Active rules of active questionnaires that have a published version. One query."""
    rules = (
        DueRule.objects.filter(
            active=True, questionnaire__active=True, questionnaire__versions__published_at__isnull=False
        )
        .select_related("questionnaire")
        .distinct()
    )
    return [(rule, due.RuleFacts(rule.pk, rule.trigger, rule.months, rule.days_open)) for rule in rules]


@dataclass
class DueItem:
    rule: DueRule
    occasion: date
    deadline: date


def open_due(enrollment_ids: Collection[int] | None, today: date) -> dict[int, list[DueItem]]:
    """Enrolment id → the questionnaires open today and not yet handed out. Three queries for any number
    of enrolments (None: every active enrolment and every one closed in the last 180 days)."""
    rules = rule_facts()
    if not rules:
        return {}
    enrollments = (
        Enrollment.objects.all() if enrollment_ids is None else Enrollment.objects.filter(pk__in=enrollment_ids)
    )
    if enrollment_ids is None:
        from datetime import timedelta

        recent = today - timedelta(days=180)
        enrollments = enrollments.filter(status=Enrollment.Status.ACTIVE) | enrollments.filter(
            closure__date__gte=recent
        )
    rows = list(enrollments.values_list("pk", "start_date", "closure__date"))
    found: dict[int, list[DueItem]] = defaultdict(list)
    wanted: list[tuple[int, DueRule, date]] = []
    for pk, start, closed_on in rows:
        for rule, facts in rules:
            occasion = due.open_occasion(facts, start=start, closed_on=closed_on, today=today)
            if occasion is not None:
                wanted.append((pk, rule, occasion))
    if not wanted:
        return {}
    handed_out = set(
        Invitation.objects.filter(enrollment_id__in={pk for pk, _r, _o in wanted}, rule__isnull=False).values_list(
            "enrollment_id", "rule_id", "occasion"
        )
    )
    for pk, rule, occasion in wanted:
        if (pk, rule.pk, occasion) not in handed_out:
            facts = due.RuleFacts(rule.pk, rule.trigger, rule.months, rule.days_open)
            found[pk].append(DueItem(rule, occasion, due.deadline(facts, occasion)))
    return dict(found)


def closure_date(enrollment: Enrollment) -> date | None:
    return Closure.objects.filter(enrollment=enrollment).values_list("date", flat=True).first()


@dataclass
class Progress:
    """The self-assessment over time for one enrolment: per scale question, its steps by day."""

    question: str
    steps: int  # the scale's highest step
    points: list[tuple[date, int, str]] = field(default_factory=list)  # (day, step, label)


def progression(enrollment: Enrollment) -> list[Progress]:
    """The progress questions of the enrolment's identified answers, oldest first. Pre: the caller opened
    the enrolment through `enrollments_with_answers_for` (the read is logged there). Two queries."""
    answers = (
        Answer.objects.filter(
            response__enrollment=enrollment, response__identified=True, question__measures_progress=True
        )
        .select_related("option", "question")
        .order_by("response__answered_on", "question__order")
        .values_list("response__answered_on", "question__text", "option__value", "option__label", "question_id")
    )
    by_text: dict[str, Progress] = {}
    question_ids: set[int] = set()
    for day, text, value, label, question_id in answers:
        if value is None or day is None:
            continue
        by_text.setdefault(text, Progress(text, 0)).points.append((day, value, label))
        question_ids.add(question_id)
    highest = dict(
        Option.objects.filter(question_id__in=question_ids).values_list("question__text", "value").order_by("value")
    )
    for progress in by_text.values():
        progress.steps = max(highest.get(progress.question, 0), *(p[1] for p in progress.points))
    return list(by_text.values())


def identified_responses(enrollment: Enrollment) -> QuerySet[Response]:
    """The enrolment's identified answers, newest first (same precondition as `progression`)."""
    return (
        Response.objects.filter(enrollment=enrollment, identified=True)
        .select_related("version__questionnaire")
        .order_by("-answered_on")
    )


def questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(active=True)
