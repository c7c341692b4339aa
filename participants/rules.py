"""Computed facts of a journey: inriktningstid, ISO weeks, and the weekly requirement check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ist.web import parse_iso_week
from participants.models import Attendance, DurationRule, PhaseRequirement


def duration_rule_for(age: int) -> DurationRule | None:
    return DurationRule.objects.filter(age_from__lte=age, age_to__gte=age).first()


def target_end(start: date, age: int) -> date:
    """Start + the aim for the age at start (12 months if no rule matches)."""
    rule = duration_rule_for(age)
    return start + relativedelta(months=rule.months if rule else 12)


def latest_allowed_end(start: date, age: int) -> date:
    rule = duration_rule_for(age)
    return start + relativedelta(months=rule.max_months if rule else 12)


def week_start(day: date) -> date:
    """Monday of the ISO week."""
    return day - timedelta(days=day.weekday())


def week_label(day: date) -> str:
    """'v. 47' (ISO week); the year is added when it is not the current one's context."""
    return f"v. {day.isocalendar().week}"


def parse_week(text: str) -> date | None:
    """'2026-W47' → the Monday of that ISO week; None if not a week (or out of range)."""
    return parse_iso_week(text)


def week_param(monday: date) -> str:
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
STATUS_LABELS = {GREEN: "Uppfyllt", AMBER: "Delvis", RED: "Inte uppfyllt", NONE: "Inget krav"}


@dataclass(frozen=True)
class Cell:
    """One participant × activity kind in one week."""

    required: float  # per week (1 every second week = 0.5)
    requirement_text: str
    present: int  # present this week
    logged: int  # anything logged this week (incl. absences)
    window_present: int  # present over the requirement's window ending this week
    status: str


def requirement_text(req: PhaseRequirement | None) -> str:
    if req is None:
        return "–"
    if req.per_weeks == 1:
        return f"{req.count}/v."
    return f"{req.count} per {req.per_weeks} v."


def cell_status(req: PhaseRequirement | None, *, present: int, logged: int, window_present: int) -> str:
    """Green: met over the requirement's window (this week, or this and the previous week for
    "1 every second week"); amber: something logged this week (an absence, or too few); red: nothing."""
    if req is None:
        return NONE
    if window_present >= req.count:
        return GREEN
    if logged:
        return AMBER
    return RED


def make_cell(req: PhaseRequirement | None, *, present: int, logged: int, window_present: int) -> Cell:
    return Cell(
        required=(req.count / req.per_weeks) if req else 0.0,
        requirement_text=requirement_text(req),
        present=present,
        logged=logged,
        window_present=window_present,
        status=cell_status(req, present=present, logged=logged, window_present=window_present),
    )


def fulfilment(weeks: Iterable[tuple[int, int]]) -> int | None:
    """Share (%) of required activities met over weeks of (required, present-capped)."""
    required = met = 0
    for req, pres in weeks:
        required += req
        met += min(pres, req)
    return round(100 * met / required) if required else None


def is_attended(attendance: str) -> bool:
    return attendance == Attendance.PRESENT
