"""Small counts in what leaves the team: 1 to threshold-1 shows as "<5", and no total recovers them.

Method (docs/decisions/0011-statistics-and-small-counts.md, 0025-suppression-marks.md):

- *Primary* suppression hides every count from 1 to threshold-1 (cells and totals alike). It shows
  as "<5": the reader may rely on the value being 1 to 4.
- *Secondary* suppression hides further entries so that no primary value can be worked out from
  the totals that are shown. It shows as a different mark ("x", explained in a footnote under every
  table that has one): such an entry is not small, it is hidden to protect another one. Showing it
  as "<5" too made tables contradict their own totals ("<5", "<5", Summa 21).

The secondary entries are chosen in two steps, repeated until nothing changes:

1. every line of the table (each row with its row total, each column with its column total, the
   totals row and the totals column) must have no hidden entry or at least two; a line with exactly
   one gets its smallest other non-zero entry hidden;
2. a reader who knows the marks' ranges ("<5" is 1..4; "x" is at least 1, since zeros are shown) and
   every shown number must still be unable to pin down any hidden entry. That is checked exactly
   (`pinned`, below); a pinned entry gets the smallest non-zero shown entry of its row or column
   hidden too. When nothing is left to hide there (a table of small counts only, e.g. "<3" + "<3" =
   "<3" can only be 1 + 1 = 2), a small total on its lines is marked "x" instead of "<5": the mark
   claims no range, so it can no longer pin the others.

Zeros are shown: a zero reveals nothing about a person.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from django.conf import settings

HIDDEN = None  # a hidden entry in the matrix of shown values
PRIMARY = "primary"
SECONDARY = "secondary"
SECONDARY_MARK = "x"
INFINITY = 10**12


def threshold() -> int:
    return settings.IST_SMALL_COUNT_THRESHOLD


def label(limit: int | None = None) -> str:
    return f"<{limit or threshold()}"


def footnote(limit: int | None = None, *, secondary: bool = True) -> str:
    """The explanation printed under every table with a hidden entry (the "x" part where it has one)."""
    limit = limit or threshold()
    small = f"{label(limit)} = 1–{limit - 1} (litet antal, dolt)."
    if not secondary:
        return small
    return f"{small} {SECONDARY_MARK} = dolt för att ett antal under {limit} inte ska kunna räknas fram ur summorna."


@dataclass
class Shown:
    """The values of a table as they may be shown: None where hidden.

    `kinds` is the full grid (cells, a last column of row totals, a last row of column totals and the
    grand total) with "" where shown, PRIMARY or SECONDARY where hidden."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    total: int | None
    kinds: list[list[str]] = field(default_factory=list)

    def cell_kind(self, row: int, column: int) -> str:
        return self.kinds[row][column] if self.kinds else ""

    def row_total_kind(self, row: int) -> str:
        return self.kinds[row][-1] if self.kinds else ""

    def col_total_kind(self, column: int) -> str:
        return self.kinds[-1][column] if self.kinds else ""

    @property
    def total_kind(self) -> str:
        return self.kinds[-1][-1] if self.kinds else ""

    @property
    def has_secondary(self) -> bool:
        return any(SECONDARY in row for row in self.kinds)

    @property
    def has_hidden(self) -> bool:
        return any(kind for row in self.kinds for kind in row)


def _lines(n_rows: int, n_cols: int) -> list[list[tuple[int, int]]]:
    """Rows and columns of the full grid (each with its total as the last entry)."""
    rows = [[(r, c) for c in range(n_cols + 1)] for r in range(n_rows + 1)]
    cols = [[(r, c) for r in range(n_rows + 1)] for c in range(n_cols + 1)]
    return rows + cols


def bounds(kind: str, limit: int) -> tuple[int, int]:
    """What a reader knows about an entry from its mark: "<5" is 1..4; "x" is hidden, not zero."""
    return (1, limit - 1) if kind == PRIMARY else (1, INFINITY)


def pinned(
    grid: list[list[int]], kinds: list[list[str]], *, limit: int, first_only: bool = False
) -> list[tuple[int, int]]:
    """The hidden entries a reader can work out exactly from the shown entries and the marks.

    The full grid's equations (each row's cells add up to its total, each column's too, and the
    totals row and column to the grand total) become a flow on a bipartite graph of row lines and
    column lines once the totals get a minus sign: every line then sums to zero. A hidden entry is
    an edge; another table consistent with everything shown differs by a circulation, which splits
    into simple cycles that each stay within the marks' bounds. So an entry can take another value
    exactly when a cycle through it exists in the residual graph (moving one step along the cycle).
    Exact, not a heuristic; a breadth-first search per hidden entry."""
    n_rows, n_cols = len(grid) - 1, len(grid[0]) - 1
    hidden = [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1) if kinds[r][c]]
    # Residual arcs: ("r", r) -> ("c", c) means entry (r, c) may move by +sign, and back by -sign.
    arcs: dict[tuple[str, int], list[tuple[tuple[str, int], tuple[int, int]]]] = {}
    for r, c in hidden:
        sign = (1 if r < n_rows else -1) * (1 if c < n_cols else -1)
        low, high = bounds(kinds[r][c], limit)
        value = grid[r][c]
        row_node, col_node = ("r", r), ("c", c)
        if low <= value + sign <= high:
            arcs.setdefault(row_node, []).append((col_node, (r, c)))
        if low <= value - sign <= high:
            arcs.setdefault(col_node, []).append((row_node, (r, c)))

    def reaches(start: tuple[str, int], goal: tuple[str, int], without: tuple[int, int]) -> bool:
        seen, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            if node == goal:
                return True
            for nxt, entry in arcs.get(node, []):
                if entry != without and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return False

    result = []
    for r, c in hidden:
        row_node, col_node = ("r", r), ("c", c)
        up = any(entry == (r, c) for _n, entry in arcs.get(row_node, [])) and reaches(col_node, row_node, (r, c))
        down = any(entry == (r, c) for _n, entry in arcs.get(col_node, [])) and reaches(row_node, col_node, (r, c))
        if not (up or down):
            result.append((r, c))
            if first_only:
                break
    return result


def suppress(cells: list[list[int]], *, limit: int | None = None, totals: bool = True) -> Shown:
    """Primary and secondary suppression of a count table with its row, column and grand totals.

    With `totals=False` (a table whose rows do not add up, so no totals are shown) only the primary
    suppression applies: there is no total to subtract from."""
    limit = limit or threshold()
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    row_totals = [sum(row) for row in cells]
    col_totals = [sum(cells[r][c] for r in range(n_rows)) for c in range(n_cols)]
    total = sum(row_totals)
    # The full grid: cells, a last column of row totals, a last row of column totals and the grand total.
    grid = [[*cells[r], row_totals[r]] for r in range(n_rows)] + [[*col_totals, total]]
    kinds = [[PRIMARY if 0 < value < limit else "" for value in row] for row in grid]

    def hide_smallest(entries: list[tuple[int, int]]) -> bool:
        candidates = [(grid[r][c], (r, c)) for r, c in entries if not kinds[r][c] and grid[r][c] > 0]
        if not candidates:
            return False
        _, (r, c) = min(candidates)
        kinds[r][c] = SECONDARY
        return True

    def unbound_a_total(entries: list[tuple[int, int]]) -> bool:
        """Mark a small total "x" (it then claims no range): one on these lines, else the largest
        anywhere, else a small cell on these lines."""
        everywhere = [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1)]
        for pool, totals_only in ((entries, True), (everywhere, True), (entries, False)):
            candidates = [
                (grid[r][c], (r, c))
                for r, c in pool
                if kinds[r][c] == PRIMARY and (not totals_only or r == n_rows or c == n_cols)
            ]
            if candidates:
                _, (r, c) = max(candidates)
                kinds[r][c] = SECONDARY
                return True
        return False

    def fix_on_lines(stuck: list[tuple[int, int]]) -> bool:
        for r, c in stuck:
            row = [(r, j) for j in range(n_cols + 1)]
            col = [(i, c) for i in range(n_rows + 1)]
            if hide_smallest(row + col) or unbound_a_total(row + col):
                return True
        return False

    changed = totals
    while changed:
        changed = False
        for line in _lines(n_rows, n_cols):
            if sum(bool(kinds[r][c]) for r, c in line) == 1:
                changed |= hide_smallest(line)
        if changed:
            continue

        # The first pinned entry is usually fixed on its own lines; only when not, look at them all.
        stuck = pinned(grid, kinds, limit=limit, first_only=True)
        changed = bool(stuck) and fix_on_lines(stuck)
        if stuck and not changed:
            stuck = pinned(grid, kinds, limit=limit)
            changed = fix_on_lines(stuck)
        if stuck and not changed:
            # Pinned through a total elsewhere (zeros shown make every "x" at least 1, so a shown
            # grand total can still bound them): hide the smallest shown entry anywhere, else mark any
            # small entry "x". Once all is hidden and marked "x", nothing is pinned (every entry can
            # grow by one along a cycle through its row's and column's totals).
            everywhere = [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1)]
            changed = hide_smallest(everywhere) or unbound_a_total(everywhere)
    shown = [[None if kinds[r][c] else grid[r][c] for c in range(n_cols + 1)] for r in range(n_rows + 1)]
    return Shown(
        cells=[row[:n_cols] for row in shown[:n_rows]],
        row_totals=[row[n_cols] for row in shown[:n_rows]],
        col_totals=shown[n_rows][:n_cols],
        total=shown[n_rows][n_cols],
        kinds=kinds,
    )


def share(numerator: int, denominator: int, *, limit: int | None = None) -> float | None:
    """A share in percent, or None when the denominator is too small to publish (it would show a person)."""
    limit = limit or threshold()
    if denominator == 0 or denominator < limit:
        return None
    return round(100 * numerator / denominator, 1)
