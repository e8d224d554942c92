"""Disclosure control for published tables: pure functions, no I/O.

A table is a set of entries (cells and their totals) tied by additive equations: each row of
cells sums to its row total, each column to its column total, and the totals to the grand total.
Primary suppression hides every count from 1 to k-1. Secondary suppression then hides more
entries until no hidden count can be worked out from what is shown: first so that no equation
is left with a single hidden entry or with hidden parts summing to less than k under a shown
total, then by an exact linear-algebra audit of the whole system
(a hidden entry is recoverable exactly when its unit vector lies in the row space of the
equations restricted to the hidden entries).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
_PRIME = (1 << 61) - 1  # arithmetic modulo a large prime: exact enough for 0/1 systems


@dataclass
class Suppression(Generic[Key]):
    primary: set[Key] = field(default_factory=set)
    secondary: set[Key] = field(default_factory=set)

    @property
    def hidden(self) -> set[Key]:
        return self.primary | self.secondary


def is_small(count: int, k: int) -> bool:
    return 0 < count < k


def suppress(
    values: Mapping[Key, int], equations: Sequence[Sequence[Key]], k: int
) -> Suppression[Key]:
    """Hide entries of `values` so that none of 1..k-1 is shown or recoverable.

    `equations` lists groups of keys whose values are tied: the last key of each group is the
    total of the others (the audit needs only the grouping; the sum rule needs the total).
    """
    small = {key for key, v in values.items() if is_small(v, k)}
    result: Suppression[Key] = Suppression(primary=small)
    hidden = set(result.primary)
    if not hidden:
        return result
    while True:
        changed = True
        while changed:
            changed = False
            for group in equations:
                if _exposed_by(group, values, hidden, k):
                    extra = _cheapest(values, group, hidden)
                    if extra is not None:
                        hidden.add(extra)
                        changed = True
        exposed = recoverable(hidden, equations)
        if not exposed:
            break
        target = min(exposed, key=repr)
        groups = [g for g in equations if target in g]
        extra = None
        for group in groups:
            extra = _cheapest(values, group, hidden)
            if extra is not None:
                break
        if extra is None:  # nothing left to hide around it: hide the whole system
            hidden |= {key for group in equations for key in group if values.get(key, 0) > 0}
            break
        hidden.add(extra)
    result.secondary = hidden - result.primary
    return result


def _exposed_by(group: Sequence[Key], values: Mapping[Key, int], hidden: set[Key], k: int) -> bool:
    """Whether a group's shown entries give away too much of its hidden ones: a single hidden
    entry (its exact value), or hidden parts under a shown total that sum to less than k (each
    of them is then known to be below k)."""
    parts, total = group[:-1], group[-1]
    unknown = [key for key in group if key in hidden]
    if len(unknown) == 1:
        return True
    return total not in hidden and 0 < sum(values.get(key, 0) for key in parts if key in hidden) < k


def _cheapest(values: Mapping[Key, int], group: Iterable[Key], hidden: set[Key]) -> Key | None:
    """The smallest shown positive entry of a group (zeros are facts anyone can state)."""
    candidates = [key for key in group if key not in hidden and values.get(key, 0) > 0]
    if not candidates:
        return None
    return min(candidates, key=lambda key: (values[key], repr(key)))


def recoverable(hidden: set[Key], equations: Sequence[Sequence[Key]]) -> set[Key]:
    """Hidden entries whose exact value follows from the shown ones through the equations."""
    unknowns = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(unknowns)}
    rows: list[dict[int, int]] = []
    for group in equations:
        row = {index[key]: 1 for key in group if key in index}
        if row:
            rows.append(row)
    pivots: dict[int, dict[int, int]] = {}  # pivot column -> reduced row
    for row in rows:
        row = dict(row)
        for col in sorted(row):
            if col in pivots and col in row:
                factor = row[col]
                for c, v in pivots[col].items():
                    row[c] = (row.get(c, 0) - factor * v) % _PRIME
                    if row[c] == 0:
                        del row[c]
        if not row:
            continue
        lead = min(row)
        inverse = pow(row[lead], _PRIME - 2, _PRIME)
        row = {c: (v * inverse) % _PRIME for c, v in row.items()}
        # keep the basis fully reduced: remove the new pivot from the earlier rows
        for other in pivots.values():
            if lead in other:
                factor = other[lead]
                for c, v in row.items():
                    other[c] = (other.get(c, 0) - factor * v) % _PRIME
                    if other[c] == 0:
                        del other[c]
        pivots[lead] = row
    return {unknowns[col] for col, row in pivots.items() if len(row) == 1}


# Durations are kept in 92 buckets: days 0-30 one by one, weeks to 365, 30-day spans to 725.
def bucket_floor(bucket: int) -> int:
    """The first day a 1-based bucket covers (mirror of stat_bucket() in SQL)."""
    if bucket <= 31:
        return bucket - 1
    if bucket <= 79:
        return 31 + (bucket - 32) * 7
    if bucket <= 91:
        return 366 + (bucket - 80) * 30
    return 726


def percentiles(histogram: Sequence[int], qs: Sequence[float]) -> list[int | None]:
    """The q-quantiles (nearest rank) of a duration histogram, each as the first day of its
    bucket; one pass over the histogram for all of them."""
    cumulative = list(itertools.accumulate(histogram))
    total = cumulative[-1] if cumulative else 0
    if total <= 0:
        return [None] * len(qs)
    out: list[int | None] = []
    for q in qs:
        rank = max(1, math.ceil(round(q * total, 9)))  # round: no float drift past a whole rank
        out.append(bucket_floor(min(len(cumulative), bisect.bisect_left(cumulative, rank) + 1)))
    return out
