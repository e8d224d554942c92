"""Disclosure control as pure functions, each expectation worked out by hand.

The HTTP tests in test_statistics.py check that published tables are safe; these pin down which
entries get hidden and why, so that hiding too much (over-suppression) fails as surely as hiding
too little.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.statistics.disclosure import (
    bucket_floor,
    is_small,
    percentiles,
    recoverable,
    suppress,
)

K = 10


def one_row(**cells: int) -> tuple[dict[str, int], list[list[str]]]:
    """A single row of cells and its total `t` (the only equation)."""
    values = {**cells, "t": sum(cells.values())}
    return values, [[*cells, "t"]]


@pytest.mark.parametrize(
    ("count", "small"),
    [(0, False), (1, True), (9, True), (10, False), (11, False), (-1, False)],
)
def test_small_means_one_to_k_minus_one(count: int, small: bool) -> None:
    assert is_small(count, K) is small


def test_nothing_small_hides_nothing() -> None:
    values, equations = one_row(a=12, b=0, c=40)
    result = suppress(values, equations, K)
    assert (result.primary, result.secondary) == (set(), set())


def test_a_lone_small_cell_takes_the_smallest_shown_positive_entry_with_it() -> None:
    # 3 alone would be 55 - 12 - 40: the cheapest cover is 12 (not 40, not the zero, not the total).
    values, equations = one_row(a=12, b=3, c=40, z=0)
    result = suppress(values, equations, K)
    assert result.primary == {"b"}
    assert result.secondary == {"a"}
    assert result.hidden == {"a", "b"}


def test_ties_between_equal_covers_are_broken_by_key() -> None:
    values, equations = one_row(b=12, a=12, c=3)
    assert suppress(values, equations, K).secondary == {"a"}


def test_two_small_cells_whose_sum_reaches_k_need_no_cover() -> None:
    # 4 + 6 = 10 is all a reader can work out: each could be anything from 1 to 9.
    values, equations = one_row(a=4, b=6, c=40)
    result = suppress(values, equations, K)
    assert (result.primary, result.secondary) == ({"a", "b"}, set())


def test_a_hidden_pair_whose_sum_is_below_k_is_covered() -> None:
    # 1 and 2 hidden, 50 shown: the pair sums to 53 - 50 = 3, so each is 1 or 2. Hiding 50 too
    # leaves a reader the sum 53 of three unknowns.
    values, equations = one_row(a=1, b=2, c=50, d=70)
    result = suppress(values, equations, K)
    assert result.primary == {"a", "b"}
    assert result.secondary == {"c"}


def test_a_hidden_pair_next_to_the_total_is_covered_too() -> None:
    # The same, with the small cells last in the row (next to its total).
    values, equations = one_row(c=50, a=1, b=2)
    result = suppress(values, equations, K)
    assert (result.primary, result.secondary) == ({"a", "b"}, {"c"})


def test_a_pair_below_k_under_a_hidden_total_is_left_alone() -> None:
    # Three cells below k in a row whose total (5+2+1 = 8) is itself below k: nothing shown
    # bounds the pair, and no cell larger than needed is hidden.
    values, equations = one_row(a=5, b=2, c=1)
    result = suppress(values, equations, K)
    assert result.primary == {"a", "b", "c", "t"}
    assert result.secondary == set()


def test_a_two_way_table_hides_the_smallest_rectangle_and_no_margin() -> None:
    #        x    y  | row
    #   p    3   20  |  23
    #   q   15   30  |  45
    #   col 18   50  |  68
    # 3 is small; its row gives it away unless 20 goes, its column unless 15 goes, and then the
    # second row gives 15 away unless 30 goes: the four cells, and no total.
    cells = {("p", "x"): 3, ("p", "y"): 20, ("q", "x"): 15, ("q", "y"): 30}
    values: dict[Any, int] = {
        **cells,
        ("p", "*"): 23,
        ("q", "*"): 45,
        ("*", "x"): 18,
        ("*", "y"): 50,
        ("*", "*"): 68,
    }
    equations = [
        [("p", "x"), ("p", "y"), ("p", "*")],
        [("q", "x"), ("q", "y"), ("q", "*")],
        [("p", "x"), ("q", "x"), ("*", "x")],
        [("p", "y"), ("q", "y"), ("*", "y")],
        [("p", "*"), ("q", "*"), ("*", "*")],
        [("*", "x"), ("*", "y"), ("*", "*")],
    ]
    result = suppress(values, equations, K)
    assert result.primary == {("p", "x")}
    assert result.secondary == {("p", "y"), ("q", "x"), ("q", "y")}


def test_an_audit_catches_what_the_row_by_row_pass_misses() -> None:
    # 5, 6 and 7 are small; each pair shares a row with one large shown cell and a shown total,
    # and each pair sums to k or more, so no row alone gives anything away. But the three rows
    # give a+b, b+c and a+c, hence all three (2a = (a+b) + (a+c) - (b+c)). Only the
    # linear-algebra audit sees it; the smallest shown entry around the first exposed key goes.
    values = {"a": 5, "b": 6, "c": 7, "x1": 20, "t1": 31, "x2": 30, "t2": 43, "x3": 40, "t3": 52}
    equations = [["a", "b", "x1", "t1"], ["b", "c", "x2", "t2"], ["a", "c", "x3", "t3"]]
    result = suppress(values, equations, K)
    assert result.primary == {"a", "b", "c"}
    assert result.secondary == {"x1"}


def test_a_cover_that_exposes_another_group_is_covered_in_turn_and_no_more() -> None:
    # s = 3 is small; its group's cheapest cover is u = 20, which leaves u alone in the first
    # group, so v = 30 goes too. Then s, u and v are tied by two equations only: nothing more.
    values = {"u": 20, "v": 30, "t0": 50, "s": 3, "t1": 23}
    equations = [["u", "v", "t0"], ["s", "u", "t1"]]
    result = suppress(values, equations, K)
    assert (result.primary, result.secondary) == ({"s"}, {"u", "v"})


def test_with_nothing_left_to_cover_an_exposed_entry_every_positive_entry_is_hidden() -> None:
    # a, b and c are exposed through three pairwise sums whose other entries are zeros, which
    # hiding cannot protect (zeros are facts): everything positive in the system goes.
    values = {"a": 5, "b": 6, "c": 7, "z": 0, "w": 50, "t": 57}
    equations = [["a", "b", "z"], ["b", "c", "z"], ["a", "c", "z"], ["c", "w", "t"]]
    result = suppress(values, equations, K)
    assert result.primary == {"a", "b", "c"}
    assert result.secondary == {"w", "t"}


@pytest.mark.parametrize(
    ("hidden", "equations", "exposed"),
    [
        # alone in a group: recovered
        ({"a"}, [["a", "b", "t"]], {"a"}),
        # two in one group: neither
        ({"a", "b"}, [["a", "b", "t"]], set()),
        # one of them alone elsewhere: both
        ({"a", "b"}, [["a", "b", "t"], ["a", "c"]], {"a", "b"}),
        # three pairwise sums: all three, only after eliminating through every row
        ({"a", "b", "c"}, [["a", "b"], ["b", "c"], ["a", "c"]], {"a", "b", "c"}),
        # the same system with its last equation first and keys out of order
        ({"c", "a", "b"}, [["c", "a"], ["b", "a"], ["c", "b"]], {"a", "b", "c"}),
        # a rectangle: four unknowns, rank three, none recovered
        (
            {"px", "py", "qx", "qy"},
            [["px", "py"], ["qx", "qy"], ["px", "qx"], ["py", "qy"]],
            set(),
        ),
        # a chain: a+b, b+c, c alone -> c, then b, then a
        ({"a", "b", "c"}, [["a", "b"], ["b", "c"], ["c", "x"]], {"a", "b", "c"}),
        # a later row reduces an earlier pivot's row to a unit vector (back-substitution)
        ({"a", "b", "c"}, [["a", "b", "c"], ["b", "c"]], {"a"}),
        ({"a", "b", "c"}, [["a", "b", "c"], ["a", "b"]], {"c"}),
        # a repeated equation adds nothing, and does not stop the ones after it counting
        ({"a", "b"}, [["a", "b"], ["a", "b"]], set()),
        ({"a", "b"}, [["a", "b"], ["a", "b"], ["a", "x"]], {"a", "b"}),
        # nothing hidden, nothing recovered
        (set(), [["a", "b"]], set()),
    ],
)
def test_recoverable_is_exactly_the_hidden_entries_the_equations_fix(
    hidden: set[str], equations: list[list[str]], exposed: set[str]
) -> None:
    assert recoverable(hidden, equations) == exposed


@pytest.mark.parametrize(
    ("bucket", "first_day"),
    [
        (1, 0),
        (2, 1),
        (31, 30),
        (32, 31),  # weeks from day 31
        (33, 38),
        (79, 360),
        (80, 366),  # 30-day spans from day 366
        (81, 396),
        (91, 696),
        (92, 726),  # the last bucket: 726 days and more
        (93, 726),
    ],
)
def test_bucket_floor_is_the_first_day_of_each_bucket(bucket: int, first_day: int) -> None:
    assert bucket_floor(bucket) == first_day


def test_percentiles_take_the_nearest_rank() -> None:
    # buckets 1..4 are days 0..3; five cases: two on day 1, three on day 3
    histogram = [0, 2, 0, 3]
    assert percentiles(histogram, [0.0, 0.4, 0.41, 0.5, 1.0]) == [1, 1, 3, 3, 3]


def test_percentiles_do_not_drift_past_a_whole_rank() -> None:
    # 0.28 * 25 is 7.000000000000001 in floating point: the 7th case (day 6), not the 8th.
    histogram = [1] * 25
    assert percentiles(histogram, [0.28, 0.56]) == [6, 13]


def test_percentiles_of_long_durations_use_the_bucket_start() -> None:
    histogram = [0] * 92
    histogram[40] = 1  # bucket 41: days 94-100
    histogram[91] = 1  # bucket 92: 726 days and more
    assert percentiles(histogram, [0.5, 0.9]) == [94, 726]


def test_one_case_is_every_percentile() -> None:
    assert percentiles([0, 0, 1], [0.5, 0.9]) == [2, 2]


@pytest.mark.parametrize("histogram", [[], [0, 0, 0]])
def test_percentiles_of_nothing_are_unknown(histogram: list[int]) -> None:
    assert percentiles(histogram, [0.5, 0.9]) == [None, None]
