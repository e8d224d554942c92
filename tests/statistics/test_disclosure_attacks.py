"""The attacks that singled people out of the published statistics, run as an attacker would
against the HTTP API, and an adversarial audit of everything published for a year.

The attacker's knowledge is written here independently of app.statistics: the additive ties a
reader of the README knows (tracks add up to all tracks; a single-valued dimension's values add
up to its margin; months add up to quarters, quarters to the year; a right's or a ground's count
is at most its group's), and linear programming (SciPy's HiGHS) for the best bounds.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import httpx
from scipy.optimize import linprog
from scipy.sparse import coo_array

from app.config import Settings
from tests.conftest import act, complaint_body, publish_due, refused

K = 10
# Releases are published as of this day, so what is due does not depend on when tests run.
TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
MULTI = {"right", "ground"}
TRACKS = ("ombudsperson", "anti_corruption")
Key = tuple[str, str, str, tuple[tuple[str, str], ...]]  # table, track, period, group


async def file(client: httpx.AsyncClient, count: int, **overrides: Any) -> list[str]:
    ids = []
    for _ in range(count):
        response = await client.post("/v1/complaints", json=complaint_body(**overrides))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def received(db: Any, ids: list[str], when: str) -> None:
    db.execute("UPDATE complaints SET received_at = %s WHERE id = ANY(%s)", (when, ids))


def cell(doc: dict[str, Any], table: str, track: str, **group: str) -> Any:
    found = next(t for t in doc["tables"] if t["id"] == table)
    return next(c["value"] for c in found["cells"] if c["track"] == track and c["group"] == group)


async def releases_of(client: httpx.AsyncClient, year: int) -> list[dict[str, Any]]:
    listed = (await client.get("/v1/releases", params={"year": year})).json()["releases"]
    return [(await client.get(f"/v1/releases/{r['release']}")).json() for r in listed]


# Finding 1: live differencing.


async def test_a_case_that_changes_moves_nothing_published_and_live_tables_are_noisy(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    others = await file(client, 30, characteristics={"ethnicity": "not_minority"})
    jane = await file(client, 1, characteristics={"ethnicity": "indigenous", "disability": "yes"})
    received(db, [*others, *jane], "2025-03-10T10:00:00Z")
    await publish_due(database_url, settings, now=TODAY)
    head = auth("ombudsperson", sub="head")
    before = {
        r["release"]: (await client.get(f"/v1/releases/{r['release']}")).content
        for r in (await client.get("/v1/releases")).json()["releases"]
    }
    # The attack: read, acknowledge her case, read again.
    exact = await client.get(
        "/v1/statistics",
        params={"group_by": ["status", "ethnicity"], "privacy": "suppression"},
        headers=head,
    )
    refused(exact, 422, "validation-error", field="query.privacy")
    await act(client, auth("ombudsperson_staff"), jane[0], "acknowledge")
    assert await publish_due(database_url, settings, now=TODAY) == []
    after = {
        r["release"]: (await client.get(f"/v1/releases/{r['release']}")).content
        for r in (await client.get("/v1/releases")).json()["releases"]
    }
    assert after == before
    # What the head may still ask live is noisy, and paid for.
    live = await client.get(
        "/v1/statistics", params={"group_by": ["status", "ethnicity"]}, headers=head
    )
    assert live.status_code == 200
    assert live.json()["metadata"]["privacy"]["noise_scale"] > 0
    # Her group of one shows nothing of its breakdown in the year's release: no zeros either.
    year = next(d for d in await releases_of(client, 2025) if d["period"] == "2025")
    for table in year["tables"]:
        if "ethnicity" in table["dimensions"] and len(table["dimensions"]) == 2:
            for c in table["cells"]:
                # (None on the anti-corruption track: a group of zero has nothing to hide.)
                if c["group"]["ethnicity"] == "indigenous" and c["track"] != "anti_corruption":
                    assert c["value"] is None, (table["id"], c)


# Finding 2: a track filter gives back a suppressed cell.


async def test_the_other_track_cannot_be_subtracted_from_all_tracks(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    ids = await file(client, 10, track="anti_corruption", characteristics={"ethnicity": "other"})
    ids += await file(client, 3, characteristics={"ethnicity": "other"})
    ids += await file(client, 25, characteristics={"ethnicity": "not_minority"})
    received(db, ids, "2025-04-10T10:00:00Z")
    published = await publish_due(database_url, settings, now=TODAY)
    quarter = next(d for d in published if d["period"] == "2025-Q2")
    table = "complaints_by_ethnicity"
    everyone = cell(quarter, table, "all", ethnicity="other")
    corruption = cell(quarter, table, "anti_corruption", ethnicity="other")
    ombudsperson = cell(quarter, table, "ombudsperson", ethnicity="other")
    assert ombudsperson is None  # 3: small
    assert everyone is None or corruption is None  # else 13 - 10 = 3


# Finding 3: measures and indicators publish small counts.


async def test_shares_and_indicators_never_give_a_small_count_away(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    ids = await file(client, 38)
    ids += await file(client, 15, respondent="Police")
    received(db, ids, "2025-05-10T10:00:00Z")
    # One investigated case of the 15 at the police; outcomes 20 / 3 / 15 among the 38.
    db.execute("UPDATE complaints SET investigated_at = now() WHERE id = %s", (ids[38],))
    outcomes = ["violation_found"] * 20 + ["partially_founded"] * 3 + ["no_violation"] * 15
    for cid, outcome in zip(ids[:38], outcomes, strict=True):
        db.execute(
            "INSERT INTO findings (complaint_id, outcome, rights_affected, public_summary, "
            "internal_reasoning, drafted_by, issued_at) VALUES (%s, %s, '{adequate_housing}', "
            "'Summary.', 'Reasoning.', 'head', '2025-08-01T00:00:00Z')",
            (cid, outcome),
        )
    db.execute("UPDATE complaints SET investigated_at = now() WHERE id = ANY(%s)", (ids[:38],))
    await publish_due(database_url, settings, now=TODAY)
    report = (await client.get("/v1/reports/annual/2025")).json()
    figures = {(f["section"], f["item"]): f["value"] for f in report["figures"]}
    assert figures[("outcomes", "partially_founded")] is None
    # 20 + 3 of 38 would give the 3 back with 20 and 15 shown: O2 is withheld whole.
    indicators = (await client.get("/v1/indicators", params={"year": 2025})).json()
    by_code = {i["code"]: i for i in indicators["indicators"]}
    assert by_code["O2"] == {
        **by_code["O2"],
        "value": None,
        "numerator": None,
        "denominator": None,
        "suppressed": True,
    }
    # 39 investigated of 53: 14 were not, and 14, 39 and 53 are each k or more: shown.
    assert (by_code["P1"]["numerator"], by_code["P1"]["denominator"]) == (39, 53)
    police = (await client.get("/v1/reports/annual/2025")).json()
    assert police["release"] == indicators["release"]
    # No share times its denominator makes a count from 1 to k-1.
    year = next(d for d in await releases_of(client, 2025) if d["period"] == "2025")
    for share in year["shares"]:
        if share["value"] is not None:
            top, bottom = share["numerator"], share["denominator"]
            for count in (top, bottom, bottom - top):
                assert count == 0 or count >= K, share


# Finding 4: the push was microdata.


async def test_nothing_pushed_describes_one_case(
    client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    ids = await file(client, 3, respondent="Housing")
    for cid in ids:
        await act(client, auth("ombudsperson_staff"), cid, "acknowledge")
    # Six changes, each noted for the statistics fold; nothing queued for the monitoring module.
    assert db.execute("SELECT count(*) AS n FROM stat_changes").fetchone()["n"] == 6
    assert db.execute("SELECT count(*) AS n FROM outbox_events").fetchone()["n"] == 0


# Finding 5: one shared privacy budget.


async def test_a_monitor_spending_its_budget_leaves_the_heads_budget_whole(
    client: httpx.AsyncClient, auth: Any
) -> None:
    await file(client, 5)
    monitor = auth("monitor", sub="city-observatory")
    for _ in range(2):
        response = await client.get("/v1/statistics", params={"epsilon": "0.5"}, headers=monitor)
        assert response.status_code == 200
    refused(
        await client.get("/v1/statistics", params={"epsilon": "0.5"}, headers=monitor),
        409,
        "privacy-budget-exhausted",
    )
    head = await client.get(
        "/v1/statistics", params={"epsilon": "0.5"}, headers=auth("ombudsperson", sub="head")
    )
    assert head.status_code == 200
    assert head.json()["metadata"]["privacy"]["budget_remaining"] == 0.5


# Finding 6: no plain CSV link, `#` lines, nothing to look at.


async def test_a_release_downloads_as_csv_with_a_plain_link(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    ids = await file(client, 12)
    received(db, ids, "2025-03-10T10:00:00Z")
    await publish_due(database_url, settings, now=TODAY)
    response = await client.get("/v1/releases/1?format=csv")
    assert response.status_code == 200
    first = response.text.splitlines()[0]
    assert first == "kind,id,track,dimension_1,value_1,dimension_2,value_2,value,suppressed"
    assert not any(line.startswith("#") for line in response.text.splitlines())


# The adversarial audit.

CHARACTERISTICS = {
    "common": {
        "sex_gender": "woman",
        "age_band": "35_44",
        "disability": "no",
        "migration_status": "born_in_country",
        "ethnicity": "not_minority",
    },
    "rare_a": {
        "sex_gender": "non_binary",
        "age_band": "18_24",
        "disability": "yes",
        "migration_status": "refugee_or_asylum_seeker",
        "ethnicity": "indigenous",
    },
    "rare_b": {
        "sex_gender": "man",
        "age_band": "75_plus",
        "disability": "prefer_not_to_say",
        "migration_status": "foreign_resident",
        "ethnicity": "ethnic_minority",
    },
    "men": {
        "sex_gender": "man",
        "age_band": "45_54",
        "disability": "no",
        "migration_status": "born_in_country",
        "ethnicity": "not_minority",
    },
}
# (month, track, characteristics, rights, department, count): a year of rare combinations.
SEEDS = [
    (1, "ombudsperson", "common", ("adequate_housing", "good_administration"), "Housing", 14),
    (1, "ombudsperson", "rare_a", ("adequate_housing",), "Housing", 2),
    (1, "anti_corruption", "men", ("good_administration",), None, 4),
    (2, "ombudsperson", "men", ("adequate_housing", "education"), "Education", 11),
    (2, "ombudsperson", "rare_b", ("education",), "Education", 1),
    (3, "ombudsperson", "common", ("good_administration",), "Police", 9),
    (3, "anti_corruption", "common", ("good_administration",), None, 12),
    (4, "ombudsperson", "rare_a", ("freedom_of_movement",), "Police", 3),
    (5, "ombudsperson", "men", ("adequate_housing",), "Housing", 10),
    (5, "anti_corruption", "rare_b", ("good_administration",), None, 2),
]


def seeded_truth(key: Key) -> int:
    """The true count of a published cell, worked out from the seeds (every case stays as
    filed: submitted, no findings, no remedies, nothing finished)."""
    table, track, period, group = key
    months = period_months(period)
    population = table.split("_", 1)[0]
    if population != "complaints":
        return 0
    total = 0
    for month, seed_track, traits, rights, department, count in SEEDS:
        if month not in months or (track != "all" and track != seed_track):
            continue
        values = {
            **CHARACTERISTICS[traits],
            "origin": "complaint",
            "department": department or "not_stated",
            "status": "submitted",
            "outcome": "none",
            "mandate": "within",
            "investigation": "not_investigated",
            "acknowledgement": "none",
            "feedback": "none",
            "decision": "none",
            "finish": "open",
        }
        matches = all(
            (value in rights)
            if dim == "right"
            else (value == "disability")
            if dim == "ground"
            else values[dim] == value
            for dim, value in group
        )
        total += count if matches else 0
    return total


def period_months(period: str) -> set[int]:
    if len(period) == 4:
        return set(range(1, 13))
    if "Q" in period:
        q = int(period[-1])
        return {3 * q - 2, 3 * q - 1, 3 * q}
    return {int(period[5:])}


def month_label(month: int) -> str:
    return f"2025-{month:02d}"


def attacker_ties(
    cells: dict[Key, int | None], dims_of: dict[str, list[str]]
) -> tuple[list[list[Key]], list[tuple[Key, Key]]]:
    equations: list[list[Key]] = []
    bounded: list[tuple[Key, Key]] = []
    by_table: dict[tuple[str, str, str], list[Key]] = defaultdict(list)
    for key in cells:
        by_table[(key[0], key[1], key[2])].append(key)
    for (table, track, period), keys in by_table.items():
        population = table.split("_", 1)[0]
        dims = dims_of[table]
        if track == "all":
            for key in keys:
                equations.append([(table, t, period, key[3]) for t in TRACKS] + [key])
        for dim in dims:
            rest = [d for d in dims if d != dim]
            margin_table = f"{population}_by_{rest[0]}" if rest else f"{population}_total"
            groups: dict[tuple[tuple[str, str], ...], list[Key]] = defaultdict(list)
            for key in keys:
                groups[tuple(p for p in key[3] if p[0] != dim)].append(key)
            for other, parts in groups.items():
                margin = (margin_table, track, period, other)
                if dim in MULTI:
                    bounded.extend((part, margin) for part in parts)
                else:
                    equations.append([*parts, margin])
    # Months add up to quarters, quarters to the year.
    for key in cells:
        table, track, period, group = key
        if len(period) == 7 and "Q" in period:
            q = int(period[-1])
            months = [(table, track, month_label(m), group) for m in (3 * q - 2, 3 * q - 1, 3 * q)]
            if any(m in cells for m in months):
                equations.append([*months, key])
        elif len(period) == 4:
            quarters = [(table, track, f"2025-Q{q}", group) for q in range(1, 5)]
            if any(q in cells for q in quarters):
                equations.append([*quarters, key])
    return equations, bounded


class Attacker:
    """The attacker's linear programs: unknowns are the hidden and never published cells; each
    equation holds, each right's or ground's count is at most its group's; every count >= 0."""

    def __init__(
        self,
        cells: dict[Key, int | None],
        equations: list[list[Key]],
        bounded: list[tuple[Key, Key]],
    ) -> None:
        self.cells = cells
        self.rows = [(g, True) for g in equations] + [([c, m], False) for c, m in bounded]
        self.rows_of: dict[Key, list[int]] = defaultdict(list)
        for i, (group, _) in enumerate(self.rows):
            for key in group:
                self.rows_of[key].append(i)
        self.parts: dict[Key, tuple[dict[Key, int], Any, Any, Any, Any]] = {}

    def unknown(self, key: Key) -> bool:
        return self.cells.get(key) is None

    def part(self, target: Key) -> tuple[dict[Key, int], Any, Any, Any, Any]:
        """The system of the unknowns tied to `target` (built once per part)."""
        if target in self.parts:
            return self.parts[target]
        seen, frontier, used = {target}, [target], set()
        while frontier:
            key = frontier.pop()
            for i in self.rows_of[key]:
                if i not in used:
                    used.add(i)
                    for other in self.rows[i][0]:
                        if self.unknown(other) and other not in seen:
                            seen.add(other)
                            frontier.append(other)
        column = {k: i for i, k in enumerate(sorted(seen))}
        matrices: dict[bool, tuple[list[float], list[int], list[int], list[float]]] = {
            True: ([], [], [], []),
            False: ([], [], [], []),
        }
        for i in sorted(used):
            group, equality = self.rows[i]
            data, rows, cols, rhs = matrices[equality]
            signs = [1.0] * (len(group) - 1) + [-1.0]
            constant = 0.0
            for key, sign in zip(group, signs, strict=True):
                if self.unknown(key):
                    data.append(sign)
                    rows.append(len(rhs))
                    cols.append(column[key])
                else:
                    constant -= sign * float(self.cells[key])  # type: ignore[arg-type]
            rhs.append(constant)

        def sparse(equality: bool) -> tuple[Any, Any]:
            data, rows, cols, rhs = matrices[equality]
            if not rhs:
                return None, None
            return coo_array((data, (rows, cols)), shape=(len(rhs), len(column))), rhs

        built = (column, *sparse(True), *sparse(False))
        for key in column:
            self.parts[key] = built
        return built

    def bounds(self, target: Key) -> tuple[float, float]:
        column, a_eq, b_eq, a_ub, b_ub = self.part(target)
        out = []
        for direction in (1.0, -1.0):
            c = [0.0] * len(column)
            c[column[target]] = direction
            result = linprog(
                c, A_eq=a_eq, b_eq=b_eq, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs"
            )
            assert result.status in (0, 3), result.message
            out.append(float("inf") if result.status == 3 else direction * result.fun)
        return out[0], out[1]


async def test_everything_published_for_a_year_keeps_every_small_count_k_wide(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    for month, track, traits, rights, department, count in SEEDS:
        ids = await file(
            client,
            count,
            track=track,
            characteristics=CHARACTERISTICS[traits],
            rights_affected=list(rights),
            discrimination_grounds=["disability"],
            respondent=department,
        )
        received(db, ids, date(2025, month, 12).isoformat() + "T10:00:00Z")
    await publish_due(database_url, settings, now=TODAY)

    # Everything a monitor and the public can read: every release, as JSON and as CSV; the
    # annual report and the indicators of each track.
    docs = await releases_of(client, 2025)
    assert {d["period"] for d in docs} >= {"2025-01", "2025-Q4", "2025"}
    cells: dict[Key, int | None] = {}
    dims_of: dict[str, list[str]] = {}
    published_counts: list[int] = []
    for doc in docs:
        as_csv = await client.get(f"/v1/releases/{doc['release']}", params={"format": "csv"})
        rows = {
            (r["kind"], r["id"], r["track"], r["value_1"], r["value_2"]): r["value"]
            for r in csv.DictReader(io.StringIO(as_csv.text))
        }
        for table in doc["tables"]:
            dims_of[table["id"]] = table["dimensions"]
            for c in table["cells"]:
                group = tuple(sorted(c["group"].items()))
                cells[(table["id"], c["track"], doc["period"], group)] = c["value"]
                values = [c["group"][d] for d in table["dimensions"]] + ["", ""]
                as_text = rows[("table", table["id"], c["track"], values[0], values[1])]
                assert as_text == ("" if c["value"] is None else str(c["value"]))
                if c["value"] is not None:
                    published_counts.append(c["value"])
        for share in doc.get("shares") or []:
            if share["value"] is not None:
                published_counts += [share["numerator"], share["denominator"]]
    for track in ("all", *TRACKS):
        report = (await client.get("/v1/reports/annual/2025", params={"track": track})).json()
        for figure in report["figures"]:
            if figure["section"] in ("caseload", "mandate", "outcomes") and figure["value"]:
                published_counts.append(figure["value"])
        indicators = await client.get("/v1/indicators", params={"year": 2025, "track": track})
        for indicator in indicators.json()["indicators"]:
            published_counts += [
                v for v in (indicator["numerator"], indicator["denominator"]) if v is not None
            ]
            if indicator["unit"] == "count" and indicator["value"] is not None:
                published_counts.append(indicator["value"])

    # No count from 1 to k-1 anywhere.
    assert all(v == 0 or v >= K for v in published_counts)
    # Every figure shown is the truth (nothing is perturbed in a release).
    for key, value in cells.items():
        if value is not None:
            assert value == seeded_truth(key), key

    # A group whose count is from 1 to k-1 shows nothing of its breakdown.
    for key, value in cells.items():
        table, track, period, group = key
        if value is not None or not 0 < seeded_truth(key) < K:
            continue
        for other in cells:
            if other[1:3] == (track, period) and set(group) < set(other[3]):
                assert cells[other] is None, (key, other)

    # By linear programming over everything published, every hidden count from 1 to k-1 lies
    # in an interval at least k wide.
    equations, bounded = attacker_ties(cells, dims_of)
    attacker = Attacker(cells, equations, bounded)
    audited = 0
    for key, value in cells.items():
        truth = seeded_truth(key)
        if value is None and 0 < truth < K:
            low, high = attacker.bounds(key)
            assert low - 1e-6 <= truth <= high + 1e-6, (key, truth, low, high)
            assert high - low >= K - 1e-6, (key, truth, low, high)
            audited += 1
    assert audited > 50  # the seeds do make many small counts
