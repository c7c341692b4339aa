"""Shown (suppressed) statistics written out as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from reports.presentation import ShownSection
    from reports.statistics import Period


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
            out.append([table.row_heading, *map(str, table.columns), *(["Summa"] if totals else []), *rate])
            out.extend(
                [str(row.label), *row.cells, *([row.total] if totals else []), *([row.rate] if rate else [])]
                for row in shown.rows
            )
            if totals:
                out.append(["Summa", *shown.column_totals, shown.total, *([""] if rate else [])])
            out.append([])
        out.extend([measure.label, measure.text] for measure in section.measures)
        if section.measures:
            out.append([])
    return out


def write_csv(stream: SupportsWrite[str], sections: list[ShownSection], *, period: Period, teams: list[str]) -> None:
    stream.write("\ufeff")  # Excel reads UTF-8 (å, ä, ö) only with a byte-order mark
    writer = csv.writer(stream, delimiter=";")
    writer.writerows(statistics_sheet(sections, period=period, teams=teams))


def xlsx_bytes(sheets: list[tuple[str, list[list[str]]]]) -> bytes:
    """A workbook with one sheet per (name, rows). Counts are written as numbers, "<5" and shares as text."""
    from openpyxl import Workbook  # imported here: only exports need it
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook has
    for name, rows in sheets:
        sheet = workbook.create_sheet(title=name[:31])  # Excel's limit on sheet names
        for row in rows:
            texts = [str(cell) for cell in row]  # labels may be lazy translations
            sheet.append([int(text) if text.isdigit() else text for text in texts])
            if len(row) == 1:  # a heading (section or table title)
                sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 48
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def statistics_sheet(sections: list[ShownSection], *, period: Period, teams: list[str]) -> list[list[str]]:
    return [["IST statistik", str(period)], ["Team", ", ".join(teams)], *table_rows(sections)]
