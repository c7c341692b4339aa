"""Shown (suppressed) statistics written out as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any, cast

from reports import suppression

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
    from openpyxl.worksheet.worksheet import Worksheet

    from reports.presentation import ShownMeasure, ShownSection, ShownTable
    from reports.statistics import Period

# Number formats of the workbook (Excel's own codes; Excel shows them with the reader's decimal comma).
COUNT_FORMAT = "0"
PERCENT_FORMAT = "0.0%"
DAYS_FORMAT = '0.0" dagar"'
LABEL_WIDTH = 48
NUMBER_WIDTH = 14
# The column (and the measures' third cell) with the same figure in the previous period of the same
# length (issue 17, point 2), where the sections were compared (`presentation.compare`).
PREVIOUS = "Föregående period"


def table_rows(sections: list[ShownSection]) -> list[list[str]]:
    """Every table and measure as rows of text, the shape both the CSV and the spreadsheet use."""
    out: list[list[str]] = []
    for section in sections:
        out.append([section.title])
        for shown in section.tables:
            table = shown.table
            totals = table.totals
            rate = [table.rate[0]] if table.rate else []
            out.append([table.title])
            before = [PREVIOUS] if shown.compared else []
            out.append([table.row_heading, *map(str, table.columns), *(["Summa"] if totals else []), *rate, *before])
            out.extend(
                [
                    str(row.label),
                    *row.cells,
                    *([row.total] if totals else []),
                    *([row.rate] if rate else []),
                    *([row.previous] if before else []),
                ]
                for row in shown.rows
            )
            if totals:
                out.append(
                    [
                        "Summa",
                        *shown.column_totals,
                        shown.total,
                        *([""] if rate else []),
                        *([shown.previous_total] if before else []),
                    ]
                )
            if shown.footnote:
                out.append([shown.footnote])
            out.append([])
        compared = any(measure.previous for measure in section.measures)
        if compared:
            out.append(["Mått", "Värde", PREVIOUS])
        out.extend(
            [measure.label, measure.text, *([measure.previous] if compared else [])] for measure in section.measures
        )
        if section.measures:
            out.append([])
    return out


def write_csv(
    stream: SupportsWrite[str],
    sections: list[ShownSection],
    *,
    period: Period,
    teams: list[str],
    previous: Period | None = None,
) -> None:
    stream.write("\ufeff")  # Excel reads UTF-8 (å, ä, ö) only with a byte-order mark
    writer = csv.writer(stream, delimiter=";")
    writer.writerows(statistics_sheet(sections, period=period, teams=teams, previous=previous))


def statistics_sheet(
    sections: list[ShownSection], *, period: Period, teams: list[str], previous: Period | None = None
) -> list[list[str]]:
    """The CSV's rows: period, teams, the previous period compared with (where the sections carry it),
    the suppression note and every table."""
    return [
        ["IST statistik", str(period)],
        ["Team", ", ".join(teams)],
        *([[PREVIOUS, str(previous)]] if previous else []),
        [suppression_note()],
        *table_rows(sections),
    ]


def suppression_note(limit: int | None = None) -> str:
    """The note on every sheet (and above the page's tables): what "<5" and "x" mean."""
    limit = limit or suppression.threshold()
    return (
        f"Antal från 1 till {limit - 1} visas som ”{suppression.label(limit)}”. Tal som döljs för att ett "
        f"sådant antal inte ska kunna räknas fram ur summorna visas som ”{suppression.SECONDARY_MARK}”."
    )


def workbook(
    sections: list[ShownSection], *, title: str, meta: list[tuple[str, str]], limit: int | None = None
) -> bytes:
    """A workbook made for Excel (issue 17): a first sheet about the report, then one sheet per section.

    Every sheet starts with its title (bold), the period and scope and the suppression note; those
    rows and the label column are frozen. Each table's header row is bold. Counts are numbers,
    shares are fractions with a percent format, days are numbers with a "dagar" format; "<5" and "x"
    stay text (right-aligned like the numbers around them). Column widths are set."""
    from openpyxl import Workbook  # imported here: only exports need it

    note = suppression_note(limit)
    book = Workbook()
    about = cast("Worksheet", book.active)  # a new workbook's one sheet, never None or a chart
    about.title = "Om rapporten"
    _heading(about, [title])
    for key, value in meta:
        about.append([key, value])
    about.append([note])
    about.append([])
    about.append(["Innehåll"])
    for section in sections:
        about.append([section.title])
    _widths(about, 1)
    about.freeze_panes = "A2"
    used: set[str] = {about.title}
    for section in sections:
        sheet = book.create_sheet(title=_sheet_name(section.title, used))
        _heading(sheet, [section.title])
        sheet.append([" · ".join(f"{key}: {value}" for key, value in meta)])
        sheet.append([note])
        sheet.freeze_panes = "B4"
        width = 1
        if section.measures:
            compared = any(measure.previous for measure in section.measures)
            sheet.append([])
            _bold_row(sheet, ["Mått", "Värde", *([PREVIOUS] if compared else [])])
            for measure in section.measures:
                _measure_row(sheet, measure, compared=compared)
            width = 3 if compared else 2
        for shown in section.tables:
            width = max(width, _table(sheet, shown))
        _widths(sheet, width)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = title[:31]  # Excel's limit on sheet names
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    while name in used:
        name = f"{name[:28]} {len(used)}"
    used.add(name)
    return name


def _heading(sheet: Worksheet, row: list[str]) -> None:
    from openpyxl.styles import Font

    sheet.append(row)
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=13)


def _bold_row(sheet: Worksheet, row: list[Any]) -> None:
    from openpyxl.styles import Font

    sheet.append([str(cell) for cell in row])
    for column in range(1, len(row) + 1):
        sheet.cell(row=sheet.max_row, column=column).font = Font(bold=True)


def _count(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _append(sheet: Worksheet, row: list[Any], formats: dict[int, str] | None = None) -> None:
    """A row of values; numbers get their format, texts among numbers ("<5", "x", "–") align right."""
    from openpyxl.styles import Alignment

    sheet.append(row)
    for column, value in enumerate(row[1:], start=2):
        cell = sheet.cell(row=sheet.max_row, column=column)
        if isinstance(value, int | float):
            cell.number_format = (formats or {}).get(column, COUNT_FORMAT)
        elif value not in ("", None):
            cell.alignment = Alignment(horizontal="right")


def _measure_row(sheet: Worksheet, measure: ShownMeasure, *, compared: bool = False) -> None:
    """A measure's value (a number with its format where shown) and, where compared, the previous
    period's figure as shown there (text: it was suppressed the same way)."""
    before: list[Any] = [_count(measure.previous)] if compared else []
    if measure.value is None:
        _append(sheet, [str(measure.label), measure.text, *before])
    elif measure.unit == "%":
        _append(sheet, [str(measure.label), measure.value / 100, *before], {2: PERCENT_FORMAT})
    elif measure.unit == "dagar":
        _append(sheet, [str(measure.label), measure.value, *before], {2: DAYS_FORMAT})
    else:
        _append(sheet, [str(measure.label), measure.value, *before])


def _table(sheet: Worksheet, shown: ShownTable) -> int:
    """One table: its title, a bold header row, the rows, the totals and the footnote. Its width."""
    from openpyxl.styles import Font

    table = shown.table
    totals = table.totals
    row_totals = totals and len(table.columns) > 1  # as on the page: one column is its own total
    rate = table.rate
    sheet.append([])
    sheet.append([str(table.title)])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, italic=True)
    compared = shown.compared
    header = [
        table.row_heading,
        *table.columns,
        *(["Summa"] if row_totals else []),
        *([rate[0]] if rate else []),
        *([PREVIOUS] if compared else []),
    ]
    _bold_row(sheet, header)
    rate_column = len(header) - (1 if compared else 0)
    for row in shown.rows:
        values: list[Any] = [str(row.label), *(_count(c) for c in row.cells)]
        if row_totals:
            values.append(_count(row.total))
        if rate:
            values.append(row.rate_value / 100 if row.rate_value is not None else row.rate)
        if compared:
            values.append(_count(row.previous))
        _append(sheet, values, {rate_column: PERCENT_FORMAT} if rate else None)
    if totals and shown.rows:
        values = ["Summa", *(_count(c) for c in shown.column_totals), *([_count(shown.total)] if row_totals else [])]
        if compared:
            values += [*([""] if rate else []), _count(shown.previous_total)]
        _append(sheet, values)
        for column in range(1, len(values) + 1):
            sheet.cell(row=sheet.max_row, column=column).font = Font(bold=True)
    if shown.footnote:
        sheet.append([shown.footnote])
    if table.note:
        sheet.append([str(table.note)])
    return len(header)


def _widths(sheet: Worksheet, columns: int) -> None:
    from openpyxl.utils import get_column_letter

    sheet.column_dimensions["A"].width = LABEL_WIDTH
    for column in range(2, max(columns, 2) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = NUMBER_WIDTH
