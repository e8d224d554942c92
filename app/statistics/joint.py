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
- no hidden count from 1 to k-1 can be worked out exactly (the linear-algebra audit of
  `disclosure`);
- the attacker's best bounds on every hidden count from 1 to k-1, by linear programming over
  everything published (HiGHS through SciPy), are at least k apart.
Cells published before are fixed: shown ones stay known, hidden ones stay hidden. The system is
split into the parts whose hidden cells share no equation (published cells are constants, so
tables tied only through shown totals are independent) and each part is solved on its own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array, hstack, vstack

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

    def hide(extra: Key) -> None:
        hidden.add(extra)
        _close(truth, ties, hidden, new, k, [extra])

    _close(truth, ties, hidden, new, k, list(hidden))
    # Hiding more only ever widens what an attacker can tell: a cell once shown not to be exact,
    # or to have bounds at least k apart, stays so. So each audit re-examines only what failed.
    exact = recoverable(hidden | absent, equations) & sensitive
    while exact:
        key = min(exact, key=repr)
        cells, groups = ties.component(key, hidden | absent)
        if key not in recoverable(cells, [equations[i] for i in groups]):
            exact.discard(key)
            continue
        extra = ties.cover(truth, key, hidden | absent, new)
        if extra is None:
            raise Unprotectable(f"{len(exact)} hidden cells follow exactly from others, e.g. {key}")
        hide(extra)
    pending = set(sensitive)
    while pending:
        narrow: list[list[Key]] = []
        unknown = hidden | absent
        seen: set[Key] = set()
        for key in sorted(pending, key=repr):
            if key in seen:
                continue
            program = links.program(truth, key, unknown)
            outcome.parts += 1
            part = [c for c in program.members if c in pending]
            seen.update(part)
            done = program.settled(part, truth, k)
            too_narrow = [c for c in part if c not in done and not program.wide(c, truth[c], k)]
            outcome.linear_programs += program.solved
            if too_narrow:
                narrow.append(too_narrow)
        pending = {c for keys in narrow for c in keys}
        # Each narrow cell in turn, checked again first: a cover chosen for one often widens
        # its neighbours too, and is then all they need.
        added = False
        for key in (c for keys in narrow for c in keys):
            if links.program(truth, key, hidden | absent).wide(key, truth[key], k):
                added = True  # widened by a cover before it: progress all the same
                continue
            extra = links.widen(truth, key, hidden | absent, new, k)
            if extra is not None:
                hide(extra)
                added = True
        if narrow and not added:
            count = sum(len(keys) for keys in narrow)
            raise Unprotectable(
                f"{count} hidden cells have bounds narrower than {k}, and nothing left to "
                f"hide around them, e.g. {narrow[0][:3]}"
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
    ties: Links[Key],
    hidden: set[Key],
    new: set[Key],
    k: int,
    changed: list[Key],
) -> None:
    """Hide more (in place) until no equation around the `changed` cells shows too much by
    itself: a single hidden count (its exact value: a cover alone is no cover), or hidden
    parts summing to 1..k-1 under a shown total. Only cells of the new release can be hidden;
    what this misses, the audits catch."""
    work = [i for cell in changed for i in ties.of.get(cell, ())]
    while work:
        i = work.pop()
        group = ties.groups[i]
        unknown = [key for key in group if key in hidden or key not in truth]
        if not unknown:
            continue
        total = group[-1]
        single = len(unknown) == 1 and truth.get(unknown[0], 0) > 0
        small = (
            total in truth
            and total not in hidden
            and 0 < sum(truth[key] for key in group[:-1] if key in hidden) < k
        )
        if (single or small) and (extra := _cheapest(truth, group, hidden, new)) is not None:
            hidden.add(extra)
            work.extend(ties.of.get(extra, ()))
            work.append(i)


def _cheapest(
    truth: Mapping[Key, int], group: Iterable[Key], hidden: set[Key], new: set[Key]
) -> Key | None:
    """The smallest shown positive cell of the new release in a group (cells published before
    cannot be taken back; a zero is hidden as a cover only where a published zero is what
    bounds a small count, see `Links.widen`)."""
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
        tries: int = 4,
    ) -> Key | None:
        """A cell to hide so that `key`'s bounds are at least k apart. The shown cells of this
        release in the constraints that bound it (by the programs' duals: zeros too, since a
        published zero bounds as surely as a count), cheapest first, or if there are none the
        positive cells around it: the first that widens it enough with the partners it forces;
        else the one that widens it most; else the cheapest (the next pass goes on)."""
        program = self.program(truth, key, unknown)
        current = program.width(key)
        binding = sorted(
            (c for c in program.binding if c in new and c not in unknown),
            key=lambda c: (truth[c], repr(c)),
        )
        # The binding cells when there are any (hiding one relaxes a constraint that holds the
        # bound); the cells around it otherwise.
        ranked = binding[:tries] or self._around(truth, key, unknown, new)[:tries]
        if not ranked:
            _, groups = self.component(key, unknown)
            constants = {c for i in groups for c in self.groups[i] if c in new and c not in unknown}
            ranked = sorted(constants, key=lambda c: (truth[c], repr(c)))[:tries]
        best: tuple[float, int, Key] | None = None
        for extra in ranked:
            added = {extra, *self._partners(truth, extra, unknown, new)}
            program = self.program(truth, key, unknown | added)
            if program.wide(key, truth[key], k):
                return extra
            width = program.width(key)
            cost = sum(truth[c] for c in added)
            if width > current + 1e-6 and (best is None or (-width, cost) < (-best[0], best[1])):
                best = (width, cost, extra)
        if best is not None:
            return best[2]
        return ranked[0] if ranked else None

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

    def _solve(self, objective: np.ndarray, cap: float | None = None) -> Any:
        self.solved += 1
        result = linprog(
            objective,
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=(0, cap),
            method="highs",
        )
        if result.status not in (0, 3):  # 3: unbounded, no upper limit at all
            raise Unprotectable(f"the disclosure audit could not solve: {result.message}")
        return result

    def bound(self, key: Key, direction: float) -> float:
        """The least (1) or greatest (-1) value `key` can take; records the binding cells."""
        objective = np.zeros(len(self.members))
        objective[self.index[key]] = direction
        result = self._solve(objective)
        if result.status == 3:
            return float("inf")
        for known, duals in (
            (self.eq_known, result.eqlin.marginals if self.a_eq is not None else ()),
            (self.ub_known, result.ineqlin.marginals if self.a_ub is not None else ()),
        ):
            for cells, dual in zip(known, duals, strict=True):
                if abs(dual) > 1e-9:
                    self.binding.update(cells)
        return direction * float(result.fun)

    def width(self, key: Key) -> float:
        self.binding = set()
        return self.bound(key, -1.0) - self.bound(key, 1.0)

    def wide(self, key: Key, value: int, k: int) -> bool:
        """Whether `key`'s bounds are at least k apart. The least value is at most the true
        one, so a greatest value of true + k settles it with one program."""
        self.binding = set()
        high = self.bound(key, -1.0)
        return high >= value + k - 1e-6 or high - self.bound(key, 1.0) >= k - 1e-6

    def settled(self, keys: Sequence[Key], truth: Mapping[Key, int], k: int) -> set[Key]:
        """Of `keys`, those a few programs show wide together. Each finds a point of the
        attacker's space that lifts as many of them as it can to k above their truth (the
        lift of each capped there, so none takes all the room): the least value is at most
        the truth, so each one lifted that far is wide. The rest are left to one program each."""
        left = list(keys)
        done: set[Key] = set()
        n = len(self.members)
        while len(left) >= 4:
            m = len(left)
            # Variables: the part's unknowns, then one lift y_i <= x_i, y_i <= truth_i + k each.
            objective = np.concatenate([np.zeros(n), -np.ones(m)])
            lifts = csr_array(
                (
                    np.concatenate([np.ones(m), -np.ones(m)]),
                    (
                        np.concatenate([np.arange(m), np.arange(m)]),
                        np.concatenate([n + np.arange(m), [self.index[c] for c in left]]),
                    ),
                ),
                shape=(m, n + m),
            )
            a_ub = lifts if self.a_ub is None else vstack([_widen(self.a_ub, m), lifts])
            b_ub = np.zeros(m) if self.b_ub is None else np.concatenate([self.b_ub, np.zeros(m)])
            a_eq = None if self.a_eq is None else _widen(self.a_eq, m)
            bounds = [(0, None)] * n + [(0, truth[c] + k) for c in left]
            self.solved += 1
            result = linprog(
                objective,
                A_ub=a_ub,
                b_ub=b_ub,
                A_eq=a_eq,
                b_eq=self.b_eq,
                bounds=bounds,
                method="highs",
            )
            if result.status != 0:
                break
            lifted = {c for i, c in enumerate(left) if result.x[n + i] >= truth[c] + k - 1e-6}
            if not lifted:
                break
            done |= lifted
            left = [c for c in left if c not in lifted]
        return done


def _widen(matrix: csr_array, extra: int) -> csr_array:
    """The same rows with `extra` more (zero) columns."""
    return hstack([matrix, csr_array((matrix.shape[0], extra))]).tocsr()


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
