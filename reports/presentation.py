"""Tables and measures as they are shown: inside the team as counted, outside it with small counts hidden."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass
class ShownTable:
    table: Table
    rows: list[ShownRow]
    column_totals: list[str]
    total: str
    suppressed: bool
    chart: Any = None  # reports.charts.Chart, set by the page that draws it

    @property
    def key(self) -> str:
        return self.table.key


def _text(value: int | None, limit: int) -> str:
    return suppression.label(limit) if value is None else str(value)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def show_table(table: Table, *, suppress: bool, limit: int | None = None) -> ShownTable:
    limit = limit or suppression.threshold()
    cells = [values for _label, values in table.rows]
    if suppress and cells:
        shown = suppression.suppress(cells, limit=limit)
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
        rows.append(
            ShownRow(
                label=label,
                cells=[_text(v, limit) for v in shown.cells[i]],
                values=shown.cells[i],
                total=_text(shown.row_totals[i], limit),
                rate=rate,
            )
        )
    return ShownTable(
        table=table,
        rows=rows,
        column_totals=[_text(v, limit) for v in shown.col_totals],
        total=_text(shown.total, limit),
        suppressed=suppress,
    )


@dataclass
class ShownMeasure:
    label: str
    text: str
    basis: int


def show_measure(measure: Measure, *, suppress: bool, limit: int | None = None) -> ShownMeasure:
    """An average or share resting on fewer than the threshold is not shown outside the team."""
    limit = limit or suppression.threshold()
    if measure.value is None:
        return ShownMeasure(measure.label, "–", measure.basis)
    if suppress and measure.basis < limit:
        return ShownMeasure(measure.label, f"– (underlag {suppression.label(limit)})", measure.basis)
    if measure.unit == "st" and suppress and 0 < measure.value < limit:
        return ShownMeasure(measure.label, suppression.label(limit), measure.basis)
    value = f"{measure.value:g}".replace(".", ",")
    if measure.unit == "%":
        return ShownMeasure(measure.label, _percent(measure.value), measure.basis)
    return ShownMeasure(measure.label, f"{value} {measure.unit}", measure.basis)


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
