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
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q

from ist.questionnaires import due
from ist.questionnaires.models import Answer, DueRule, Question, Response
from ist.questionnaires.models import RespondentGroup as Group
from participants.models import Enrollment
from reports.statistics import Section, Table, _count, _per_period

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from reports.statistics import Period
    from teams.models import Team

MOVED = "Närmare arbete (minst ett steg)"
NOT_MOVED = "Inte närmare"


def _answered_in(period: Period) -> Q:
    """Responses whose month lies in the period (answers are kept by month), for `_per_period`."""
    return Q(month__gte=period.start.replace(day=1), month__lte=period.end)


def _label(name: str, group: str) -> str:
    return f"{name} ({Group(group).label.lower()})" if group in Group.values else name


def group_of(questionnaire_group: str, trigger: str) -> str:
    """The respondent group of an answer: a participant questionnaire handed out at closure is answered
    by a participant at the end of the insats (ist/questionnaires/services.py does the same)."""
    if questionnaire_group == Group.DURING and trigger == due.CLOSURE:
        return Group.AT_END
    return questionnaire_group


def _rules() -> list[tuple[tuple[str, str], due.RuleFacts]]:
    """The active due rules, each with the (questionnaire name, respondent group) it counts for."""
    return [
        (
            (rule.questionnaire.name, group_of(rule.questionnaire.respondent_group, rule.trigger)),
            due.RuleFacts(rule.pk, rule.trigger, rule.months, rule.days_open),
        )
        for rule in DueRule.objects.filter(active=True, questionnaire__active=True).select_related("questionnaire")
    ]


def _enrolled_in(period: Period) -> Q:
    """The enrolments an occasion can fall to in the period: started by its end, not closed before it."""
    return Q(start_date__lte=period.end) & (Q(closure__isnull=True) | Q(closure__date__gte=period.start))


def due_counts_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[dict[tuple[str, str], int]]:
    """Per period: (questionnaire name, respondent group) → occasions due in the period for the teams'
    enrolments (by the active due rules). Two queries for all the periods: the rules, and on PostgreSQL
    one aggregate over the enrolments of any period with each rule's occasions counted in SQL
    (due.count_in_sql); elsewhere (SQLite) the same enrolments counted in Python (due.count_in)."""
    rules = _rules()
    if not rules:
        return [{} for _ in periods]
    wanted = Q()
    for period in periods:
        wanted |= _enrolled_in(period)
    enrollments = Enrollment.objects.filter(team__in=teams).filter(wanted)
    per_rule = (_due_in_sql if connection.vendor == "postgresql" else _due_in_python)(enrollments, rules, periods)
    result: list[dict[tuple[str, str], int]] = []
    for counts in per_rule:
        by_key: dict[tuple[str, str], int] = defaultdict(int)
        for (key, _facts), n in zip(rules, counts, strict=True):
            by_key[key] += n
        result.append(dict(by_key))
    return result


def _due_in_sql(
    enrollments: QuerySet[Enrollment], rules: list[tuple[tuple[str, str], due.RuleFacts]], periods: Sequence[Period]
) -> list[list[int]]:
    """Per period, per rule: the occasions due. The enrolments (start, closure day and, per period,
    whether it counts in it) as a subquery built by the ORM, each period's days as a row of columns."""
    flags = {f"in_{i}": ExpressionWrapper(_enrolled_in(p), output_field=BooleanField()) for i, p in enumerate(periods)}
    inner = enrollments.annotate(s=F("start_date"), c=F("closure__date"), **flags).values("s", "c", *flags).order_by()
    sql, params = inner.query.sql_with_params()
    sums = ", ".join(
        f'COALESCE(SUM({due.count_in_sql(facts, enrolment="e", period=f"p{i}")}) FILTER (WHERE e."in_{i}"), 0)'
        for i in range(len(periods))
        for _key, facts in rules
    )
    days = " ".join(f"CROSS JOIN ({due.period_sql()}) AS p{i}" for i in range(len(periods)))
    query = f"SELECT {sums} FROM ({due.enrolments_sql(sql)}) AS e {days}"  # noqa: S608 - the ORM's SQL, values as params
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *(day for p in periods for day in (p.start, p.end))])
        (row,) = cursor.fetchall()  # an aggregate without GROUP BY: one row
    return [[int(n) for n in row[i * len(rules) : (i + 1) * len(rules)]] for i in range(len(periods))]


def _due_in_python(
    enrollments: QuerySet[Enrollment], rules: list[tuple[tuple[str, str], due.RuleFacts]], periods: Sequence[Period]
) -> list[list[int]]:
    """The same counts, one enrolment at a time (SQLite has no make_interval)."""
    counts = [[0] * len(rules) for _ in periods]
    for start, closed_on in enrollments.values_list("start_date", "closure__date"):
        for i, period in enumerate(periods):
            if start > period.end or (closed_on is not None and closed_on < period.start):
                continue  # not enrolled in this period (_enrolled_in)
            for j, (_key, facts) in enumerate(rules):
                counts[i][j] += due.count_in(
                    facts, start=start, closed_on=closed_on, first=period.start, last=period.end
                )
    return counts


def due_counts(teams: QuerySet[Team], period: Period) -> dict[tuple[str, str], int]:
    """(questionnaire name, respondent group) → occasions due in the period (due_counts_over)."""
    return due_counts_over(teams, [period])[0]


def responses_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Answers and occasions due per questionnaire and respondent group, with the response rate. A
    questionnaire that was due but not answered shows with 0 answers."""
    answered_per_period = _per_period(
        Response.objects.filter(team__in=teams),
        periods,
        _answered_in,
        ["version__questionnaire__name", "respondent_group"],
        {"n": _count},
    )
    tables = []
    for found, due_in_period in zip(answered_per_period, due_counts_over(teams, periods), strict=True):
        answered = {(row["version__questionnaire__name"], row["respondent_group"]): row["n"] for row in found}
        due_by_key = {key: n for key, n in due_in_period.items() if n}
        rows: list[tuple[StrOrPromise, list[int]]] = [
            (_label(name, group), [answered.get((name, group), 0), due_by_key.get((name, group), 0)])
            for name, group in sorted(set(answered) | set(due_by_key))
        ]
        tables.append(
            Table(
                key="q_responses",
                title="Enkätsvar och svarsfrekvens",
                row_heading="Enkät (svarande)",
                columns=["Svar", "Aktuella tillfällen"],
                rows=rows,
                note="Aktuella tillfällen: de gånger enkäten skulle lämnas ut enligt reglerna för när den ska "
                "besvaras. Svarsfrekvens = svar / aktuella tillfällen (kan bli över 100 % när enkäten lämnas ut "
                "oftare).",
                rate=("Svarsfrekvens", 0, 1),
                totals=False,
            )
        )
    return tables


def responses(teams: QuerySet[Team], period: Period) -> Table:
    return responses_over(teams, [period])[0]


def _answer_in(period: Period) -> Q:
    """Answers of responses whose month lies in the period."""
    return Q(response__month__gte=period.start.replace(day=1), response__month__lte=period.end)


def indicators_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Each indicator: answers counted positive and the others, with the share positive."""
    per_period = _per_period(
        Answer.objects.filter(response__team__in=teams, question__indicator__isnull=False, option__isnull=False),
        periods,
        _answer_in,
        ["question__indicator__name"],
        {
            "positive": lambda _p, within: Count("pk", filter=within & Q(option__positive=True)),
            "other": lambda _p, within: Count("pk", filter=within & Q(option__positive=False)),
        },
        order=["question__indicator__name"],
    )
    return [
        Table(
            key="q_indicators",
            title="Indikatorer: andel positiva svar",
            row_heading="Indikator",
            columns=["Positiva svar", "Övriga svar"],
            rows=[(row["question__indicator__name"], [row["positive"], row["other"]]) for row in rows],
            rate=("Andel positiva", 0, None),
        )
        for rows in per_period
    ]


def indicators(teams: QuerySet[Team], period: Period) -> Table:
    return indicators_over(teams, [period])[0]


def distributions_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[list[Table]]:
    """Per period, one table per question with options answered in it: how many chose each option."""
    per_period = _per_period(
        Answer.objects.filter(response__team__in=teams, option__isnull=False),
        periods,
        _answer_in,
        ["question_id", "option_id"],
        {"n": _count},
    )
    chosen: list[dict[int, dict[int, int]]] = []
    for rows in per_period:
        by_question: dict[int, dict[int, int]] = defaultdict(dict)
        for row in rows:
            by_question[row["question_id"]][row["option_id"]] = row["n"]
        chosen.append(by_question)
    asked = {pk for by_question in chosen for pk in by_question}
    if not asked:
        return [[] for _ in periods]
    questions = list(
        Question.objects.filter(pk__in=asked)
        .select_related("version__questionnaire")
        .prefetch_related("options")
        .order_by("version__questionnaire__name", "version__number", "order")
    )
    return [
        [_distribution(question, by_question[question.pk]) for question in questions if question.pk in by_question]
        for by_question in chosen
    ]


def _distribution(question: Question, counts: dict[int, int]) -> Table:
    return Table(
        key=f"q_question_{question.pk}",
        title=f"{question.version.questionnaire.name} v{question.version.number}: {question.text}",
        row_heading="Svar",
        columns=["Antal"],
        rows=[(option.label, [counts.get(option.pk, 0)]) for option in question.options.all()],
        # Several choices per person do not add up to people.
        totals=question.answer_type != Question.Type.MULTIPLE,
        chart=True,
    )


def distributions(teams: QuerySet[Team], period: Period) -> list[Table]:
    return distributions_over(teams, [period])[0]


def moved_toward_work_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Enrolments whose self-assessment moved at least one step toward work (the decision's definition).
    One query up to the last period's end; each period counts the answers up to its own end."""
    rows = [
        (enrollment_id, day, value)
        for enrollment_id, day, value in Answer.objects.filter(
            question__measures_progress=True,
            option__isnull=False,
            response__identified=True,
            response__enrollment__team__in=teams,
            response__answered_on__lte=max(period.end for period in periods),
        )
        .order_by("response__enrollment_id", "response__answered_on", "pk")
        .values_list("response__enrollment_id", "response__answered_on", "option__value")
        if enrollment_id is not None and day is not None and value is not None  # the filter excludes these
    ]
    return [_moved_table(period, [row for row in rows if row[1] <= period.end]) for period in periods]


def _moved_table(period: Period, rows: list[tuple[int, date, int]]) -> Table:
    """The table of one period from the answers up to its end (by enrolment, day, answer)."""
    first: dict[int, int] = {}
    last: dict[int, tuple[date, int]] = {}
    answers: dict[int, int] = defaultdict(int)
    for enrollment_id, day, value in rows:
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


def moved_toward_work(teams: QuerySet[Team], period: Period) -> Table:
    return moved_toward_work_over(teams, [period])[0]


def sections_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Section]:
    """Per period, the statistics page's and the reports' section "Deltagarnas röst": one query per
    figure for all the periods (the page compares a period with the one before, decision 0034)."""
    return [
        Section("voice", "Deltagarnas röst (enkäter)", [answered, indicator, moved, *questions])
        for answered, indicator, moved, questions in zip(
            responses_over(teams, periods),
            indicators_over(teams, periods),
            moved_toward_work_over(teams, periods),
            distributions_over(teams, periods),
            strict=True,
        )
    ]


def section(teams: QuerySet[Team], period: Period) -> Section:
    """The section for one period."""
    return sections_over(teams, [period])[0]
