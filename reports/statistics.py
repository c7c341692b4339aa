"""The statistics figures, computed in the database: one selector per figure group.

Every selector takes the teams (a queryset, used as a subquery) and a period (inclusive dates)
and runs one aggregate query with GROUP BY and conditional counts; no Python loop over rows of
personal data. The page, the exports and the periodic reports all read these same functions, so
their numbers agree. Suppression of small counts is applied later, on the way out
(reports/suppression.py, reports/presentation.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.postgres.aggregates import BoolOr
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Field,
    Model,
    Q,
)
from django.db.models.functions import TruncDate
from django.db.models.lookups import In

from participants.models import (
    Attendance,
    Closure,
    Enrollment,
    ExitReason,
    FollowUp,
    Participant,
    Phase,
    PhasePeriod,
    Transfer,
)
from participants.selectors import activity_kind_choices
from referrals.models import AgendaItem, ConsultativeQuestion, InformationMeeting, Referral
from reports import rollup
from teams.models import Municipality, Organisation

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from teams.models import Team

UNKNOWN = "Uppgift saknas"
AGE_BANDS = [("16–29 år", 16, 29), ("30–44 år", 30, 44), ("45–64 år", 45, 64)]
OTHER_AGE = "Annan ålder"


@dataclass(frozen=True)
class Period:
    """A reporting period, both days included."""

    start: date
    end: date

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
        return cls(start, end)

    @classmethod
    def half_year(cls, year: int, half: int) -> Period:
        return cls(date(year, 1, 1), date(year, 6, 30)) if half == 1 else cls(date(year, 7, 1), date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026Q3" or "2026H1"; ValueError otherwise."""
        text = text.strip().upper()
        if len(text) == 6 and text[4] == "Q" and text[5] in "1234":
            return cls.quarter(int(text[:4]), int(text[5]))
        if len(text) == 6 and text[4] == "H" and text[5] in "12":
            return cls.half_year(int(text[:4]), int(text[5]))
        raise ValueError(text)

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


@dataclass
class Table:
    """A table of counts: one row per category, one column per measure counted.

    `rate` names a share shown per row: (heading, the column counted, the column it is a share of,
    or None for the row total).
    """

    key: str
    title: str
    row_heading: str
    columns: list[StrOrPromise]
    rows: Sequence[tuple[StrOrPromise, list[int]]]
    note: str = ""
    rate: tuple[str, int, int | None] | None = None
    chart: bool = True
    # Whether a total row and column make sense (counts of the same people/events that add up).
    totals: bool = True

    def value(self, row_label: str, column: int = 0) -> int:
        return next(values[column] for label, values in self.rows if label == row_label)


@dataclass
class Measure:
    """A single figure that is not a count (an average, a share) with the number it rests on."""

    label: str
    value: float | None
    unit: str
    basis: int


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)


def _days(mean: timedelta | None) -> float | None:
    return None if mean is None else round(mean / timedelta(days=1), 1)


def _in(period: Period) -> tuple[date, date]:
    return (period.start, period.end)


def _ordered(
    counts: dict[Any, list[int]], order: Iterable[tuple[Any, StrOrPromise]], width: int
) -> list[tuple[StrOrPromise, list[int]]]:
    """Rows in the order of `order` (value, label), every category shown, then anything unknown."""
    rows = [(label, counts.pop(value, [0] * width)) for value, label in order]
    rest = [0] * width
    for values in counts.values():
        rest = [a + b for a, b in zip(rest, values, strict=True)]
    if any(rest):
        rows.append((UNKNOWN, rest))
    return rows


def _by_kind_of_organisation(rows: Iterable[dict[str, Any]], key: str) -> list[tuple[StrOrPromise, list[int]]]:
    counts = {row[key]: [row["n"]] for row in rows}
    return _ordered(counts, Organisation.Kind.choices, 1)


T = TypeVar("T")
Measures = dict[str, Callable[["Period", Q], Aggregate]]


def _per_period(
    queryset: QuerySet[Any],
    periods: Sequence[Period],
    within: Callable[[Period], Q],
    keys: Sequence[str],
    measures: Measures,
    *,
    order: Sequence[str] = (),
) -> list[list[dict[str, Any]]]:
    """Every period's figures in one query (the page compares a period with the one before: one
    pass over the rows, not one per period). The rows of any period are read once; each measure is
    computed per period with `FILTER (WHERE <that period>)`. Returns, per period, the grouped rows
    (`keys` and the measures' names) as the single-period query gave them: a group with nothing in
    that period is left out, as its query would have left it out. Without `keys`, one row."""
    wanted = Q()
    for period in periods:
        wanted |= within(period)
    annotations = {
        f"{name}_{i}": make(period, within(period))
        for i, period in enumerate(periods)
        for name, make in measures.items()
    }
    filtered = queryset.filter(wanted)
    if not keys:
        row = filtered.aggregate(**annotations)
        return [[{name: row[f"{name}_{i}"] for name in measures}] for i in range(len(periods))]
    rows = list(filtered.values(*keys).annotate(**annotations).order_by(*order))
    result: list[list[dict[str, Any]]] = []
    for i in range(len(periods)):
        found = []
        for row in rows:
            values = {name: row[f"{name}_{i}"] for name in measures}
            if any(values.values()):
                found.append({**{key: row[key] for key in keys}, **values})
        result.append(found)
    return result


def _count(_period: Period, within: Q) -> Aggregate:
    return Count("pk", filter=within)


def _one(period: Period, figures: Callable[[QuerySet[Team], Sequence[Period]], list[T]], teams: QuerySet[Team]) -> T:
    return figures(teams, [period])[0]


# -- The way in -------------------------------------------------------------------------


def referrals_received_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Referrals received in the period (by the day they arrived), by kind of referring organisation."""
    per_period = _per_period(
        Referral.objects.filter(team__in=teams).exclude(status=Referral.Status.DRAFT),
        periods,
        lambda period: Q(received_on__range=_in(period)),
        ["referrer_organisation__kind"],
        {"n": _count},
    )
    return [
        Table(
            "referrals",
            "Remisser som kommit in",
            "Remitterande organisation",
            ["Remisser"],
            _by_kind_of_organisation(rows, "referrer_organisation__kind"),
        )
        for rows in per_period
    ]


def referrals_received(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, referrals_received_over, teams)


def decisions_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """The samverkansteam's decisions on referrals made in the period, by decision."""
    per_period = _per_period(
        AgendaItem.objects.filter(referral__isnull=False, meeting__team__in=teams).exclude(decision=""),
        periods,
        lambda period: Q(decided_at__date__range=_in(period)),
        ["decision"],
        {"n": _count},
    )
    # The decisions a referral can get (the enrolments' decisions on the agenda, decision 0033, are not
    # decisions on referrals; a question's "answered" is not either).
    referral_decisions = (AgendaItem.Decision.ACCEPT, AgendaItem.Decision.REJECT, AgendaItem.Decision.MORE_INFO)
    order = [(d.value, d.label) for d in referral_decisions]
    return [
        Table(
            "decisions",
            "Beslut om remisser",
            "Beslut",
            ["Beslut"],
            _ordered({row["decision"]: [row["n"]] for row in rows}, order, 1),
        )
        for rows in per_period
    ]


def decisions(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, decisions_over, teams)


def answer_times_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[list[Measure]]:
    """Referrals received in the period that have an answer: mean days to the answer, share within deadline."""
    days = ExpressionWrapper(TruncDate("decided_at") - F("received_on"), output_field=DurationField())
    per_period = _per_period(
        Referral.objects.filter(team__in=teams, decided_at__isnull=False),
        periods,
        lambda period: Q(received_on__range=_in(period)),
        [],
        {
            "n": _count,
            "within": lambda _p, within: Count("pk", filter=within & Q(decided_at__date__lte=F("answer_deadline"))),
            "mean": lambda _p, within: Avg(days, filter=within),
        },
    )
    result = []
    for [row] in per_period:
        n, mean = row["n"], row["mean"]
        result.append(
            [
                Measure("Besvarade remisser", n, "st", n),
                Measure("Dagar från inkommen till svar, medel", _days(mean), "dagar", n),
                Measure("Besvarade inom svarstiden", round(100 * row["within"] / n, 1) if n else None, "%", n),
            ]
        )
    return result


def answer_times(teams: QuerySet[Team], period: Period) -> list[Measure]:
    return _one(period, answer_times_over, teams)


def information_meetings_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Information meetings held in the period, by outcome."""
    per_period = _per_period(
        InformationMeeting.objects.filter(referral__team__in=teams),
        periods,
        lambda period: Q(date__range=_in(period)),
        ["outcome"],
        {"n": _count},
    )
    order: list[tuple[str, StrOrPromise]] = [*InformationMeeting.Outcome.choices, ("", "Utfall inte registrerat")]
    return [
        Table(
            "info_meetings",
            "Informationsmöten",
            "Utfall",
            ["Möten"],
            _ordered({row["outcome"]: [row["n"]] for row in rows}, order, 1),
        )
        for rows in per_period
    ]


def information_meetings(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, information_meetings_over, teams)


def questions_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Consultative questions asked in the period, by kind of organisation asking."""
    per_period = _per_period(
        ConsultativeQuestion.objects.filter(team__in=teams),
        periods,
        lambda period: Q(created_at__date__range=_in(period)),
        ["organisation__kind"],
        {"n": _count},
    )
    return [
        Table(
            "questions",
            "Konsultativa frågor",
            "Organisation",
            ["Frågor"],
            _by_kind_of_organisation(rows, "organisation__kind"),
        )
        for rows in per_period
    ]


def questions(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, questions_over, teams)


# -- Participants ------------------------------------------------------------------------


def _present_in(period: Period) -> Q:
    """Enrolments that were active some day in the period."""
    return Q(start_date__lte=period.end) & (Q(closure__isnull=True) | Q(closure__date__gte=period.start))


def _held_on(teams: QuerySet[Team], day: date | str) -> Q:
    """Enrolments that one of `teams` held on `day` (a date, or the name of the enrolment's own date
    field): rollup.held_by, the one definition the activity figures use too. The first part lets
    PostgreSQL use the team index; only enrolments that ever moved can be held by another team."""
    held: In[Any] = In(rollup.held_by(day, via=""), teams.values("pk"))
    return (Q(team__in=teams) | Q(pk__in=rollup.moved())) & Q(held)


def _in_teams_during(teams: QuerySet[Team], period: Period) -> Q:
    """Enrolments that belonged to one of `teams` some day in the period: held by one on its first
    day, or moved to one by an accepted transfer dated within it (participants.Transfer, the
    team-period record; a transfer's date is the first day with the new team)."""
    moved_in = Transfer.objects.filter(
        status=Transfer.Status.ACCEPTED, to_team__in=teams, date__gt=period.start, date__lte=period.end
    ).values("enrollment_id")
    return _held_on(teams, period.start) | Q(pk__in=moved_in)


def _enrolled_during(teams: QuerySet[Team]) -> Callable[[Period], Q]:
    """People enrolled in one of `teams` some day in the period."""
    return lambda period: _present_in(period) & _in_teams_during(teams, period)


def volume_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Enrolments started, closed and present in the period, and active at its end (present: in the
    team some day of the period, transfers counted by their date)."""

    # Each filter tests the dates first: PostgreSQL stops at the first false part of an AND, so the
    # team lookups (hashed subplans, several per row) run only for the rows the dates let through.
    def started(period: Period, _within: Q) -> Aggregate:
        return Count("pk", filter=Q(start_date__range=_in(period)) & _held_on(teams, "start_date"))

    def closed(period: Period, _within: Q) -> Aggregate:
        # Closures belong to the current team: only an active enrolment moves.
        return Count("pk", filter=Q(closure__date__range=_in(period)) & Q(team__in=teams))

    def present(period: Period, _within: Q) -> Aggregate:
        return Count("pk", filter=_enrolled_during(teams)(period))

    def at_end(period: Period, _within: Q) -> Aggregate:
        open_at_end = Q(start_date__lte=period.end) & (Q(closure__isnull=True) | Q(closure__date__gt=period.end))
        return Count("pk", filter=open_at_end & _held_on(teams, period.end))

    per_period = _per_period(
        Enrollment.objects.all(),
        periods,
        lambda _period: Q(team__in=teams) | Q(pk__in=rollup.moved()),
        [],
        {"started": started, "closed": closed, "present": present, "at_end": at_end},
    )
    return [
        Table(
            "volume",
            "Inskrivningar",
            "Mått",
            ["Antal"],
            [
                ("Inskrivna under perioden", [row["started"]]),
                ("Avslutade under perioden", [row["closed"]]),
                ("Inskrivna någon gång under perioden", [row["present"]]),
                ("Inskrivna vid periodens slut", [row["at_end"]]),
            ],
            chart=False,
            totals=False,
        )
        for [row] in per_period
    ]


def volume(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, volume_over, teams)


SEXES = Participant.Sex.choices


def _by_sex(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, list[int]]:
    counts: dict[Any, list[int]] = {}
    index = {value: i for i, (value, _label) in enumerate(SEXES)}
    for row in rows:  # one row per (category, sex): a handful of aggregate rows, not people
        counts.setdefault(row[key], [0] * len(SEXES))[index[row["participant__sex"]]] += row["n"]
    return counts


def _people(_period: Period, within: Q) -> Aggregate:
    """Each person once."""
    return Count("participant", distinct=True, filter=within)


def _municipality_table(rows: list[dict[str, Any]]) -> Table:
    counts = _by_sex(rows, "participant__municipality__name")
    order = [(name, name) for name in sorted(counts)]
    return Table(
        "municipality",
        "Deltagare per hemkommun",
        "Kommun",
        [label for _value, label in SEXES],
        _ordered(counts, order, len(SEXES)),
    )


def _age_band(age: int | None) -> str:
    """The age band of an age reached in the period's last year."""
    for label, low, high in AGE_BANDS:
        if age is not None and low <= age <= high:
            return label
    return OTHER_AGE


def _age_table(period: Period, rows: list[dict[str, Any]]) -> Table:
    """Counted per birth year (a person has one), so the bands of periods ending in different years
    come from the same query; each person is once in one birth year, so the bands' sums are exact."""
    banded = [
        {
            "band": _age_band(
                None if row["participant__birth_year"] is None else period.end.year - row["participant__birth_year"]
            ),
            "participant__sex": row["participant__sex"],
            "n": row["n"],
        }
        for row in rows
    ]
    counts = _by_sex(banded, "band")
    order = [(label, label) for label, _low, _high in AGE_BANDS] + [(OTHER_AGE, OTHER_AGE)]
    table_rows = [row for row in _ordered(counts, order, len(SEXES)) if row[0] != OTHER_AGE or any(row[1])]
    return Table("age", "Deltagare per åldersgrupp", "Ålder", [label for _value, label in SEXES], table_rows)


def _finsam_table(rows: list[dict[str, Any]]) -> Table:
    return Table(
        "finsam",
        "Uppföljning Finsam: deltagare i individinriktad insats",
        "Kön",
        ["Deltagare"],
        _ordered({row["participant__sex"]: [row["n"]] for row in rows}, SEXES, 1),
        note="Insats: Individsamverkansteamen (IST). Varje person räknas en gång per period.",
    )


# The three people-counting groups: people enrolled some day in the period, each person once, by
# these keys. On PostgreSQL one GROUPING SETS query reads the enrolments once for all three.
PEOPLE_GROUPS = {
    "municipality": ("participant__municipality__name", "participant__sex"),
    "age": ("participant__birth_year", "participant__sex"),
    "finsam": ("participant__sex",),
}


def _people_rows(teams: QuerySet[Team], periods: Sequence[Period]) -> list[dict[str, list[dict[str, Any]]]]:
    """Per period, the rows of each PEOPLE_GROUPS group (its keys and `n`), as `_per_period` gives
    them for that group alone: a group with nobody in a period is left out of that period."""
    within = _enrolled_during(teams)
    if connection.vendor != "postgresql":  # SQLite has no GROUPING SETS: one query per group
        per_group = {
            group: _per_period(Enrollment.objects.all(), periods, within, list(keys), {"n": _people})
            for group, keys in PEOPLE_GROUPS.items()
        }
        return [{group: rows[i] for group, rows in per_group.items()} for i in range(len(periods))]
    # Every enrolment `within` a period is among these (a team's own, or one that ever moved, present
    # in some period by its dates): a cheap superset, so that `within` runs once per row, in the flags.
    candidates = Q()
    for period in periods:
        candidates |= _present_in(period)
    candidates &= Q(team__in=teams) | Q(pk__in=rollup.moved())
    return _people_rows_grouping_sets(periods, within, candidates)


def _column(model: type[Model], name: str) -> str:
    """The database column of a model's concrete field (for SQL written around the ORM's)."""
    found = model._meta.get_field(name)
    if not isinstance(found, Field):
        raise TypeError(name)
    return found.column


def _people_rows_grouping_sets(
    periods: Sequence[Period], within: Callable[[Period], Q], candidates: Q
) -> list[dict[str, list[dict[str, Any]]]]:
    """The three groups in one pass. First each person once: the `candidates` enrolments grouped by
    participant, with one flag per period, "some enrolment of theirs counts in it" (`BOOL_OR`), as a
    subquery built by the ORM; then the person's keys joined on and counted by `GROUP BY GROUPING
    SETS`; `GROUPING()` tells the sets apart (a municipality may be NULL). A person's keys are the
    person's, so `COUNT(*) FILTER (WHERE <that period>)` over people is the `COUNT(DISTINCT
    participant)` `_people` takes over enrolments, and PostgreSQL can hash the three sets instead of
    sorting the enrolments for each distinct count (2–2.5× faster on the national data set). A group
    that only candidates outside every period fall in counts 0 and is left out below."""
    flags = {
        f"in_{i}": BoolOr(ExpressionWrapper(within(period), output_field=BooleanField()))
        for i, period in enumerate(periods)
    }
    people = Enrollment.objects.filter(candidates).values("participant_id").annotate(**flags).order_by()
    sql, params = people.query.sql_with_params()
    counts = ", ".join(f'COUNT(*) FILTER (WHERE e."{flag}") AS "n_{i}"' for i, flag in enumerate(flags))
    m, b, s = (
        f"mu.{_column(Municipality, 'name')}",
        f"pt.{_column(Participant, 'birth_year')}",
        f"pt.{_column(Participant, 'sex')}",
    )
    person, place = Participant._meta, Municipality._meta
    query = (
        f"SELECT {m}, {b}, {s}, GROUPING({m}, {b}) AS g, {counts} FROM ({sql}) AS e "  # noqa: S608 - the ORM's SQL and the models' names, its values as params
        f'JOIN {person.db_table} AS pt ON pt.{person.pk.column} = e."participant_id" '
        f"LEFT JOIN {place.db_table} AS mu ON mu.{place.pk.column} = pt.{_column(Participant, 'municipality')} "
        f"GROUP BY GROUPING SETS (({m}, {s}), ({b}, {s}), ({s}))"
    )
    # GROUPING(m, b): 1 when only b is rolled up (municipality), 2 only m (age), 3 both (Finsam).
    sets = {1: "municipality", 2: "age", 3: "finsam"}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    result: list[dict[str, list[dict[str, Any]]]] = [{group: [] for group in PEOPLE_GROUPS} for _ in periods]
    for m, b, s, g, *ns in found:
        group = sets[g]
        values = {"participant__municipality__name": m, "participant__birth_year": b, "participant__sex": s}
        for i, n in enumerate(ns):
            if n:
                result[i][group].append({**{key: values[key] for key in PEOPLE_GROUPS[group]}, "n": n})
    return result


def people_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[tuple[Table, Table, Table]]:
    """Per period, the Finsam, municipality and age tables: people enrolled some day in the period
    (each person once), by sex, by home municipality and sex, by age band and sex."""
    return [
        (_finsam_table(rows["finsam"]), _municipality_table(rows["municipality"]), _age_table(period, rows["age"]))
        for period, rows in zip(periods, _people_rows(teams, periods), strict=True)
    ]


def participants_by_municipality_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """People enrolled some day in the period, by home municipality and sex (each person once)."""
    return [municipality for _finsam, municipality, _age in people_over(teams, periods)]


def participants_by_municipality(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, participants_by_municipality_over, teams)


def participants_by_age_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """People enrolled some day in the period, by age band (age reached in the period's last year) and sex."""
    return [age for _finsam, _municipality, age in people_over(teams, periods)]


def participants_by_age(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, participants_by_age_over, teams)


def finsam_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Uppföljning Finsam: the number of people in the individual-oriented activity by sex, in the period."""
    return [finsam for finsam, _municipality, _age in people_over(teams, periods)]


def finsam(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, finsam_over, teams)


# -- What happens in IST -------------------------------------------------------------------


def activities_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Activities booked in the period by kind (the kinds administrators keep, keyed on the kind's
    code: participants.selectors.activity_kind_choices), split by attendance, with the rate; an
    activity counts for the team that held the enrolment on its day (transfers, rollup.held_by)."""
    kinds = activity_kind_choices()
    tables = []
    for rows in rollup.activities_by_kind_over(teams, periods):  # the daily rollup, the rest live
        counts = {row["kind"]: [row["present"], row["excused"], row["unexcused"]] for row in rows}
        tables.append(
            Table(
                "activities",
                "Aktiviteter",
                "Aktivitet",
                [Attendance.PRESENT.label, Attendance.EXCUSED.label, Attendance.UNEXCUSED.label],
                _ordered(counts, kinds, 3),  # every kind of activity, as data
                rate=("Närvaro", 0, None),
            )
        )
    return tables


def activities(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, activities_over, teams)


def phases_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[tuple[Table, list[Measure]]]:
    """Phase transitions in the period (entries into each phase; the first Prova på is the enrolment
    itself and is counted too) and the mean days spent in each phase, of phase periods that ended in
    the period."""
    spent = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())

    def entered(period: Period, _within: Q) -> Aggregate:
        return Count("pk", filter=Q(start__range=_in(period)))

    def left(period: Period, _within: Q) -> Aggregate:
        return Count("pk", filter=Q(end__range=_in(period)))

    def mean(period: Period, _within: Q) -> Aggregate:
        return Avg(spent, filter=Q(end__range=_in(period)))

    per_period = _per_period(
        PhasePeriod.objects.filter(enrollment__team__in=teams),
        periods,
        lambda period: Q(start__range=_in(period)) | Q(end__range=_in(period)),
        ["phase"],
        {"entered": entered, "left": left, "mean": mean},
    )
    result = []
    for rows in per_period:
        by_phase = {row["phase"]: row for row in rows}
        table = Table(
            "phases",
            "Faser: påbörjade och avslutade",
            "Fas",
            ["Påbörjade", "Lämnade"],
            _ordered({p: [r["entered"], r["left"]] for p, r in by_phase.items()}, Phase.choices, 2),
            totals=False,
        )
        measures = []
        for value, label in Phase.choices:
            row = by_phase.get(value)
            measures.append(
                Measure(
                    f"Tid i {label}, medel", _days(row["mean"] if row else None), "dagar", row["left"] if row else 0
                )
            )
        result.append((table, measures))
    return result


def phases(teams: QuerySet[Team], period: Period) -> tuple[Table, list[Measure]]:
    return _one(period, phases_over, teams)


def exit_reason_label(group: StrOrPromise, label: str) -> str:
    """ "Avbrott: flyttat", not "Avbrott: Avbrott: flyttat": the group is named once, and not again
    when the reason's own label already starts with it ("Avbrott på egen begäran")."""
    group, label = str(group), str(label)
    if label.casefold().startswith(group.casefold()):
        return label
    return f"{group}: {label}"


def _closures_in(period: Period) -> Q:
    return Q(date__range=_in(period))


# The closure tables: closures in the period grouped by these keys. On PostgreSQL one GROUPING SETS
# query reads the period's closures once for all three (as the people groups, PEOPLE_GROUPS).
CLOSURE_GROUPS = {
    "reasons": ("reason__group", "reason__label", "reason__position", "reason__to_work_or_studies"),
    "support": ("enrollment__support_at_entry__label", "support_after__label"),
    "occupation": ("enrollment__occupation_before__label", "occupation_after__label"),
}
REASON_ORDER = ["reason__group", "reason__position", "reason__label"]


def _closure_rows(teams: QuerySet[Team], periods: Sequence[Period]) -> list[dict[str, list[dict[str, Any]]]]:
    """Per period, the rows of each CLOSURE_GROUPS group (its keys and `n`), as `_per_period` gives
    them for that group alone (the reasons in REASON_ORDER): a group with no closure in a period is
    left out of that period."""
    closed = Closure.objects.filter(enrollment__team__in=teams)
    if connection.vendor != "postgresql":  # SQLite has no GROUPING SETS: one query per group
        per_group = {
            group: _per_period(
                closed,
                periods,
                _closures_in,
                list(keys),
                {"n": _count},
                order=REASON_ORDER if group == "reasons" else (),
            )
            for group, keys in CLOSURE_GROUPS.items()
        }
        return [{group: rows[i] for group, rows in per_group.items()} for i in range(len(periods))]
    wanted = Q()
    for period in periods:
        wanted |= _closures_in(period)
    keys = [key for group_keys in CLOSURE_GROUPS.values() for key in group_keys]
    alias = {key: f"k{j}" for j, key in enumerate(keys)}
    flags = {f"in_{i}": ExpressionWrapper(_closures_in(p), output_field=BooleanField()) for i, p in enumerate(periods)}
    inner = (
        closed.filter(wanted)
        .annotate(**{alias[key]: F(key) for key in keys}, **flags)
        .values(*alias.values(), *flags)
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    sets = ", ".join(
        "(" + ", ".join(f'c."{alias[k]}"' for k in group_keys) + ")" for group_keys in CLOSURE_GROUPS.values()
    )
    first = [f'c."{alias[group_keys[0]]}"' for group_keys in CLOSURE_GROUPS.values()][:2]
    counts = ", ".join(f'COUNT(*) FILTER (WHERE c."{flag}") AS "n_{i}"' for i, flag in enumerate(flags))
    order = ", ".join(f'c."{alias[key]}"' for key in REASON_ORDER)
    columns = ", ".join(f'c."{name}"' for name in alias.values())
    query = (
        f"SELECT {columns}, GROUPING({', '.join(first)}) AS g, {counts} FROM ({sql}) AS c "  # noqa: S608 - the ORM's SQL, its values as params
        f"GROUP BY GROUPING SETS ({sets}) ORDER BY g, {order}"
    )
    # GROUPING(reason group, support at entry): 1 when only the second is rolled up (the reasons),
    # 2 only the first (support), 3 both (occupation).
    by_grouping = dict(zip((1, 2, 3), CLOSURE_GROUPS, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    result: list[dict[str, list[dict[str, Any]]]] = [{group: [] for group in CLOSURE_GROUPS} for _ in periods]
    for row in found:
        values, g, ns = dict(zip(keys, row[: len(keys)], strict=True)), row[len(keys)], row[len(keys) + 1 :]
        group = by_grouping[g]
        for i, n in enumerate(ns):
            if n:
                result[i][group].append({**{key: values[key] for key in CLOSURE_GROUPS[group]}, "n": n})
    return result


def closure_tables_over(
    teams: QuerySet[Team], periods: Sequence[Period]
) -> list[tuple[Table, list[Measure], Table, Table]]:
    """Per period: closures by reason with the share to work or studies, and support and occupation at
    entry against exit (entry_exit), from one pass over the closures."""
    return [
        (
            *_closures_table(rows["reasons"]),
            _entry_exit_table("support", rows["support"]),
            _entry_exit_table("occupation", rows["occupation"]),
        )
        for rows in _closure_rows(teams, periods)
    ]


def closures_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[tuple[Table, list[Measure]]]:
    """Closures in the period by reason, completions and interruptions apart; the share to work or studies."""
    return [(table, measures) for table, measures, _support, _occupation in closure_tables_over(teams, periods)]


def _closures_table(rows: list[dict[str, Any]]) -> tuple[Table, list[Measure]]:
    table_rows = [
        (exit_reason_label(ExitReason.Group(row["reason__group"]).label, row["reason__label"]), [row["n"]])
        for row in rows
    ]
    total = sum(row["n"] for row in rows)
    to_work = sum(row["n"] for row in rows if row["reason__to_work_or_studies"])
    measures = [
        Measure("Andel till arbete eller studier", round(100 * to_work / total, 1) if total else None, "%", total),
    ]
    return Table("closures", "Avslut per orsak", "Avslutsorsak", ["Avslut"], table_rows), measures


def closures(teams: QuerySet[Team], period: Period) -> tuple[Table, list[Measure]]:
    return _one(period, closures_over, teams)


def follow_ups_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[Table]:
    """Follow-ups due in the period, at 6 and 12 months after closure, by what was found."""
    per_period = _per_period(
        FollowUp.objects.filter(enrollment__team__in=teams),
        periods,
        lambda period: Q(due_on__range=_in(period)),
        ["found"],
        {
            "six": lambda _p, within: Count("pk", filter=within & Q(months=6)),
            "twelve": lambda _p, within: Count("pk", filter=within & Q(months=12)),
        },
    )
    order: list[tuple[str, StrOrPromise]] = [*FollowUp.Found.choices, ("", "Inte gjord ännu")]
    return [
        Table(
            "follow_ups",
            "Uppföljning efter avslut",
            "Resultat",
            ["6 månader", "12 månader"],
            _ordered({row["found"]: [row["six"], row["twelve"]] for row in rows}, order, 2),
        )
        for rows in per_period
    ]


def follow_ups(teams: QuerySet[Team], period: Period) -> Table:
    return _one(period, follow_ups_over, teams)


def entry_exit_over(teams: QuerySet[Team], periods: Sequence[Period], *, what: str) -> list[Table]:
    """Closed enrolments (closure in the period): support source or occupation at entry against exit."""
    return [
        support if what == "support" else occupation
        for _closures, _measures, support, occupation in closure_tables_over(teams, periods)
    ]


def _entry_exit_table(what: str, rows: list[dict[str, Any]]) -> Table:
    entry, exit_ = CLOSURE_GROUPS[what]
    title = "Försörjning vid start och avslut" if what == "support" else "Sysselsättning vid start och avslut"
    columns = sorted({row[exit_] or UNKNOWN for row in rows})
    row_labels = sorted({row[entry] or UNKNOWN for row in rows})
    cells = {label: [0] * len(columns) for label in row_labels}
    for row in rows:  # one row per (entry, exit) pair: aggregate rows, not people
        cells[row[entry] or UNKNOWN][columns.index(row[exit_] or UNKNOWN)] = row["n"]
    return Table(
        f"entry_exit_{what}",
        title,
        "Vid start \\ vid avslut",
        columns,
        [(label, cells[label]) for label in row_labels],
        chart=False,
    )


def entry_exit(teams: QuerySet[Team], period: Period, *, what: str) -> Table:
    return entry_exit_over(teams, [period], what=what)[0]


def previous_period(period: Period) -> Period:
    """The period of the same length that ends the day before this one starts (issue 17: compare)."""
    length = period.end - period.start
    end = period.start - timedelta(days=1)
    return Period(end - length, end)


def sections_over(teams: QuerySet[Team], periods: Sequence[Period]) -> list[list[Section]]:
    """Every figure for the teams, per period, in the order the page and the reports show them. Each
    figure group is one query for all the periods (the page's period and the one before it)."""
    way_in = zip(
        referrals_received_over(teams, periods),
        decisions_over(teams, periods),
        information_meetings_over(teams, periods),
        answer_times_over(teams, periods),
        strict=True,
    )
    people = zip(volume_over(teams, periods), people_over(teams, periods), strict=True)
    in_ist = zip(activities_over(teams, periods), phases_over(teams, periods), strict=True)
    way_out = zip(closure_tables_over(teams, periods), follow_ups_over(teams, periods), strict=True)
    asked = questions_over(teams, periods)
    from reports.questionnaires import sections_over as voice_over  # it builds on this module's Table

    result = []
    for (referrals, decided, meetings, answers), (vol, (fin, muni, age)), (acts, (phase_table, phase_measures)), (
        (closure_table, closure_measures, support, occupation),
        follow,
    ), question, voice in zip(way_in, people, in_ist, way_out, asked, voice_over(teams, periods), strict=True):
        result.append(
            [
                Section("way_in", "Vägen in", [referrals, decided, meetings], answers),
                Section("participants", "Deltagare", [vol, fin, muni, age]),
                Section("in_ist", "Under tiden i IST", [acts, phase_table], phase_measures),
                Section(
                    "way_out",
                    "Avslut och uppföljning",
                    [closure_table, follow, support, occupation],
                    closure_measures,
                ),
                Section("questions", "Konsultativa frågor", [question]),
                voice,
            ]
        )
    return result


def all_sections(teams: QuerySet[Team], period: Period) -> list[Section]:
    """Every figure for the teams and period, in the order the page and the reports show them."""
    return sections_over(teams, [period])[0]


def with_previous(teams: QuerySet[Team], period: Period) -> tuple[list[Section], list[Section], Period]:
    """The period's figures, the previous period's (previous_period) and that period: what the page
    and the export compare, in one query per figure group."""
    before = previous_period(period)
    now, then = sections_over(teams, [period, before])
    return now, then, before
