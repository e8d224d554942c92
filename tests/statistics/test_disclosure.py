"""The exact parts of disclosure control as pure functions, each expectation worked out by hand:
what is small, which hidden entries equations give away, and percentiles of durations."""

from __future__ import annotations

import pytest

from app.statistics.disclosure import bucket_floor, is_small, percentiles, recoverable

K = 10


@pytest.mark.parametrize(
    ("count", "small"),
    [(0, False), (1, True), (9, True), (10, False), (11, False), (-1, False)],
)
def test_small_means_one_to_k_minus_one(count: int, small: bool) -> None:
    assert is_small(count, K) is small


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
