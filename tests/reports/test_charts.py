"""Statistik's bar charts as markup (reports/charts.py): what they draw, what they hide, what they escape."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from reports.charts import LABEL_CHARACTERS, bar_chart
from reports.presentation import show_table
from reports.statistics import Table


def _table(rows: list[tuple[str, list[int]]], columns: Sequence[str] = ("Antal",)) -> Table:
    return Table(key="kommun", title="Deltagare per <kommun>", row_heading="Kommun", columns=list(columns), rows=rows)


def test_one_bar_per_cell_with_its_count_and_the_figure_named_by_title_and_description() -> None:
    chart = bar_chart(show_table(_table([("Halmstad", [12]), ("Varberg", [30])]), suppress=False))
    assert chart is not None
    html = chart.html()
    assert html.startswith('<figure class="chart">')
    assert html.endswith("</figure>")
    assert 'role="img" aria-labelledby="chart-kommun-title chart-kommun-desc"' in html
    assert '<title id="chart-kommun-title">Diagram: Deltagare per &lt;kommun&gt;</title>' in html
    assert '<desc id="chart-kommun-desc">Halmstad: Antal 12; Varberg: Antal 30</desc>' in html
    assert re.findall(r'<text class="chart-value"[^>]*>([^<]*)</text>', html) == ["12", "30"]
    widths = [int(w) for w in re.findall(r'<rect [^>]*width="(\d+)"', html)]
    assert widths[1] > widths[0] > 0  # the larger count draws the longer bar
    assert "<figcaption>" not in html  # one series: no legend


def test_hidden_small_counts_draw_no_bar_and_show_their_mark() -> None:
    shown = show_table(
        _table([("Halmstad", [2]), ("Varberg", [30]), ("Falkenberg", [41]), ("Laholm", [55])]), suppress=True
    )
    chart = bar_chart(shown)
    assert chart is not None
    html = chart.html()
    values = [row.values[0] for row in shown.rows]
    assert values[0] is None
    assert any(v is not None for v in values)
    texts = re.findall(r'<text class="chart-value"[^>]*>([^<]*)</text>', html)
    for bar, row, text in zip(chart.bars, shown.rows, texts, strict=True):
        assert text == escape(row.cells[0])  # "<5" is written "&lt;5"
        assert (bar.width == 0) == (row.values[0] is None)
    assert "2" not in texts


def test_labels_are_escaped_and_long_ones_cut_with_an_ellipsis() -> None:
    long_name = "Ett mycket långt kommunnamn <b>med</b> taggar i"
    chart = bar_chart(show_table(_table([(long_name, [5]), ("Laholm", [7])], ["Kvinnor"]), suppress=False))
    assert chart is not None
    labels = re.findall(r'<text class="chart-label"[^>]*>([^<]*)</text>', chart.html())
    assert labels[1] == "Laholm"
    assert labels[0].endswith("…")
    assert "<b>" not in labels[0]
    assert "&lt;b&gt;" in labels[0]
    assert len(labels[0].replace("&lt;", "<").replace("&gt;", ">")) == LABEL_CHARACTERS


def test_several_series_have_a_legend() -> None:
    chart = bar_chart(show_table(_table([("Halmstad", [5, 6])], ["Kvinnor", "Män & andra"]), suppress=False))
    assert chart is not None
    html = chart.html()
    assert html.count("<rect ") == 2
    assert '<span class="chart-swatch chart-series-1" aria-hidden="true"></span>Män &amp; andra</li>' in html


def test_nothing_to_draw_is_no_chart() -> None:
    assert bar_chart(show_table(_table([("Halmstad", [0])]), suppress=False)) is None
