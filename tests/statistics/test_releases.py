"""Statistics releases: closed periods computed once, frozen, numbered, signed; open data as JSON
and CSV; the annual report and indicators as views of a year's release; revisions.

Every expected figure is worked out by hand from what the test files.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from psycopg.rows import dict_row

from app.config import Settings
from app.crypto import Sealer
from app.main import create_app
from app.statistics import releases
from app.statistics.folding import rebuild
from app.statistics.schemas import PeriodUnit
from tests.conftest import act, complaint_body, fold_all, publish_due, refused

K = 10
# Releases are published as of this day, so what is due does not depend on when tests run.
TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def file_many(
    client: httpx.AsyncClient, spec: list[tuple[int, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """File `count` complaints with each set of overrides."""
    filed = []
    for count, overrides in spec:
        for _ in range(count):
            response = await client.post("/v1/complaints", json=complaint_body(**overrides))
            assert response.status_code == 201, response.text
            filed.append(response.json())
    return filed


def received(db: Any, ids: list[str], when: str) -> None:
    """Arranged directly: these complaints were received at `when`."""
    db.execute("UPDATE complaints SET received_at = %s WHERE id = ANY(%s)", (when, ids))


def cells(doc: dict[str, Any], table: str, track: str = "all") -> dict[tuple[str, ...], Any]:
    """A table's values on a track, keyed by its group's values in the table's order."""
    found = next(t for t in doc["tables"] if t["id"] == table)
    return {
        tuple(c["group"][d] for d in found["dimensions"]): c["value"]
        for c in found["cells"]
        if c["track"] == track
    }


def of_period(published: list[dict[str, Any]], period: str) -> dict[str, Any]:
    return next(doc for doc in published if doc["period"] == period)


def verify(doc: dict[str, Any], jwk: dict[str, str]) -> bool:
    """What a reader does: the signature over the canonical JSON of everything else."""
    body = {k: v for k, v in doc.items() if k != "signature"}
    signed = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(jwk["x"] + "=="))
    try:
        key.verify(base64.b64decode(doc["signature"]["value"]), signed)
    except InvalidSignature:
        return False
    return True


async def test_a_closed_month_is_released_once_frozen_and_signed(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    ombuds = await file_many(client, [(25, {})])
    corruption = await file_many(client, [(12, {"track": "anti_corruption"})])
    ids = [c["id"] for c in ombuds + corruption]
    received(db, ids, "2025-03-14T10:00:00Z")
    published = await publish_due(database_url, settings, now=TODAY)
    # From the first month that received anything to the last one closed (November 2026 closes
    # on 11 December): months first, then quarters, then the year.
    labels = [doc["period"] for doc in published]
    assert labels[:3] == ["2025-03", "2025-04", "2025-05"]
    assert labels[labels.index("2025-Q1") - 1] == "2026-10"
    assert labels[-1] == "2025"
    assert "2026-11" not in labels and "2026" not in labels
    assert [doc["release"] for doc in published] == list(range(1, len(published) + 1))

    march = of_period(published, "2025-03")
    assert march["unit"] == "month" and march["version"] == 1 and march["supersedes"] is None
    assert march["months"] == ["2025-03", "2025-03"]
    assert cells(march, "complaints_total") == {(): 37}
    assert cells(march, "complaints_total", "ombudsperson") == {(): 25}
    assert cells(march, "complaints_total", "anti_corruption") == {(): 12}
    rights = cells(march, "complaints_by_right")
    assert rights[("adequate_housing",)] == 37 and rights[("good_administration",)] == 37
    assert rights[("education",)] == 0 and rights[("none",)] == 0
    # "Housing Department" is free text, not one of the configured departments.
    assert cells(march, "complaints_by_department")[("other",)] == 37
    assert cells(march, "complaints_by_origin") == {("complaint",): 37, ("own_initiative",): 0}
    # Months carry codes only (as cases are filed with them), nothing of how they fared.
    assert {t["id"] for t in march["tables"]} == {
        "complaints_total",
        "complaints_by_origin",
        "complaints_by_right",
        "complaints_by_department",
    }
    assert "annual_report" not in march

    # Served exactly as signed, with the key the office publishes.
    response = await client.get(f"/v1/releases/{march['release']}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    served = response.json()
    assert served == march
    jwk = (await client.get("/v1/releases/keys")).json()["keys"][0]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    assert served["signature"]["key_id"] == jwk["kid"]
    assert verify(served, jwk)
    assert not verify({**served, "tables": served["tables"][1:]}, jwk)

    # A case changes: nothing published moves, and nothing is released twice.
    await act(client, auth("ombudsperson_staff"), ombuds[0]["id"], "acknowledge")
    assert await publish_due(database_url, settings, now=TODAY) == []
    again = await client.get(f"/v1/releases/{march['release']}")
    assert again.content == response.content
    listed = (await client.get("/v1/releases", params={"year": 2025, "unit": "month"})).json()
    assert [r["period"] for r in listed["releases"]][:2] == ["2025-12", "2025-11"]
    assert len(listed["releases"]) == 10 and all(r["current"] for r in listed["releases"])
    # The table refuses to change a release, even for its owner.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute("UPDATE statistics_releases SET reason = 'x' WHERE id = 1")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute("DELETE FROM statistics_releases")
    # The push went into the outbox with the release, signature included.
    pushed = db.execute(
        "SELECT payload FROM outbox_events WHERE type = 'statistics.release' ORDER BY id"
    ).fetchall()
    assert [p["payload"]["period"] for p in pushed] == labels
    assert pushed[0]["payload"] == march


async def test_figures_are_exact_from_the_unfolded_tail_and_after_a_rebuild(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    may = await file_many(client, [(14, {"respondent": "Housing"}), (11, {"respondent": None})])
    received(db, [c["id"] for c in may], "2025-05-20T10:00:00Z")
    # Released before the worker folded anything: read from the tail of changes.
    assert db.execute("SELECT count(*) AS n FROM stat_cells").fetchone()["n"] == 0
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        doc = await releases.publish(conn, settings, releases.parse_period("2025-05"))
    departments = cells(doc, "complaints_by_department")
    assert departments[("Housing",)] == 14 and departments[("not_stated",)] == 11
    assert departments[("other",)] == 0 and cells(doc, "complaints_total") == {(): 25}

    june = await file_many(client, [(13, {"track": "anti_corruption"})])
    received(db, [c["id"] for c in june], "2025-06-02T10:00:00Z")
    await fold_all(database_url)
    rebuild(database_url, Sealer.from_settings(settings))
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        doc = await releases.publish(conn, settings, releases.parse_period("2025-06"))
    assert cells(doc, "complaints_total", "anti_corruption") == {(): 13}
    assert cells(doc, "complaints_total", "ombudsperson") == {(): 0}
    assert cells(doc, "complaints_by_department", "anti_corruption")[("other",)] == 13


async def test_quarters_and_years_add_up_to_what_their_months_counted(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    filed = await file_many(client, [(20, {"respondent": "Housing"})])
    received(db, [c["id"] for c in filed[:10]], "2025-01-10T10:00:00Z")
    received(db, [c["id"] for c in filed[10:]], "2025-02-10T10:00:00Z")
    months = await publish_due(database_url, settings, now=datetime(2025, 3, 12, tzinfo=UTC))
    assert [m["period"] for m in months] == ["2025-01", "2025-02"]
    # Then a correction changes the department of a case (arranged directly, recounted).
    db.execute(
        "UPDATE complaints SET department = NULL, respondent = NULL WHERE id = %s",
        (filed[0]["id"],),
    )
    db.execute(
        "INSERT INTO stat_changes (complaint_id, kind) VALUES (%s, 'corrected')",
        (filed[0]["id"],),
    )
    # Meanwhile the city configured one more department: each release keeps its own.
    parks = settings.model_copy(update={"departments": [*settings.departments, "Parks"]})
    later = await publish_due(database_url, parks, now=datetime(2025, 4, 11, tzinfo=UTC))
    assert [d["period"] for d in later] == ["2025-03", "2025-Q1"]
    quarter = later[1]
    # The quarter says what its months said: 10 + 10 in Housing, none not stated.
    departments = cells(quarter, "complaints_by_department")
    assert departments[("Housing",)] == 20 and departments[("not_stated",)] == 0
    assert departments[("Parks",)] == 0
    assert cells(quarter, "complaints_total") == {(): 20}
    assert quarter["disclosure"]["checked_with"] == ["2025-01", "2025-02", "2025-03"]
    # The quarter carries the characteristics too (nobody stated any).
    assert cells(quarter, "complaints_by_sex_gender")[("not_stated",)] == 20


async def year_with_outcomes(client: httpx.AsyncClient, auth: Any, db: Any) -> list[str]:
    """A year's caseload, received on 10 February 2025: 30 complaints and an inquiry; 28
    acknowledged in 3 days (7 allowed); 12 inadmissible after 20 days; 15 investigated and
    closed after 100 days with a violation found and a remedy each, all 15 answered, 6
    implemented."""
    filed = await file_many(client, [(30, {"characteristics": {"sex_gender": "woman"}})])
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
    db.execute("UPDATE complaints SET received_at = '2025-02-10T09:00:00Z'")
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
            "'2025-04-01T00:00:00Z')",
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
                "implemented" if n < 6 else "partially_implemented" if n < 8 else None,
            ),
        )
    return ids


async def test_the_year_carries_how_cases_fared_the_annual_report_and_indicators(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    await year_with_outcomes(client, auth, db)
    rebuild(database_url, Sealer.from_settings(settings))
    published = await publish_due(database_url, settings, now=TODAY)
    year = of_period(published, "2025")
    assert year["unit"] == "year" and year["months"] == ["2025-01", "2025-12"]

    report = (await client.get("/v1/reports/annual/2025")).json()
    assert report["release"] == year["release"] and report["track"] == "all"
    figures = {(f["section"], f["item"]): f["value"] for f in report["figures"]}
    hidden = {(f["section"], f["item"]) for f in report["figures"] if f["suppressed"]}
    assert figures[("caseload", "received")] == 31
    assert figures[("mandate", "outside_mandate")] == 12
    assert figures[("mandate", "within_mandate")] == 19
    # 27 finished, 4 still open: 4 is small, and 31 - 27 would give it away.
    assert figures[("caseload", "finished_of_received")] is None
    assert figures[("caseload", "finished_in_year")] == 27
    # One inquiry is a count below k: hidden, and so is what would give it away (31 - 30).
    assert {("caseload", "own_initiative_inquiries"), ("caseload", "complaints")} <= hidden
    # 12 cases took 20 days, 15 took 100: the median falls in the week from day 94.
    assert figures[("duration", "median_days_to_finish")] == 94
    assert figures[("duration", "median_days_to_acknowledgement")] == 3
    assert figures[("outcomes", "violation_found")] == 15
    assert figures[("outcomes", "none")] == 16
    assert figures[("outcomes", "settled")] == 0
    assert figures[("remedies", "recommended")] == 15
    assert figures[("remedies", "response_rate")] == 1.0
    # 6 implemented of 15: 6 is below k, so the rate would give a small count away.
    assert figures[("remedies", "compliance_rate")] is None
    # 28 on time, none late, 3 not acknowledged (2 complaints, the inquiry): 3 is small, and
    # its cover is the 28, so the share goes too.
    assert figures[("deadlines", "acknowledged_on_time_share")] is None

    indicators = (await client.get("/v1/indicators", params={"year": 2025})).json()
    assert indicators["release"] == year["release"]
    by_code = {i["code"]: i for i in indicators["indicators"]}
    assert {i["kind"] for i in indicators["indicators"]} == {"structural", "process", "outcome"}
    assert by_code["P1"]["value"] == round(15 / 31, 4)
    assert (by_code["P1"]["numerator"], by_code["P1"]["denominator"]) == (15, 31)
    assert by_code["O1"] == {**by_code["O1"], "value": None, "numerator": None, "suppressed": True}
    assert by_code["O2"]["value"] == 1.0
    assert (by_code["O2"]["numerator"], by_code["O2"]["denominator"]) == (15, 15)
    assert by_code["O3"]["value"] == 1.0
    assert by_code["P5"] == {**by_code["P5"], "value": None, "suppressed": True}
    assert by_code["S2"]["value"] == 7 and by_code["S3"]["value"] == 3
    assert by_code["S1"]["value"] is True
    assert "anonymous filing accepted; fee to file none" in by_code["S1"]["description"]

    # By track: the anti-corruption track received nothing.
    other = (
        await client.get("/v1/reports/annual/2025", params={"track": "anti_corruption"})
    ).json()
    assert {(f["section"], f["item"]): f["value"] for f in other["figures"]}[
        ("caseload", "received")
    ] == 0

    csv_report = await client.get("/v1/reports/annual/2025", params={"format": "csv"})
    assert csv_report.headers["content-type"].startswith("text/csv")
    assert csv_report.text.splitlines()[0] == "section,item,value,suppressed"
    rows = list(csv.DictReader(io.StringIO(csv_report.text)))
    assert {"section": "caseload", "item": "received", "value": "31", "suppressed": "false"} in rows

    # A year not released yet says when it will be.
    refused(
        await client.get("/v1/reports/annual/2026"),
        404,
        "not-released",
        detail="The figures of 2026 are published in its yearly release, due from 2027-01-11; "
        "monthly and quarterly releases are at /v1/releases.",
    )
    refused(await client.get("/v1/indicators", params={"year": 2026}), 404, "not-released")


async def test_a_release_is_open_data_as_json_csv_and_csvw(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    filed = await file_many(client, [(12, {}), (3, {"track": "anti_corruption"})])
    received(db, [c["id"] for c in filed], "2025-03-14T10:00:00Z")
    published = await publish_due(database_url, settings, now=TODAY)
    march = of_period(published, "2025-03")
    number = march["release"]

    plain = await client.get(f"/v1/releases/{number}", params={"format": "csv"})
    assert plain.status_code == 200
    assert plain.headers["content-type"] == "text/csv; charset=utf-8"
    assert plain.headers["link"] == (
        f'</v1/releases/{number}/csv-metadata.json>; rel="describedby"; '
        'type="application/csvm+json"'
    )
    lines = plain.text.splitlines()
    assert lines[0] == "kind,id,track,dimension_1,value_1,dimension_2,value_2,value,suppressed"
    rows = list(csv.DictReader(io.StringIO(plain.text)))
    totals = {r["track"]: r for r in rows if r["id"] == "complaints_total"}
    # 3 anti-corruption reports are hidden, and so is what gives them away (12 beside 15).
    assert (
        totals["anti_corruption"]["value"] == ""
        and totals["anti_corruption"]["suppressed"] == "true"
    )
    assert totals["ombudsperson"]["suppressed"] == "true"
    assert totals["all"]["value"] == "15"
    housing = {
        r["track"]: r["value"]
        for r in rows
        if r["id"] == "complaints_by_right" and r["value_1"] == "adequate_housing"
    }
    assert housing == {"all": "15", "anti_corruption": "", "ombudsperson": ""}
    # The same with Accept, and JSON is the default.
    negotiated = await client.get(f"/v1/releases/{number}", headers={"Accept": "text/csv"})
    assert negotiated.text == plain.text
    assert (await client.get(f"/v1/releases/{number}")).headers["content-type"] == (
        "application/json"
    )

    described = await client.get(f"/v1/releases/{number}/csv-metadata.json")
    assert described.headers["content-type"] == "application/csvm+json"
    csvw = described.json()
    assert csvw["@context"] == "http://www.w3.org/ns/csvw"
    assert csvw["url"] == f"/v1/releases/{number}?format=csv"
    assert [c["name"] for c in csvw["tableSchema"]["columns"]] == lines[0].split(",")
    assert csvw["notes"][0]["min_cell"] == K

    refused(await client.get("/v1/releases/999"), 404, "not-found")
    refused(
        await client.get(f"/v1/releases/{number}", params={"format": "xlsx"}),
        422,
        "validation-error",
        field="query.format",
    )
    refused(await client.get("/v1/releases", params={"person": "x"}), 422, "validation-error")


async def test_an_office_may_publish_to_monitors_only(
    settings: Settings, database_url: str, auth: Any
) -> None:
    closed = settings.model_copy(update={"statistics_public": False})
    app = create_app(closed)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as c,
    ):
        for path in ("/v1/releases", "/v1/releases/keys", "/v1/indicators"):
            refused(await c.get(path), 401, "unauthorized")
            refused(await c.get(path, headers=auth("ombudsperson_staff")), 403, "forbidden")
            refused(await c.get(path, headers=auth("resident")), 403, "forbidden")
        listed = await c.get("/v1/releases", headers=auth("monitor"))
        assert listed.status_code == 200
        assert listed.headers["cache-control"] == "private, no-store"
        assert (await c.get("/v1/releases", headers=auth("oversight_head"))).status_code == 200


async def test_a_revision_is_a_new_audited_release_checked_against_the_old(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    filed = await file_many(client, [(40, {})])
    ids = [c["id"] for c in filed]
    received(db, ids, "2025-03-14T10:00:00Z")
    published = await publish_due(database_url, settings, now=TODAY)
    year = of_period(published, "2025")
    assert cells(year, "complaints_by_status")[("submitted",)] == 40
    # Since then, 12 were declared inadmissible and 3 acknowledged (arranged, recounted).
    db.execute("UPDATE complaints SET status = 'inadmissible' WHERE id = ANY(%s)", (ids[:12],))
    db.execute("UPDATE complaints SET status = 'acknowledged' WHERE id = ANY(%s)", (ids[12:15],))
    db.execute(
        "INSERT INTO stat_changes (complaint_id, kind) SELECT unnest(%s::uuid[]), 'corrected'",
        (ids[:15],),
    )
    await fold_all(database_url)
    head = auth("ombudsperson", sub="head")
    path = f"/v1/releases/{year['release']}/revisions"
    reason = {"reason": "Twelve decisions on admissibility were recorded late."}
    refused(await client.post(path, json=reason, headers=auth("monitor")), 403, "forbidden")
    refused(
        await client.post(path, json={"reason": "late"}, headers=head),
        422,
        "validation-error",
        field="body.reason",
    )
    response = await client.post(path, json=reason, headers=head)
    assert response.status_code == 201, response.text
    revision = response.json()
    assert response.headers["location"] == f"/v1/releases/{revision['release']}"
    assert revision["period"] == "2025" and revision["version"] == 2
    assert (revision["supersedes"], revision["reason"]) == (year["release"], reason["reason"])
    status = cells(revision, "complaints_by_status")
    # 3 acknowledged is small; beside it, the cheapest cover is the 12 inadmissible (the total,
    # 40, is what the year said already). 25 submitted is a change of 15 from 40: shown.
    assert status[("acknowledged",)] is None and status[("inadmissible",)] is None
    assert status[("submitted",)] == 25
    # The codes are as the year counted them.
    assert cells(revision, "complaints_total") == {(): 40}
    # The old version stays readable, no longer current; it cannot be revised again.
    listed = (await client.get("/v1/releases", params={"year": 2025, "unit": "year"})).json()
    assert [(r["version"], r["current"]) for r in listed["releases"]] == [(2, True), (1, False)]
    assert (await client.get(f"/v1/releases/{year['release']}")).json() == year
    refused(
        await client.post(path, json=reason, headers=head),
        409,
        "release-exists",
        detail=f"Release {year['release']} was revised already: release "
        f"{revision['release']} is the current version of 2025; revise that one.",
    )
    trail = db.execute(
        "SELECT actor_subject, action, object_id FROM audit_entries "
        "WHERE action LIKE 'statistics.%%' ORDER BY id"
    ).fetchall()
    assert trail[-1] == {
        "actor_subject": "head",
        "action": "statistics.revise",
        "object_id": str(revision["release"]),
    }
    assert {t["actor_subject"] for t in trail[:-1]} == {"ombuds"}
    # The annual report follows the current version.
    report = (await client.get("/v1/reports/annual/2025")).json()
    assert report["release"] == revision["release"]


async def test_a_department_no_longer_configured_counts_as_other(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    filed = await file_many(client, [(12, {"respondent": "Housing"})])
    received(db, [c["id"] for c in filed], "2025-03-14T10:00:00Z")
    await fold_all(database_url)  # counted while Housing was configured
    police_only = settings.model_copy(update={"departments": ["Police"]})
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        doc = await releases.publish(conn, police_only, releases.parse_period("2025-03"))
    assert cells(doc, "complaints_by_department") == {
        ("Police",): 0,
        ("other",): 12,
        ("not_stated",): 0,
    }
    assert cells(doc, "complaints_total") == {(): 12}


async def classify(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    ids: list[str],
    rights: list[str],
    grounds: list[str],
) -> None:
    """Staff reclassify these cases during assessment (each at its first version)."""
    for cid in ids:
        response = await client.put(
            f"/v1/complaints/{cid}/classification",
            json={"rights_affected": rights, "discrimination_grounds": grounds},
            headers={**headers, "If-Match": '"v1"'},
        )
        assert response.status_code == 200, response.text


def shown(doc: dict[str, Any], table: str) -> dict[tuple[str, ...], Any]:
    """A table's cells on all tracks other than 0 (a hidden one is None, so it shows here)."""
    return {group: value for group, value in cells(doc, table).items() if value != 0}


async def test_a_reclassification_after_its_month_is_released_moves_no_published_figure(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    """January: 20 complaints naming no right (housing) and 20 naming the right to housing
    (police). After January's release, staff classify 15 of the first under the right to
    health. The year still publishes, and says what January said."""
    filed = await file_many(
        client,
        [
            (20, {"rights_affected": [], "discrimination_grounds": [], "respondent": "Housing"}),
            (20, {"rights_affected": ["adequate_housing"], "respondent": "Police"}),
        ],
    )
    received(db, [c["id"] for c in filed], "2025-01-10T10:00:00Z")
    january = await publish_due(database_url, settings, now=datetime(2025, 2, 12, tzinfo=UTC))
    assert [doc["period"] for doc in january] == ["2025-01"]
    said = {("adequate_housing",): 20, ("none",): 20}
    assert shown(january[0], "complaints_by_right") == said
    await classify(
        client, auth("ombudsperson_staff"), [c["id"] for c in filed[:15]], ["health"], []
    )

    later = await publish_due(database_url, settings, now=datetime(2026, 1, 12, tzinfo=UTC))
    assert [doc["period"] for doc in later] == [
        *(f"2025-{m:02d}" for m in range(2, 13)),
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2025",
    ]
    quarter, year = of_period(later, "2025-Q1"), of_period(later, "2025")
    assert shown(quarter, "complaints_by_right") == said
    assert shown(year, "complaints_by_right") == said
    # The two-way tables count the codes as January's release did, so they add up with it.
    assert shown(year, "complaints_by_department_and_right") == {
        ("Housing", "none"): 20,
        ("Police", "adequate_housing"): 20,
    }
    assert shown(year, "complaints_by_right_and_sex_gender") == {
        ("adequate_housing", "not_stated"): 20,
        ("none", "not_stated"): 20,
    }
    assert year["disclosure"]["suppressed"] == 0
    # The aggregate, which the ad hoc statistics read, follows the codes as they are now.
    now = db.execute(
        "SELECT val_a, sum(n) AS n FROM stat_cells WHERE dim_a = 'right' AND dim_b = '' "
        "AND month = '2025-01-01' GROUP BY val_a HAVING sum(n) <> 0 ORDER BY val_a"
    ).fetchall()
    assert [(r["val_a"], r["n"]) for r in now] == [
        ("adequate_housing", 20),
        ("health", 15),
        ("none", 5),
    ]


async def test_a_years_counts_by_right_are_the_sums_of_its_months(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    """January: 12 complaints about education (its department), 12 naming no right (housing).
    February: 20 naming no right (police). Staff classify 10 of February's before February is
    released, all 12 of January's unknown ones after January's release; each under the right
    to health, on grounds of age."""
    staff = auth("ombudsperson_staff")
    unknown: dict[str, Any] = {"rights_affected": [], "discrimination_grounds": []}
    jan = await file_many(
        client,
        [
            (12, {"rights_affected": ["education"], "respondent": "Education"}),
            (12, {**unknown, "respondent": "Housing"}),
        ],
    )
    feb = await file_many(client, [(20, {**unknown, "respondent": "Police"})])
    received(db, [c["id"] for c in jan], "2025-01-20T10:00:00Z")
    received(db, [c["id"] for c in feb], "2025-02-03T10:00:00Z")
    first = await publish_due(database_url, settings, now=datetime(2025, 2, 12, tzinfo=UTC))
    assert [doc["period"] for doc in first] == ["2025-01"]
    await classify(client, staff, [c["id"] for c in feb[:10]], ["health"], ["age"])
    await classify(client, staff, [c["id"] for c in jan[12:]], ["health"], ["age"])
    rest = await publish_due(database_url, settings, now=datetime(2026, 1, 12, tzinfo=UTC))
    months = [*first, *(doc for doc in rest if doc["unit"] == "month")]
    assert [doc["period"] for doc in months] == [f"2025-{m:02d}" for m in range(1, 13)]

    january, february = months[0], months[1]
    assert shown(january, "complaints_by_right") == {("education",): 12, ("none",): 12}
    assert shown(february, "complaints_by_right") == {("health",): 10, ("none",): 10}
    assert all(shown(m, "complaints_by_right") == {} for m in months[2:])
    by_right = {("education",): 12, ("health",): 10, ("none",): 22}
    year, quarter = of_period(rest, "2025"), of_period(rest, "2025-Q1")
    assert shown(year, "complaints_by_right") == by_right
    assert shown(quarter, "complaints_by_right") == by_right
    for right, value in cells(year, "complaints_by_right").items():
        assert value == sum(cells(m, "complaints_by_right")[right] for m in months), right
    assert shown(year, "complaints_by_department_and_right") == {
        ("Education", "education"): 12,
        ("Housing", "none"): 12,
        ("Police", "health"): 10,
        ("Police", "none"): 10,
    }
    # Grounds, which months do not publish, are kept with them all the same: the quarter says
    # what each month's codes were when it was released.
    # (Education's complaints name disability, as filed by default.)
    grounds = {("age",): 10, ("disability",): 12, ("none",): 22}
    assert shown(quarter, "complaints_by_ground") == grounds
    assert shown(year, "complaints_by_ground") == grounds


async def test_a_month_released_before_its_two_way_counts_were_kept(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A month released before a table of codes was kept with it (as releases kept only the
    tables they carried): the first release that needs that table counts and keeps it."""
    filed = await file_many(
        client,
        [
            (20, {"rights_affected": [], "discrimination_grounds": [], "respondent": "Housing"}),
            (20, {"rights_affected": ["adequate_housing"], "respondent": "Police"}),
        ],
    )
    received(db, [c["id"] for c in filed], "2025-01-10T10:00:00Z")
    carried = frozenset(releases.PLAN[PeriodUnit.month])
    monkeypatch.setattr(releases, "KEPT", carried)
    await publish_due(database_url, settings, now=datetime(2025, 2, 12, tzinfo=UTC))
    monkeypatch.undo()
    kept = "SELECT truth->'atoms' ? %s AS kept FROM statistics_releases WHERE period = %s"
    pair = "complaints|all|2025-01|department=Housing,right=none"
    assert db.execute(kept, (pair, "2025-01")).fetchone()["kept"] is False
    quarter = await publish_due(database_url, settings, now=datetime(2025, 4, 12, tzinfo=UTC))
    assert [doc["period"] for doc in quarter] == ["2025-02", "2025-03", "2025-Q1"]
    assert db.execute(kept, (pair, "2025-Q1")).fetchone()["kept"] is True
    # Reclassified after the quarter: the year counts January as the quarter kept it.
    await classify(
        client, auth("ombudsperson_staff"), [c["id"] for c in filed[:15]], ["health"], []
    )
    later = await publish_due(database_url, settings, now=datetime(2026, 1, 12, tzinfo=UTC))
    year = of_period(later, "2025")
    assert shown(year, "complaints_by_right") == {("adequate_housing",): 20, ("none",): 20}
    assert shown(year, "complaints_by_department_and_right") == {
        ("Housing", "none"): 20,
        ("Police", "adequate_housing"): 20,
    }
