"""The statistics figures, computed in the database: one selector per figure group.

Every selector takes the teams (a queryset, used as a subquery) and a period (inclusive dates)
and runs one aggregate query with GROUP BY and conditional counts; no Python loop over rows of
personal data. The page, the exports and the periodic reports all read these same functions, so
their numbers agree. Suppression of small counts is applied later, on the way out
(reports/suppression.py, reports/presentation.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncDate

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
from teams.models import Organisation

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

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


# -- The way in -------------------------------------------------------------------------


def referrals_received(teams: QuerySet[Team], period: Period) -> Table:
    """Referrals received in the period (by the day they arrived), by kind of referring organisation."""
    rows = (
        Referral.objects.filter(team__in=teams, received_on__range=_in(period))
        .exclude(status=Referral.Status.DRAFT)
        .values("referrer_organisation__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Table(
        "referrals",
        "Remisser som kommit in",
        "Remitterande organisation",
        ["Remisser"],
        _by_kind_of_organisation(rows, "referrer_organisation__kind"),
    )


def decisions(teams: QuerySet[Team], period: Period) -> Table:
    """The samverkansteam's decisions on referrals made in the period, by decision."""
    rows = (
        AgendaItem.objects.filter(referral__isnull=False, meeting__team__in=teams, decided_at__date__range=_in(period))
        .exclude(decision="")
        .values("decision")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["decision"]: [row["n"]] for row in rows}
    order = [(d.value, d.label) for d in AgendaItem.Decision if d != AgendaItem.Decision.ANSWERED]
    return Table("decisions", "Beslut om remisser", "Beslut", ["Beslut"], _ordered(counts, order, 1))


def answer_times(teams: QuerySet[Team], period: Period) -> list[Measure]:
    """Referrals received in the period that have an answer: mean days to the answer, share within deadline."""
    days = ExpressionWrapper(TruncDate("decided_at") - F("received_on"), output_field=DurationField())
    result = Referral.objects.filter(
        team__in=teams, received_on__range=_in(period), decided_at__isnull=False
    ).aggregate(
        n=Count("pk"),
        within=Count("pk", filter=Q(decided_at__date__lte=F("answer_deadline"))),
        mean=Avg(days),
    )
    n, mean = result["n"], result["mean"]
    return [
        Measure("Besvarade remisser", n, "st", n),
        Measure(
            "Dagar från inkommen till svar, medel",
            _days(mean),
            "dagar",
            n,
        ),
        Measure("Besvarade inom svarstiden", round(100 * result["within"] / n, 1) if n else None, "%", n),
    ]


def information_meetings(teams: QuerySet[Team], period: Period) -> Table:
    """Information meetings held in the period, by outcome."""
    rows = (
        InformationMeeting.objects.filter(referral__team__in=teams, date__range=_in(period))
        .values("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["outcome"]: [row["n"]] for row in rows}
    order: list[tuple[str, StrOrPromise]] = [*InformationMeeting.Outcome.choices, ("", "Utfall inte registrerat")]
    return Table("info_meetings", "Informationsmöten", "Utfall", ["Möten"], _ordered(counts, order, 1))


def questions(teams: QuerySet[Team], period: Period) -> Table:
    """Consultative questions asked in the period, by kind of organisation asking."""
    rows = (
        ConsultativeQuestion.objects.filter(team__in=teams, created_at__date__range=_in(period))
        .values("organisation__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Table(
        "questions",
        "Konsultativa frågor",
        "Organisation",
        ["Frågor"],
        _by_kind_of_organisation(rows, "organisation__kind"),
    )


# -- Participants ------------------------------------------------------------------------


def _present_in(period: Period) -> Q:
    """Enrolments that were active some day in the period."""
    return Q(start_date__lte=period.end) & (Q(closure__isnull=True) | Q(closure__date__gte=period.start))


def _in_teams_during(teams: QuerySet[Team], period: Period) -> Q:
    """Enrolments that belonged to one of `teams` some day in the period, by the accepted transfers
    (participants.Transfer, the team-period record): the current team unless the enrolment moved
    there after the period, or a team it left by a transfer dated after the period began. A single
    move is exact; a chain of moves within one period counts the teams it passed through."""
    accepted = Transfer.objects.filter(enrollment=OuterRef("pk"), status=Transfer.Status.ACCEPTED)
    joined_after = accepted.filter(to_team=OuterRef("team"), date__gt=period.end)
    left_during = accepted.filter(from_team__in=teams, date__gt=period.start)
    return (Q(team__in=teams) & ~Exists(joined_after)) | Exists(left_during)


def _held_on(teams: QuerySet[Team], day: date | OuterRef, *, via: str = "") -> Q:
    """Rows whose enrolment (reached through `via`; "" for enrolments themselves) belonged to one of
    `teams` on `day` (a date, or OuterRef to the row's own date), by the accepted transfers: the
    current team unless the enrolment moved there after the day, or a team it left after the day."""
    accepted = Transfer.objects.filter(enrollment=OuterRef(via or "pk"), status=Transfer.Status.ACCEPTED)
    joined_later = accepted.filter(to_team=OuterRef(f"{via}__team" if via else "team"), date__gt=day)
    left_later = accepted.filter(from_team__in=teams, date__gt=day)
    return (Q(**{f"{via}__team__in" if via else "team__in": teams}) & ~Exists(joined_later)) | Exists(left_later)


def volume(teams: QuerySet[Team], period: Period) -> Table:
    """Enrolments started, closed and present in the period, and active at its end (present: in the
    team some day of the period, transfers counted by their date)."""
    during = _in_teams_during(teams, period)
    started_here = _held_on(teams, OuterRef("start_date"))
    here_at_end = _held_on(teams, period.end)
    open_at_end = Q(start_date__lte=period.end) & (Q(closure__isnull=True) | Q(closure__date__gt=period.end))
    # Closures belong to the current team: only an active enrolment moves.
    result = Enrollment.objects.filter(Q(team__in=teams) | during).aggregate(
        started=Count("pk", filter=started_here & Q(start_date__range=_in(period))),
        closed=Count("pk", filter=Q(team__in=teams) & Q(closure__date__range=_in(period))),
        present=Count("pk", filter=_present_in(period) & during),
        at_end=Count("pk", filter=here_at_end & open_at_end),
    )
    return Table(
        "volume",
        "Inskrivningar",
        "Mått",
        ["Antal"],
        [
            ("Inskrivna under perioden", [result["started"]]),
            ("Avslutade under perioden", [result["closed"]]),
            ("Inskrivna någon gång under perioden", [result["present"]]),
            ("Inskrivna vid periodens slut", [result["at_end"]]),
        ],
        chart=False,
        totals=False,
    )


SEXES = Participant.Sex.choices


def _by_sex(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, list[int]]:
    counts: dict[Any, list[int]] = {}
    index = {value: i for i, (value, _label) in enumerate(SEXES)}
    for row in rows:  # one row per (category, sex): a handful of aggregate rows, not people
        counts.setdefault(row[key], [0] * len(SEXES))[index[row["participant__sex"]]] = row["n"]
    return counts


def participants_by_municipality(teams: QuerySet[Team], period: Period) -> Table:
    """People enrolled some day in the period, by home municipality and sex (each person once)."""
    rows = (
        Enrollment.objects.filter(_present_in(period), _in_teams_during(teams, period))
        .values("participant__municipality__name", "participant__sex")
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
    counts = _by_sex(rows, "participant__municipality__name")
    order = [(name, name) for name in sorted(counts)]
    return Table(
        "municipality",
        "Deltagare per hemkommun",
        "Kommun",
        [label for _value, label in SEXES],
        _ordered(counts, order, len(SEXES)),
    )


def _age_case() -> Case:
    """Age band of the annotation `age_years`."""
    whens = [When(Q(age_years__gte=low) & Q(age_years__lte=high), then=Value(label)) for label, low, high in AGE_BANDS]
    return Case(*whens, default=Value(OTHER_AGE))


def participants_by_age(teams: QuerySet[Team], period: Period) -> Table:
    """People enrolled some day in the period, by age band (age reached in the period's last year) and sex."""
    age = ExpressionWrapper(Value(period.end.year) - F("participant__birth_year"), output_field=IntegerField())
    rows = (
        Enrollment.objects.filter(_present_in(period), _in_teams_during(teams, period))
        .annotate(age_years=age)
        .annotate(band=_age_case())
        .values("band", "participant__sex")
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
    counts = _by_sex(rows, "band")
    order = [(label, label) for label, _low, _high in AGE_BANDS] + [(OTHER_AGE, OTHER_AGE)]
    table_rows = [row for row in _ordered(counts, order, len(SEXES)) if row[0] != OTHER_AGE or any(row[1])]
    return Table("age", "Deltagare per åldersgrupp", "Ålder", [label for _value, label in SEXES], table_rows)


def finsam(teams: QuerySet[Team], period: Period) -> Table:
    """Uppföljning Finsam: the number of people in the individual-oriented activity by sex, in the period."""
    rows = (
        Enrollment.objects.filter(_present_in(period), _in_teams_during(teams, period))
        .values("participant__sex")
        .annotate(n=Count("participant", distinct=True))
        .order_by()
    )
    counts = {row["participant__sex"]: [row["n"]] for row in rows}
    return Table(
        "finsam",
        "Uppföljning Finsam: deltagare i individinriktad insats",
        "Kön",
        ["Deltagare"],
        _ordered(counts, SEXES, 1),
        note="Insats: Individsamverkansteamen (IST). Varje person räknas en gång per period.",
    )


# -- What happens in IST -------------------------------------------------------------------


def activities(teams: QuerySet[Team], period: Period) -> Table:
    """Activities booked in the period by kind (the kinds administrators keep, keyed on the kind's
    code: participants.selectors.activity_kind_choices), split by attendance, with the rate; an
    activity counts for the team that held the enrolment on its day (transfers, rollup.held_by)."""
    rows = rollup.activities_by_kind(teams, period)  # finished days from the daily rollup, the rest live
    counts = {row["kind"]: [row["present"], row["excused"], row["unexcused"]] for row in rows}
    return Table(
        "activities",
        "Aktiviteter",
        "Aktivitet",
        [Attendance.PRESENT.label, Attendance.EXCUSED.label, Attendance.UNEXCUSED.label],
        _ordered(counts, activity_kind_choices(), 3),  # every kind of activity, as data
        rate=("Närvaro", 0, None),
    )


def phases(teams: QuerySet[Team], period: Period) -> tuple[Table, list[Measure]]:
    """Phase transitions in the period (entries into each phase; the first Prova på is the enrolment
    itself and is counted too) and the mean days spent in each phase, of phase periods that ended in
    the period."""
    in_period = Q(start__range=_in(period))
    ended = Q(end__range=_in(period))
    rows = (
        PhasePeriod.objects.filter(in_period | ended, enrollment__team__in=teams)
        .values("phase")
        .annotate(
            entered=Count("pk", filter=in_period),
            left=Count("pk", filter=ended),
            mean=Avg(ExpressionWrapper(F("end") - F("start"), output_field=DurationField()), filter=ended),
        )
        .order_by()
    )
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
        mean = row["mean"] if row else None
        measures.append(Measure(f"Tid i {label}, medel", _days(mean), "dagar", row["left"] if row else 0))
    return table, measures


def exit_reason_label(group: StrOrPromise, label: str) -> str:
    """ "Avbrott: flyttat", not "Avbrott: Avbrott: flyttat": the group is named once, and not again
    when the reason's own label already starts with it ("Avbrott på egen begäran")."""
    group, label = str(group), str(label)
    if label.casefold().startswith(group.casefold()):
        return label
    return f"{group}: {label}"


def closures(teams: QuerySet[Team], period: Period) -> tuple[Table, list[Measure]]:
    """Closures in the period by reason, completions and interruptions apart; the share to work or studies."""
    rows = list(
        Closure.objects.filter(enrollment__team__in=teams, date__range=_in(period))
        .values("reason__group", "reason__label", "reason__position", "reason__to_work_or_studies")
        .annotate(n=Count("pk"))
        .order_by("reason__group", "reason__position", "reason__label")
    )
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


def follow_ups(teams: QuerySet[Team], period: Period) -> Table:
    """Follow-ups due in the period, at 6 and 12 months after closure, by what was found."""
    rows = (
        FollowUp.objects.filter(enrollment__team__in=teams, due_on__range=_in(period))
        .values("found")
        .annotate(
            six=Count("pk", filter=Q(months=6)),
            twelve=Count("pk", filter=Q(months=12)),
        )
        .order_by()
    )
    counts = {row["found"]: [row["six"], row["twelve"]] for row in rows}
    order: list[tuple[str, StrOrPromise]] = [*FollowUp.Found.choices, ("", "Inte gjord ännu")]
    return Table(
        "follow_ups", "Uppföljning efter avslut", "Resultat", ["6 månader", "12 månader"], _ordered(counts, order, 2)
    )


def entry_exit(teams: QuerySet[Team], period: Period, *, what: str) -> Table:
    """Closed enrolments (closure in the period): support source or occupation at entry against exit."""
    entry, exit_ = {
        "support": ("enrollment__support_at_entry__label", "support_after__label"),
        "occupation": ("enrollment__occupation_before__label", "occupation_after__label"),
    }[what]
    rows = list(
        Closure.objects.filter(enrollment__team__in=teams, date__range=_in(period))
        .values(entry, exit_)
        .annotate(n=Count("pk"))
        .order_by()
    )
    columns = sorted({row[exit_] or UNKNOWN for row in rows})
    row_labels = sorted({row[entry] or UNKNOWN for row in rows})
    cells = {label: [0] * len(columns) for label in row_labels}
    for row in rows:  # one row per (entry, exit) pair: aggregate rows, not people
        cells[row[entry] or UNKNOWN][columns.index(row[exit_] or UNKNOWN)] = row["n"]
    title = "Försörjning vid start och avslut" if what == "support" else "Sysselsättning vid start och avslut"
    return Table(
        f"entry_exit_{what}",
        title,
        "Vid start \\ vid avslut",
        columns,
        [(label, cells[label]) for label in row_labels],
        chart=False,
    )


def previous_period(period: Period) -> Period:
    """The period of the same length that ends the day before this one starts (issue 17: compare)."""
    length = period.end - period.start
    end = period.start - timedelta(days=1)
    return Period(end - length, end)


def all_sections(teams: QuerySet[Team], period: Period) -> list[Section]:
    """Every figure for the teams and period, in the order the page and the reports show them."""
    from reports.questionnaires import section as voice_section  # it builds on this module's Table

    phase_table, phase_measures = phases(teams, period)
    closure_table, closure_measures = closures(teams, period)
    return [
        Section(
            "way_in",
            "Vägen in",
            [referrals_received(teams, period), decisions(teams, period), information_meetings(teams, period)],
            answer_times(teams, period),
        ),
        Section(
            "participants",
            "Deltagare",
            [
                volume(teams, period),
                finsam(teams, period),
                participants_by_municipality(teams, period),
                participants_by_age(teams, period),
            ],
        ),
        Section("in_ist", "Under tiden i IST", [activities(teams, period), phase_table], phase_measures),
        Section(
            "way_out",
            "Avslut och uppföljning",
            [
                closure_table,
                follow_ups(teams, period),
                entry_exit(teams, period, what="support"),
                entry_exit(teams, period, what="occupation"),
            ],
            closure_measures,
        ),
        Section("questions", "Konsultativa frågor", [questions(teams, period)]),
        voice_section(teams, period),
    ]
