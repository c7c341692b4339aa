"""Small counts hidden, and no total that gives them back."""

from __future__ import annotations

from reports.suppression import share, suppress


def test_counts_below_the_threshold_are_hidden_and_a_second_cell_with_them() -> None:
    # 3 is hidden; alone in its column, the total 22 would give it back, so the smallest other (7) goes too
    shown = suppress([[7], [3], [12]], limit=5)
    assert [row[0] for row in shown.cells] == [None, None, 12]
    assert shown.total == 22


def test_zero_is_shown_and_a_lone_hidden_cell_hides_the_total() -> None:
    shown = suppress([[0], [2]], limit=5)
    assert [row[0] for row in shown.cells] == [0, None]
    assert shown.total is None


def test_two_way_table_hides_along_rows_and_columns() -> None:
    # 2 hidden -> row 0 hides 6 -> column 1 hides 8 -> row 1 hides 5; the margins stay
    shown = suppress([[6, 2], [5, 8]], limit=5)
    assert shown.cells == [[None, None], [None, None]]
    assert shown.row_totals == [8, 13]
    assert shown.col_totals == [11, 10]
    assert shown.total == 21


def test_nothing_hidden_when_every_count_is_large_enough() -> None:
    shown = suppress([[5, 9], [6, 0]], limit=5)
    assert shown.cells == [[5, 9], [6, 0]]
    assert shown.total == 20


def test_threshold_is_configurable() -> None:
    assert suppress([[9], [12]], limit=10).cells == [[None], [None]]
    assert suppress([[9], [12]], limit=5).cells == [[9], [12]]


def test_share_needs_a_large_enough_base() -> None:
    assert share(2, 4, limit=5) is None
    assert share(1, 8, limit=5) == 12.5
