"""Server-rendered SVG bar charts, drawn from a shown table (so hidden counts draw no bar).

Each chart is an <svg role="img"> with <title> and <desc>, and the page puts the same numbers in a
table beside it: the chart is for looking, the table for reading and for screen readers.

The markup is written here (`Chart.html`), not in a template: Statistik for all teams draws ~700
bars and ~1,100 labels, and through the template engine each coordinate was a variable lookup and a
localisation, about a third of the page's rendering (docs/performance.md, "Round nine"). Everything
a user or an administrator named (team, municipality and kind names, table titles) goes through
`escape`; the numbers are the module's own integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from reports.presentation import ShownTable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LABEL_CHARACTERS = 34  # a longer row label is cut with "…" (the table beside the chart has it whole)
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

    def html(self) -> SafeString:
        """The chart as a `<figure>`: the SVG, and a legend when there is more than one series."""
        key = escape(self.key)
        parts = [
            '<figure class="chart">\n<svg role="img" '
            f'aria-labelledby="chart-{key}-title chart-{key}-desc" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" xmlns="http://www.w3.org/2000/svg">\n'
            f'  <title id="chart-{key}-title">{escape(self.title)}</title>\n'
            f'  <desc id="chart-{key}-desc">{escape(self.desc)}</desc>\n  '
        ]
        parts += [
            f'<text class="chart-label" x="{self.label_width}" y="{label.y}" text-anchor="end">'
            f"{escape(Truncator(str(label.text)).chars(LABEL_CHARACTERS))}</text>"
            for label in self.labels
        ]
        parts.append("\n  ")
        parts += [
            f'<rect class="chart-bar chart-series-{bar.series}" x="{bar.x}" y="{bar.y}" width="{bar.width}" '
            f'height="{bar.height}"></rect><text class="chart-value" x="{bar.text_x}" y="{bar.text_y}">'
            f"{escape(bar.text)}</text>"
            for bar in self.bars
        ]
        parts.append("\n</svg>\n")
        if self.legend:
            items = "".join(
                f'<li><span class="chart-swatch chart-series-{series}" aria-hidden="true"></span>{escape(label)}</li>'
                for series, label in self.legend
            )
            parts.append(f'<figcaption><ul class="chart-legend">{items}</ul></figcaption>\n')
        parts.append("</figure>")
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped, the numbers are ints


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
