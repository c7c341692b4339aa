"""Server-rendered SVG bar charts, drawn from a shown table (so hidden counts draw no bar).

Each chart is an <svg role="img"> with <title> and <desc>, and the page puts the same numbers in a
table beside it: the chart is for looking, the table for reading and for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports.presentation import ShownTable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ROW_HEIGHT = 22
BAR_GAP = 4
LABEL_WIDTH = 230
BAR_AREA = 320
VALUE_WIDTH = 50


@dataclass
class Bar:
    x: int
    y: int
    width: int
    height: int
    series: int
    text: str
    text_x: int
    text_y: int


@dataclass
class Label:
    text: StrOrPromise
    y: int


@dataclass
class Chart:
    key: str
    title: str
    desc: str
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    labels: list[Label]
    legend: list[tuple[int, StrOrPromise]]


def bar_chart(shown: ShownTable) -> Chart | None:
    """Grouped horizontal bars, one group per row, one bar per column; None if the table has nothing to draw."""
    table = shown.table
    values = [v for row in shown.rows for v in row.values if v is not None]
    if not table.chart or not values or max(values) == 0:
        return None
    scale = BAR_AREA / max(values)
    n_series = len(table.columns)
    group_height = n_series * ROW_HEIGHT + 2 * BAR_GAP
    bars, labels = [], []
    for i, row in enumerate(shown.rows):
        top = i * group_height + BAR_GAP
        labels.append(Label(row.label, top + (n_series * ROW_HEIGHT) // 2 + 5))
        for j, (value, text) in enumerate(zip(row.values, row.cells, strict=True)):
            y = top + j * ROW_HEIGHT
            width = round((value or 0) * scale)
            bars.append(
                Bar(
                    x=LABEL_WIDTH,
                    y=y + 2,
                    width=width,
                    height=ROW_HEIGHT - 4,
                    series=j,
                    text=text,
                    text_x=LABEL_WIDTH + width + 4,
                    text_y=y + ROW_HEIGHT - 6,
                )
            )
    desc = "; ".join(
        f"{row.label}: " + ", ".join(f"{col} {cell}" for col, cell in zip(table.columns, row.cells, strict=True))
        for row in shown.rows
    )
    return Chart(
        key=table.key,
        title=f"Diagram: {table.title}",
        desc=desc,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=len(shown.rows) * group_height + BAR_GAP,
        label_width=LABEL_WIDTH - 8,
        bars=bars,
        labels=labels,
        legend=list(enumerate(table.columns)) if n_series > 1 else [],
    )
