"""The joint disclosure check of a release: pure functions, no I/O.

Everything a release publishes is a count (a cell); shares, indicators and the annual report are
views of those counts. Cells are tied by additive equations (tracks sum to all tracks, the values
of a single-valued dimension to their margin, months to their quarter, quarters to their year)
and, for dimensions a complaint can take several values of (rights, grounds), by inequalities
(a cell is at most its margin). An attacker knows every cell published in the same year, in this
release and in every release before it.

The check hides cells of the new release until:
- no count from 1 to k-1 is shown;
- no group whose total is from 1 to k-1 shows any of its breakdown, zeros included (`must_hide`);
- no hidden count can be worked out exactly (the linear-algebra audit of `disclosure`);
- the attacker's best bounds on every hidden count from 1 to k-1, by linear programming over
  everything published (HiGHS through SciPy), are at least k apart.
Cells published before are fixed: shown ones stay known, hidden ones stay hidden. The system is
split into the parts whose hidden cells share no equation (published cells are constants, so
tables tied only through shown totals are independent) and each part is solved on its own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

from app.statistics.disclosure import recoverable

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class System(Generic[Key]):
    """The ties between cells: `equations` are (parts..., total) groups whose parts sum to the
    total; `bounded` are (cell, margin) pairs where the cell is at most the margin."""

    equations: Sequence[Sequence[Key]]
    bounded: Sequence[tuple[Key, Key]] = ()


@dataclass
class Outcome(Generic[Key]):
    hidden: set[Key] = field(default_factory=set)  # cells of the new release not shown
    primary: int = 0  # of them, counts from 1 to k-1
    linear_programs: int = 0  # bounds computed (two per audited cell and pass)
    parts: int = 0  # independent parts of the system audited


def protect(
    truth: Mapping[Key, int],
    system: System[Key],
    k: int,
    *,
    candidates: Iterable[Key],
    hidden_before: Iterable[Key] = (),
    must_hide: Iterable[Key] = (),
) -> Outcome[Key]:
    """Which of `candidates` to hide. `truth` holds the exact value of every cell of the system
    that exists (a cell of the system missing from it was never published: unknown to anyone)."""
    release = set(candidates)
    old_hidden = set(hidden_before)
    equations = [list(group) for group in system.equations]
    absent = _absent(truth, equations)
    # Cells of this release that what was published before fixes already (a year's total when
    # its quarters' totals are shown): hiding them protects nothing, so they are no cover.
    given = recoverable(release | old_hidden | absent, equations) & release
    new = release - given
    primary = {key for key in release if 0 < truth[key] < k}
    attribute = set(must_hide) & release
    hidden = old_hidden | primary | attribute
    # What must not be worked out exactly: the small counts, of this release and earlier ones
    # (a small group's breakdown holds only small counts and zeros). A cell hidden only to
    # protect others may be, and so may a hidden zero that published zeros imply. What earlier
    # releases fix alone is not this release's to protect (and cannot be: it is out).
    sensitive = {key for key in hidden if 0 < truth.get(key, 0) < k} - given
    outcome: Outcome[Key] = Outcome(primary=len(primary))
    links = Links(equations, system.bounded)
    ties = Links(equations)
    while True:
        hidden |= _close(truth, equations, hidden, new, k, sensitive)
        exact = recoverable(hidden | absent, equations) & sensitive
        if exact:
            # One at a time: hiding one cell often protects the others of its equations too.
            extra = next(
                (
                    e
                    for key in sorted(exact, key=repr)
                    if (e := ties.cover(truth, key, hidden | absent, new))
                ),
                None,
            )
            if extra is None:
                raise Unprotectable(
                    f"{len(exact)} hidden cells follow exactly from others, e.g. "
                    f"{sorted(exact, key=repr)[:3]}"
                )
            hidden.add(extra)
            continue
        narrow, programs, parts = _narrow(truth, system, hidden | absent, k, sensitive)
        outcome.linear_programs += programs
        outcome.parts = max(outcome.parts, parts)
        if not narrow:
            break
        # One cover per independent part and pass: a cover often widens its neighbours too,
        # and parts do not share cells, so their covers cannot overlap.
        added = False
        for keys in narrow:
            extra = next(
                (e for key in keys if (e := links.widen(truth, key, hidden | absent, new, k))),
                None,
            )
            if extra is not None:
                hidden.add(extra)
                added = True
        if not added:
            count = sum(len(keys) for keys in narrow)
            raise Unprotectable(
                f"{count} hidden cells have bounds narrower than {k}, and nothing left to "
                "hide around them"
            )
    outcome.hidden = hidden & release
    return outcome


class Unprotectable(Exception):
    """The release cannot be made safe by hiding its own cells (a fault in what was published
    before): nothing is published."""


def _absent(truth: Mapping[Key, int], equations: Sequence[Sequence[Key]]) -> set[Key]:
    return {key for group in equations for key in group if key not in truth}


def _close(
    truth: Mapping[Key, int],
    equations: Sequence[Sequence[Key]],
    hidden: set[Key],
    new: set[Key],
    k: int,
    sensitive: set[Key],
) -> set[Key]:
    """Hide more until no equation shows too much by itself: a single hidden count (its exact
    value), or hidden parts summing to 1..k-1 under a shown total. Only cells of the new release
    can be hidden; what this misses, the audits catch."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for group in equations:
            unknown = [key for key in group if key in hidden or key not in truth]
            if not unknown:
                continue
            total = group[-1]
            # A count alone in an equation is no cover: its value, and what it hides, follow.
            single = len(unknown) == 1 and truth.get(unknown[0], 0) > 0
            small = (
                total in truth
                and total not in hidden
                and 0 < sum(truth[key] for key in group[:-1] if key in hidden) < k
            )
            if single or small:
                extra = _cheapest(truth, group, hidden, new)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
    return hidden


def _cheapest(
    truth: Mapping[Key, int], group: Iterable[Key], hidden: set[Key], new: set[Key]
) -> Key | None:
    """The smallest shown positive cell of the new release in a group (zeros are facts anyone
    can state, and cells published before cannot be taken back)."""
    options = [key for key in group if key in new and key not in hidden and truth.get(key, 0) > 0]
    if not options:
        return None
    return min(options, key=lambda key: (truth[key], repr(key)))


class Links(Generic[Key]):
    """The equations and bounds, indexed by the cells they tie."""

    def __init__(
        self, equations: Sequence[Sequence[Key]], bounded: Sequence[tuple[Key, Key]] = ()
    ) -> None:
        self.equations = len(equations)
        self.groups: list[Sequence[Key]] = [*equations, *bounded]
        self.of: dict[Key, list[int]] = {}
        for i, group in enumerate(self.groups):
            for key in group:
                self.of.setdefault(key, []).append(i)

    def _around(
        self, truth: Mapping[Key, int], key: Key, unknown: set[Key], new: set[Key]
    ) -> list[Key]:
        """Cells of the new release that could cover `key`, cheapest first: shown, positive,
        in a tie with it or reached through ties between unknown cells (the nearest ring that
        has any, and two rings beyond it)."""
        options: set[Key] = set()
        seen = {key}
        frontier = [key]
        beyond = 0
        while frontier and beyond < 3:
            beyond += 1 if options else 0
            around = {i for cell in frontier for i in self.of.get(cell, ())}
            for i in around:
                options.update(
                    c for c in self.groups[i] if c in new and c not in unknown and truth[c] > 0
                )
            frontier = [
                other
                for i in sorted(around)
                for other in self.groups[i]
                if other not in seen and other in unknown
            ]
            seen.update(frontier)
        return sorted(options, key=lambda c: (truth[c], repr(c)))

    def widen(
        self,
        truth: Mapping[Key, int],
        key: Key,
        unknown: set[Key],
        new: set[Key],
        k: int,
        tries: int = 8,
    ) -> Key | None:
        """A cell to hide so that `key`'s bounds are at least k apart. First the shown cells of
        the constraints that bound it (by the programs' duals), cheapest first, then the cells
        around it: the first that widens it enough alone; else the cheapest binding one (the
        next pass goes on)."""
        program = self.program(truth, key, unknown)
        program.width(key)
        binding = sorted(
            (c for c in program.binding if c in new and c not in unknown and truth[c] > 0),
            key=lambda c: (truth[c], repr(c)),
        )
        around = [c for c in self._around(truth, key, unknown, new) if c not in binding]
        ranked = [*binding, *around][:tries]
        # Each option with the partners hiding it forces (a cell alone in an equation is no
        # cover): the cheapest option that widens `key` enough, else the one that widens it
        # most.
        best: tuple[float, int, Key] | None = None
        for extra in ranked:
            added = {extra, *self._partners(truth, extra, unknown, new)}
            width = self.program(truth, key, unknown | added).width(key)
            if width >= k - 1e-6:
                return extra
            cost = sum(truth[c] for c in added)
            if best is None or (-width, cost) < (-best[0], best[1]):
                best = (width, cost, extra)
        return best[2] if best else None

    def _partners(
        self, truth: Mapping[Key, int], extra: Key, unknown: set[Key], new: set[Key]
    ) -> set[Key]:
        out = set()
        for i in self.of.get(extra, ()):
            if i >= self.equations:
                continue
            group = self.groups[i]
            if not any(c in unknown for c in group if c != extra):
                partner = _cheapest(truth, [c for c in group if c != extra], unknown, new)
                if partner is not None:
                    out.add(partner)
        return out

    def program(self, truth: Mapping[Key, int], key: Key, unknown: set[Key]) -> Program[Key]:
        """The linear program of the part `key` is in."""
        cells, groups = self.component(key, unknown)
        rows = _rows(
            truth,
            [self.groups[i] for i in groups if i < self.equations],
            [self.groups[i] for i in groups if i >= self.equations],  # type: ignore[misc]
            cells,
        )
        return Program(sorted(cells, key=repr), rows)

    def cover(
        self, truth: Mapping[Key, int], key: Key, unknown: set[Key], new: set[Key], tries: int = 8
    ) -> Key | None:
        """A cell to hide so that `key` can no longer be worked out exactly: of the cells around
        it (three ties deep, through unknown cells), the cheapest that does it; else the
        cheapest of them."""
        ranked = self._around(truth, key, unknown, new)
        for extra in ranked[:tries]:
            cells, groups = self.component(key, unknown | {extra})
            if key not in recoverable(cells, [self.groups[i] for i in groups]):
                return extra
        return ranked[0] if ranked else None

    def component(self, key: Key, unknown: set[Key]) -> tuple[set[Key], list[int]]:
        """The unknown cells tied to `key` through equations, and those equations."""
        cells = {key}
        groups: set[int] = set()
        frontier = [key]
        while frontier:
            cell = frontier.pop()
            for i in self.of.get(cell, ()):
                if i in groups:
                    continue
                groups.add(i)
                for other in self.groups[i]:
                    if other in unknown and other not in cells:
                        cells.add(other)
                        frontier.append(other)
        return cells, sorted(groups)


def _narrow(
    truth: Mapping[Key, int],
    system: System[Key],
    unknown: set[Key],
    k: int,
    sensitive: set[Key],
) -> tuple[list[list[Key]], int, int]:
    """Sensitive cells (hidden counts from 1 to k-1) whose best bounds are less than k apart,
    per independent part (`unknown`: the hidden cells and those never published)."""
    rows = _rows(truth, system.equations, system.bounded, unknown)
    parts = _parts(unknown, rows)
    narrow: list[list[Key]] = []
    programs = 0
    for members, part_rows in parts:
        audited = [key for key in members if key in sensitive]
        if not audited:
            continue
        program = Program(members, part_rows)
        too_narrow = [key for key in audited if program.width(key) < k - 1e-6]
        programs += program.solved
        if too_narrow:
            narrow.append(too_narrow)
    return narrow, programs, len(parts)


# Coefficients over the unknown cells, the constant, whether an equality (else <= 0), and the
# known cells moved into the constant.
Row = tuple[dict[Key, int], int, bool, tuple[Key, ...]]


def _rows(
    truth: Mapping[Key, int],
    equations: Iterable[Sequence[Key]],
    bounded: Iterable[tuple[Key, Key]],
    unknown: set[Key],
) -> list[Row[Key]]:
    """The attacker's system over the unknown cells, known cells moved to the constants."""
    rows: list[Row[Key]] = []
    signed = [
        *(([(c, -1 if i == len(g) - 1 else 1) for i, c in enumerate(g)], True) for g in equations),
        *(([(cell, 1), (margin, -1)], False) for cell, margin in bounded),
    ]
    for terms, equality in signed:
        coefficients: dict[Key, int] = {}
        constant = 0  # sum(parts) - total = 0, or cell - margin <= 0
        known = []
        for cell, sign in terms:
            if cell in unknown:
                coefficients[cell] = coefficients.get(cell, 0) + sign
            else:
                constant -= sign * truth[cell]
                known.append(cell)
        if coefficients:
            rows.append((coefficients, constant, equality, tuple(known)))
    return rows


class Program(Generic[Key]):
    """The linear programs of one part: the best bounds an attacker gets on a cell."""

    def __init__(self, members: Sequence[Key], rows: Sequence[Row[Key]]) -> None:
        self.members = list(members)
        self.index = {key: i for i, key in enumerate(self.members)}
        self.eq_known = [known for _, _, eq, known in rows if eq]
        self.ub_known = [known for _, _, eq, known in rows if not eq]
        self.a_eq, self.b_eq = _matrix([(c, b) for c, b, eq, _ in rows if eq], self.index)
        self.a_ub, self.b_ub = _matrix([(c, b) for c, b, eq, _ in rows if not eq], self.index)
        self.solved = 0
        # The shown cells in the rows that bound the last cell asked about (nonzero duals):
        # what to hide to widen it.
        self.binding: set[Key] = set()

    def width(self, key: Key) -> float:
        self.binding = set()
        low_high = []
        for direction in (1.0, -1.0):
            objective = np.zeros(len(self.members))
            objective[self.index[key]] = direction
            self.solved += 1
            result = linprog(
                objective,
                A_ub=self.a_ub,
                b_ub=self.b_ub,
                A_eq=self.a_eq,
                b_eq=self.b_eq,
                bounds=(0, None),
                method="highs",
            )
            if result.status == 3:  # unbounded: no upper limit at all
                low_high.append(float("inf"))
            elif result.status != 0:
                raise Unprotectable(f"the disclosure audit could not solve: {result.message}")
            else:
                low_high.append(direction * float(result.fun))
                for known, duals in (
                    (self.eq_known, result.eqlin.marginals if self.a_eq is not None else ()),
                    (self.ub_known, result.ineqlin.marginals if self.a_ub is not None else ()),
                ):
                    for cells, dual in zip(known, duals, strict=True):
                        if abs(dual) > 1e-9:
                            self.binding.update(cells)
        low, high = low_high
        return high - low


def _matrix(
    rows: Sequence[tuple[dict[Key, int], int]], index: Mapping[Key, int]
) -> tuple[csr_array | None, np.ndarray | None]:
    if not rows:
        return None, None
    data, cols, ptr = [], [], [0]
    for coefficients, _ in rows:
        for key, value in coefficients.items():
            data.append(float(value))
            cols.append(index[key])
        ptr.append(len(data))
    matrix = csr_array((data, cols, ptr), shape=(len(rows), len(index)))
    return matrix, np.array([float(b) for _, b in rows])


def _parts(unknown: set[Key], rows: list[Row[Key]]) -> list[tuple[list[Key], list[Row[Key]]]]:
    """Independent parts: unknown cells linked through a row they share (union-find)."""
    parent: dict[Key, Key] = {key: key for key in unknown}

    def find(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for coefficients, _, _, _ in rows:
        first, *others = coefficients
        for other in others:
            a, b = find(first), find(other)
            if a != b:
                parent[a] = b
    members: dict[Key, list[Key]] = {}
    for key in sorted(unknown, key=repr):
        members.setdefault(find(key), []).append(key)
    grouped: dict[Key, list[Row[Key]]] = {root: [] for root in members}
    for row in rows:
        grouped[find(next(iter(row[0])))].append(row)
    return [(members[root], grouped[root]) for root in members]
