"""Report deadlines: the quarterly report to the steering group and the half-year report to the
association before its August and December board meetings (DOMAIN.md "Follow-up and reporting")."""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date, timedelta

from django.urls import reverse

from ist.reminders.models import DeadlineSettings, Kind
from ist.reminders.registry import register
from ist.reminders.rules import Due, Rule, administrators, coordinators_by_team, iso

# The reports are built under Rapporter, but building one is not sending it to the board, so "done"
# cannot be seen in the data: an item stays this many days after its deadline (unless marked done),
# then the sweep resolves it.
DAYS_AFTER_DEADLINE = 7


def _quarter_ends(year: int) -> list[date]:
    return [date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)]


def _day_in(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def deadlines(today: date, config: DeadlineSettings) -> list[tuple[Kind, date, str]]:
    """(kind, deadline, title) of every report deadline around today."""
    result = []
    for year in (today.year - 1, today.year, today.year + 1):
        for quarter, end in enumerate(_quarter_ends(year), start=1):
            deadline = end + timedelta(days=config.quarterly_report_days_after)
            result.append(
                (
                    Kind.QUARTERLY_REPORT,
                    deadline,
                    f"Kvartalsrapport Q{quarter} {year} till styrgruppen senast {iso(deadline)}",
                )
            )
        for month, day in ((8, config.august_board_day), (12, config.december_board_day)):
            meeting = _day_in(year, month, day)
            deadline = meeting - timedelta(days=config.board_report_days_before)
            result.append(
                (
                    Kind.HALF_YEAR_REPORT,
                    deadline,
                    f"Halvårsrapport till förbundets styrelsemöte {iso(meeting)}, senast {iso(deadline)}",
                )
            )
    return result


def report_deadlines(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """From `report_remind_days_before` days before each deadline → every coordinator and administrator."""
    recipients = sorted({*administrators(), *(u for users in coordinators_by_team().values() for u in users)})
    # The reports page, where coordinators and administrators build the quarterly and half-year reports.
    url = reverse("reports:reports")
    items = []
    for kind, deadline, title in deadlines(today, config):
        first_day = deadline - timedelta(days=config.report_remind_days_before)
        if first_day <= today <= deadline + timedelta(days=DAYS_AFTER_DEADLINE):
            # The report deadlines hang on the settings row (pk 1): it names no person.
            items += [Due(user, kind, DeadlineSettings, 1, deadline, title, url) for user in recipients]
    return items


# No service completes these (writing the report is not sending it): only the sweep resolves them.
RULES = [Rule((Kind.QUARTERLY_REPORT, Kind.HALF_YEAR_REPORT), DeadlineSettings, report_deadlines)]
AREA = register("reports", RULES)
