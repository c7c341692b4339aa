"""Small counts in what leaves the team: 1 to threshold-1 shows as "<5", and no total recovers them.

Method (docs/decisions/0011-statistics-and-small-counts.md): primary suppression hides every
count from 1 to threshold-1. Secondary suppression then looks at every line of a table (each row
with its row total, each column with its column total): a line with exactly one hidden entry would
let a reader subtract the others from the total, so the smallest other non-zero entry of that line
(a cell, or the total when there is none) is hidden too. Repeated until no line has exactly one
hidden entry. Zeros are shown: a zero reveals nothing about a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

HIDDEN = None  # a hidden entry in the matrix of shown values


def threshold() -> int:
    return settings.IST_SMALL_COUNT_THRESHOLD


def label(limit: int | None = None) -> str:
    return f"<{limit or threshold()}"


@dataclass
class Shown:
    """The values of a table as they may be shown: None where hidden."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    total: int | None


def suppress(cells: list[list[int]], *, limit: int | None = None) -> Shown:
    """Primary and secondary suppression of a count table with its row, column and grand totals."""
    limit = limit or threshold()
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    row_totals = [sum(row) for row in cells]
    col_totals = [sum(cells[r][c] for r in range(n_rows)) for c in range(n_cols)]
    total = sum(row_totals)
    # The full grid: cells, a last column of row totals, a last row of column totals and the grand total.
    grid = [[*cells[r], row_totals[r]] for r in range(n_rows)] + [[*col_totals, total]]
    hidden = [[0 < value < limit for value in row] for row in grid]

    def lines() -> list[list[tuple[int, int]]]:
        rows = [[(r, c) for c in range(n_cols + 1)] for r in range(n_rows + 1)]
        cols = [[(r, c) for r in range(n_rows + 1)] for c in range(n_cols + 1)]
        return rows + cols

    changed = True
    while changed:
        changed = False
        for line in lines():
            if sum(hidden[r][c] for r, c in line) != 1:
                continue
            candidates = [(grid[r][c], (r, c)) for r, c in line if not hidden[r][c] and grid[r][c] > 0]
            if candidates:
                _, (r, c) = min(candidates)
                hidden[r][c] = True
                changed = True
    shown = [[None if hidden[r][c] else grid[r][c] for c in range(n_cols + 1)] for r in range(n_rows + 1)]
    return Shown(
        cells=[row[:n_cols] for row in shown[:n_rows]],
        row_totals=[row[n_cols] for row in shown[:n_rows]],
        col_totals=shown[n_rows][:n_cols],
        total=shown[n_rows][n_cols],
    )


def share(numerator: int, denominator: int, *, limit: int | None = None) -> float | None:
    """A share in percent, or None when the denominator is too small to publish (it would show a person)."""
    limit = limit or threshold()
    if denominator == 0 or denominator < limit:
        return None
    return round(100 * numerator / denominator, 1)
