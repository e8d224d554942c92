"""Reading the statistics aggregate, and the ad hoc questions answered with differential privacy.

Figures come from the aggregate (stat_cells) plus the tail not folded yet, read in one
REPEATABLE READ snapshot, so they are exact and consistent. Exact figures leave the service only
in releases (app.statistics.releases), checked jointly with everything published; an ad hoc
question on live data gets noisy counts, paid for from the asker's privacy budget. Nothing here
returns a record, a free text or a date finer than a month.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from app.complaints.workflow import Status
from app.config import Settings
from app.crypto import Sealer
from app.findings.models import FindingOutcome
from app.kit.errors import Unprocessable
from app.kit.sql import Conn, compose, literal
from app.statistics import privacy, traits
from app.statistics.facts import COUNTERS, DURATIONS, tail_sql
from app.statistics.schemas import (
    Dimension,
    PeriodUnit,
    PrivacyInfo,
    StatisticsMetadata,
    StatisticsQuery,
    StatisticsRow,
    StatisticsTable,
)
from app.taxonomy import CHARACTERISTICS, DISCRIMINATION_GROUNDS, RIGHTS, Track

KEY_DIMENSIONS = (Dimension.period, Dimension.track)
MAX_MONTHS = 120
MAX_ROWS = 5000
# A complaint names at most this many rights and grounds (ComplaintIn): how many cells of a
# table one person can count in, which differential privacy must cover.
MAX_PER_COMPLAINT = {Dimension.right: 10, Dimension.ground: 10}


@dataclass
class Sums:
    """What the aggregate holds for a group: counters and duration histograms."""

    n: int = 0
    own_initiative: int = 0
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    hists: dict[str, list[int]] = field(default_factory=dict)

    def add(self, row: dict[str, Any]) -> None:
        self.n += int(row["n"])
        self.own_initiative += int(row["own_initiative"])
        for name in COUNTERS:
            self.counters[name] += int(row[name])
        self.add_hists(row)

    def add_hists(self, row: dict[str, Any]) -> None:
        for measure in DURATIONS:
            for histogram in row.get(f"{measure}_hists") or ():
                self.add_hist(measure, histogram)
            single = row.get(f"{measure}_hist")
            if single is not None:
                self.add_hist(measure, single)

    def add_hist(self, measure: str, histogram: Sequence[int]) -> None:
        current = self.hists.get(measure)
        self.hists[measure] = (
            list(histogram) if current is None else list(map(operator.add, current, histogram))
        )


# The values each dimension takes: every combination is shown, zeros included (and, under
# differential privacy, every one gets noise, so that a zero is not given away).
def values_of(
    dimension: Dimension,
    settings: Settings,
    months: list[date],
    unit: PeriodUnit,
    tracks: list[Track],
) -> list[str]:
    match dimension:
        case Dimension.period:
            return sorted({period_label(m, unit) for m in months})
        case Dimension.track:
            return [t.value for t in tracks]
        case Dimension.status:
            return [s.value for s in Status]
        case Dimension.origin:
            return ["complaint", "own_initiative"]
        case Dimension.right:
            return [r.code for r in RIGHTS] + ["none"]
        case Dimension.ground:
            return [*DISCRIMINATION_GROUNDS, "none"]
        case Dimension.department:
            return [*settings.departments, "other", "not_stated"]
        case Dimension.outcome:
            return [o.value for o in FindingOutcome] + ["none"]
    return [*CHARACTERISTICS[dimension.value], "not_stated"]


def period_label(month: date, unit: PeriodUnit) -> str:
    if unit is PeriodUnit.year:
        return f"{month.year}"
    if unit is PeriodUnit.quarter:
        return f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    return f"{month.year}-{month.month:02d}"


def _parse_month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)


def month_range(first: date, last: date) -> list[date]:
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


@dataclass(frozen=True)
class Scope:
    months: list[date]
    tracks: list[Track]

    @property
    def first(self) -> date:
        return self.months[0]

    @property
    def last(self) -> date:
        return self.months[-1]


def scope_of(first: str | None, last: str | None, tracks: Iterable[Track] | None) -> Scope:
    today = datetime.now(UTC).date()
    end = _parse_month(last) if last else date(today.year, today.month, 1)
    start = _parse_month(first) if first else date(end.year, 1, 1)
    if start > end:
        raise Unprocessable(
            "`from` is after `to`.",
            [{"field": "query.from", "message": "after `to`", "type": "value_error"}],
        )
    months = month_range(start, end)
    if len(months) > MAX_MONTHS:
        raise Unprocessable(
            f"At most {MAX_MONTHS} months at once.",
            [{"field": "query.from", "message": "range too long", "type": "value_error"}],
        )
    chosen = sorted(set(tracks)) if tracks else list(Track)
    return Scope(months=months, tracks=chosen)


# Reading the aggregate.

# Duration histograms of one-way cells: whole years and quarters from the rollups, the months
# left over from the aggregate itself, so a long range reads a few rows per group.
_HIST_READ = """
SELECT {groups}, {hists}
FROM (
  SELECT month AS period, track, val_a, ack_hist, findings_hist, finish_hist FROM stat_cells
  WHERE dim_a = %(dim_a)s AND dim_b = '' AND month = ANY(%(months)s) AND track = ANY(%(tracks)s)
  UNION ALL
  SELECT period, track, val, ack_hist, findings_hist, finish_hist FROM stat_hist_rollups
  WHERE dim = %(dim_a)s AND unit = 'quarter' AND period = ANY(%(quarters)s)
    AND track = ANY(%(tracks)s)
  UNION ALL
  SELECT period, track, val, ack_hist, findings_hist, finish_hist FROM stat_hist_rollups
  WHERE dim = %(dim_a)s AND unit = 'year' AND period = ANY(%(years)s) AND track = ANY(%(tracks)s)
) AS h
GROUP BY {positions}
"""


def cover(months: Sequence[date], unit: PeriodUnit | None) -> tuple[list[date], ...]:
    """Split consecutive months into whole years, whole quarters and single months, never
    across a bucket of `unit` (None: no period grouping, anything goes)."""
    years: list[date] = []
    quarters: list[date] = []
    singles: list[date] = []
    i = 0
    while i < len(months):
        month = months[i]
        if unit in (None, PeriodUnit.year) and month.month == 1 and i + 11 < len(months):
            years.append(month)
            i += 12
        elif unit is not PeriodUnit.month and month.month in (1, 4, 7, 10) and i + 2 < len(months):
            quarters.append(month)
            i += 3
        else:
            singles.append(month)
            i += 1
    return years, quarters, singles


_READ = """
SELECT {groups}, sum(n) AS n, sum(own_initiative) AS own_initiative,
  {counters}{hists}
FROM stat_cells
WHERE dim_a = %(dim_a)s AND dim_b = %(dim_b)s AND month BETWEEN %(first)s AND %(last)s
  AND track = ANY(%(tracks)s)
GROUP BY {positions}
"""


def _cell_dimensions(dimensions: Sequence[Dimension]) -> tuple[str, str]:
    """(dim_a, dim_b) of the stat_cells rows that hold this grouping (pairs are ordered)."""
    regular = sorted(d.value for d in dimensions if d not in KEY_DIMENSIONS)
    padded = [*regular, "", ""]
    return padded[0], padded[1]


_PENDING = "SELECT DISTINCT complaint_id FROM stat_changes"
_TAIL = tail_sql()


class Reader:
    """Reads groupings of the aggregate in one snapshot, the unfolded tail included."""

    def __init__(self, conn: Conn, scope: Scope, unit: PeriodUnit, sealer: Sealer) -> None:
        self.conn = conn
        self.scope = scope
        self.unit = unit
        self.sealer = sealer
        self.tail: list[dict[str, Any]] | None = None

    async def begin(self, isolate: bool = True) -> None:
        """Read the tail. With `isolate`, this starts the transaction as a read-only snapshot
        (it must then be its first statement); without, the caller did (REPEATABLE READ)."""
        if isolate:
            await self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur = await self.conn.execute(_PENDING)
        ids = [row["complaint_id"] for row in await cur.fetchall()]
        self.tail = []
        if ids:
            opened = await traits.opened_params(self.conn, self.sealer, ids)
            cur = await self.conn.execute(_TAIL, {"ids": ids, **opened})
            self.tail = list(await cur.fetchall())

    async def sums(
        self, dimensions: Sequence[Dimension], durations: bool = True
    ) -> dict[tuple[str, ...], Sums]:
        """Sums per group, keyed by the dimensions' values in the order given. Durations come
        from the one-way cells only (and only when asked for: they cost the most to read)."""
        dim_a, dim_b = _cell_dimensions(dimensions)
        with_hists = durations and dim_b == ""
        columns: list[str] = []
        for d in dimensions:
            if d is Dimension.period:
                columns.append("month")
            elif d is Dimension.track:
                columns.append("track")
            else:
                columns.append("val_a" if d.value == dim_a else "val_b")
        # Months are summed into the period's unit by PostgreSQL (the unit is an enum value).
        expressions = {
            "month": f"date_trunc({literal(self.unit.value)}, month)::date AS month",
            "track": "track",
            "val_a": "val_a",
            "val_b": "val_b",
        }
        selected = [expressions[c] for c in dict.fromkeys(columns)] or ["dim_a"]
        positions = ", ".join(str(i) for i in range(1, len(selected) + 1))
        sql = compose(
            _READ,
            groups=", ".join(selected),
            positions=positions,
            counters=", ".join(f"sum({c}) AS {c}" for c in COUNTERS),
            hists="",
        )
        params = {
            "dim_a": dim_a,
            "dim_b": dim_b,
            "first": self.scope.first,
            "last": self.scope.last,
            "tracks": [t.value for t in self.scope.tracks],
        }
        cur = await self.conn.execute(sql, params)
        result: dict[tuple[str, ...], Sums] = {}

        def key_of(row: dict[str, Any]) -> tuple[str, ...]:
            out = []
            for d, column in zip(dimensions, columns, strict=True):
                value = row[column]
                out.append(period_label(value, self.unit) if d is Dimension.period else value)
            return tuple(out)

        for row in await cur.fetchall():
            result.setdefault(key_of(row), Sums()).add(row)
        if with_hists:
            unit = self.unit if Dimension.period in dimensions else None
            years, quarters, singles = cover(self.scope.months, unit)
            hist_columns = {
                "month": f"date_trunc({literal(self.unit.value)}, period)::date AS month",
                "track": "track",
                "val_a": "val_a",
            }
            grouped = [hist_columns[c] for c in dict.fromkeys(columns)] or ["'' AS total"]
            hist_sql = compose(
                _HIST_READ,
                groups=", ".join(grouped),
                positions=", ".join(str(i) for i in range(1, len(grouped) + 1)),
                hists=", ".join(
                    f"array_agg({m}_hist) FILTER (WHERE {m}_hist IS NOT NULL) AS {m}_hists"
                    for m in DURATIONS
                ),
            )
            cur = await self.conn.execute(
                hist_sql, {**params, "months": singles, "quarters": quarters, "years": years}
            )
            for row in await cur.fetchall():
                result.setdefault(key_of(row), Sums()).add_hists(row)
        tracks = {t.value for t in self.scope.tracks}
        for row in self.tail or ():
            if (
                row["dim_a"] == dim_a
                and row["dim_b"] == dim_b
                and self.scope.first <= row["month"] <= self.scope.last
                and row["track"] in tracks
            ):
                if not with_hists:
                    row = {**row, **{f"{m}_hist": None for m in DURATIONS}}
                result.setdefault(key_of(row), Sums()).add(row)
        return result


# Ad hoc questions: differentially private counts only.

ALL = "*"


@dataclass(frozen=True)
class Plan:
    """A validated statistics request, before anything is read or spent."""

    dims: list[Dimension]
    domains: list[list[str]]
    scope: Scope
    unit: PeriodUnit
    epsilon: float


def plan(settings: Settings, query: StatisticsQuery) -> Plan:
    dims = list(dict.fromkeys(query.group_by))
    if len(dims) != len(query.group_by):
        raise Unprocessable(
            "A dimension is named twice in `group_by`.",
            [{"field": "query.group_by", "message": "repeated", "type": "value_error"}],
        )
    scope = scope_of(query.from_, query.to, query.track)
    unit = query.period_unit
    domains = [values_of(d, settings, scope.months, unit, scope.tracks) for d in dims]
    size = 1
    for values in domains:
        size *= len(values)
    if size > MAX_ROWS:
        raise Unprocessable(
            f"The table would have {size} rows; at most {MAX_ROWS}. Narrow the period or the "
            "grouping.",
            [{"field": "query.group_by", "message": "too many rows", "type": "value_error"}],
        )
    epsilon = query.epsilon or settings.dp_epsilon_max_per_release
    return Plan(dims=dims, domains=domains, scope=scope, unit=unit, epsilon=epsilon)


def sensitivity_of(dims: Sequence[Dimension]) -> int:
    """How many cells of a table one complaint can count in."""
    sensitivity = 1
    for d in dims:
        sensitivity *= MAX_PER_COMPLAINT.get(d, 1)
    return sensitivity


async def table(
    conn: Conn, settings: Settings, plan: Plan, privacy_info: PrivacyInfo
) -> StatisticsTable:
    """The noisy table of a plan; `privacy_info` is the budget already spent on it. Every
    combination gets noise, zeros too (a zero left exact would be given away); totals are sums
    of the noisy cells (post-processing, no further privacy cost)."""
    dims, domains, scope = plan.dims, plan.domains, plan.scope
    reader = Reader(conn, scope, plan.unit, Sealer.from_settings(settings))
    await reader.begin()
    found = await reader.sums(dims, durations=False)
    keys = list(itertools.product(*domains))
    sensitivity = sensitivity_of(dims)
    counts = privacy.noisy_counts(
        [found[key].n if key in found else 0 for key in keys], sensitivity, plan.epsilon
    )
    noisy = dict(zip(keys, counts, strict=True))
    total_keys: list[tuple[str, ...]] = []
    if len(dims) == 2:
        total_keys += [(v, ALL) for v in domains[0]] + [(ALL, v) for v in domains[1]]
    total_keys.append((ALL,) * len(dims))
    for total_key in total_keys:
        noisy[total_key] = sum(
            value
            for key, value in zip(keys, counts, strict=True)
            if all(t in (ALL, x) for t, x in zip(total_key, key, strict=True))
        )
    info = privacy_info.model_copy(
        update={"sensitivity": sensitivity, "noise_scale": sensitivity / plan.epsilon}
    )

    def row(key: tuple[str, ...]) -> StatisticsRow:
        group = {d.value: v for d, v in zip(dims, key, strict=True) if v != ALL}
        return StatisticsRow(group=group, complaints=noisy[key])

    return StatisticsTable(
        group_by=dims,
        period_unit=plan.unit,
        rows=[row(key) for key in keys],
        totals=[row(key) for key in total_keys],
        metadata=StatisticsMetadata(
            computed_at=datetime.now(UTC).replace(microsecond=0),
            months=[
                period_label(scope.first, PeriodUnit.month),
                period_label(scope.last, PeriodUnit.month),
            ],
            tracks=scope.tracks,
            privacy=info,
            notes=[
                "Counts carry discrete Laplace noise and are clamped at zero; totals are sums "
                "of the noisy counts. Exact figures are published only in releases "
                "(/v1/releases), checked for disclosure jointly with everything published."
            ],
        ),
    )
