"""The participant's voice in the statistics (issue 20, docs/decisions/0036): per questionnaire and
respondent group the answers and the response rate against the occasions due, each indicator's share
positive, the distribution per question, and the share who moved toward work on the self-assessment.

Counts only: anonymous answers are read as counts per team and month, never as rows of people. Like every
table here they go through `presentation.show_table`, so small counts are hidden outside the team
(reports/suppression.py, docs/decisions/0025). A constant number of queries for any number of answers.

"Moved toward work" (decision 0036): an enrolment of the teams with at least two answers to a question
that measures steps toward work, the last of them answered in the period, whose last answer is at least
one step higher than its first.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from ist.questionnaires import due
from ist.questionnaires.models import Answer, DueRule, Question, Response
from ist.questionnaires.models import RespondentGroup as Group
from participants.models import Enrollment
from reports.statistics import Section, Table

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from reports.statistics import Period
    from teams.models import Team

MOVED = "Närmare arbete (minst ett steg)"
NOT_MOVED = "Inte närmare"


def _answered(teams: QuerySet[Team], period: Period) -> QuerySet[Response]:
    """Responses of the teams whose month lies in the period (answers are kept by month)."""
    return Response.objects.filter(team__in=teams, month__gte=period.start.replace(day=1), month__lte=period.end)


def _label(name: str, group: str) -> str:
    return f"{name} ({Group(group).label.lower()})" if group in Group.values else name


def group_of(questionnaire_group: str, trigger: str) -> str:
    """The respondent group of an answer: a participant questionnaire handed out at closure is answered
    by a participant at the end of the insats (ist/questionnaires/services.py does the same)."""
    if questionnaire_group == Group.DURING and trigger == due.CLOSURE:
        return Group.AT_END
    return questionnaire_group


def due_counts(teams: QuerySet[Team], period: Period) -> dict[tuple[str, str], int]:
    """(questionnaire name, respondent group) → occasions due in the period for the teams' enrolments (by
    the active due rules). Two queries; the occasions are computed from dates (ist/questionnaires/due.py)."""
    rules = [
        (
            (rule.questionnaire.name, group_of(rule.questionnaire.respondent_group, rule.trigger)),
            due.RuleFacts(rule.pk, rule.trigger, rule.months, rule.days_open),
        )
        for rule in DueRule.objects.filter(active=True, questionnaire__active=True).select_related("questionnaire")
    ]
    if not rules:
        return {}
    enrollments = Enrollment.objects.filter(team__in=teams, start_date__lte=period.end).filter(
        Q(closure__isnull=True) | Q(closure__date__gte=period.start)
    )
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for start, closed_on in enrollments.values_list("start_date", "closure__date"):
        for key, facts in rules:
            counts[key] += due.count_in(facts, start=start, closed_on=closed_on, first=period.start, last=period.end)
    return dict(counts)


def responses(teams: QuerySet[Team], period: Period) -> Table:
    """Answers and occasions due per questionnaire and respondent group, with the response rate. A
    questionnaire that was due but not answered shows with 0 answers."""
    answered = {
        (row["version__questionnaire__name"], row["respondent_group"]): row["n"]
        for row in _answered(teams, period)
        .values("version__questionnaire__name", "respondent_group")
        .annotate(n=Count("pk"))
    }
    due_by_key = {key: n for key, n in due_counts(teams, period).items() if n}
    rows: list[tuple[StrOrPromise, list[int]]] = [
        (_label(name, group), [answered.get((name, group), 0), due_by_key.get((name, group), 0)])
        for name, group in sorted(set(answered) | set(due_by_key))
    ]
    return Table(
        key="q_responses",
        title="Enkätsvar och svarsfrekvens",
        row_heading="Enkät (svarande)",
        columns=["Svar", "Aktuella tillfällen"],
        rows=rows,
        note="Aktuella tillfällen: de gånger enkäten skulle lämnas ut enligt reglerna för när den ska besvaras. "
        "Svarsfrekvens = svar / aktuella tillfällen (kan bli över 100 % när enkäten lämnas ut oftare).",
        rate=("Svarsfrekvens", 0, 1),
        totals=False,
    )


def indicators(teams: QuerySet[Team], period: Period) -> Table:
    """Each indicator: answers counted positive and the others, with the share positive."""
    counts = (
        Answer.objects.filter(
            response__in=_answered(teams, period), question__indicator__isnull=False, option__isnull=False
        )
        .values("question__indicator__name")
        .annotate(
            positive=Count("pk", filter=Q(option__positive=True)), other=Count("pk", filter=Q(option__positive=False))
        )
        .order_by("question__indicator__name")
    )
    rows: list[tuple[StrOrPromise, list[int]]] = [
        (row["question__indicator__name"], [row["positive"], row["other"]]) for row in counts
    ]
    return Table(
        key="q_indicators",
        title="Indikatorer: andel positiva svar",
        row_heading="Indikator",
        columns=["Positiva svar", "Övriga svar"],
        rows=rows,
        rate=("Andel positiva", 0, None),
    )


def distributions(teams: QuerySet[Team], period: Period) -> list[Table]:
    """One table per question with options answered in the period: how many chose each option."""
    chosen = (
        Answer.objects.filter(response__in=_answered(teams, period), option__isnull=False)
        .values("question_id", "option_id")
        .annotate(n=Count("pk"))
    )
    by_question: dict[int, dict[int, int]] = defaultdict(dict)
    for row in chosen:
        by_question[row["question_id"]][row["option_id"]] = row["n"]
    if not by_question:
        return []
    questions = (
        Question.objects.filter(pk__in=list(by_question))
        .select_related("version__questionnaire")
        .prefetch_related("options")
        .order_by("version__questionnaire__name", "version__number", "order")
    )
    tables = []
    for question in questions:
        counts = by_question[question.pk]
        tables.append(
            Table(
                key=f"q_question_{question.pk}",
                title=f"{question.version.questionnaire.name} v{question.version.number}: {question.text}",
                row_heading="Svar",
                columns=["Antal"],
                rows=[(option.label, [counts.get(option.pk, 0)]) for option in question.options.all()],
                # Several choices per person do not add up to people.
                totals=question.answer_type != Question.Type.MULTIPLE,
                chart=True,
            )
        )
    return tables


def moved_toward_work(teams: QuerySet[Team], period: Period) -> Table:
    """Enrolments whose self-assessment moved at least one step toward work (the decision's definition)."""
    rows = (
        Answer.objects.filter(
            question__measures_progress=True,
            option__isnull=False,
            response__identified=True,
            response__enrollment__team__in=teams,
            response__answered_on__lte=period.end,
        )
        .order_by("response__enrollment_id", "response__answered_on", "pk")
        .values_list("response__enrollment_id", "response__answered_on", "option__value")
    )
    first: dict[int, int] = {}
    last: dict[int, tuple[date, int]] = {}
    answers: dict[int, int] = defaultdict(int)
    for enrollment_id, day, value in rows:
        if enrollment_id is None or day is None or value is None:
            continue  # the filter excludes these; the types allow them
        first.setdefault(enrollment_id, value)
        last[enrollment_id] = (day, value)
        answers[enrollment_id] += 1
    moved = not_moved = 0
    for enrollment_id, (last_day, value) in last.items():
        if answers[enrollment_id] < 2 or not (period.start <= last_day <= period.end):
            continue
        if value - first[enrollment_id] >= 1:
            moved += 1
        else:
            not_moved += 1
    return Table(
        key="q_steps",
        title="Steg mot arbete (självskattning)",
        row_heading="Självskattning",
        columns=[MOVED, NOT_MOVED],
        rows=[("Deltagare med minst två självskattningar", [moved, not_moved])] if moved or not_moved else [],
        note="Närmare arbete: den senaste självskattningen (gjord under perioden) är minst ett steg högre "
        "än den första.",
        rate=("Andel närmare arbete", 0, None),
    )


def section(teams: QuerySet[Team], period: Period) -> Section:
    """The statistics page's and the reports' section "Deltagarnas röst"."""
    return Section(
        "voice",
        "Deltagarnas röst (enkäter)",
        [
            responses(teams, period),
            indicators(teams, period),
            moved_toward_work(teams, period),
            *distributions(teams, period),
        ],
    )
