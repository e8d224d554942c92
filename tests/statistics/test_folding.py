"""The fold: noted changes recounted into the aggregate, several of one complaint as one, the
characteristics subtracted as they were counted, one folder at a time.

Every expected cell is worked out by hand from what the test files.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from app.config import Settings
from app.crypto import CHARACTERISTICS, Sealer
from app.statistics.folding import fold
from tests.conftest import act, complaint_body, eventually, fold_all

# The cells these tests look at (one-way and the pairs with status), where a complaint counts.
CELLS = """
SELECT dim_a, val_a, dim_b, val_b, n, ack_settled FROM stat_cells
WHERE n <> 0 AND (dim_a, dim_b) IN (('', ''), ('status', ''), ('right', ''), ('sex_gender', ''),
                                    ('right', 'status'), ('sex_gender', 'status'))
ORDER BY dim_a, val_a, dim_b, val_b
"""


def cells(db: Any) -> list[tuple[str, str, str, str, int, int]]:
    return [
        (r["dim_a"], r["val_a"], r["dim_b"], r["val_b"], r["n"], r["ack_settled"])
        for r in db.execute(CELLS)
    ]


async def fold_once(database_url: str, settings: Settings) -> int:
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        return await fold(conn, Sealer.from_settings(settings))


@pytest.mark.parametrize("fold_each_change", [True, False])
async def test_changes_of_one_complaint_fold_as_one_recount(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    fold_each_change: bool,
) -> None:
    staff = auth("ombudsperson_staff")
    response = await client.post(
        "/v1/complaints",
        json=complaint_body(
            rights_affected=["adequate_housing", "good_administration"],
            characteristics={"sex_gender": "woman"},
        ),
    )
    assert response.status_code == 201, response.text
    cid = response.json()["id"]
    folded = []
    for action in ("acknowledge", "start_assessment"):
        if fold_each_change:
            folded.append(await fold_once(database_url, settings))
        await act(client, staff, cid, action)
    folded.append(await fold_once(database_url, settings))
    # Filed, acknowledged, assessed: three changes, folded one by one or in one recount.
    assert folded == ([1, 1, 1] if fold_each_change else [3])
    assert db.execute("SELECT count(*) AS n FROM stat_changes").fetchone()["n"] == 0
    # Either way the complaint counts once, as it is now: under assessment, acknowledged.
    assert cells(db) == [
        ("", "", "", "", 1, 1),
        ("right", "adequate_housing", "", "", 1, 1),
        ("right", "adequate_housing", "status", "under_assessment", 1, 1),
        ("right", "good_administration", "", "", 1, 1),
        ("right", "good_administration", "status", "under_assessment", 1, 1),
        ("sex_gender", "woman", "", "", 1, 1),
        ("sex_gender", "woman", "status", "under_assessment", 1, 1),
        ("status", "under_assessment", "", "", 1, 1),
    ]
    facts = db.execute("SELECT status, ack_settled FROM stat_facts").fetchall()
    assert facts == [{"status": "under_assessment", "ack_settled": 1}]


async def test_characteristics_come_off_as_they_were_counted(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    response = await client.post(
        "/v1/complaints",
        json=complaint_body(
            rights_affected=["adequate_housing"], characteristics={"sex_gender": "woman"}
        ),
    )
    cid = response.json()["id"]
    await fold_all(database_url)
    # The complainant's characteristics are corrected (arranged directly, noted for the fold):
    # the aggregate's copy still holds what it counted, woman, under the same key.
    sealer = Sealer.from_settings(settings)
    db.execute(
        "UPDATE complainant_characteristics SET key_id = %s, sealed = %s",
        sealer.seal(json.dumps({"sex_gender": "man"}).encode(), UUID(cid), CHARACTERISTICS),
    )
    db.execute(
        "INSERT INTO stat_changes (complaint_id, kind) VALUES (%s, 'corrected')",
        (cid,),
    )
    assert await fold_all(database_url) == 1
    assert cells(db) == [
        ("", "", "", "", 1, 0),
        ("right", "adequate_housing", "", "", 1, 0),
        ("right", "adequate_housing", "status", "submitted", 1, 0),
        ("sex_gender", "man", "", "", 1, 0),
        ("sex_gender", "man", "status", "submitted", 1, 0),
        ("status", "submitted", "", "", 1, 0),
    ]
    # And when nothing changed, the same seal counted again changes nothing.
    db.execute("INSERT INTO stat_changes (complaint_id, kind) VALUES (%s, 'read')", (cid,))
    before = db.execute("SELECT * FROM stat_cells ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
    assert await fold_all(database_url) == 1
    assert db.execute("SELECT * FROM stat_cells ORDER BY 1, 2, 3, 4, 5, 6").fetchall() == before


# Folders waiting for the folders' lock (two-key advisory lock 7215, 0) in this database.
WAITING = """
SELECT count(*) AS n FROM pg_locks
WHERE locktype = 'advisory' AND (classid, objid, objsubid) = (7215, 0, 2) AND NOT granted
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


async def test_one_folder_at_a_time(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    for _ in range(3):
        response = await client.post(
            "/v1/complaints", json=complaint_body(rights_affected=["adequate_housing"])
        )
        assert response.status_code == 201
    # Another folder is in the middle of a batch (it holds the folders' lock).
    with psycopg.connect(database_url) as other:
        other.execute("SELECT pg_advisory_xact_lock(7215, 0)")
        second = asyncio.create_task(fold_once(database_url, settings))
        await eventually(lambda: db.execute(WAITING).fetchone()["n"] == 1, "the second to wait")
        assert not second.done()
        other.rollback()  # the first is through
        assert await second == 3
    assert cells(db) == [
        ("", "", "", "", 3, 0),
        ("right", "adequate_housing", "", "", 3, 0),
        ("right", "adequate_housing", "status", "submitted", 3, 0),
        ("sex_gender", "not_stated", "", "", 3, 0),
        ("sex_gender", "not_stated", "status", "submitted", 3, 0),
        ("status", "submitted", "", "", 3, 0),
    ]


async def test_a_fold_takes_no_more_than_its_batch(
    client: httpx.AsyncClient, db: Any, database_url: str, settings: Settings
) -> None:
    filed = []
    for _ in range(3):
        response = await client.post("/v1/complaints", json=complaint_body())
        assert response.status_code == 201
        filed.append(UUID(response.json()["id"]))
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        assert await fold(conn, Sealer.from_settings(settings), limit=2) == 2
        # The oldest two are counted; the third waits for the next batch (and reads add it).
        left = db.execute("SELECT complaint_id FROM stat_changes").fetchall()
        assert left == [{"complaint_id": filed[2]}]
        counted = db.execute("SELECT complaint_id FROM stat_facts").fetchall()
        assert {row["complaint_id"] for row in counted} == set(filed[:2])
        assert await fold(conn, Sealer.from_settings(settings), limit=2) == 1
    total = "SELECT n FROM stat_cells WHERE dim_a = '' AND dim_b = '' AND track = 'ombudsperson'"
    assert db.execute(total).fetchone()["n"] == 3


async def test_a_reclassified_complaint_counts_under_its_new_rights(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str
) -> None:
    """Filed with no right known, counted under `none`; classified by staff, recounted under
    the rights and ground it was given, and no longer under `none`."""
    response = await client.post(
        "/v1/complaints", json=complaint_body(rights_affected=[], discrimination_grounds=[])
    )
    assert response.status_code == 201, response.text
    cid = response.json()["id"]
    assert await fold_all(database_url) == 1
    assert cells(db) == [
        ("", "", "", "", 1, 0),
        ("right", "none", "", "", 1, 0),
        ("right", "none", "status", "submitted", 1, 0),
        ("sex_gender", "not_stated", "", "", 1, 0),
        ("sex_gender", "not_stated", "status", "submitted", 1, 0),
        ("status", "submitted", "", "", 1, 0),
    ]
    classified = await client.put(
        f"/v1/complaints/{cid}/classification",
        json={"rights_affected": ["adequate_housing", "health"], "discrimination_grounds": ["age"]},
        headers={**auth("ombudsperson_staff"), "If-Match": '"v1"'},
    )
    assert classified.status_code == 200, classified.text
    assert await fold_all(database_url) == 1
    assert cells(db) == [
        ("", "", "", "", 1, 0),
        ("right", "adequate_housing", "", "", 1, 0),
        ("right", "adequate_housing", "status", "submitted", 1, 0),
        ("right", "health", "", "", 1, 0),
        ("right", "health", "status", "submitted", 1, 0),
        ("sex_gender", "not_stated", "", "", 1, 0),
        ("sex_gender", "not_stated", "status", "submitted", 1, 0),
        ("status", "submitted", "", "", 1, 0),
    ]
    grounds = db.execute(
        "SELECT val_a, n FROM stat_cells WHERE dim_a = 'ground' AND dim_b = '' AND n <> 0"
    ).fetchall()
    assert grounds == [{"val_a": "age", "n": 1}]
    facts = db.execute("SELECT rights, grounds FROM stat_facts").fetchall()
    assert facts == [{"rights": ["adequate_housing", "health"], "grounds": ["age"]}]
