"""The people behind a figure (issue 17, point 2): each count a coordinator sees on the statistics
page links to the list of enrolments it counts, for their own teams only.

One filter per table, mirroring the selector in reports/statistics.py that counts it: a cell is
(row label, column index), a row total leaves the column out, a column total the row, the grand
total both. The list is of enrolments (people), so a count of events (activities, phase changes,
follow-ups) lists the people those events belong to, each once. The tables about the way in
(referrals, decisions, information meetings, questions) count referrals rather than enrolled
people and have no list (docs/decisions/0025-report-numbers.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from participants.models import Attendance, ExitReason, FollowUp, Participant, Phase
from participants.selectors import activity_kind_choices
from reports.statistics import AGE_BANDS, OTHER_AGE, UNKNOWN, Period, exit_reason_label

if TYPE_CHECKING:
    from datetime import date

    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from participants.models import Enrollment
    from referrals.models import Referral
    from reports.presentation import ShownSection
    from teams.models import Team


class UnknownFigureError(ValueError):
    """The table, row or column named in the address is not one this module knows."""


def _present(period: Period) -> Q:
    return Q(start_date__lte=period.end) & (Q(closure__isnull=True) | Q(closure__date__gte=period.start))


def _choice(choices: Iterable[tuple[Any, Any]], label: str) -> str:
    """The stored value of the choice shown as `label` (labels may be lazy translations)."""
    for value, text in choices:
        if str(text) == label:
            return str(value)
    raise UnknownFigureError(label)


def _sex(column: int | None) -> Q:
    if column is None:
        return Q()
    if not 0 <= column < len(Participant.Sex.choices):
        raise UnknownFigureError(column)
    return Q(participant__sex=Participant.Sex.choices[column][0])


def _finsam(period: Period, row: str | None, column: int | None) -> Q:
    q = _present(period)
    if row is not None:
        q &= Q(participant__sex=_choice(Participant.Sex.choices, row))
    return q


def _municipality(period: Period, row: str | None, column: int | None) -> Q:
    q = _present(period) & _sex(column)
    if row == UNKNOWN:
        q &= Q(participant__municipality__isnull=True)
    elif row is not None:
        q &= Q(participant__municipality__name=row)
    return q


def _age(period: Period, row: str | None, column: int | None) -> Q:
    q = _present(period) & _sex(column)
    if row is None:
        return q
    year = period.end.year
    if row == OTHER_AGE:
        for _label, low, high in AGE_BANDS:
            q &= ~Q(participant__birth_year__range=(year - high, year - low))
        return q
    for label, low, high in AGE_BANDS:
        if label == row:
            return q & Q(participant__birth_year__range=(year - high, year - low))
    raise UnknownFigureError(row)


VOLUME = {
    "Inskrivna under perioden": lambda p: Q(start_date__range=(p.start, p.end)),
    "Avslutade under perioden": lambda p: Q(closure__date__range=(p.start, p.end)),
    "Inskrivna någon gång under perioden": _present,
    "Inskrivna vid periodens slut": lambda p: (
        Q(start_date__lte=p.end) & (Q(closure__isnull=True) | Q(closure__date__gt=p.end))
    ),
}


def _volume(period: Period, row: str | None, column: int | None) -> Q:
    if row not in VOLUME:
        raise UnknownFigureError(row)  # the rows do not add up: no totals to follow
    return VOLUME[row](period)


ATTENDANCE = [Attendance.PRESENT, Attendance.EXCUSED, Attendance.UNEXCUSED]


def _activities(period: Period, row: str | None, column: int | None) -> Q:
    q = Q(activities__date__range=(period.start, period.end))
    if row is not None:
        q &= Q(activities__kind=_choice(activity_kind_choices(), row))  # the kinds as data, by name
    if column is not None:
        if not 0 <= column < len(ATTENDANCE):
            raise UnknownFigureError(column)
        q &= Q(activities__attendance=ATTENDANCE[column])
    return q


def _phases(period: Period, row: str | None, column: int | None) -> Q:
    if column not in (0, 1):
        raise UnknownFigureError(column)  # entered and left are different events: no totals
    field = "phase_periods__start__range" if column == 0 else "phase_periods__end__range"
    q = Q(**{field: (period.start, period.end)})
    if row is not None:
        q &= Q(phase_periods__phase=_choice(Phase.choices, row))
    return q


def _closures(period: Period, row: str | None, column: int | None) -> Q:
    q = Q(closure__date__range=(period.start, period.end))
    if row is not None:
        reasons = [
            reason.pk
            for reason in ExitReason.objects.all()
            if exit_reason_label(str(ExitReason.Group(reason.group).label), reason.label) == row
        ]
        if not reasons:
            raise UnknownFigureError(row)
        q &= Q(closure__reason__in=reasons)
    return q


def _follow_ups(period: Period, row: str | None, column: int | None) -> Q:
    q = Q(follow_ups__due_on__range=(period.start, period.end))
    if row is not None:
        q &= Q(follow_ups__found=_choice([*FollowUp.Found.choices, ("", "Inte gjord ännu")], row))
    if column is not None:
        if column not in (0, 1):
            raise UnknownFigureError(column)
        q &= Q(follow_ups__months=6 if column == 0 else 12)
    return q


def _entry_exit(entry: str, exit_: str) -> Callable[[Period, str | None, int | None, list[StrOrPromise]], Q]:
    def build(period: Period, row: str | None, column: int | None, columns: list[StrOrPromise]) -> Q:
        q = Q(closure__date__range=(period.start, period.end))
        if row is not None:
            q &= Q(**{f"{entry}__isnull": True}) if row == UNKNOWN else Q(**{f"{entry}__label": row})
        if column is not None:
            if not 0 <= column < len(columns):
                raise UnknownFigureError(column)
            label = columns[column]
            q &= Q(**{f"{exit_}__isnull": True}) if label == UNKNOWN else Q(**{f"{exit_}__label": label})
        return q

    return build


def _phase_now(period: Period, row: str | None, column: int | None) -> Q:
    """Översikt: active enrolments by the phase they are in today (the period plays no part)."""
    from participants.models import Enrollment

    q = Q(status=Enrollment.Status.ACTIVE, phase_periods__end__isnull=True)
    if row is not None:
        q &= Q(phase_periods__phase=_choice(Phase.choices, row))
    return q


def _caseload(period: Period, row: str | None, column: int | None) -> Q:
    """Översikt: a handledare's active enrolments (the row is the handledare's id)."""
    from participants.models import Enrollment

    if row is None or not row.isdigit():
        raise UnknownFigureError(row)
    return Q(status=Enrollment.Status.ACTIVE, responsible_id=int(row))


TABLES: dict[str, Callable[[Period, str | None, int | None], Q]] = {
    "finsam": _finsam,
    "municipality": _municipality,
    "age": _age,
    "volume": _volume,
    "activities": _activities,
    "phases": _phases,
    "closures": _closures,
    "follow_ups": _follow_ups,
    "phase_now": _phase_now,
    "caseload": _caseload,
}
# Their columns are the exit values found in the period, so the filter needs the table's columns.
CROSS_TABLES = {
    "entry_exit_support": _entry_exit("support_at_entry", "closure__support_after"),
    "entry_exit_occupation": _entry_exit("occupation_before", "closure__occupation_after"),
}


# -- The way in: these count referrals (not enrolled people), so their list is of referrals ---------


def _received(period: Period, row: str | None, column: int | None) -> Q:
    """Mirrors statistics.referrals_received: received in the period, not drafts, by kind of referrer."""
    from referrals.models import Referral
    from teams.models import Organisation

    q = Q(received_on__range=(period.start, period.end)) & ~Q(status=Referral.Status.DRAFT)
    if row == UNKNOWN:
        q &= ~Q(referrer_organisation__kind__in=Organisation.Kind.values) | Q(referrer_organisation__isnull=True)
    elif row is not None:
        q &= Q(referrer_organisation__kind=_choice(Organisation.Kind.choices, row))
    return q


def _decided(period: Period, row: str | None, column: int | None) -> Q:
    """Mirrors statistics.decisions: a decision on the referral made in the period."""
    from referrals.models import AgendaItem

    q = Q(agenda_items__decided_at__date__range=(period.start, period.end)) & ~Q(agenda_items__decision="")
    if row is not None:
        choices = [(d.value, d.label) for d in AgendaItem.Decision if d != AgendaItem.Decision.ANSWERED]
        q &= Q(agenda_items__decision=_choice(choices, row))
    return q


def _informed(period: Period, row: str | None, column: int | None) -> Q:
    """Mirrors statistics.information_meetings: an information meeting held in the period, by outcome."""
    from referrals.models import InformationMeeting

    q = Q(information_meetings__date__range=(period.start, period.end))
    if row is not None:
        choices = [*InformationMeeting.Outcome.choices, ("", "Utfall inte registrerat")]
        q &= Q(information_meetings__outcome=_choice(choices, row))
    return q


REFERRAL_TABLES: dict[str, Callable[[Period, str | None, int | None], Q]] = {
    "referrals": _received,
    "decisions": _decided,
    "info_meetings": _informed,
}
# Översikt's document table: rows the next handlingsplan / återrapport, columns overdue (0) and due
# within `soon` (1), by the rule of participants/documents/schedule.py (due_dates, per enrolment).
DOCUMENTS = "documents"
DOCUMENT_ROWS = {"plan": "Handlingsplan", "report": "Återrapport"}
DOCUMENT_COLUMNS = ["Försenade", "Inom 14 dagar"]
LINKED = {*TABLES, *CROSS_TABLES, *REFERRAL_TABLES, DOCUMENTS}


def due_documents(teams: QuerySet[Team], figure: Figure, *, today: date, soon: date) -> QuerySet[Enrollment]:
    """The active enrolments behind a document count of Översikt (four queries); UnknownFigureError
    for a row or column not known. The same rule as due_counts, read per enrolment from due_dates."""
    from participants.documents.schedule import due_dates
    from participants.models import Enrollment

    if figure.row not in DOCUMENT_ROWS or figure.column not in (0, 1):
        raise UnknownFigureError(figure.row)
    active = list(
        Enrollment.objects.filter(status=Enrollment.Status.ACTIVE, team__in=teams).values_list("pk", flat=True)
    )
    ids = []
    for pk, due in due_dates(active).items():
        on = due.plan_due_on if figure.row == "plan" else due.report_due_on
        if on is not None and (on < today if figure.column == 0 else today <= on <= soon):
            ids.append(pk)
    return Enrollment.objects.filter(pk__in=ids)


def referrals(teams: QuerySet[Team], period: Period, figure: Figure) -> QuerySet[Referral]:
    """The referrals behind a figure of a way-in table, each once (the teams' own referrals only);
    UnknownFigureError for a table, row or column not known."""
    from referrals.models import Referral

    if figure.table not in REFERRAL_TABLES:
        raise UnknownFigureError(figure.table)
    if figure.column not in (None, 0):  # one column each
        raise UnknownFigureError(figure.column)
    q = REFERRAL_TABLES[figure.table](period, figure.row, figure.column)
    ids = Referral.objects.filter(q, team__in=teams).values("pk")
    return Referral.objects.filter(pk__in=ids)


@dataclass(frozen=True)
class Figure:
    """A figure of a table: a cell (row and column), a row total (no column), a column total (no row)."""

    table: str
    row: str | None = None
    column: int | None = None


def people(
    teams: QuerySet[Team], period: Period, figure: Figure, *, columns: Sequence[StrOrPromise] | None = None
) -> QuerySet[Enrollment]:
    """The enrolments behind a figure, each once; UnknownFigureError for a table, row or column not known."""
    from participants.models import Enrollment

    if figure.table in TABLES:
        q = TABLES[figure.table](period, figure.row, figure.column)
    elif figure.table in CROSS_TABLES:
        q = CROSS_TABLES[figure.table](period, figure.row, figure.column, list(columns or []))
    else:
        raise UnknownFigureError(figure.table)
    ids = Enrollment.objects.filter(q, team__in=teams).values("pk")
    return Enrollment.objects.filter(pk__in=ids)


def add_links(sections: list[ShownSection], *, base: str) -> None:
    """Give every non-zero count of the linked tables the address of its list of people.

    `base` is the query string of the period and teams; only for figures shown as counted (a
    coordinator's own teams): suppressed figures never link."""
    from django.urls import reverse
    from django.utils.http import urlencode

    url = reverse("reports:figure_people")

    def link(table: str, row: StrOrPromise | None, column: int | None, text: str) -> str:
        if not text.isdigit() or text == "0":
            return ""
        extra: dict[str, str] = {"tabell": table}
        if row is not None:
            extra["rad"] = str(row)
        if column is not None:
            extra["kolumn"] = str(column)
        return f"{url}?{base}&{urlencode(extra)}"

    for section in sections:
        for shown in section.tables:
            key = shown.key
            if shown.suppressed or key not in LINKED:
                continue
            totals = shown.table.totals
            for row in shown.rows:
                row.links = [link(key, str(row.label), c, text) for c, text in enumerate(row.cells)]
                row.total_link = link(key, str(row.label), None, row.total) if totals else ""
            if totals:
                shown.column_total_links = [link(key, None, c, t) for c, t in enumerate(shown.column_totals)]
                shown.total_link = link(key, None, None, shown.total)


COLUMNS: dict[str, list[StrOrPromise]] = {
    "finsam": ["Deltagare"],
    "municipality": [label for _v, label in Participant.Sex.choices],
    "age": [label for _v, label in Participant.Sex.choices],
    "volume": ["Antal"],
    "activities": [a.label for a in ATTENDANCE],
    "phases": ["Påbörjade", "Lämnade"],
    "follow_ups": ["6 månader", "12 månader"],
    "closures": ["Avslut"],
}


def column_label(table: str, column: int) -> str:
    labels = COLUMNS.get(table, [])
    return str(labels[column]) if 0 <= column < len(labels) else ""
