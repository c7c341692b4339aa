"""The participant-level export (administrators only): one row per enrolment in the period, with the
association's entry and exit variables. Never a person with protected identity; every row's read is
access-logged with the stated reason by the view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from participants.models import Enrollment

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from reports.statistics import Period

HEADER = [
    "Inskrivning",
    "Personnummer",
    "Team",
    "Hemkommun",
    "Kön",
    "Födelseår",
    "Start",
    "Avslut",
    "Avslutsorsak",
    "Försörjning vid start",
    "Månader med offentlig försörjning före",
    "Högsta utbildning",
    "Sysselsättning före",
    "Omfattning före (%)",
    "Sysselsättning efter",
    "Omfattning efter (%)",
    "Försörjning efter",
]


def enrollments(period: Period) -> QuerySet[Enrollment]:
    """Enrolments active some day in the period, people with protected identity left out."""
    return (
        Enrollment.objects.filter(start_date__lte=period.end, participant__protected_identity=False)
        .exclude(closure__date__lt=period.start)
        .select_related(
            "participant",
            "participant__municipality",
            "team",
            "support_at_entry",
            "education",
            "occupation_before",
            "closure",
            "closure__reason",
            "closure__occupation_after",
            "closure__support_after",
        )
        .order_by("team__name", "start_date", "pk")
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def row(e: Enrollment) -> list[str]:
    closure = getattr(e, "closure", None)
    return [
        str(e.pk),
        e.participant.personnummer,
        e.team.name,
        e.participant.municipality.name,
        e.participant.get_sex_display(),
        str(e.participant.birth_year),
        f"{e.start_date:%Y-%m-%d}",
        f"{closure.date:%Y-%m-%d}" if closure else "",
        _text(closure and closure.reason),
        _text(e.support_at_entry),
        _text(e.months_in_support_before),
        _text(e.education),
        _text(e.occupation_before),
        _text(e.occupation_before_extent),
        _text(closure and closure.occupation_after),
        _text(closure and closure.occupation_after_extent),
        _text(closure and closure.support_after),
    ]
