"""Tables and measures as they are shown: inside the team as counted, outside it with small counts hidden."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from reports import suppression

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from reports.statistics import Measure, Section, Table


@dataclass
class ShownRow:
    label: StrOrPromise
    cells: list[str]
    values: list[int | None]  # None where hidden: the chart leaves those bars out
    total: str
    rate: str
    rate_value: float | None = None  # the share in percent, where shown (for the spreadsheet)
    # The lists of people behind each cell and the row total (reports/drilldown.py): "" for none.
    links: list[str] = field(default_factory=list)
    total_link: str = ""
    previous: str = ""  # the same row in the previous period of the same length ("–" if it had none)

    @property
    def linked_cells(self) -> list[tuple[str, str]]:
        """(text, link) per cell for the template; the link "" where there is none."""
        return list(zip_longest(self.cells, self.links[: len(self.cells)], fillvalue=""))


@dataclass
class ShownTable:
    table: Table
    rows: list[ShownRow]
    column_totals: list[str]
    total: str
    suppressed: bool
    # The footnote explaining the secondary mark, on every table that has one ("" otherwise).
    footnote: str = ""
    column_total_links: list[str] = field(default_factory=list)
    total_link: str = ""
    compared: bool = False  # rows carry `previous` (set by `compare`)
    previous_total: str = ""
    chart: Any = None  # reports.charts.Chart, set by the page that draws it

    @property
    def key(self) -> str:
        return self.table.key

    @property
    def linked_column_totals(self) -> list[tuple[str, str]]:
        return list(zip_longest(self.column_totals, self.column_total_links[: len(self.column_totals)], fillvalue=""))


def _text(value: int | None, limit: int, kind: str = suppression.PRIMARY) -> str:
    """A count as shown: the number, "<5" for a small count, "x" for one hidden to protect another."""
    if value is not None:
        return str(value)
    return suppression.label(limit) if kind == suppression.PRIMARY else suppression.SECONDARY_MARK


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def show_table(table: Table, *, suppress: bool, limit: int | None = None) -> ShownTable:
    limit = limit or suppression.threshold()
    cells = [values for _label, values in table.rows]
    if suppress and cells:
        shown = suppression.suppress(cells, limit=limit, totals=table.totals)
    else:
        shown = suppression.Shown(
            cells=[list(row) for row in cells],
            row_totals=[sum(row) for row in cells],
            col_totals=[sum(col) for col in zip(*cells, strict=True)] if cells else [],
            total=sum(sum(row) for row in cells),
        )
    rows = []
    for i, (label, values) in enumerate(table.rows):
        rate = ""
        rate_value: float | None = None
        if table.rate:
            _heading, counted, of = table.rate
            denominator = sum(values) if of is None else values[of]
            # A share is shown only when both numbers it rests on are.
            hidden = (
                shown.cells[i][counted] is None or (shown.row_totals[i] if of is None else shown.cells[i][of]) is None
            )
            if suppress:
                value = None if hidden else suppression.share(values[counted], denominator, limit=limit)
            else:
                value = round(100 * values[counted] / denominator, 1) if denominator else None
            rate = _percent(value)
            rate_value = value
        rows.append(
            ShownRow(
                label=label,
                cells=[_text(v, limit, shown.cell_kind(i, c)) for c, v in enumerate(shown.cells[i])],
                values=shown.cells[i],
                total=_text(shown.row_totals[i], limit, shown.row_total_kind(i)),
                rate=rate,
                rate_value=rate_value,
            )
        )
    return ShownTable(
        table=table,
        rows=rows,
        column_totals=[_text(v, limit, shown.col_total_kind(c)) for c, v in enumerate(shown.col_totals)],
        total=_text(shown.total, limit, shown.total_kind),
        suppressed=suppress,
        footnote=suppression.footnote(limit, secondary=shown.has_secondary) if shown.has_hidden else "",
    )


@dataclass
class ShownMeasure:
    label: str
    text: str
    basis: int
    value: float | None = None  # the number where shown ("st", "dagar" or "%"), for the spreadsheet
    unit: str = ""
    previous: str = ""  # the previous period's figure, as shown (set by `compare`)


def show_measure(measure: Measure, *, suppress: bool, limit: int | None = None) -> ShownMeasure:
    """An average or share resting on fewer than the threshold is not shown outside the team."""
    limit = limit or suppression.threshold()
    if measure.value is None:
        return ShownMeasure(measure.label, "–", measure.basis, unit=measure.unit)
    if suppress and measure.basis < limit:
        return ShownMeasure(measure.label, f"– (underlag {suppression.label(limit)})", measure.basis, unit=measure.unit)
    if measure.unit == "st" and suppress and 0 < measure.value < limit:
        return ShownMeasure(measure.label, suppression.label(limit), measure.basis, unit=measure.unit)
    value = f"{measure.value:g}".replace(".", ",")
    if measure.unit == "%":
        return ShownMeasure(measure.label, _percent(measure.value), measure.basis, measure.value, measure.unit)
    return ShownMeasure(measure.label, f"{value} {measure.unit}", measure.basis, measure.value, measure.unit)


@dataclass
class ShownSection:
    key: str
    title: str
    tables: list[ShownTable]
    measures: list[ShownMeasure]


def show(sections: list[Section], *, suppress: bool, limit: int | None = None) -> list[ShownSection]:
    return [
        ShownSection(
            key=section.key,
            title=section.title,
            tables=[show_table(t, suppress=suppress, limit=limit) for t in section.tables],
            measures=[show_measure(m, suppress=suppress, limit=limit) for m in section.measures],
        )
        for section in sections
    ]


def _row_figure(shown: ShownTable, row: ShownRow) -> str:
    """A row's figure for the comparison: its total where the table has one, else its cells."""
    if shown.table.totals and len(row.cells) > 1:
        return row.total
    return " / ".join(row.cells)


def compare(current: list[ShownSection], previous: list[ShownSection]) -> None:
    """Set each row's and measure's figure in the previous period beside the current one, matched by
    label ("–" where the previous period had no such row). Both were shown (suppressed or not) the
    same way, so the comparison reveals nothing the two pages would not."""
    before = {section.key: section for section in previous}
    for section in current:
        old = before.get(section.key)
        if old is None:
            continue
        old_tables = {shown.key: shown for shown in old.tables}
        for shown in section.tables:
            old_table = old_tables.get(shown.key)
            if old_table is None:
                continue
            old_rows = {row.label: _row_figure(old_table, row) for row in old_table.rows}
            for row in shown.rows:
                row.previous = old_rows.get(row.label, "–")
            shown.compared = True
            if shown.table.totals:
                shown.previous_total = (
                    old_table.total if len(old_table.column_totals) > 1 else " / ".join(old_table.column_totals)
                )
        old_measures = {measure.label: measure.text for measure in old.measures}
        for measure in section.measures:
            measure.previous = old_measures.get(measure.label, "–")
