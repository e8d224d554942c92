"""Disclosure control's exact parts: pure functions, no I/O.

`recoverable` is the exact audit the joint check (app.statistics.joint) starts with: entries
tied by additive equations, some hidden; a hidden entry can be worked out exactly when its unit
vector lies in the row space of the equations restricted to the hidden entries. Durations are
published as percentiles of fixed buckets.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Hashable, Sequence
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)
_PRIME = (1 << 61) - 1  # arithmetic modulo a large prime: exact enough for 0/1 systems


def is_small(count: int, k: int) -> bool:
    return 0 < count < k


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
