"""Min vecka's table rows as HTML, built in Python.

Min vecka must answer within 150 ms at the 95th percentile for 160 participants (issue 19,
docs/performance.md). A row has five cells with links, marks and screen-reader text; through the
template engine that is ~100 variable lookups, filters and translations per row, which made the
page's rendering grow to seconds at 160 rows on a loaded machine. Here every string a row needs is
escaped once and joined, so the rows cost a few milliseconds together. This is the one place the
row's markup lives: the page (`week.html`) and the htmx answers after a change (`saved.html`) both
use it. Everything a user typed or named (participant, kind names) goes through `escape`.

The links that open the form ("Logga", a mark to correct) are plain links; static/js/week.js
loads them into the row with htmx (one listener instead of htmx attributes on every link), and
gives each "✓ NN min" its form token and column (htmx:configRequest).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

from participants.models import Attendance

if TYPE_CHECKING:
    from participants.views.week import GridCell, GridRow

WEEKDAYS = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")  # Swedish, as the date filter's "D"
SYMBOLS: dict[str, str] = {Attendance.PRESENT: "✓", Attendance.EXCUSED: "–", Attendance.UNEXCUSED: "✗"}
ATTENDANCE_LABELS = {value: str(label) for value, label in Attendance.choices}


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _cell(cell: GridCell, who: str, quick_url: str) -> str:
    parts = [f'<td class="week-cell week-cell-{cell.cell.status}">']
    if cell.category:
        parts.append(
            f'<span class="week-req">Krav: {escape(cell.cell.requirement_text)}</span> '
            f'<span class="week-status week-status-{cell.cell.status}">{escape(cell.status_label)}</span>'
        )
    if cell.marks:
        parts.append('<ul class="week-marks">')
        for mark in cell.marks:
            a = mark.activity
            kind_name = escape(a.kind_name)
            other = f" {kind_name}" if not cell.category or a.kind_id != cell.category else ""
            parts.append(
                f'<li><a href="{_attr(mark.url)}" data-opens-form class="week-mark week-mark-{a.attendance}">'
                f'<span aria-hidden="true">{SYMBOLS.get(a.attendance, "")} {WEEKDAYS[a.date.weekday()]}{other}</span>'
                f'<span class="visually-hidden">{kind_name}: {escape(ATTENDANCE_LABELS.get(a.attendance, ""))} '
                f"{a.date:%Y-%m-%d}, rätta för {who}</span></a></li>"
            )
        parts.append("</ul>")
    if cell.log_url:
        label = escape(cell.label.lower())
        parts.append(
            f'<span class="week-actions"><a class="week-log" href="{_attr(cell.log_url)}" data-opens-form '
            f'data-col="{cell.category}" data-what="log">Logga<span class="visually-hidden"> {label} för {who}'
            "</span></a>"
        )
        if cell.kind is not None:
            minutes = cell.kind.default_duration_minutes
            parts.append(
                f' <button type="button" class="week-quick" name="typ" value="{cell.kind.code}" '
                f'hx-post="{_attr(quick_url)}" data-col="{cell.category}" data-what="quick">'
                f'<span aria-hidden="true">✓ {minutes} min</span><span class="visually-hidden">Närvarande, '
                f"{escape(cell.kind.name.lower())} {minutes} minuter, för {who}</span></button>"
            )
        parts.append("</span>")
    parts.append("</td>")
    return "".join(parts)


def row_html(grid_row: GridRow, *, oob: bool = False) -> SafeString:
    """One participant's `<tr>` (id rad-<enrolment>); `oob` marks it for an htmx out-of-band swap."""
    row = grid_row.row
    enrollment = row.enrollment
    pk = enrollment.pk
    who = escape(str(enrollment.participant))
    if row.period is not None:
        phase = f"{escape(str(row.period.get_phase_display()))}, vecka {row.weeks_in_phase}"
    else:
        phase = "Ingen fas"
    swap = ' hx-swap-oob="true"' if oob else ""
    head = (
        f'<tr id="rad-{pk}" class="week-row"{swap}>'
        f'<th scope="row" class="week-person"><a href="{_attr(grid_row.detail_url)}">{who}</a> '
        f'<span class="pnr">{escape(enrollment.participant.personnummer_masked)}</span> '
        f'<span class="week-phase">{phase}</span></th>'
    )
    cells = "".join(_cell(cell, who, grid_row.quick_url) for cell in grid_row.cells)
    return mark_safe(f"{head}{cells}</tr>")  # noqa: S308 - every value above is escaped
