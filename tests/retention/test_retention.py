"""Retention: a finished case is kept for its period, then purged with everything attached
(files included), unless a legal hold is set; the statistics already published stay as they were."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from app.config import Settings, get_settings
from tests.conftest import act, complaint_body, fold_all, refused


async def finish(client: httpx.AsyncClient, staff: dict[str, str], cid: str) -> None:
    for action in ("acknowledge", "start_assessment", "declare_inadmissible"):
        await act(client, staff, cid, action)


@pytest.fixture
def purge_cli(monkeypatch: pytest.MonkeyPatch, database_url: str, settings: Settings) -> Any:
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OMBUDS_ATTACHMENTS_DIR", str(settings.attachments_dir))
    get_settings.cache_clear()

    async def run() -> int:
        return await asyncio.to_thread(main, ["purge"])

    yield run
    get_settings.cache_clear()


def count(db: Any, table: str, cid: str) -> int:
    return db.execute(
        f"SELECT count(*) AS n FROM {table} WHERE complaint_id = %s",  # noqa: S608
        (cid,),
    ).fetchone()["n"]


async def test_past_retention_a_case_goes_with_everything_but_a_held_one_stays(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    purge_cli: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    staff, head = auth("ombudsperson_staff"), auth("ombudsperson", sub="head")
    cases = []
    for extra in (
        {
            "contact": {"name": "Amina Yusuf", "email": "amina@example.org"},
            "characteristics": {"sex_gender": "woman"},
        },
        {},
        {},
    ):
        cases.append((await client.post("/v1/complaints", json=complaint_body(**extra))).json())
    expired, held, still_open = cases
    upload = await client.post(
        f"/v1/complaints/{expired['id']}/attachments",
        content=b"The eviction letter, as received.",
        params={"filename": "letter.txt", "attach_to": "complaint"},
        headers={**staff, "content-type": "text/plain"},
    )
    assert upload.status_code == 201, upload.text
    second = await client.post(
        f"/v1/complaints/{expired['id']}/attachments",
        content=b"The reply to the letter.",
        params={"filename": "reply.txt", "attach_to": "complaint"},
        headers={**staff, "content-type": "text/plain"},
    )
    assert second.status_code == 201, second.text
    message = await client.post(
        f"/v1/complaints/{expired['id']}/messages", json={"body": "We received it."}, headers=staff
    )
    assert message.status_code == 201
    for case in (expired, held):
        await finish(client, staff, case["id"])

    # Five years for an inadmissible case on the ombudsperson track (OMBUDS_RETENTION_YEARS).
    hold = (await client.get(f"/v1/complaints/{expired['id']}/legal-hold", headers=staff)).json()
    assert hold["held"] is False
    until = datetime.fromisoformat(hold["retention_until"])
    finished = datetime.fromisoformat(hold["finished_at"])
    assert until.year - finished.year == 5 and until > datetime.now(UTC)
    open_hold = await client.get(f"/v1/complaints/{still_open['id']}/legal-hold", headers=staff)
    assert open_hold.json()["retention_until"] is None

    # Only the head of office sets a hold, with a reason; twice is a conflict.
    reason = {"reason": "Appeal pending before the administrative court."}
    path = f"/v1/complaints/{held['id']}/legal-hold"
    assert (await client.put(path, json=reason, headers=staff)).status_code == 403
    assert (await client.put(path, json={"reason": "short"}, headers=head)).status_code == 422
    response = await client.put(path, json=reason, headers=head)
    assert response.status_code == 200
    assert response.json()["held"] is True and response.json()["set_by"] == "head"
    shown = (await client.get(path, headers=staff)).json()
    assert shown == {**response.json(), "reason": reason["reason"]}
    set_at = datetime.fromisoformat(shown["set_at"])
    assert timedelta(0) <= datetime.now(UTC) - set_at < timedelta(minutes=1)
    refused(
        await client.put(path, json=reason, headers=head),
        409,
        "conflict",
        detail="A legal hold is set already.",
    )
    timeline = (await client.get(f"/v1/complaints/{held['id']}/timeline", headers=staff)).json()
    assert timeline["entries"][-1]["action"] == "legal_hold_set"

    await fold_all(database_url)
    aggregate = "SELECT * FROM stat_cells ORDER BY dim_a, dim_b, month, track, val_a, val_b"
    before = db.execute(aggregate).fetchall()
    assert before  # the three cases are counted

    # The clock moves past the retention of both finished cases.
    db.execute(
        "UPDATE complaints SET retention_until = now() - interval '1 day' WHERE id = ANY(%s)",
        ([expired["id"], held["id"]],),
    )
    name = UUID(upload.json()["id"]).hex  # how the local storage names a file
    root = Path(os.path.abspath(settings.attachments_dir))  # noqa: ASYNC240
    file_path = root / name[-2:] / name[-4:-2] / name
    assert file_path.exists()
    assert await purge_cli() == 0
    assert "purged 1 cases past their retention date (2 files)" in capsys.readouterr().out

    assert (
        db.execute(
            "SELECT count(*) AS n FROM complaints WHERE id = %s", (expired["id"],)
        ).fetchone()["n"]
        == 0
    )
    for table in (
        "timeline_entries",
        "messages",
        "attachments",
        "complainant_contacts",
        "complainant_characteristics",
        "stat_facts",
    ):
        assert count(db, table, expired["id"]) == 0, table
    assert not file_path.exists()
    remaining = {r["id"] for r in db.execute("SELECT id::text AS id FROM complaints")}
    assert remaining == {held["id"], still_open["id"]}
    audit = db.execute(
        "SELECT actor_subject, actor_role FROM audit_entries "
        "WHERE action = 'complaint.purge' AND object_id = %s",
        (expired["id"],),
    ).fetchall()
    assert audit == [{"actor_subject": "ombuds", "actor_role": "system"}]
    # The statistics keep counting the purged case: what releases will count does not move.
    assert db.execute(aggregate).fetchall() == before

    # Once the hold is lifted, the held case goes too.
    lifted = await client.post(f"{path}/release", json=reason, headers=head)
    assert lifted.status_code == 200 and lifted.json()["held"] is False
    timeline = (await client.get(f"/v1/complaints/{held['id']}/timeline", headers=staff)).json()
    assert [e["action"] for e in timeline["entries"][-2:]] == [
        "legal_hold_set",
        "legal_hold_lifted",
    ]
    refused(
        await client.post(f"{path}/release", json=reason, headers=head),
        409,
        "conflict",
        detail="No legal hold is set on this case.",
    )
    assert await purge_cli() == 0
    assert "purged 1 cases" in capsys.readouterr().out
    assert {r["id"] for r in db.execute("SELECT id::text AS id FROM complaints")} == {
        still_open["id"]
    }


def test_retention_periods_follow_track_and_outcome(settings: Settings) -> None:
    assert settings.retention_for("ombudsperson", findings=True) == 10
    assert settings.retention_for("ombudsperson", findings=False) == 5
    assert settings.retention_for("anti_corruption", findings=True) == 5
    assert settings.retention_for("anti_corruption", findings=False) == 2
    with pytest.raises(ValueError, match="OMBUDS_RETENTION_YEARS"):
        Settings(**{**settings.model_dump(), "retention_years": {"ombudsperson": {"other": 5}}})


async def test_orphaned_files_are_swept_but_young_and_attached_ones_stay(
    client: httpx.AsyncClient, auth: Any, db: Any, settings: Settings, tmp_path: Path
) -> None:
    from uuid import uuid4

    from app.attachments.storage import LocalStorage
    from app.retention.service import sweep_orphans

    storage = LocalStorage(settings.attachments_dir)
    filed = (await client.post("/v1/complaints", json=complaint_body())).json()
    upload = await client.post(
        f"/v1/complaints/{filed['id']}/attachments",
        content=b"An attached file.",
        params={"filename": "kept.txt", "attach_to": "complaint"},
        headers={**auth("ombudsperson_staff"), "content-type": "text/plain"},
    )
    attached = UUID(upload.json()["id"])
    old_orphan, young_orphan = uuid4(), uuid4()
    for key in (old_orphan, young_orphan):
        await storage.put(key, b"left behind by a failed commit")
    two_hours_ago = datetime.now(UTC).timestamp() - 7200
    for key in (old_orphan, attached):
        os.utime(storage._path(key), (two_hours_ago, two_hours_ago))

    async with await psycopg.AsyncConnection.connect(
        str(settings.database_url), autocommit=True, row_factory=dict_row
    ) as conn:
        assert await sweep_orphans(conn, storage) == 1
        assert await sweep_orphans(conn, storage) == 0  # nothing old and unknown is left
        assert await sweep_orphans(conn, LocalStorage(tmp_path)) == 0  # nothing stored at all
    assert not storage._path(old_orphan).exists()
    assert storage._path(young_orphan).exists()  # its row may still be on its way
    assert await storage.get(attached) == b"An attached file."


async def test_a_finished_case_within_its_retention_survives_the_purge(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    purge_cli: Any,
    capsys: Any,
) -> None:
    """Negative control: the purge removes what expired, and only that."""
    staff = auth("ombudsperson_staff")
    kept, gone = [
        (await client.post("/v1/complaints", json=complaint_body())).json() for _ in range(2)
    ]
    for case in (kept, gone):
        await finish(client, staff, case["id"])
    db.execute(
        "UPDATE complaints SET retention_until = now() - interval '1 second' WHERE id = %s",
        (gone["id"],),
    )
    db.execute(
        "UPDATE complaints SET retention_until = now() + interval '1 minute' WHERE id = %s",
        (kept["id"],),
    )
    await fold_all(database_url)  # the purge waits for the statistics to count a case
    assert await purge_cli() == 0
    assert "purged 1 cases" in capsys.readouterr().out
    ids = {r["id"] for r in db.execute("SELECT id::text AS id FROM complaints")}
    assert ids == {kept["id"]}
    assert count(db, "timeline_entries", kept["id"]) == 4  # filed, and three transitions


async def test_a_reopening_clears_the_retention_date(
    client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    staff, head = auth("ombudsperson_staff"), auth("ombudsperson")
    filed = (await client.post("/v1/complaints", json=complaint_body())).json()
    await finish(client, staff, filed["id"])
    row = db.execute(
        "SELECT retention_until, finished_at FROM complaints WHERE id = %s", (filed["id"],)
    ).fetchone()
    assert row["retention_until"] is not None and row["finished_at"] is not None
    reopened = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "reopen", "reason": "New facts came to light."},
        headers={**head, "If-Match": "*"},
    )
    assert reopened.status_code == 200, reopened.text
    row = db.execute(
        "SELECT retention_until, finished_at FROM complaints WHERE id = %s", (filed["id"],)
    ).fetchone()
    assert row == {"retention_until": None, "finished_at": None}
    hold = (await client.get(f"/v1/complaints/{filed['id']}/legal-hold", headers=staff)).json()
    assert hold["retention_until"] is None


# How long each kind of finished case is kept (the defaults of OMBUDS_RETENTION_YEARS), by hand.
@pytest.mark.parametrize(
    ("track", "how", "years"),
    [
        ("ombudsperson", "findings", 10),
        ("ombudsperson", "inadmissible", 5),
        ("ombudsperson", "withdrawn", 5),
        ("anti_corruption", "findings", 5),
        ("anti_corruption", "referred", 2),
        ("anti_corruption", "withdrawn", 2),
    ],
)
async def test_retention_years_by_track_and_outcome_end_to_end(
    track: str, how: str, years: int, client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    staff = auth("ombudsperson_staff" if track == "ombudsperson" else "oversight_officer")
    filed = (await client.post("/v1/complaints", json=complaint_body(track=track))).json()
    cid = filed["id"]
    if how == "findings":
        db.execute("UPDATE complaints SET status = 'findings_issued' WHERE id = %s", (cid,))
        db.execute(
            "INSERT INTO findings (complaint_id, outcome, rights_affected, public_summary, "
            "internal_reasoning, drafted_by, issued_at, communicated_at) VALUES (%s, "
            "'no_violation', '{}', 'No breach.', 'None found.', 's', now(), now())",
            (cid,),
        )
        await act(client, staff, cid, "close")
    elif how == "withdrawn":
        await act(client, staff, cid, "withdraw")
    else:
        for action in ("acknowledge", "start_assessment"):
            await act(client, staff, cid, action)
        await act(client, staff, cid, "declare_inadmissible" if how == "inadmissible" else "refer")
    hold = (await client.get(f"/v1/complaints/{cid}/legal-hold", headers=staff)).json()
    until = datetime.fromisoformat(hold["retention_until"])
    finished = datetime.fromisoformat(hold["finished_at"])
    assert until.replace(year=until.year - years) == finished


@pytest.mark.parametrize(("track", "years"), [("ombudsperson", 5), ("anti_corruption", 2)])
async def test_a_case_nobody_moves_is_flagged_then_closed_as_stale_with_a_retention_date(
    track: str, years: int, client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    """A case that would never finish: after twelve months untouched it shows for review among
    the deadlines; closed as stale, it gets the retention of a case ended without findings
    (5 and 2 years by default), and the complainant sees why."""
    staff = auth("ombudsperson_staff" if track == "ombudsperson" else "oversight_officer")
    filed = (await client.post("/v1/complaints", json=complaint_body(track=track))).json()
    cid = filed["id"]
    fresh = (await client.get(f"/v1/complaints/{cid}/legal-hold", headers=staff)).json()
    assert fresh["retention_until"] is None
    review = {"kind": "stale_case", "overdue": "true"}
    listed = (await client.get("/v1/deadlines", params=review, headers=staff)).json()["items"]
    assert listed == []
    db.execute(
        "UPDATE complaints SET updated_at = now() - interval '12 months 1 day' WHERE id = %s",
        (cid,),
    )
    listed = (await client.get("/v1/deadlines", params=review, headers=staff)).json()["items"]
    assert [(i["complaint_id"], i["kind"], i["overdue"]) for i in listed] == [
        (cid, "stale_case", True)
    ]
    reason = "No answer to three letters and two calls since last year."
    await act(client, staff, cid, "close_as_stale", reason=reason)
    hold = (await client.get(f"/v1/complaints/{cid}/legal-hold", headers=staff)).json()
    until = datetime.fromisoformat(hold["retention_until"])
    finished = datetime.fromisoformat(hold["finished_at"])
    assert until.replace(year=until.year - years) == finished
    listed = (await client.get("/v1/deadlines", params=review, headers=staff)).json()["items"]
    assert listed == []
    mine = await client.post(
        "/v1/auth/receipt", json={"reference": filed["reference"], "receipt": filed["receipt"]}
    )
    timeline = await client.get(
        f"/v1/complaints/{cid}/timeline",
        headers={"Authorization": f"Bearer {mine.json()['access_token']}"},
    )
    assert [(e["action"], e["reason"]) for e in timeline.json()["entries"]][-1] == (
        "close_as_stale",
        reason,
    )
