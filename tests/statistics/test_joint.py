"""The joint disclosure check as a pure function, each expectation worked out by hand (the
reasoning is in the comments), so that hiding too much fails as surely as hiding too little.

The HTTP tests (test_releases.py, test_attacks.py) check that what is published is safe; these
pin down which cells get hidden and why.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from scipy.optimize import linprog

from app.statistics.joint import System, Unprotectable, protect

K = 10


def one_row(**cells: int) -> tuple[dict[str, int], System[str]]:
    """A single row of cells and its total `t` (the only equation)."""
    values = {**cells, "t": sum(cells.values())}
    return values, System([[*cells, "t"]])


def hidden_of(values: dict[Any, int], system: System[Any], **kw: Any) -> set[Any]:
    return protect(values, system, K, candidates=kw.pop("candidates", values), **kw).hidden


def test_nothing_small_hides_nothing() -> None:
    values, system = one_row(a=12, b=0, c=40)
    assert hidden_of(values, system) == set()


def test_a_lone_small_cell_takes_the_smallest_shown_positive_entry_with_it() -> None:
    # 3 alone would be 55 - 12 - 40: the cheapest cover is 12 (not 40, not the zero, not the
    # total). Then 3 lies anywhere in 0..15: wide enough.
    values, system = one_row(a=12, b=3, c=40, z=0)
    outcome = protect(values, system, K, candidates=values)
    assert outcome.hidden == {"a", "b"}
    assert outcome.primary == 1


def test_ties_between_equal_covers_are_broken_by_key() -> None:
    values, system = one_row(b=12, a=12, c=3)
    assert hidden_of(values, system) == {"a", "c"}


def test_two_small_cells_whose_sum_reaches_k_need_no_cover() -> None:
    # 4 + 6 = 10 is all a reader can work out: each lies in 0..10.
    values, system = one_row(a=4, b=6, c=40)
    assert hidden_of(values, system) == {"a", "b"}


def test_a_hidden_pair_whose_sum_is_below_k_is_covered() -> None:
    # 1 and 2 hidden, 50 and 70 shown: the pair sums to 3, so each is 0..3. Hiding 50 too leaves
    # a reader the sum 53 of three unknowns.
    values, system = one_row(a=1, b=2, c=50, d=70)
    assert hidden_of(values, system) == {"a", "b", "c"}


def test_a_hidden_pair_next_to_the_total_is_covered_by_a_cell_not_the_total() -> None:
    values, system = one_row(c=50, a=1, b=2)
    assert hidden_of(values, system) == {"a", "b", "c"}


def test_a_row_of_small_counts_under_a_small_total_hides_only_those() -> None:
    values, system = one_row(a=5, b=2, c=1)
    assert hidden_of(values, system) == {"a", "b", "c", "t"}


def test_a_two_way_table_hides_the_smallest_rectangle_and_no_margin() -> None:
    #        x    y  | row
    #   p    3   20  |  23
    #   q   15   30  |  45
    #   col 18   50  |  68
    # 3 is small; its row gives it away unless 20 goes (20 < 23), its column unless 15 goes
    # (15 < 18); then 15 stands alone in its row unless 30 goes. 3 then lies in 0..18.
    values = {
        ("p", "x"): 3,
        ("p", "y"): 20,
        ("q", "x"): 15,
        ("q", "y"): 30,
        ("p", "*"): 23,
        ("q", "*"): 45,
        ("*", "x"): 18,
        ("*", "y"): 50,
        ("*", "*"): 68,
    }
    system = System(
        [
            [("p", "x"), ("p", "y"), ("p", "*")],
            [("q", "x"), ("q", "y"), ("q", "*")],
            [("p", "x"), ("q", "x"), ("*", "x")],
            [("p", "y"), ("q", "y"), ("*", "y")],
            [("p", "*"), ("q", "*"), ("*", "*")],
            [("*", "x"), ("*", "y"), ("*", "*")],
        ]
    )
    assert hidden_of(values, system) == {("p", "x"), ("p", "y"), ("q", "x"), ("q", "y")}


def test_the_exact_audit_catches_what_row_by_row_checks_miss() -> None:
    # 5, 6 and 7 are small; each pair shares a row with a large shown cell and a shown total and
    # sums to k or more, so no row alone gives anything away. But the rows give a+b = 11,
    # b+c = 13 and a+c = 12, hence all three. The cheapest cell next to `a` goes (20); then
    # c lies in 0..12, a in 0..12, b in 1..13.
    values = {"a": 5, "b": 6, "c": 7, "x1": 20, "t1": 31, "x2": 30, "t2": 43, "x3": 40, "t3": 52}
    system = System([["a", "b", "x1", "t1"], ["b", "c", "x2", "t2"], ["a", "c", "x3", "t3"]])
    assert hidden_of(values, system) == {"a", "b", "c", "x1"}


def test_a_cover_that_exposes_another_group_is_covered_in_turn_and_no_more() -> None:
    # s = 3 is small; its group's cheapest cover is u = 20, which leaves u alone in the first
    # group, so v = 30 goes too. Then s lies in 0..23.
    values = {"u": 20, "v": 30, "t0": 50, "s": 3, "t1": 23}
    system = System([["u", "v", "t0"], ["s", "u", "t1"]])
    assert hidden_of(values, system) == {"s", "u", "v"}


def test_bounds_narrower_than_k_are_widened_though_nothing_is_exact() -> None:
    # a = 3, b = 12 with a + b = 15 shown; a + e = 10 shown, e = 7; and b is at most 12 (a
    # count under a margin of 12, as a right's count is under its group's). Hiding a, e and
    # b's cover leaves nothing exact, but b <= 12 gives a >= 3 and e >= 0 gives a <= 10: a lies
    # in 3..10, 7 apart. Hiding the total 10 (the cheapest next to a) widens it to 3..15.
    values = {"a": 3, "b": 12, "T": 15, "e": 7, "F": 10, "M": 12}
    system = System([["a", "b", "T"], ["a", "e", "F"]], bounded=[("b", "M")])
    outcome = protect(values, system, K, candidates=values)
    assert outcome.hidden == {"a", "b", "e", "F"}
    assert outcome.linear_programs > 0


def test_a_small_groups_breakdown_is_hidden_zeros_included() -> None:
    # g = 3 is a group's total (small), broken down into 3, 0, 0; g sits beside h = 40 under
    # T = 43. The breakdown is hidden whole; g needs a cover in its row: h.
    values = {"g1": 3, "g2": 0, "g3": 0, "g": 3, "h": 40, "T": 43}
    system = System([["g1", "g2", "g3", "g"], ["g", "h", "T"]])
    outcome = protect(values, system, K, candidates=values, must_hide={"g1", "g2", "g3"})
    assert outcome.hidden == {"g1", "g2", "g3", "g", "h"}


def test_cells_published_before_stay_as_they_were() -> None:
    # Two months released: m1 = 3 (hidden then), m2 = 20 (shown then). The quarter's total
    # 23 would give m1 away; the month's cells cannot be taken back, so the quarter's goes.
    values = {"m1": 3, "m2": 20, "q": 23}
    system = System([["m1", "m2", "q"]])
    outcome = protect(values, system, K, candidates={"q"}, hidden_before={"m1"})
    assert outcome.hidden == {"q"}
    assert outcome.primary == 0


def test_a_release_that_cannot_be_made_safe_is_refused() -> None:
    # m1 was hidden, m2 and the quarter q shown: m1 is exact from them alone, and the new
    # release (the year, y = q) has no cell that could help: nothing is published.
    values = {"m1": 3, "m2": 20, "q": 23, "y": 23}
    system = System([["m1", "m2", "q"], ["q", "y"]])
    with pytest.raises(Unprotectable):
        protect(values, system, K, candidates={"y"}, hidden_before={"m1"})


# An attacker's bounds, computed here independently of app.statistics.joint: every hidden
# value is an unknown >= 0; every equation holds; shown values are constants.


def attacker_bounds(
    values: dict[Any, int], system: System[Any], hidden: set[Any], key: Any
) -> tuple[float, float]:
    unknown = sorted(hidden, key=repr)
    column = {k: i for i, k in enumerate(unknown)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for group in system.equations:
        row = [0.0] * len(unknown)
        rhs = 0.0
        for i, cell in enumerate(group):
            sign = -1.0 if i == len(group) - 1 else 1.0
            if cell in column:
                row[column[cell]] += sign
            else:
                rhs -= sign * values[cell]
        if any(row):
            a_eq.append(row)
            b_eq.append(rhs)
    for cell, margin in system.bounded:
        row = [0.0] * len(unknown)
        rhs = 0.0
        for c, sign in ((cell, 1.0), (margin, -1.0)):
            if c in column:
                row[column[c]] += sign
            else:
                rhs -= sign * values[c]
        if any(row):
            a_ub.append(row)
            b_ub.append(rhs)
    out = []
    for direction in (1.0, -1.0):
        c = [0.0] * len(unknown)
        c[column[key]] = direction
        result = linprog(
            c,
            A_eq=a_eq or None,
            b_eq=b_eq or None,
            A_ub=a_ub or None,
            b_ub=b_ub or None,
            bounds=(0, None),
            method="highs",
        )
        out.append(float("inf") if result.status == 3 else direction * result.fun)
    return out[0], out[1]


@pytest.mark.parametrize("seed", range(30))
def test_random_linked_tables_leave_every_small_count_at_least_k_wide(seed: int) -> None:
    """Random two-way tables per track with an all-tracks table, many small cells: after the
    check, every shown count is 0 or >= k, and the attacker's bounds on each hidden small count
    (solved here, independently) are at least k apart."""
    rng = random.Random(seed)
    rows, cols = rng.randint(1, 5), rng.randint(1, 4)
    values: dict[Any, int] = {}
    for track in ("o", "a"):
        for r in range(rows):
            for c in range(cols):
                values[(track, r, c)] = rng.choice([0, 0, 1, 2, 3, 5, 9, 10, 12, 15, 40, 80])
    for r in range(rows):
        for c in range(cols):
            values[("*", r, c)] = values[("o", r, c)] + values[("a", r, c)]
    for track in ("o", "a", "*"):
        for r in range(rows):
            values[(track, r, "*")] = sum(values[(track, r, c)] for c in range(cols))
        for c in range(cols):
            values[(track, "*", c)] = sum(values[(track, r, c)] for r in range(rows))
        values[(track, "*", "*")] = sum(values[(track, r, "*")] for r in range(rows))
    equations = []
    for track in ("o", "a", "*"):
        for r in [*range(rows), "*"]:
            equations.append([*((track, r, c) for c in range(cols)), (track, r, "*")])
        for c in [*range(cols), "*"]:
            equations.append([*((track, r, c) for r in range(rows)), (track, "*", c)])
    for r in [*range(rows), "*"]:
        for c in [*range(cols), "*"]:
            equations.append([("o", r, c), ("a", r, c), ("*", r, c)])
    system = System(equations)
    hidden = hidden_of(values, system)
    for key, value in values.items():
        assert key in hidden or value == 0 or value >= K, (key, value)
    for key in hidden:
        if 0 < values[key] < K:
            low, high = attacker_bounds(values, system, hidden, key)
            assert high - low >= K - 1e-6, (key, values[key], low, high)
