"""Statistics releases: a closed period computed once, checked jointly with everything published
for its year, then frozen, numbered and signed. Monitors and the public read releases; nothing
published moves when a case changes.

What a release counts: the complaints and own-initiative inquiries *received* in its period (a
cohort). Months and quarters carry the codes a case is filed with (track, origin, rights,
grounds, department, the self-identified characteristics); the year carries, besides, how the
cohort fared as of the day it was computed (status, outcome, deadlines, investigation, remedies,
durations) and the two-way tables, the indicators and the annual report.

Those codes are not fixed at receipt: staff may reclassify a case's rights and grounds during
assessment (PUT /v1/complaints/{id}/classification), and an erasure drops the characteristics.
So every table of codes alone (`KEPT`: the one-way tables of months and quarters, and the year's
two-way tables of codes, characteristic by right and department by right) is counted month by
month when a month is first released, and each month's counts (its atoms) are kept with that
release, never served, published or not. Every later release of the year (the quarter, the year,
a revision) sums what its months kept, so a release counts the codes as they were when its
months' release was computed, every figure of those tables in a year adds up exactly with its
months and with the year's other tables, and the joint check can rely on it: no published figure
moves when a case is reclassified. A month released before the atoms of a table were kept is
counted for that table by the first release that needs it, which keeps its atoms in turn. The
year's tables of a characteristic by outcome count how cases fared now, so with the
characteristics as they are now (an erasure after the month's release shows in them). The ad hoc
statistics (app.statistics.service) follow the current codes.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from psycopg.types.json import Jsonb

from app.complaints.workflow import Status
from app.config import Settings
from app.crypto import Sealer
from app.findings.models import FindingOutcome
from app.kit.errors import AppError, NotFound
from app.kit.principals import SYSTEM, Actor
from app.kit.sql import Conn
from app.kit.trail import audit
from app.statistics import disclosure, joint, reports
from app.statistics.schemas import Dimension, PeriodUnit
from app.statistics.service import Reader, Scope, Sums
from app.statistics.signing import ReleaseKey, canonical
from app.taxonomy import CHARACTERISTICS, DISCRIMINATION_GROUNDS, RIGHTS, Track

log = logging.getLogger("ombuds.releases")

ALL = "all"  # the track value of figures over both tracks
TRACKS = [t.value for t in Track]
RELEASE_TYPE = "statistics.release"  # the outbox event that pushes a release
_LOCK = 7219  # one publisher at a time (several workers); not the audit seal's 7217

Table = tuple[str, tuple[str, ...]]  # (population, dimensions)

CHARACTERISTIC_DIMS = tuple(CHARACTERISTICS)
# Dimensions a complaint can take several values of: their cells do not add up to a margin.
MULTI = frozenset({"right", "ground"})
# Figures derived from the counters, each a breakdown of the complaints received.
VIRTUAL: dict[str, list[str]] = {
    "mandate": ["within", "outside"],
    "investigation": ["investigated", "not_investigated"],
    "acknowledgement": ["on_time", "late", "none"],
    "feedback": ["on_time", "late", "none"],
    "decision": ["on_time", "late", "none"],
    "finish": ["finished", "open"],
    "remedy_response": ["responded", "awaiting"],
    "remedy_implementation": ["implemented", "not_implemented"],
}

# What each release carries. A two-way table's one-way margins are carried too.
_MONTH: list[Table] = [
    ("complaints", ()),
    ("complaints", ("origin",)),
    ("complaints", ("right",)),
    ("complaints", ("department",)),
]
_QUARTER: list[Table] = [
    *_MONTH,
    ("complaints", ("ground",)),
    *(("complaints", (c,)) for c in CHARACTERISTIC_DIMS),
]
_YEAR: list[Table] = [
    *_QUARTER,
    ("complaints", ("status",)),
    ("complaints", ("outcome",)),
    *(("complaints", (v,)) for v in VIRTUAL if not v.startswith("remedy_")),
    *(("complaints", tuple(sorted((c, "right")))) for c in CHARACTERISTIC_DIMS),
    *(("complaints", tuple(sorted((c, "outcome")))) for c in CHARACTERISTIC_DIMS),
    ("complaints", ("department", "right")),
    ("remedies", ()),
    ("remedies", ("remedy_response",)),
    ("remedies", ("remedy_implementation",)),
    ("finishes", ()),
]
PLAN: dict[PeriodUnit, list[Table]] = {
    PeriodUnit.month: _MONTH,
    PeriodUnit.quarter: _QUARTER,
    PeriodUnit.year: _YEAR,
}
# Tables carried by a finer unit too: the joint check ties months to quarters to the year.
NESTED: frozenset[Table] = frozenset(_QUARTER)
# The codes a case is filed with, which can still change: staff reclassify rights and grounds,
# an erasure drops the characteristics (and a department named only in the erased text).
CODES = frozenset({"origin", "right", "ground", "department", *CHARACTERISTIC_DIMS})
# Tables of codes alone, published or not: counted month by month when a month is first released
# and kept with that release (its atoms), so a year's tables add up with its months, whatever
# changed since. Tables of how cases fared are counted anew.
KEPT: frozenset[Table] = frozenset(
    table for table in _YEAR if table[0] == "complaints" and set(table[1]) <= CODES
)
ORDER = (PeriodUnit.month, PeriodUnit.quarter, PeriodUnit.year)

RULES = [
    "A release counts the complaints and own-initiative inquiries received in its period; "
    "how they fared (status, outcome, deadlines, remedies) is as of the day it was computed, "
    "in yearly releases only.",
    "No count from 1 to k-1 is published.",
    "A group (a track, a value of a dimension) whose count is from 1 to k-1 shows nothing of "
    "its breakdown, zeros included.",
    "Every release is checked jointly with every release published for the same year (months "
    "add up to quarters, quarters to the year, tracks to all tracks): no hidden count follows "
    "exactly from what is shown, and the best bounds linear programming gives on any hidden "
    "count from 1 to k-1 are at least k apart.",
    "A share is published only where its numerator, its denominator and their difference are "
    "each shown and each 0 or at least k; medians and percentiles only of at least k cases.",
    "Origin, rights, grounds, department and characteristics are counted as they were when "
    "the release of each month was computed (staff may reclassify rights and grounds during "
    "assessment): a quarter's or a year's table of these alone is the sum of its months'.",
    "Complaints naming several rights or grounds count under each: those cells do not add up "
    "to the total.",
    "A revised release is checked against everything published before it; a count it changes "
    "by 1 to k-1 is hidden.",
]


class Cell(NamedTuple):
    """One published count: of a population, on a track (or all), in a period, in a group."""

    population: str
    track: str
    period: str
    group: tuple[tuple[str, str], ...]  # (dimension, value) pairs, sorted by dimension

    def text(self) -> str:
        group = ",".join(f"{d}={v}" for d, v in self.group)
        return f"{self.population}|{self.track}|{self.period}|{group}"

    @classmethod
    def parse(cls, text: str) -> Cell:
        population, track, period, group = text.split("|")
        pairs = tuple(tuple(p.split("=", 1)) for p in group.split(",")) if group else ()
        return cls(population, track, period, pairs)  # type: ignore[arg-type]

    def without(self, dims: Iterable[str]) -> Cell:
        drop = set(dims)
        return self._replace(group=tuple(p for p in self.group if p[0] not in drop))


# Periods.


@dataclass(frozen=True)
class Period:
    unit: PeriodUnit
    label: str  # 2026, 2026-Q1, 2026-03
    months: tuple[date, ...]

    @property
    def year(self) -> int:
        return self.months[0].year

    @property
    def end(self) -> date:
        last = self.months[-1]
        return date(last.year + last.month // 12, last.month % 12 + 1, 1)


def month_label(month: date) -> str:
    return f"{month.year}-{month.month:02d}"


def period_of(unit: PeriodUnit, year: int, index: int) -> Period:
    """The `index`-th (1-based) month, quarter or the year itself."""
    if unit is PeriodUnit.month:
        return Period(unit, f"{year}-{index:02d}", (date(year, index, 1),))
    if unit is PeriodUnit.quarter:
        first = 3 * (index - 1) + 1
        months = tuple(date(year, m, 1) for m in range(first, first + 3))
        return Period(unit, f"{year}-Q{index}", months)
    return Period(unit, f"{year}", tuple(date(year, m, 1) for m in range(1, 13)))


def parse_period(label: str) -> Period:
    """A period from its label; ValueError if it is none."""
    if len(label) == 4 and label.isdigit():
        return period_of(PeriodUnit.year, int(label), 1)
    if len(label) == 7 and label[4:6] == "-Q" and label[:4].isdigit() and label[6] in "1234":
        return period_of(PeriodUnit.quarter, int(label[:4]), int(label[6]))
    if len(label) == 7 and label[4] == "-" and label[:4].isdigit() and label[5:].isdigit():
        month = int(label[5:])
        if 1 <= month <= 12:
            return period_of(PeriodUnit.month, int(label[:4]), month)
    raise ValueError(f"{label!r} is not a period (2026, 2026-Q1 or 2026-03)")


def periods_of_year(year: int) -> Iterator[Period]:
    for unit, count in ((PeriodUnit.month, 12), (PeriodUnit.quarter, 4), (PeriodUnit.year, 1)):
        for index in range(1, count + 1):
            yield period_of(unit, year, index)


def sub_periods(period: Period, unit: PeriodUnit) -> list[Period]:
    """The periods of `unit` that make up `period`."""
    if unit is PeriodUnit.month:
        return [period_of(unit, m.year, m.month) for m in period.months]
    return [
        period_of(unit, period.year, (m.month - 1) // 3 + 1)
        for m in period.months
        if (m.month - 1) % 3 == 0
    ]


# Values of the dimensions.


def domain(dim: str, settings: Settings) -> list[str]:
    if dim in VIRTUAL:
        return VIRTUAL[dim]
    match dim:
        case "status":
            return [s.value for s in Status]
        case "origin":
            return ["complaint", "own_initiative"]
        case "right":
            return [r.code for r in RIGHTS] + ["none"]
        case "ground":
            return [*DISCRIMINATION_GROUNDS, "none"]
        case "department":
            return [*settings.departments, "other", "not_stated"]
        case "outcome":
            return [o.value for o in FindingOutcome] + ["none"]
    return [*CHARACTERISTICS[dim], "not_stated"]


def cells_of(table: Table, period: str, settings: Settings) -> Iterator[Cell]:
    population, dims = table
    for track in [*TRACKS, ALL]:
        for values in itertools.product(*(domain(d, settings) for d in dims)):
            yield Cell(population, track, period, tuple(zip(dims, values, strict=True)))


# The ties between cells (the attacker's equations).


def system_of(cells: Iterable[Cell]) -> joint.System[Cell]:
    """Every equation and bound between these cells (a year's releases), built from the cells
    themselves: each release ties the values it carries, so a release made before the office
    changed its departments keeps its own."""
    equations: list[list[Cell]] = []
    bounded: list[tuple[Cell, Cell]] = []
    tables: dict[tuple[str, str, str, tuple[str, ...]], list[Cell]] = {}
    for cell in cells:
        dims = tuple(d for d, _ in cell.group)
        tables.setdefault((cell.population, cell.track, cell.period, dims), []).append(cell)
    for (population, track, label, dims), members in tables.items():
        period = parse_period(label)
        table = (population, tuple(sorted(dims)))
        for cell in members:
            if track == ALL:
                equations.append([*(cell._replace(track=t) for t in TRACKS), cell])
            for dim in dims:
                if dim in MULTI:
                    bounded.append((cell, cell.without([dim])))
        # Single-valued dimensions add up to their margin.
        for dim in dims:
            if dim in MULTI:
                continue
            by_rest: dict[tuple[tuple[str, str], ...], list[Cell]] = {}
            for cell in members:
                by_rest.setdefault(cell.without([dim]).group, []).append(cell)
            for rest, parts in by_rest.items():
                equations.append([*parts, Cell(population, track, label, rest)])
        # Months add up to their quarter, quarters to the year (where the finer carried it).
        if period.unit is not PeriodUnit.month and table in NESTED:
            finer = PeriodUnit.month if period.unit is PeriodUnit.quarter else PeriodUnit.quarter
            if table in PLAN[finer]:
                subs = sub_periods(period, finer)
                for cell in members:
                    equations.append([*(cell._replace(period=s.label) for s in subs), cell])
    return joint.System(equations=equations, bounded=bounded)


# Reading a period's figures.

_FINISHED = """
SELECT track, val_a AS month, sum(n) AS n FROM stat_cells
WHERE dim_a = 'finished_month' AND dim_b = '' AND val_a = ANY(%(months)s)
GROUP BY 1, 2
"""


def _counts_from(sums: Sums, population: str, dim: str | None) -> dict[str, int]:
    """Breakdowns of the complaints (or their remedies) derived from the counters."""
    n, c = sums.n, sums.counters
    if population == "remedies":
        total = c["remedies_recommended"]
        if dim == "remedy_response":
            return {
                "responded": c["remedies_responded"],
                "awaiting": total - c["remedies_responded"],
            }
        if dim == "remedy_implementation":
            implemented = c["remedies_implemented"]
            return {"implemented": implemented, "not_implemented": total - implemented}
        return {"": total}
    pairs = {
        "mandate": ("outside_mandate", None),
        "investigation": ("investigated", None),
        "finish": ("finished", None),
        "acknowledgement": ("ack_on_time", "ack_settled"),
        "feedback": ("feedback_on_time", "feedback_settled"),
        "decision": ("decided_on_time", "decided"),
    }
    counter, settled = pairs[dim or ""]
    if settled is None:
        yes = c[counter]
        names = VIRTUAL[dim or ""]
        if dim == "mandate":
            return {"within": n - yes, "outside": yes}
        return {names[0]: yes, names[1]: n - yes}
    on_time, done = c[counter], c[settled]
    return {"on_time": on_time, "late": done - on_time, "none": n - done}


def _configured(
    sums: dict[tuple[str, ...], Sums], dims: Sequence[str | None], settings: Settings
) -> dict[tuple[str, ...], int]:
    """Counts per group, a department no longer configured counted as `other` (the aggregate
    keeps the names configured when it counted; a rebuild renames them)."""
    known = set(domain("department", settings))
    out: dict[tuple[str, ...], int] = {}
    for key, value in sums.items():
        named = tuple(
            "other" if d == "department" and v not in known else v
            for d, v in zip(dims, key, strict=True)
        )
        out[named] = out.get(named, 0) + value.n
    return out


Kept = dict[tuple[str, Table], dict[Cell, int]]  # (month, table): its atoms


def table_of(cell: Cell) -> Table:
    return cell.population, tuple(sorted(d for d, _ in cell.group))


def kept_atoms(family: Iterable[Stored], previous: Stored | None) -> Kept:
    """The atoms releases kept, by month and table: each month's as the finest release that
    kept it counted it (a month's own before its quarter's), a previous version's first (a
    revision counts what the version it revises counted)."""
    kept: Kept = {}
    ranked = sorted(family, key=lambda r: ORDER.index(r.period.unit))
    for release in [*([previous] if previous else []), *ranked]:
        found: Kept = {}
        for cell, value in release.atoms.items():
            found.setdefault((cell.period, table_of(cell)), {})[cell] = value
        for key, atoms in found.items():
            kept.setdefault(key, atoms)
    return kept


def _as_configured(counted: dict[Cell, int], cells: list[Cell]) -> dict[Cell, int]:
    """A month's counts as kept, on today's cells: a value configured since (a department
    added) has 0 for it, a value no longer configured counts as `other`, as it would now."""
    wanted = set(cells)
    out = dict.fromkeys(cells, 0)
    for cell, value in counted.items():
        if cell in wanted:
            out[cell] += value
            continue
        moved = cell._replace(
            group=tuple((d, "other" if d == "department" else v) for d, v in cell.group)
        )
        if moved in wanted:
            out[moved] += value
    return out


async def read_truth(
    conn: Conn,
    settings: Settings,
    period: Period,
    kept: Kept,
) -> tuple[dict[Cell, int], dict[Cell, int], dict[str, dict[str, list[int]]]]:
    """The exact counts of a release's cells, the atoms of every table of codes in each of its
    months (`KEPT`, carried or not), and the duration histograms per track (year releases).
    Months whose atoms an earlier release kept are taken from it, so published figures add up
    whatever changed since; the others are counted now, in this snapshot."""
    scope = Scope(months=list(period.months), tracks=list(Track))
    reader = Reader(conn, scope, PeriodUnit.month, Sealer.from_settings(settings))
    await reader.begin(isolate=False)
    labels = [month_label(m) for m in period.months]
    atoms: dict[Cell, int] = {}
    truth: dict[Cell, int] = {}
    histograms: dict[str, dict[str, list[int]]] = {}
    for table in sorted(KEPT):
        _, dims = table
        fresh: dict[tuple[str, ...], int] | None = None
        for label in labels:
            month_cells = list(cells_of(table, label, settings))
            counted = kept.get((label, table))
            if counted:
                atoms.update(_as_configured(counted, month_cells))
                continue
            if fresh is None:
                fresh = _configured(
                    await reader.sums(
                        [Dimension.period, Dimension.track, *(Dimension(d) for d in dims)],
                        durations=False,
                    ),
                    [None, None, *dims],
                    settings,
                )
            for cell in month_cells:
                if cell.track == ALL:
                    continue
                key = (label, cell.track, *(v for _, v in cell.group))
                atoms[cell] = fresh.get(key, 0)
            for cell in month_cells:
                if cell.track == ALL:
                    atoms[cell] = sum(atoms[cell._replace(track=t)] for t in TRACKS)
    for table in PLAN[period.unit]:
        population, dims = table
        if table in KEPT:
            for cell in cells_of(table, period.label, settings):
                truth[cell] = sum(atoms[cell._replace(period=label)] for label in labels)
            continue
        if population == "finishes":
            cur = await conn.execute(_FINISHED, {"months": labels})
            by_track = dict.fromkeys(TRACKS, 0)
            for row in await cur.fetchall():
                by_track[row["track"]] += int(row["n"])
            for row in reader.tail or ():
                if (
                    row["dim_a"] == "finished_month"
                    and row["dim_b"] == ""
                    and row["val_a"] in labels
                ):
                    by_track[row["track"]] += int(row["n"])
            for track in TRACKS:
                truth[Cell(population, track, period.label, ())] = by_track[track]
            truth[Cell(population, ALL, period.label, ())] = sum(by_track.values())
            continue
        real = [d for d in dims if d not in VIRTUAL]
        sums = await reader.sums([Dimension.track, *(Dimension(d) for d in real)], durations=False)
        by_group = _configured(sums, [None, *real], settings)
        for cell in cells_of(table, period.label, settings):
            if cell.track == ALL:
                continue
            virtual = [d for d in dims if d in VIRTUAL]
            if population == "remedies" or virtual:
                group_sums = sums.get((cell.track,), Sums())
                counts = _counts_from(group_sums, population, virtual[0] if virtual else None)
                truth[cell] = counts[cell.group[0][1] if cell.group else ""]
            else:
                key = (cell.track, *(v for _, v in cell.group))
                truth[cell] = by_group.get(key, 0)
        for cell in cells_of(table, period.label, settings):
            if cell.track == ALL:
                truth[cell] = sum(truth[cell._replace(track=t)] for t in TRACKS)
    if period.unit is PeriodUnit.year:
        tracks = await reader.sums([Dimension.track])
        overall = Sums()
        for track in TRACKS:
            of_track = tracks.get((track,), Sums())
            histograms[track] = of_track.hists
            for measure, histogram in of_track.hists.items():
                overall.add_hist(measure, histogram)
        histograms[ALL] = overall.hists
    return truth, atoms, histograms


# The joint check.


@dataclass
class Stored:
    """A release already published, as the check needs it."""

    id: int
    period: Period
    version: int
    truth: dict[Cell, int]
    hidden: set[Cell]
    atoms: dict[Cell, int]  # what it kept of the months being released (`_stored`)


def attribute_hidden(truth: dict[Cell, int], cells: Iterable[Cell], k: int) -> set[Cell]:
    """Cells under a group whose count is from 1 to k-1 (every subset of their dimensions, and
    the track's caseload of the period): nothing of such a group's breakdown is shown."""
    out = set()
    for cell in cells:
        names = [d for d, _ in cell.group]
        ancestors = [
            cell.without(drop)
            for size in range(1, len(names) + 1)
            for drop in itertools.combinations(names, size)
        ]
        ancestors.append(Cell("complaints", cell.track, cell.period, ()))
        if any(a != cell and a in truth and 0 < truth[a] < k for a in ancestors):
            out.add(cell)
    return out


@dataclass
class Checked:
    hidden: set[Cell]
    outcome: joint.Outcome[Cell]
    checked_with: list[str]


def check(
    settings: Settings,
    period: Period,
    truth: dict[Cell, int],
    family: Sequence[Stored],
    previous: Stored | None,
) -> Checked:
    """Decide which cells of a new release to hide, jointly with the year's releases."""
    k = settings.statistics_min_cell
    known: dict[Cell, int] = {}
    hidden_before: set[Cell] = set()
    for release in family:
        known.update(release.truth)
        hidden_before |= release.hidden
    candidates = set(truth)
    must_hide = attribute_hidden(truth, truth, k)
    if previous is not None:
        for cell, value in truth.items():
            if cell in previous.hidden:
                hidden_before.add(cell)
            elif cell in previous.truth:
                change = abs(value - previous.truth[cell])
                if change == 0:
                    candidates.discard(cell)  # shown before, unchanged: known already
                elif change < k:
                    must_hide.add(cell)
    everything = {**known, **truth}
    system = system_of(everything)
    outcome = joint.protect(
        everything,
        system,
        k,
        candidates=candidates,
        hidden_before=hidden_before & set(everything),
        must_hide=must_hide,
    )
    hidden = outcome.hidden | (hidden_before & set(truth))
    return Checked(hidden, outcome, sorted(r.period.label for r in family))


# The published document.


def table_id(table: Table) -> str:
    population, dims = table
    return f"{population}_by_{'_and_'.join(dims)}" if dims else f"{population}_total"


_SHARES: list[tuple[str, str, str, list[str], list[str]]] = [
    # (id, population, dimension, numerator values, denominator values)
    (
        "investigated_share",
        "complaints",
        "investigation",
        ["investigated"],
        VIRTUAL["investigation"],
    ),
    (
        "acknowledged_on_time_share",
        "complaints",
        "acknowledgement",
        ["on_time"],
        ["on_time", "late"],
    ),
    ("feedback_on_time_share", "complaints", "feedback", ["on_time"], ["on_time", "late"]),
    ("decided_on_time_share", "complaints", "decision", ["on_time"], ["on_time", "late"]),
    (
        "violation_found_share",
        "complaints",
        "outcome",
        ["violation_found", "partially_founded"],
        [o.value for o in FindingOutcome],
    ),
    (
        "remedy_response_rate",
        "remedies",
        "remedy_response",
        ["responded"],
        VIRTUAL["remedy_response"],
    ),
    (
        "remedy_compliance_rate",
        "remedies",
        "remedy_implementation",
        ["implemented"],
        VIRTUAL["remedy_implementation"],
    ),
]
_DURATIONS = {"ack": "acknowledgement", "findings": "findings", "finish": "finish"}


def share_of(
    k: int, shown: dict[Cell, int | None], cells: list[Cell], numerator: list[Cell]
) -> dict[str, Any]:
    """A share, published only where every cell it sums is shown and its numerator,
    denominator and their difference are each 0 or at least k."""
    values = [shown.get(c) for c in cells]
    if any(v is None for v in values):
        return {"value": None, "numerator": None, "denominator": None, "suppressed": True}
    top = sum(shown[c] or 0 for c in numerator)
    bottom = sum(v or 0 for v in values)
    if bottom == 0 or any(disclosure.is_small(x, k) for x in (top, bottom, bottom - top)):
        return {"value": None, "numerator": None, "denominator": None, "suppressed": True}
    return {
        "value": round(top / bottom, 4),
        "numerator": top,
        "denominator": bottom,
        "suppressed": False,
    }


def document(
    settings: Settings,
    number: int,
    period: Period,
    version: int,
    previous: Stored | None,
    reason: str | None,
    truth: dict[Cell, int],
    checked: Checked,
    histograms: dict[str, dict[str, list[int]]],
    computed_at: datetime,
) -> dict[str, Any]:
    k = settings.statistics_min_cell
    shown: dict[Cell, int | None] = {
        cell: (None if cell in checked.hidden else value) for cell, value in truth.items()
    }
    tables = []
    for table in PLAN[period.unit]:
        population, dims = table
        tables.append(
            {
                "id": table_id(table),
                "population": population,
                "dimensions": list(dims),
                "cells": [
                    {
                        "track": cell.track,
                        "group": dict(cell.group),
                        "value": shown[cell],
                        "suppressed": shown[cell] is None,
                    }
                    for cell in cells_of(table, period.label, settings)
                ],
            }
        )
    doc: dict[str, Any] = {
        "release": number,
        "period": period.label,
        "unit": period.unit.value,
        "version": version,
        "supersedes": previous.id if previous else None,
        "reason": reason,
        "months": [month_label(period.months[0]), month_label(period.months[-1])],
        "computed_at": computed_at.isoformat(),
        "tracks": [*TRACKS, ALL],
        "tables": tables,
        "disclosure": {
            "method": "joint cell suppression, audited by linear programming",
            "min_cell": k,
            "suppressed": len(checked.hidden),
            "primary_suppressed": checked.outcome.primary,
            "checked_with": checked.checked_with,
            "rules": RULES,
        },
    }
    if period.unit is PeriodUnit.year:
        shares = []
        for share_id, population, dim, top, bottom in _SHARES:
            for track in [*TRACKS, ALL]:
                cells = {v: Cell(population, track, period.label, ((dim, v),)) for v in bottom}
                entry = share_of(k, shown, list(cells.values()), [cells[v] for v in top])
                shares.append({"id": share_id, "track": track, **entry})
        doc["shares"] = shares
        durations = []
        for track in [*TRACKS, ALL]:
            for measure, label in _DURATIONS.items():
                histogram = histograms.get(track, {}).get(measure)
                count = sum(histogram) if histogram else 0
                median = p90 = None
                if histogram is not None and count >= k:
                    median, p90 = disclosure.percentiles(histogram, (0.5, 0.9))
                for stat, value in (("median", median), ("p90", p90)):
                    durations.append(
                        {
                            "id": f"{stat}_days_to_{label}",
                            "track": track,
                            "value": value,
                            "suppressed": value is None,
                        }
                    )
        doc["durations"] = durations
        doc["annual_report"] = {t: reports.annual_figures(doc, t) for t in [*TRACKS, ALL]}
        doc["indicators"] = {
            "framework": reports.FRAMEWORK,
            "tracks": {t: reports.indicators(doc, settings, t) for t in [*TRACKS, ALL]},
        }
    return doc


# Storing and loading.

_FAMILY = """
SELECT DISTINCT ON (period) id, period, version, truth
FROM statistics_releases
WHERE period = %(year)s OR period LIKE %(year)s || '-%%'
ORDER BY period, version DESC
"""
_LATEST = """
SELECT id, period, version, truth FROM statistics_releases
WHERE period = %(period)s ORDER BY version DESC LIMIT 1
"""
_NEXT_ID = "SELECT nextval(pg_get_serial_sequence('statistics_releases', 'id')) AS id"
_INSERT = """
INSERT INTO statistics_releases (id, period, unit, version, first_month, last_month, computed_at,
  supersedes, reason, published, document, truth, digest, signature, key_id)
OVERRIDING SYSTEM VALUE
VALUES (%(id)s, %(period)s, %(unit)s, %(version)s, %(first)s, %(last)s, %(computed_at)s,
  %(supersedes)s, %(reason)s, %(published)s, %(document)s, %(truth)s, %(digest)s, %(signature)s,
  %(key_id)s)
"""
_PUSH = "INSERT INTO outbox_events (type, payload) VALUES (%(type)s, %(payload)s)"


def _stored(row: dict[str, Any], months: Iterable[str]) -> Stored:
    """A release as the check needs it, with the atoms it kept of `months` only: a new release
    reads only its own months' (parsing every month's added about 2 s to a year's releases at
    10,000 complaints, most of it in the months)."""
    truth = row["truth"]
    wanted = set(months)
    return Stored(
        id=int(row["id"]),
        period=parse_period(row["period"]),
        version=int(row["version"]),
        truth={Cell.parse(t): int(v) for t, v in truth["cells"].items()},
        hidden={Cell.parse(t) for t in truth["hidden"]},
        atoms={
            Cell.parse(t): int(v) for t, v in truth["atoms"].items() if t.split("|", 3)[2] in wanted
        },
    )


class ReleaseExists(AppError):
    status, slug, title = 409, "release-exists", "This period is released already"


class NotClosed(AppError):
    status, slug, title = 409, "period-not-closed", "This period is not closed yet"


def due_at(period: Period, settings: Settings) -> datetime:
    """When a period may be released: its end, plus the configured lag."""
    end = datetime(period.end.year, period.end.month, 1, tzinfo=UTC)
    return end + timedelta(days=settings.statistics_release_lag_days)


async def publish(
    conn: Conn,
    settings: Settings,
    period: Period,
    *,
    reason: str | None = None,
    revise: int | None = None,
    now: datetime | None = None,
    actor: Actor = SYSTEM,
) -> dict[str, Any]:
    """Compute, check, freeze, sign and store the release of a closed period, and enqueue its
    push; returns the stored document. `conn` is in autocommit mode: publishers take turns
    (a session lock), then everything is read in one snapshot and written in one transaction."""
    now = now or datetime.now(UTC)
    if now < due_at(period, settings):
        raise NotClosed(
            f"{period.label} may be released from {due_at(period, settings):%Y-%m-%d} (the "
            f"period's end plus {settings.statistics_release_lag_days} days)."
        )
    await conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK,))
    try:
        async with conn.transaction():
            return await _publish(conn, settings, period, reason, revise, now, actor)
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK,))


async def _publish(
    conn: Conn,
    settings: Settings,
    period: Period,
    reason: str | None,
    revise: int | None,
    now: datetime,
    actor: Actor,
) -> dict[str, Any]:
    # One snapshot from here (after the lock): it sees every release published before, and
    # the aggregate and its unfolded tail as of one moment.
    await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    cur = await conn.execute(_LATEST, {"period": period.label})
    row = await cur.fetchone()
    labels = [month_label(m) for m in period.months]
    previous = _stored(row, labels) if row else None
    if previous is not None and revise is None:
        raise ReleaseExists(f"{period.label} is release {previous.id} already.")
    if previous is None and revise is not None:
        raise NotFound(f"{period.label} has no release to revise.")
    if previous is not None and revise is not None and previous.id != revise:
        raise ReleaseExists(
            f"Release {revise} was revised already: release {previous.id} is the current "
            f"version of {period.label}; revise that one."
        )
    cur = await conn.execute(_FAMILY, {"year": str(period.year)})
    family = [_stored(r, labels) for r in await cur.fetchall() if r["period"] != period.label]
    kept = kept_atoms(family, previous)
    truth, atoms, histograms = await read_truth(conn, settings, period, kept)
    checked = check(settings, period, truth, family, previous)
    cur = await conn.execute(_NEXT_ID)
    number = int((await cur.fetchone())["id"])  # type: ignore[index]
    version = previous.version + 1 if previous else 1
    doc = document(
        settings, number, period, version, previous, reason, truth, checked, histograms, now
    )
    key = ReleaseKey.from_settings(settings)
    signature = key.sign(doc)
    await conn.execute(
        _INSERT,
        {
            "id": number,
            "period": period.label,
            "unit": period.unit.value,
            "version": version,
            "first": period.months[0],
            "last": period.months[-1],
            "computed_at": now,
            "supersedes": previous.id if previous else None,
            "reason": reason,
            "published": Jsonb({**doc, "signature": signature}),
            "document": canonical({**doc, "signature": signature}).decode(),
            "truth": Jsonb(
                {
                    "cells": {c.text(): v for c, v in truth.items()},
                    "hidden": sorted(c.text() for c in checked.hidden),
                    "atoms": {c.text(): v for c, v in atoms.items()},
                }
            ),
            "digest": signature["digest"],
            "signature": signature["value"],
            "key_id": signature["key_id"],
        },
    )
    served = {**doc, "signature": signature}
    await conn.execute(_PUSH, {"type": RELEASE_TYPE, "payload": Jsonb(served)})
    await audit(
        conn, actor, "statistics.revise" if previous else "statistics.release", "release", number
    )
    log.info(
        "released %s (release %d, version %d): %d cells, %d suppressed, %d bounds computed",
        period.label,
        number,
        version,
        len(truth),
        len(checked.hidden),
        checked.outcome.linear_programs,
    )
    return served


_FIRST_MONTH = "SELECT min(month) AS first FROM stat_cells WHERE dim_a = '' AND n > 0"
_RELEASED = "SELECT DISTINCT period FROM statistics_releases"


async def due(conn: Conn, settings: Settings, now: datetime | None = None) -> list[Period]:
    """Closed periods not released yet, finer first, oldest first: from the first month that
    received anything."""
    now = now or datetime.now(UTC)
    cur = await conn.execute(_FIRST_MONTH)
    row = await cur.fetchone()
    first = row["first"] if row else None
    cur = await conn.execute(
        "SELECT min(date_trunc('month', received_at AT TIME ZONE 'UTC'))::date AS first "
        "FROM complaints"
    )
    row = await cur.fetchone()
    received = row["first"] if row else None
    firsts = [d for d in (first, received) if d is not None]
    if not firsts:
        return []
    start = min(firsts)
    cur = await conn.execute(_RELEASED)
    released = {r["period"] for r in await cur.fetchall()}
    out = []
    for unit in ORDER:
        for year in range(start.year, now.year + 1):
            for period in periods_of_year(year):
                if (
                    period.unit is unit
                    and period.label not in released
                    and period.end > start
                    and due_at(period, settings) <= now
                ):
                    out.append(period)
    return out


# Reading releases.

_GET = "SELECT published FROM statistics_releases WHERE id = %(id)s"
_DOCUMENT = "SELECT document FROM statistics_releases WHERE id = %(id)s"
_LIST = """
SELECT id AS release, period, unit, version, supersedes, reason, computed_at, digest,
  NOT EXISTS (SELECT 1 FROM statistics_releases l WHERE l.supersedes = r.id) AS current
FROM statistics_releases r
WHERE (%(year)s::int IS NULL OR date_part('year', first_month) = %(year)s)
  AND (%(unit)s::text IS NULL OR unit = %(unit)s)
ORDER BY first_month DESC, array_position(ARRAY['year', 'quarter', 'month'], unit), version DESC
"""
_CURRENT_OF = """
SELECT published FROM statistics_releases WHERE period = %(period)s
ORDER BY version DESC LIMIT 1
"""


async def get(conn: Conn, release_id: int) -> dict[str, Any]:
    cur = await conn.execute(_GET, {"id": release_id})
    row = await cur.fetchone()
    if row is None:
        raise NotFound(f"There is no release {release_id}.")
    return dict(row["published"])


async def document_of(conn: Conn, release_id: int) -> str:
    """A release as served: its canonical JSON, read as stored."""
    cur = await conn.execute(_DOCUMENT, {"id": release_id})
    row = await cur.fetchone()
    if row is None:
        raise NotFound(f"There is no release {release_id}.")
    return str(row["document"])


async def listing(conn: Conn, year: int | None, unit: PeriodUnit | None) -> list[dict[str, Any]]:
    cur = await conn.execute(_LIST, {"year": year, "unit": unit.value if unit else None})
    return list(await cur.fetchall())


class NotReleased(AppError):
    status, slug, title = 404, "not-released", "Not released yet"


async def of_year(conn: Conn, settings: Settings, year: int) -> dict[str, Any]:
    """The current release of a year, or a problem that says when it is due."""
    cur = await conn.execute(_CURRENT_OF, {"period": str(year)})
    row = await cur.fetchone()
    if row is None:
        when = due_at(period_of(PeriodUnit.year, year, 1), settings)
        raise NotReleased(
            f"The figures of {year} are published in its yearly release, due from "
            f"{when:%Y-%m-%d}; monthly and quarterly releases are at /v1/releases."
        )
    return dict(row["published"])
