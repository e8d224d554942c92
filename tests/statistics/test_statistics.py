"""Statistics for monitoring bodies: exact, disaggregated, suppressed, and never about a person."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections import Counter
from fractions import Fraction
from typing import Any

import httpx
import psycopg
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import Settings
from app.crypto import Sealer
from app.statistics.folding import rebuild
from tests.conftest import TEST_SECRETS, act, fold_all

K = 10  # the default minimum cell


async def file_many(
    client: httpx.AsyncClient, spec: list[tuple[int, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """File `count` complaints with each set of overrides."""
    from tests.conftest import complaint_body

    filed = []
    for count, overrides in spec:
        for _ in range(count):
            response = await client.post("/v1/complaints", json=complaint_body(**overrides))
            assert response.status_code == 201, response.text
            filed.append(response.json())
    return filed


def traits(sex: str, age: str = "25_34") -> dict[str, Any]:
    return {"characteristics": {"sex_gender": sex, "age_band": age}}


async def stats(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await client.get("/v1/statistics", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def by_group(rows: list[dict[str, Any]]) -> dict[tuple[tuple[str, str], ...], dict[str, Any]]:
    return {tuple(sorted(r["group"].items())): r for r in rows}


def truth(db: psycopg.Connection[Any], column: str) -> Counter[str]:
    """The same grouping done directly on the case records, the seals opened here as the README
    describes them (AES-256-GCM: a 12-byte nonce, then the ciphertext; the associated data is
    the complaint id's 16 bytes and `characteristics`), with the test key that seals."""
    key = base64.b64decode(TEST_SECRETS["identity_keys"].split(";")[0].split(":")[1])
    rows = db.execute(
        "SELECT c.id, ch.key_id, ch.sealed FROM complaints c "
        "LEFT JOIN complainant_characteristics ch ON ch.complaint_id = c.id"
    ).fetchall()
    counted: Counter[str] = Counter()
    for row in rows:
        value = "not_stated"
        if row["sealed"] is not None:
            assert row["key_id"] == "test2"
            sealed = bytes(row["sealed"])
            plain = AESGCM(key).decrypt(
                sealed[:12], sealed[12:], row["id"].bytes + b"characteristics"
            )
            value = json.loads(plain).get(column, "not_stated")
        counted[value] += 1
    return counted


def determined(hidden: set[Any], equations: list[list[Any]]) -> set[Any]:
    """Independent check (exact rational elimination): hidden entries the shown ones give away."""
    unknowns = sorted(hidden, key=repr)
    matrix = [
        [Fraction(1) if u in group else Fraction(0) for u in unknowns]
        for group in equations
        if any(u in group for u in unknowns)
    ]
    pivot_row = 0
    pivots = []
    for col in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivots.append((pivot_row, col))
        pivot_row += 1
    return {unknowns[col] for row, col in pivots if sum(1 for v in matrix[row] if v != 0) == 1}


def table_equations(table: dict[str, Any]) -> tuple[dict[Any, int | None], list[list[Any]]]:
    """The published table as entries and the additive ties a reader can write down."""
    dims = table["group_by"]
    entries: dict[Any, int | None] = {}
    for row in table["rows"] + table["totals"]:
        key = tuple(row["group"].get(d, "*") for d in dims)
        entries[key] = row["complaints"]
    equations: list[list[Any]] = []
    if len(dims) == 1:
        equations.append(list(entries))
    elif len(dims) == 2:
        firsts = sorted({k[0] for k in entries if k[0] != "*"})
        seconds = sorted({k[1] for k in entries if k[1] != "*"})
        for a in firsts:
            equations.append([(a, b) for b in seconds] + [(a, "*")])
        for b in seconds:
            equations.append([(a, b) for a in firsts] + [("*", b)])
        equations.append([(a, "*") for a in firsts] + [("*", "*")])
        equations.append([("*", b) for b in seconds] + [("*", "*")])
    return entries, equations


def assert_safe(table: dict[str, Any]) -> None:
    """Every shown count is 0 or >= k, and no suppressed count can be derived from the table."""
    entries, equations = table_equations(table)
    for key, value in entries.items():
        assert value is None or value == 0 or value >= K, (key, value)
    hidden = {key for key, value in entries.items() if value is None}
    assert not determined(hidden, equations), determined(hidden, equations)
    assert not narrow_sums(entries, equations)


def narrow_sums(entries: dict[Any, int | None], equations: list[list[Any]]) -> list[Any]:
    """Groups under a shown total whose hidden parts sum to 1..k-1 (worked out from the shown
    entries alone, as a reader would): each hidden part is then known to be below k."""
    narrow = []
    for group in equations:
        *parts, total = group
        if entries[total] is None or all(entries[p] is not None for p in parts):
            continue
        rest = entries[total] - sum(entries[p] or 0 for p in parts)
        if 0 < rest < K:
            narrow.append(group)
    return narrow


async def test_a_monitor_sees_disaggregated_exact_suppressed_counts(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str
) -> None:
    await file_many(
        client,
        [
            (14, traits("woman")),
            (8, traits("man", "35_44")),
            (3, traits("prefer_not_to_say")),
            (2, {}),  # nothing declared: counted as not_stated
        ],
    )
    monitor = auth("monitor")
    table = await stats(client, monitor, group_by="sex_gender")
    rows = by_group(table["rows"])
    assert rows[(("sex_gender", "woman"),)]["complaints"] == 14
    # 8, 3 and 2 are below k: suppressed, and 14 stays visible because the hidden cells are
    # three (their sum, 13, is all a reader can work out).
    for value in ("man", "prefer_not_to_say", "not_stated"):
        assert rows[(("sex_gender", value),)] == {
            "group": {"sex_gender": value},
            "complaints": None,
            "suppressed": True,
            "measures": {m: None for m in rows[(("sex_gender", value),)]["measures"]},
        }
    assert rows[(("sex_gender", "non_binary"),)]["complaints"] == 0  # zeros are shown
    assert table["totals"] == [
        {
            "group": {},
            "complaints": 27,
            "suppressed": False,
            "measures": table["totals"][0]["measures"],
        }
    ]
    assert table["metadata"]["disclosure"]["min_cell"] == K
    assert table["metadata"]["disclosure"]["primary_suppressed"] == 3
    assert_safe(table)
    # The shown figures are the truth of the case records.
    expected = truth(db, "sex_gender")
    for (group,), row in ((k, r) for k, r in rows.items()):
        if row["complaints"] is not None:
            assert row["complaints"] == expected.get(group[1], 0)


async def test_secondary_suppression_protects_a_lone_small_cell(
    client: httpx.AsyncClient, auth: Any
) -> None:
    await file_many(client, [(15, traits("woman")), (4, traits("man"))])
    table = await stats(client, auth("monitor"), group_by="sex_gender")
    rows = by_group(table["rows"])
    # 4 alone would be 19 - 15: so 15 is hidden too.
    assert rows[(("sex_gender", "man"),)]["suppressed"] is True
    assert rows[(("sex_gender", "woman"),)]["suppressed"] is True
    assert table["totals"][0]["complaints"] == 19
    assert table["metadata"]["disclosure"]["secondary_suppressed"] == 1
    assert_safe(table)


async def test_two_way_tables_hide_what_the_margins_would_give_away(
    client: httpx.AsyncClient, auth: Any
) -> None:
    filed = await file_many(
        client,
        [
            (12, traits("woman", "25_34")),
            (11, traits("woman", "35_44")),
            (13, traits("man", "25_34")),
            (3, traits("man", "35_44")),
            (10, traits("non_binary", "25_34")),
        ],
    )
    assert len(filed) == 49
    table = await stats(client, auth("monitor"), group_by=["sex_gender", "age_band"])
    assert len(table["rows"]) == 6 * 10  # every combination, zeros included
    # One-way totals of each dimension, then the grand total last.
    assert table["totals"][-1] == {
        "group": {},
        "complaints": 49,
        "suppressed": False,
        "measures": table["totals"][-1]["measures"],
    }
    rows = by_group(table["rows"])
    assert rows[(("age_band", "35_44"), ("sex_gender", "man"))]["suppressed"] is True
    hidden = [r for r in table["rows"] + table["totals"] if r["suppressed"]]
    assert len(hidden) >= 4  # the small cell, and enough around it
    assert_safe(table)


async def test_measures_are_shares_and_durations_of_large_groups_only(
    client: httpx.AsyncClient, auth: Any
) -> None:
    filed = await file_many(client, [(12, traits("woman")), (11, traits("man"))])
    staff = auth("ombudsperson_staff")
    for item in filed[:10] + filed[12:14]:  # ten women and two men
        await act(client, staff, item["id"], "acknowledge")
    table = await stats(client, auth("monitor"), durations="true")
    total = table["totals"][0]
    assert total["complaints"] == 23
    measures = total["measures"]
    # 12 acknowledged, all on time, on the day they came in.
    assert measures["acknowledged_on_time_share"] == 1.0
    assert measures["median_days_to_acknowledgement"] == 0
    assert measures["p90_days_to_acknowledgement"] == 0
    assert measures["investigated_share"] == 0.0
    # Nothing was decided or recommended yet: no share over an empty (small) denominator.
    assert measures["decided_on_time_share"] is None
    assert measures["remedy_compliance_rate"] is None
    assert measures["median_days_to_finish"] is None
    by_sex = by_group(
        (await stats(client, auth("monitor"), group_by="sex_gender", durations="true"))["rows"]
    )
    woman, man = by_sex[(("sex_gender", "woman"),)], by_sex[(("sex_gender", "man"),)]
    assert (woman["complaints"], man["complaints"]) == (12, 11)
    # Ten women acknowledged: a share over 10 is shown; over the two men it is withheld.
    assert woman["measures"]["acknowledged_on_time_share"] == 1.0
    assert woman["measures"]["median_days_to_acknowledgement"] == 0
    assert man["measures"]["acknowledged_on_time_share"] is None
    assert man["measures"]["median_days_to_acknowledgement"] is None
    assert man["measures"]["investigated_share"] == 0.0  # over the 11 men
    # Durations are read only when asked for.
    plain = await stats(client, auth("monitor"))
    assert plain["totals"][0]["measures"]["median_days_to_acknowledgement"] is None
    assert plain["totals"][0]["measures"]["acknowledged_on_time_share"] == 1.0


async def test_figures_are_exact_before_and_after_folding_and_after_a_rebuild(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    filed = await file_many(
        client,
        [(12, traits("woman")), (11, {**traits("man"), "respondent": "Housing"})],
    )
    staff = auth("ombudsperson_staff")
    for item in filed[:14]:
        await act(client, staff, item["id"], "acknowledge")
    for item in filed[:12]:
        await act(client, staff, item["id"], "start_assessment")
    for item in filed[:11]:
        await act(client, staff, item["id"], "declare_inadmissible")
    monitor = auth("monitor")
    queries: list[dict[str, Any]] = [
        {"group_by": ["status", "sex_gender"]},
        {"group_by": ["department"]},
        {"group_by": ["period", "track"], "period_unit": "month"},
        {"group_by": ["right"]},
        {"group_by": ["status"]},
        {"group_by": ["period", "sex_gender"], "period_unit": "quarter", "durations": "true"},
    ]
    pending = db.execute(
        "SELECT count(*) AS n FROM outbox_events WHERE complaint_id IS NOT NULL"
    ).fetchone()["n"]
    assert pending == 23 + 14 + 12 + 11  # every change enqueued one event
    before = [await stats(client, monitor, **q) for q in queries]
    assert await fold_all(database_url, batch=7) == pending
    assert (
        db.execute(
            "SELECT count(*) AS n FROM outbox_events WHERE complaint_id IS NOT NULL"
        ).fetchone()["n"]
        == 0
    )
    after = [await stats(client, monitor, **q) for q in queries]
    rebuild(database_url, Sealer.from_settings(settings))
    rebuilt = [await stats(client, monitor, **q) for q in queries]
    strip = lambda t: {**t, "metadata": None}  # noqa: E731 (computed_at differs)
    assert [strip(t) for t in before] == [strip(t) for t in after] == [strip(t) for t in rebuilt]

    status = by_group(after[4]["rows"])
    assert status[(("status", "inadmissible"),)]["complaints"] == 11
    for small in ("submitted", "acknowledged", "under_assessment"):  # 9, 2 and 1
        assert status[(("status", small),)]["suppressed"] is True
    assert_safe(after[0])
    departments = by_group(after[1]["rows"])
    assert departments[(("department", "Housing"),)]["complaints"] == 11
    # The free text "Housing Department" is not a configured department: counted as other.
    assert departments[(("department", "other"),)]["complaints"] == 12
    rights = by_group(after[3]["rows"])
    # Each complaint names two rights and counts under each; the total counts complaints.
    assert rights[(("right", "adequate_housing"),)]["complaints"] == 23
    assert rights[(("right", "good_administration"),)]["complaints"] == 23
    assert after[3]["totals"][-1]["complaints"] == 23
    # The aggregate holds no row for a single complaint: stat_cells has counts, not ids.
    columns = {
        r["column_name"]
        for r in db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'stat_cells'"
        ).fetchall()
    }
    assert "complaint_id" not in columns


async def test_nothing_a_monitor_fetches_identifies_a_person(
    client: httpx.AsyncClient, auth: Any
) -> None:
    marker = "Zofia Wiśniewska of 12 Elm Street"
    filed = await file_many(
        client,
        [
            (
                12,
                {
                    **traits("woman"),
                    "description": f"{marker} was evicted without notice or a hearing.",
                    "contact": {"name": marker, "email": "zofia@example.org"},
                },
            )
        ],
    )
    monitor = auth("monitor")
    texts = []
    for params in (
        {"group_by": ["status", "sex_gender"]},
        {"group_by": ["period", "right"], "period_unit": "month"},
        {"group_by": ["ground"]},
    ):
        response = await client.get("/v1/statistics", params=params, headers=monitor)
        texts.append(response.text)
        csv_response = await client.get(
            "/v1/statistics", params=params, headers={**monitor, "Accept": "text/csv"}
        )
        texts.append(csv_response.text)
    texts.append((await client.get("/v1/indicators", headers=monitor)).text)
    texts.append((await client.get("/v1/reports/annual/2026", headers=monitor)).text)
    for text in texts:
        assert "Zofia" not in text and "Elm" not in text and "example.org" not in text
        for item in filed:
            assert item["reference"] not in text
            assert item["id"] not in text
    # No exact date: months, quarters and years only (computed_at is the release's time).
    table = json.loads(texts[2])
    assert all(len(r["group"]["period"]) == 7 for r in table["rows"] if "period" in r["group"])


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("monitor",), 200),
        (("ombudsperson",), 200),
        (("oversight_head",), 200),
        (("ombudsperson_staff",), 403),
        (("oversight_officer",), 403),
        (("respondent",), 403),
        (("resident",), 403),
        (("admin",), 403),
    ],
)
async def test_who_may_read_statistics(
    client: httpx.AsyncClient, auth: Any, roles: tuple[str, ...], status: int
) -> None:
    kwargs = {"department": "Housing"} if "respondent" in roles else {}
    headers = auth(*roles, **kwargs)
    for path in ("/v1/statistics", "/v1/indicators", "/v1/reports/annual/2026"):
        response = await client.get(path, headers=headers)
        assert response.status_code == status, (path, response.text)
        if status == 403:
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].endswith("/forbidden")
    assert (await client.get("/v1/statistics")).status_code == 401


async def test_csv_carries_the_rows_and_the_disclosure_metadata(
    client: httpx.AsyncClient, auth: Any
) -> None:
    await file_many(client, [(12, traits("woman")), (3, traits("man"))])
    response = await client.get(
        "/v1/statistics",
        params={"group_by": "sex_gender"},
        headers={**auth("monitor"), "Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    meta = [line for line in lines if line.startswith("#")]
    assert any("k=10" in line and "primary_suppressed=1" in line for line in meta)
    rows = list(csv.DictReader(io.StringIO("\n".join(li for li in lines if li[:1] != "#"))))
    assert rows[0].keys() >= {"sex_gender", "complaints", "suppressed", "median_days_to_finish"}
    by_value = {r["sex_gender"]: r for r in rows}
    assert by_value["man"]["complaints"] == "" and by_value["man"]["suppressed"] == "true"
    assert by_value["woman"]["suppressed"] == "true"  # secondary
    assert by_value["(all)"]["complaints"] == "15"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": ["status", "right", "ground"]}, "query.group_by"),
        ({"group_by": ["status", "status"]}, "query.group_by"),
        ({"group_by": "names"}, "query.group_by.0"),
        ({"from": "2026-13"}, "query.from"),
        ({"from": "2026-05", "to": "2026-01"}, "query.from"),
        ({"from": "2010-01", "to": "2026-01"}, "query.from"),
        ({"epsilon": "0.1"}, "query.epsilon"),
        ({"privacy": "differential", "epsilon": "0"}, "query.epsilon"),
        ({"person": "x"}, "query.person"),
    ],
)
async def test_bad_statistics_requests_get_a_problem(
    client: httpx.AsyncClient, auth: Any, params: dict[str, Any], field: str
) -> None:
    response = await client.get("/v1/statistics", params=params, headers=auth("monitor"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_differential_privacy_spends_a_budget_and_refuses_when_it_is_gone(
    client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    await file_many(client, [(30, traits("woman")), (2, traits("man"))])
    monitor = auth("monitor")
    params = {"group_by": "sex_gender", "privacy": "differential", "epsilon": "0.5"}
    first = await stats(client, monitor, **params)
    privacy = first["metadata"]["privacy"]
    assert privacy["epsilon"] == 0.5 and privacy["sensitivity"] == 1
    assert privacy["noise_scale"] == 2.0 and privacy["budget_remaining"] == 0.5
    assert first["metadata"]["disclosure"] is None
    counts = [r["complaints"] for r in first["rows"]]
    assert all(isinstance(c, int) and c >= 0 for c in counts)  # noisy, never negative
    assert all(not r["suppressed"] for r in first["rows"])
    assert all(v is None for r in first["rows"] for v in r["measures"].values())
    assert first["totals"][0]["complaints"] == sum(counts)  # totals are sums of noisy cells
    second = await stats(client, monitor, **params)
    assert second["metadata"]["privacy"]["budget_remaining"] == 0.0
    refused = await client.get("/v1/statistics", params=params, headers=monitor)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"].endswith("/privacy-budget-exhausted")
    assert "0 of 1 left" in problem["detail"]
    budget = db.execute("SELECT spent, releases FROM privacy_budgets").fetchone()
    assert budget == {"spent": 1.0, "releases": 2}  # the refusal spent nothing
    # Too much for one release is refused before anything is spent.
    greedy = await client.get(
        "/v1/statistics", params={**params, "epsilon": "0.9"}, headers=monitor
    )
    assert greedy.status_code == 409
    # A right counts a complaint up to ten times: the noise grows with it.
    db.execute("DELETE FROM privacy_budgets")
    rights = await stats(client, monitor, group_by="right", privacy="differential")
    assert rights["metadata"]["privacy"]["sensitivity"] == 10
    assert rights["metadata"]["privacy"]["noise_scale"] == 20.0


async def test_annual_report_and_indicators_of_a_year(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    filed = await file_many(client, [(30, traits("woman"))])
    inquiry = await client.post(
        "/v1/inquiries",
        json={
            "track": "ombudsperson",
            "summary": "Conditions in municipal shelters",
            "description": "Repeated reports of overcrowding in the municipal shelters.",
            "rights_affected": ["adequate_housing"],
            "purpose": "Establish whether shelter conditions meet the city's commitments.",
        },
        headers=auth("ombudsperson", sub="head"),
    )
    assert inquiry.status_code == 201, inquiry.text
    ids = [item["id"] for item in filed]
    # Arranged directly (then recounted): a year's caseload, received on 10 February.
    db.execute("UPDATE complaints SET received_at = '2026-02-10T09:00:00Z'")
    db.execute(
        "UPDATE complaints SET acknowledged_at = received_at + interval '3 days', "
        "acknowledge_by = received_at + interval '7 days' WHERE id = ANY(%s)",
        (ids[:28],),
    )
    db.execute(
        "UPDATE complaints SET status = 'inadmissible', "
        "finished_at = received_at + interval '20 days' WHERE id = ANY(%s)",
        (ids[:12],),
    )
    closed = ids[12:27]
    db.execute(
        "UPDATE complaints SET status = 'closed', investigated_at = received_at, "
        "finished_at = received_at + interval '100 days' WHERE id = ANY(%s)",
        (closed,),
    )
    for n, cid in enumerate(closed):
        db.execute(
            "INSERT INTO findings (complaint_id, outcome, rights_affected, public_summary, "
            "internal_reasoning, drafted_by, issued_at) VALUES (%s, 'violation_found', "
            "'{adequate_housing}', 'Eviction without hearing.', 'Reasoning.', 'head', "
            "'2026-04-01T00:00:00Z')",
            (cid,),
        )
        db.execute(
            "INSERT INTO remedies (complaint_id, form, department, description, "
            "response_due_at, response, response_reasons, responded_at, responded_by, "
            "created_by, assessment) VALUES (%s, 'restitution', 'Housing', 'Rehouse the family.', "
            "now(), %s, 'No flats available.', now(), 'clerk', 'head', %s)",
            (
                cid,
                "accepted" if n < 10 else "rejected",
                # 6 implemented, 2 partly: only the 6 count as complied with.
                "implemented" if n < 6 else "partially_implemented" if n < 8 else None,
            ),
        )
    rebuild(database_url, Sealer.from_settings(settings))
    monitor = auth("monitor")
    response = await client.get("/v1/reports/annual/2026", headers=monitor)
    assert response.status_code == 200, response.text
    report = response.json()
    figures = {(f["section"], f["item"]): f["value"] for f in report["figures"]}
    hidden = {(f["section"], f["item"]) for f in report["figures"] if f["suppressed"]}
    assert figures[("caseload", "received")] == 31
    assert figures[("mandate", "outside_mandate")] == 12
    assert figures[("mandate", "within_mandate")] == 19
    assert figures[("caseload", "finished_of_received")] == 27
    assert figures[("caseload", "finished_in_year")] == 27
    # One inquiry is a count below k: hidden, and so is what would give it away (31 - 30).
    assert {("caseload", "own_initiative_inquiries"), ("caseload", "complaints")} <= hidden
    # Durations: 12 cases took 20 days, 15 took 100; the median falls in the week from day 94.
    assert figures[("duration", "median_days_to_finish")] == 94
    assert figures[("duration", "median_days_to_acknowledgement")] == 3
    assert figures[("outcomes", "violation_found")] == 15
    assert figures[("outcomes", "none")] == 16
    assert figures[("outcomes", "settled")] == 0
    assert figures[("remedies", "recommended")] == 15
    assert figures[("remedies", "response_rate")] == 1.0
    assert figures[("remedies", "compliance_rate")] == 0.4
    assert figures[("deadlines", "acknowledged_on_time_share")] == 1.0
    assert report["metadata"]["months"] == ["2026-01", "2026-12"]

    csv_report = await client.get(
        "/v1/reports/annual/2026", headers={**monitor, "Accept": "text/csv"}
    )
    assert csv_report.headers["content-type"].startswith("text/csv")
    rows = list(
        csv.DictReader(
            io.StringIO(
                "\n".join(line for line in csv_report.text.splitlines() if not line.startswith("#"))
            )
        )
    )
    assert {"section": "caseload", "item": "received", "value": "31", "suppressed": "false"} in rows
    # Another year has nothing.
    empty = (await client.get("/v1/reports/annual/2025", headers=monitor)).json()
    assert {(f["section"], f["item"]): f["value"] for f in empty["figures"]}[
        ("caseload", "received")
    ] == 0

    indicators = (await client.get("/v1/indicators?year=2026", headers=monitor)).json()
    by_code = {i["code"]: i for i in indicators["indicators"]}
    assert {i["kind"] for i in indicators["indicators"]} == {"structural", "process", "outcome"}
    assert by_code["P1"]["value"] == round(15 / 31, 4)
    assert (by_code["P1"]["numerator"], by_code["P1"]["denominator"]) == (15, 31)
    assert (by_code["O1"]["numerator"], by_code["O1"]["denominator"]) == (6, 15)
    assert by_code["O1"]["value"] == 0.4
    assert by_code["O2"]["value"] == 1.0
    assert by_code["P5"] == {**by_code["P5"], "value": None, "suppressed": True}
    assert by_code["S2"]["value"] == 7
    assert by_code["S3"]["value"] == 3
    assert by_code["S1"]["value"] is True
    assert "anonymous filing accepted; fee to file none" in by_code["S1"]["description"]


@pytest.mark.parametrize("seed", range(40))
def test_suppression_leaves_nothing_recoverable_in_random_tables(seed: int) -> None:
    """Random two-way tables with many small cells: after suppression, every shown count is 0
    or >= k and an independent exact solver recovers no hidden one from the totals."""
    import random

    from app.statistics.disclosure import suppress

    rng = random.Random(seed)
    rows, cols = rng.randint(1, 7), rng.randint(1, 6)
    cells = {
        (r, c): rng.choice([0, 0, 1, 2, 3, 5, 9, 10, 12, 15, 40, 80])
        for r in range(rows)
        for c in range(cols)
    }
    values: dict[Any, int] = dict(cells)
    for r in range(rows):
        values[(r, "*")] = sum(cells[(r, c)] for c in range(cols))
    for c in range(cols):
        values[("*", c)] = sum(cells[(r, c)] for r in range(rows))
    values[("*", "*")] = sum(cells.values())
    equations = [[(r, c) for c in range(cols)] + [(r, "*")] for r in range(rows)]
    equations += [[(r, c) for r in range(rows)] + [("*", c)] for c in range(cols)]
    equations.append([(r, "*") for r in range(rows)] + [("*", "*")])
    equations.append([("*", c) for c in range(cols)] + [("*", "*")])
    result = suppress(values, equations, K)
    hidden = result.hidden
    for key, value in values.items():
        assert key in hidden or value == 0 or value >= K, (key, value)
    assert not determined(hidden, equations)
    shown: dict[Any, int | None] = {k: None if k in hidden else v for k, v in values.items()}
    assert not narrow_sums(shown, equations)
    assert result.primary == {key for key, v in values.items() if 0 < v < K}


def test_long_ranges_read_durations_by_year_and_quarter_where_they_can() -> None:
    from datetime import date

    from app.statistics.schemas import PeriodUnit
    from app.statistics.service import cover, month_range

    months = month_range(date(2021, 11, 1), date(2026, 8, 1))
    years, quarters, singles = cover(months, None)
    assert years == [date(y, 1, 1) for y in range(2022, 2026)]
    assert quarters == [date(2026, 1, 1), date(2026, 4, 1)]
    assert singles == [date(2021, 11, 1), date(2021, 12, 1), date(2026, 7, 1), date(2026, 8, 1)]
    # Grouped by quarter: never a year; by month: months only.
    years, quarters, singles = cover(months, PeriodUnit.quarter)
    assert years == [] and len(quarters) == 18 and len(singles) == 4
    assert cover(months, PeriodUnit.month) == ([], [], months)
    # Every month is covered exactly once.
    for unit in (None, *PeriodUnit):
        years, quarters, singles = cover(months, unit)
        spans = [(y, 12) for y in years] + [(q, 3) for q in quarters] + [(m, 1) for m in singles]
        covered = sorted(
            month_range(
                start,
                date(start.year + (start.month + n - 2) // 12, (start.month + n - 2) % 12 + 1, 1),
            )
            for start, n in spans
        )
        assert sorted(m for span in covered for m in span) == months
