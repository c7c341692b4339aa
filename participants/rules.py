"""Computed facts of a journey: inriktningstid, ISO weeks, and the weekly requirement check."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ist.web import parse_iso_week
from participants.models import Attendance, DurationRule, FollowUp, PhaseRequirement


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
ONGOING, NO_SHOW, EXCUSED = "ongoing", "noshow", "excused"
STATUS_LABELS = {
    GREEN: "Uppfyllt",
    ONGOING: "Pågår",
    AMBER: "Delvis",
    NO_SHOW: "Uteblev",
    EXCUSED: "Anmäld frånvaro",
    RED: "Inte uppfyllt",
    NONE: "Inget krav",
}


@dataclass
class RequirementBook:
    """Every phase requirement with its validity (docs/decisions/0027): a week is measured against
    the requirement in force on its Monday, so a change dated mid-week applies from the next week
    and weeks before it keep the requirement they had. Built from one query."""

    rows: Iterable[PhaseRequirement] = ()
    _by_key: dict[tuple[str, str], list[PhaseRequirement]] = field(default_factory=dict, init=False, repr=False)
    _starts: dict[tuple[str, str], list[date]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        grouped: dict[tuple[str, str], list[PhaseRequirement]] = defaultdict(list)
        for row in self.rows:
            grouped[(row.phase, row.kind)].append(row)
        for key, items in grouped.items():
            items.sort(key=lambda r: r.valid_from)
            self._by_key[key] = items
            self._starts[key] = [r.valid_from for r in items]

    def get(self, phase: str | None, category: str, *, on: date) -> PhaseRequirement | None:
        """The requirement of the phase and category in force on the day `on` (None: none, or 0)."""
        if not phase or not category:
            return None
        starts = self._starts.get((phase, category))
        if not starts:
            return None
        at = bisect_right(starts, on) - 1
        if at < 0:
            return None
        found = self._by_key[(phase, category)][at]
        return found if found.count else None

    def for_week(self, phase: str | None, category: str, monday: date) -> PhaseRequirement | None:
        return self.get(phase, category, on=monday)


@dataclass(frozen=True)
class Cell:
    """One participant × requirement category in one week."""

    required: float  # per week (1 every second week = 0.5)
    requirement_text: str
    present: int  # present this week
    logged: int  # anything logged this week (incl. absences)
    window_present: int  # present over the requirement's window ending this week
    status: str
    unexcused: int = 0  # no-shows this week


def requirement_text(req: PhaseRequirement | None) -> str:
    if req is None:
        return "–"
    if req.per_weeks == 1:
        return f"{req.count}/v."
    return f"{req.count} per {req.per_weeks} v."


def cell_status(
    req: PhaseRequirement | None,
    *,
    present: int,
    logged: int,
    window_present: int,
    unexcused: int = 0,
    week_over: bool = True,
) -> str:
    """Green: met over the requirement's window (this week, or this and the previous week for
    "1 every second week"). Not met: a no-show when nothing but absences were logged and at least
    one was unexcused; an excused absence when only excused ones were; while the week is not over,
    "pågår" (it can still be met); after it, amber when something was done (too few), red when
    nothing was logged."""
    if req is None:
        return NONE
    if window_present >= req.count:
        return GREEN
    if logged and not present:
        return NO_SHOW if unexcused else EXCUSED
    if not week_over:
        return ONGOING
    if present:
        return AMBER
    return RED


def make_cell(
    req: PhaseRequirement | None,
    *,
    present: int,
    logged: int,
    window_present: int,
    unexcused: int = 0,
    week_over: bool = True,
) -> Cell:
    return Cell(
        required=(req.count / req.per_weeks) if req else 0.0,
        requirement_text=requirement_text(req),
        present=present,
        logged=logged,
        window_present=window_present,
        status=cell_status(
            req,
            present=present,
            logged=logged,
            window_present=window_present,
            unexcused=unexcused,
            week_over=week_over,
        ),
        unexcused=unexcused,
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


# -- Follow-ups after closure (issue 19.5) ------------------------------------------------------

FOLLOW_UP_OPENS_DAYS = 14  # a follow-up can be recorded from two weeks before it is due (as "Att göra" lists it)


def follow_up_opens_on(due_on: date) -> date:
    return due_on - timedelta(days=FOLLOW_UP_OPENS_DAYS)


def follow_up_open(due_on: date, today: date) -> bool:
    """Whether a follow-up due on `due_on` may be recorded today (never before its window)."""
    return today >= follow_up_opens_on(due_on)


@dataclass(frozen=True)
class FollowUpRow:
    """One follow-up as the participant page shows it: its state in words and whether it can be
    recorded now."""

    follow_up: FollowUp
    state: str  # done, overdue, open, waiting
    label: str
    recordable: bool


def follow_up_rows(follow_ups: Iterable[FollowUp], *, today: date) -> list[FollowUpRow]:
    rows = []
    for item in sorted(follow_ups, key=lambda f: f.months):
        if item.found:
            rows.append(FollowUpRow(item, "done", f"Gjord: {item.get_found_display()}", False))
        elif item.due_on < today:
            rows.append(FollowUpRow(item, "overdue", f"Försenad, skulle göras {item.due_on:%Y-%m-%d}", True))
        elif follow_up_open(item.due_on, today):
            rows.append(FollowUpRow(item, "open", f"Ska göras senast {item.due_on:%Y-%m-%d}", True))
        else:
            opens = follow_up_opens_on(item.due_on)
            rows.append(FollowUpRow(item, "waiting", f"Kan registreras från {opens:%Y-%m-%d}", False))
    return rows
