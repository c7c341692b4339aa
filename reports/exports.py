"""Shown (suppressed) statistics written out as CSV."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import IO

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
            out.append([table.row_heading, *table.columns, *(["Summa"] if totals else []), *rate])
            out.extend(
                [row.label, *row.cells, *([row.total] if totals else []), *([row.rate] if rate else [])]
                for row in shown.rows
            )
            if totals:
                out.append(["Summa", *shown.column_totals, shown.total, *([""] if rate else [])])
            out.append([])
        out.extend([measure.label, measure.text] for measure in section.measures)
        if section.measures:
            out.append([])
    return out


def write_csv(stream: IO[str], sections: list[ShownSection], *, period: Period, teams: list[str]) -> None:
    stream.write("\ufeff")  # Excel reads UTF-8 (å, ä, ö) only with a byte-order mark
    writer = csv.writer(stream, delimiter=";")
    writer.writerow(["IST statistik", str(period)])
    writer.writerow(["Team", ", ".join(teams)])
    writer.writerows(table_rows(sections))
