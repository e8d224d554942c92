"""The audit trail: sealed into an HMAC chain, append-only for the app, and verifiable: every kind
of tampering done directly in PostgreSQL is found and located."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from app.audit.chain import seal
from app.config import Settings, get_settings
from tests.conftest import complaint_body, refused


async def seal_all(database_url: str, settings: Settings) -> int:
    key = settings.audit_key.get_secret_value().encode()
    total = 0
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        while n := await seal(conn, key, 4):  # small batches: the chain continues across them
            total += n
    return total


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Any]:
    """Run `ombuds ...` in-process against the test database: (exit code, output)."""
    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OMBUDS_AUDIT_KEY", settings.audit_key.get_secret_value())
    get_settings.cache_clear()

    async def run(*args: str) -> tuple[int, str]:
        # In a thread: the command runs its own event loop, as it does from a shell.
        code = await asyncio.to_thread(main, list(args))
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    yield run
    get_settings.cache_clear()


def readme_seal(key: bytes, previous: bytes, entry: dict[str, Any]) -> bytes:
    """An entry's seal computed from the README's specification, not by the app's code."""
    document = {
        "seq": entry["seq"],
        "id": entry["id"],
        "at": entry["at"].astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_subject": entry["actor_subject"],
        "actor_role": entry["actor_role"],
        "action": entry["action"],
        "object_type": entry["object_type"],
        "object_id": entry["object_id"],
        "outcome": entry["outcome"],
    }
    data = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, previous + data.encode(), hashlib.sha256).digest()


class Tamper:
    """Someone holding the database: the append-only trigger switched off, then SQL."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def __call__(self, *statements: str) -> None:
        with self.db.transaction():
            self.db.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
            for statement in statements:
                self.db.execute(statement)
            self.db.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only")


async def trail(
    client: httpx.AsyncClient,
    auth: Any,
    database_url: str,
    settings: Settings,
    staff_subject: str = "hana",
) -> int:
    """Some activity, sealed: filings, reads, transitions. Returns the number of entries."""
    staff = auth("ombudsperson_staff", sub=staff_subject)
    for _ in range(4):
        filed = (await client.post("/v1/complaints", json=complaint_body())).json()
        read = await client.get(f"/v1/complaints/{filed['id']}", headers=staff)
        await client.post(
            f"/v1/complaints/{filed['id']}/transitions",
            json={"action": "acknowledge"},
            headers={**staff, "If-Match": read.headers["etag"]},
        )
    return await seal_all(database_url, settings)


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The sealing process in another time zone: a seal must not depend on it."""
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_every_entry_is_sealed_into_an_intact_chain(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    cli: Any,
    far_from_utc: None,
) -> None:
    sealed = await trail(client, auth, database_url, settings, staff_subject="zoë-ñ")
    rows = db.execute("SELECT * FROM audit_entries ORDER BY seq").fetchall()
    assert sealed == len(rows) >= 8
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    key = settings.audit_key.get_secret_value().encode()
    previous = b"\x00" * 32
    for row in rows:  # each link covers the previous one: recomputed from the README alone
        previous = readme_seal(key, previous, row)
        assert bytes(row["hash"]) == previous, row["seq"]
    code, out = await cli("audit", "verify")
    assert code == 0, out
    assert f"intact: {len(rows)} entries, head at position {len(rows)}" in out
    # New entries join the chain where it ended.
    await client.post("/v1/complaints", json=complaint_body())
    assert await seal_all(database_url, settings) == 1
    assert (await cli("audit", "verify"))[0] == 0


EDITED = "does not match its seal: edited, moved, or inserted without the key"


@pytest.mark.parametrize(
    ("statements", "position", "problem", "entry_at"),
    [
        # An entry's field edited.
        (
            ["UPDATE audit_entries SET object_id = 'another' WHERE seq = 3"],
            3,
            f"the entry at position 3 {EDITED}",
            3,
        ),
        (
            ["UPDATE audit_entries SET at = at - interval '1 day' WHERE seq = 5"],
            5,
            f"the entry at position 5 {EDITED}",
            5,
        ),
        # An entry deleted: the one found in its place is named.
        (
            ["DELETE FROM audit_entries WHERE seq = 4"],
            4,
            "the entry at position 4 is missing (the next one is at 5): deleted",
            5,
        ),
        # Two entries swapped in the chain.
        (
            [
                "UPDATE audit_entries SET seq = -2 WHERE seq = 2",
                "UPDATE audit_entries SET seq = 2 WHERE seq = 6",
                "UPDATE audit_entries SET seq = 6 WHERE seq = -2",
            ],
            2,
            f"the entry at position 2 {EDITED}",
            2,
        ),
        # Two entries' contents swapped, each keeping its place and its seal.
        (
            [
                "UPDATE audit_entries SET action = 'x' WHERE seq = 7",
                "UPDATE audit_entries a SET action = b.action FROM audit_entries b "
                "WHERE a.seq = 7 AND b.seq = 8",
                "UPDATE audit_entries SET action = 'complaint.file' WHERE seq = 8",
            ],
            7,
            f"the entry at position 7 {EDITED}",
            7,
        ),
        # A forged entry appended with a made-up seal (-1: after the last).
        (
            [
                "INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, "
                "object_id, seq, hash) SELECT 'mallory', 'ombudsperson', 'complaint.close', "
                "'complaint', 'x', max(seq) + 1, sha256('forged') FROM audit_entries"
            ],
            -1,
            f"the entry at position -1 {EDITED}",
            -1,
        ),
    ],
)
async def test_tampering_in_postgresql_is_found_and_located(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    cli: Any,
    statements: list[str],
    position: int,
    problem: str,
    entry_at: int,
) -> None:
    entries = await trail(client, auth, database_url, settings)
    assert (await cli("audit", "verify"))[0] == 0
    Tamper(db)(*statements)
    code, out = await cli("audit", "verify")
    where = entries + 1 if position == -1 else position
    problem = problem.replace("position -1", f"position {where}")
    assert code == 1
    assert f"BROKEN at position {where}: {problem}" in out, out
    # The auditor's API says the same, and names the entry found where it broke.
    entry_seq = entries + 1 if entry_at == -1 else entry_at
    entry = db.execute("SELECT id FROM audit_entries WHERE seq = %s", (entry_seq,)).fetchone()
    response = await client.get("/v1/audit/verification", headers=auth("auditor"))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "intact": False,
        "checked": where - 1,
        "head_position": where - 1,
        "head_hash": None,
        "unsealed": 0,
        "anchored_at": 0,
        "broken_at": where,
        "problem": problem,
        "entry_id": entry["id"],
        "checkpoint": None,
        "verified_at": body["verified_at"],
    }
    assert_recent(body["verified_at"])


def assert_recent(stamp: str) -> None:
    """An ISO time in UTC, within the last minute."""
    at = datetime.fromisoformat(stamp)
    assert at.utcoffset() == timedelta(0)
    assert timedelta(0) <= datetime.now(UTC) - at < timedelta(minutes=1)


# Every field the README says a seal covers, each changed alone (the position is the test above's
# swap; the id is an identity PostgreSQL will not let anyone set).
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", "at + interval '1 microsecond'"),
        ("actor_subject", "'mallory'"),
        ("actor_role", "'oversight_head'"),
        ("action", "'complaint.close'"),
        ("object_type", "'attachment'"),
        ("object_id", "'00000000-0000-7000-8000-000000000000'"),
        ("outcome", "'failure'"),
    ],
)
async def test_each_sealed_field_changed_alone_is_found(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    cli: Any,
    field: str,
    value: str,
) -> None:
    await trail(client, auth, database_url, settings)
    assert (await cli("audit", "verify"))[0] == 0
    Tamper(db)(f"UPDATE audit_entries SET {field} = {value} WHERE seq = 5")  # noqa: S608
    code, out = await cli("audit", "verify")
    assert code == 1
    assert "BROKEN at position 5:" in out and "does not match" in out, out


async def test_a_checkpoint_catches_removed_tails_and_rewrites_with_the_key(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    cli: Any,
    tmp_path: Path,
) -> None:
    entries = await trail(client, auth, database_url, settings)
    code, out = await cli("audit", "checkpoint")
    assert code == 0
    checkpoint = json.loads(out)
    assert checkpoint["position"] == entries and len(checkpoint["hash"]) == 64
    saved = tmp_path / "checkpoint.json"
    saved.write_text(out)
    assert (await cli("audit", "verify", "--checkpoint", str(saved)))[0] == 0

    # The newest entry removed: the chain alone still looks whole, the checkpoint does not.
    Tamper(db)(f"DELETE FROM audit_entries WHERE seq = {int(entries)}")  # noqa: S608
    assert (await cli("audit", "verify"))[0] == 0
    code, out = await cli("audit", "verify", "--checkpoint", str(saved))
    removed = (
        f"the trail ends at position {entries - 1}, before the checkpoint's {entries}: "
        "entries were removed"
    )
    assert code == 1 and f"BROKEN at position {entries}: {removed}" in out, out
    shortened = (
        await client.get("/v1/audit/verification", params=checkpoint, headers=auth("auditor"))
    ).json()
    assert (shortened["broken_at"], shortened["problem"], shortened["entry_id"]) == (
        entries,
        removed,
        None,
    )

    # Someone with the database AND the key edits entry 2 and recomputes every seal after it.
    key = settings.audit_key.get_secret_value().encode()
    Tamper(db)("UPDATE audit_entries SET object_id = 'rewritten' WHERE seq = 2")
    rows = db.execute("SELECT * FROM audit_entries WHERE seq IS NOT NULL ORDER BY seq").fetchall()
    previous = b"\x00" * 32
    updates = []
    for row in rows:
        previous = readme_seal(key, previous, row)
        hex_hash, entry_id = previous.hex(), int(row["id"])
        updates.append(
            f"UPDATE audit_entries SET hash = '\\x{hex_hash}' WHERE id = {entry_id}"  # noqa: S608
        )
    Tamper(db)(*updates)
    Tamper(db)(
        "INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id) "
        "VALUES ('mallory', 'ombudsperson', 'complaint.read', 'complaint', 'y')"
    )
    await seal_all(database_url, settings)
    assert (await cli("audit", "verify"))[0] == 0  # consistent again, as far as the chain can tell
    code, out = await cli("audit", "verify", "--checkpoint", str(saved))
    assert code == 1 and "rewritten" in out
    verification = await client.get(
        "/v1/audit/verification",
        params=checkpoint,
        headers=auth("auditor"),
    )
    assert verification.json()["intact"] is False
    assert verification.json()["broken_at"] == entries
    assert verification.json()["problem"] == (
        f"the entry at position {entries} no longer has the checkpoint's hash: "
        "the trail was rewritten"
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"position": "x"}')
    assert (await cli("audit", "verify", "--checkpoint", str(bad)))[0] == 2


async def test_a_verification_reports_the_head_the_checkpoint_and_what_awaits_its_seal(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    auditor = auth("auditor")
    # Nothing sealed yet: an intact, empty chain with no head.
    empty = (await client.get("/v1/audit/verification", headers=auditor)).json()
    assert {k: empty[k] for k in ("intact", "checked", "head_position", "head_hash")} == {
        "intact": True,
        "checked": 0,
        "head_position": 0,
        "head_hash": None,
    }
    entries = await trail(client, auth, database_url, settings)
    hashes = {
        r["seq"]: r["h"]
        for r in db.execute(
            "SELECT seq, encode(hash, 'hex') AS h FROM audit_entries WHERE seq IS NOT NULL"
        )
    }
    # A filing after the seal: its audit entry waits for the next round, counted, not checked.
    await client.post("/v1/complaints", json=complaint_body())
    response = await client.get(
        "/v1/audit/verification", params={"position": 3, "hash": hashes[3]}, headers=auditor
    )
    body = response.json()
    assert body == {
        "intact": True,
        "checked": entries,
        "head_position": entries,
        "head_hash": hashes[entries],
        "unsealed": 1,  # this verification's own entry is written after it
        "anchored_at": 0,
        "broken_at": None,
        "problem": None,
        "entry_id": None,
        "checkpoint": {"position": 3, "hash": hashes[3]},
        "verified_at": body["verified_at"],
    }
    assert_recent(body["verified_at"])


HEX64 = "ab" * 32


@pytest.mark.parametrize(
    "content",
    [
        "[1, 2]",
        "{}",
        f'{{"position": 0, "hash": "{HEX64}"}}',
        f'{{"position": -3, "hash": "{HEX64}"}}',
        f'{{"position": "4", "hash": "{HEX64}"}}',
        f'{{"position": true, "hash": "{HEX64}"}}',
        f'{{"position": 2.0, "hash": "{HEX64}"}}',
        '{"position": 2}',
        '{"position": 2, "hash": 7}',
        f'{{"position": 2, "hash": "{"zz" * 32}"}}',
        '{"position": 2, "hash": "abcd"}',
        f'{{"position": 2, "hash": "{HEX64}00"}}',
    ],
)
async def test_a_checkpoint_file_of_the_wrong_shape_is_refused_by_name(
    cli: Any, tmp_path: Path, content: str
) -> None:
    bad = tmp_path / "checkpoint.json"
    bad.write_text(content)
    code, out = await cli("audit", "verify", "--checkpoint", str(bad))
    assert code == 2
    assert out.strip() == (
        'cannot read the checkpoint: a checkpoint is {"position": <integer from 1>, '
        '"hash": "<64 hex digits>"}'
    )


async def test_a_checkpoint_at_the_first_entry_in_capitals_holds(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    cli: Any,
    tmp_path: Path,
) -> None:
    await trail(client, auth, database_url, settings)
    first = db.execute(
        "SELECT encode(hash, 'hex') AS h FROM audit_entries WHERE seq = 1"
    ).fetchone()
    saved = tmp_path / "checkpoint.json"
    saved.write_text(json.dumps({"position": 1, "hash": first["h"].upper()}))
    code, out = await cli("audit", "verify", "--checkpoint", str(saved))
    assert code == 0, out
    saved.write_text(json.dumps({"position": 1, "hash": HEX64}))
    code, out = await cli("audit", "verify", "--checkpoint", str(saved))
    assert code == 1, out


async def test_the_app_cannot_change_or_remove_audit_entries(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    await trail(client, auth, database_url, settings)
    await client.post("/v1/complaints", json=complaint_body())  # one more, not sealed yet
    for statement in (
        "UPDATE audit_entries SET action = 'nothing' WHERE seq = 1",
        "UPDATE audit_entries SET seq = NULL, hash = NULL WHERE seq = 1",
        "UPDATE audit_entries SET seq = 999, hash = '\\x00' WHERE seq = 1",
        "UPDATE audit_entries SET action = 'x', seq = 999, hash = '\\x00' WHERE seq IS NULL",
        "DELETE FROM audit_entries WHERE seq = 1",
        "DELETE FROM audit_entries WHERE seq IS NULL",
        "TRUNCATE audit_entries",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            db.execute(statement)
    count = db.execute("SELECT count(*) AS n FROM audit_entries").fetchone()["n"]
    assert count == db.execute("SELECT max(id) AS n FROM audit_entries").fetchone()["n"]


async def test_concurrent_sealers_never_fork_the_chain(
    client: httpx.AsyncClient, database_url: str, settings: Settings, db: Any
) -> None:
    for _ in range(30):
        await client.post("/v1/complaints", json=complaint_body())
    await asyncio.gather(*(seal_all(database_url, settings) for _ in range(4)))
    seqs = [r["seq"] for r in db.execute("SELECT seq FROM audit_entries ORDER BY seq")]
    assert seqs == list(range(1, 31))


async def test_the_auditor_reads_the_trail_and_nothing_else(
    client: httpx.AsyncClient, auth: Any, database_url: str, settings: Settings
) -> None:
    filed = (await client.post("/v1/complaints", json=complaint_body())).json()
    await seal_all(database_url, settings)
    auditor = auth("auditor", sub="ines")
    page = await client.get("/v1/audit/entries", params={"limit": 1}, headers=auditor)
    assert page.status_code == 200
    body = page.json()
    assert body["items"][0]["action"] == "complaint.file"
    assert body["items"][0]["object_id"] == filed["id"]
    assert body["items"][0]["position"] == 1 and len(body["items"][0]["hash"]) == 64
    assert "Eviction" not in page.text  # ids and codes, never case content
    filtered = await client.get(
        "/v1/audit/entries", params={"action": "audit.list"}, headers=auditor
    )
    # Reading the trail is on the trail: who looked, not what they saw.
    assert [e["actor_subject"] for e in filtered.json()["items"]] == ["ines"]
    for path in (f"/v1/complaints/{filed['id']}", "/v1/complaints", "/v1/statistics"):
        assert (await client.get(path, headers=auditor)).status_code in (403, 404)
    for role in ("ombudsperson", "oversight_head", "monitor", "admin", "ombudsperson_staff"):
        response = await client.get("/v1/audit/entries", headers=auth(role))
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    half = await client.get("/v1/audit/verification", params={"position": 1}, headers=auditor)
    refused(half, 422, "validation-error", field="query.hash")


def _forget_unsealed(db: Any) -> None:
    """Test setup only: the entries written so far, gone (the trigger switched off)."""
    with db.transaction():
        db.execute("SET LOCAL session_replication_role = replica")
        db.execute("DELETE FROM audit_entries WHERE seq IS NULL")


OLD_ENTRY = (
    "INSERT INTO audit_entries (at, actor_subject, actor_role, action, object_type, object_id) "
    "VALUES (now() - interval '11 years', 'hana', 'ombudsperson_staff', 'complaint.read_contact', "
    "'complaint', %s)"
)


async def test_entries_past_the_longest_retention_roll_into_a_sealed_anchor(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    """Eleven years back (the longest retention is ten): five entries about cases long gone,
    then one about a case still held, then today's. The five go into an anchor; verification
    starts from it and still passes; the anchor cannot be forged or dropped unseen."""
    from uuid import uuid4

    from app.audit.chain import roll_up

    kept = (await client.post("/v1/complaints", json=complaint_body())).json()
    _forget_unsealed(db)  # so the trail starts with the old entries
    for _ in range(5):
        db.execute(OLD_ENTRY, (str(uuid4()),))
    db.execute(OLD_ENTRY, (kept["id"],))
    total = await trail(client, auth, database_url, settings)
    hashes = {
        r["seq"]: r["h"]
        for r in db.execute("SELECT seq, encode(hash, 'hex') AS h FROM audit_entries")
    }
    key = settings.audit_key.get_secret_value().encode()
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        cutoff = settings.audit_cutoff(datetime.now(UTC))
        assert await roll_up(conn, key, cutoff) == 5
        assert await roll_up(conn, key, cutoff) == 0  # the next is about a case still held
    positions = [r["seq"] for r in db.execute("SELECT seq FROM audit_entries ORDER BY seq")]
    assert positions == list(range(6, total + 1))
    anchor = db.execute("SELECT seq, encode(hash, 'hex') AS h, entries FROM audit_anchors")
    assert anchor.fetchall() == [{"seq": 5, "h": hashes[5], "entries": 5}]

    auditor = auth("auditor")
    body = (await client.get("/v1/audit/verification", headers=auditor)).json()
    assert {k: body[k] for k in ("intact", "anchored_at", "checked", "head_position")} == {
        "intact": True,
        "anchored_at": 5,
        "checked": total - 5,
        "head_position": total,
    }
    # A checkpoint exported before: at the anchor, its hash is the anchor's; before it, the
    # position was rolled up (the sealed anchor vouches for it).
    for position, digest, intact in ((5, hashes[5], True), (5, HEX64, False), (2, HEX64, True)):
        checked = await client.get(
            "/v1/audit/verification",
            params={"position": position, "hash": digest},
            headers=auditor,
        )
        assert checked.json()["intact"] is intact, (position, checked.json())

    # The app cannot remove what the anchor does not cover, nor touch the anchor.
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        db.execute("DELETE FROM audit_entries WHERE seq = 6")
    for statement in ("UPDATE audit_anchors SET entries = 4", "DELETE FROM audit_anchors"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="insert-only"):
            db.execute(statement)

    # Someone holding the database forges the anchor, then drops it.
    def tamper(statement: str) -> None:
        with db.transaction():
            db.execute("ALTER TABLE audit_anchors DISABLE TRIGGER audit_anchors_insert_only")
            db.execute(statement)
            db.execute("ALTER TABLE audit_anchors ENABLE TRIGGER audit_anchors_insert_only")

    tamper("UPDATE audit_anchors SET entries = 4")
    forged = (await client.get("/v1/audit/verification", headers=auditor)).json()
    assert (forged["intact"], forged["broken_at"], forged["problem"]) == (
        False,
        5,
        "the anchor at position 5 does not match its seal: forged or edited",
    )
    tamper("DELETE FROM audit_anchors")
    dropped = (await client.get("/v1/audit/verification", headers=auditor)).json()
    assert (dropped["intact"], dropped["broken_at"], dropped["problem"]) == (
        False,
        1,
        "the entry at position 1 is missing (the next one is at 6): deleted",
    )


async def test_a_broken_chain_is_never_rolled_up(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    from uuid import uuid4

    from app.audit.chain import roll_up

    _forget_unsealed(db)
    for _ in range(3):
        db.execute(OLD_ENTRY, (str(uuid4()),))
    await trail(client, auth, database_url, settings)
    Tamper(db)("UPDATE audit_entries SET actor_subject = 'someone' WHERE seq = 2")
    key = settings.audit_key.get_secret_value().encode()
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        assert await roll_up(conn, key, settings.audit_cutoff(datetime.now(UTC))) == 0
    assert db.execute("SELECT count(*) AS n FROM audit_anchors").fetchone()["n"] == 0
    assert db.execute("SELECT min(seq) AS s FROM audit_entries").fetchone()["s"] == 1


def _old_entries(db: Any, count: int, years: float) -> None:
    for _ in range(count):
        db.execute(
            "INSERT INTO audit_entries (at, actor_subject, actor_role, action, object_type, "
            "object_id) VALUES (now() - make_interval(days => %s), 'hana', "
            "'ombudsperson_staff', 'complaint.read_contact', 'complaint', gen_random_uuid())",
            (int(years * 365.25),),
        )


async def _roll_up(database_url: str, settings: Settings, cutoff: datetime) -> int:
    from app.audit.chain import roll_up

    key = settings.audit_key.get_secret_value().encode()
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        return await roll_up(conn, key, cutoff)


async def test_anchors_follow_each_other_and_are_sealed_as_the_readme_says(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    far_from_utc: None,
) -> None:
    """Two roll-ups: the second anchor stands for the entries of both, continues from the first,
    and its seal is HMAC-SHA256(audit key, "anchor:{position}:{hash hex}:{entries}:{time of the
    last entry in UTC, ISO 8601 with microseconds}"), computed here from that description."""
    _forget_unsealed(db)
    _old_entries(db, 3, 12)
    _old_entries(db, 2, 11)
    total = await trail(client, auth, database_url, settings)
    now = datetime.now(UTC)
    assert await _roll_up(database_url, settings, now - timedelta(days=int(11.5 * 365.25))) == 3
    assert await _roll_up(database_url, settings, now - timedelta(days=10 * 365)) == 2
    anchors = db.execute(
        "SELECT seq, entries, hash, seal, through_at FROM audit_anchors ORDER BY seq"
    ).fetchall()
    assert [(a["seq"], a["entries"]) for a in anchors] == [(3, 3), (5, 5)]
    key = settings.audit_key.get_secret_value().encode()
    for anchor in anchors:
        at = anchor["through_at"].astimezone(UTC).isoformat(timespec="microseconds")
        covered = f"anchor:{anchor['seq']}:{bytes(anchor['hash']).hex()}:{anchor['entries']}:{at}"
        assert at.endswith("+00:00")
        expected = hmac.new(key, covered.encode(), hashlib.sha256).digest()
        assert bytes(anchor["seal"]) == expected
    body = (await client.get("/v1/audit/verification", headers=auth("auditor"))).json()
    assert (body["intact"], body["anchored_at"], body["checked"]) == (True, 5, total - 5)


async def test_a_break_after_the_old_entries_does_not_stop_their_roll_up(
    client: httpx.AsyncClient, auth: Any, db: Any, database_url: str, settings: Settings
) -> None:
    """The old entries verify up to where they end: they go into the anchor; the break among
    the recent ones stays in the trail, found where it is."""
    _forget_unsealed(db)
    _old_entries(db, 3, 12)
    await trail(client, auth, database_url, settings)
    Tamper(db)("UPDATE audit_entries SET actor_subject = 'someone' WHERE seq = 7")
    assert await _roll_up(database_url, settings, settings.audit_cutoff(datetime.now(UTC))) == 3
    body = (await client.get("/v1/audit/verification", headers=auth("auditor"))).json()
    assert (body["intact"], body["broken_at"], body["anchored_at"]) == (False, 7, 3)


async def test_old_entries_deleted_at_their_end_are_found_and_nothing_is_rolled_up(
    client: httpx.AsyncClient,
    auth: Any,
    db: Any,
    database_url: str,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _forget_unsealed(db)
    _old_entries(db, 3, 12)
    await trail(client, auth, database_url, settings)
    # Someone removes the last old entry: the recent ones start one position too late.
    Tamper(db)("DELETE FROM audit_entries WHERE seq = 3")
    with caplog.at_level("ERROR", logger="ombuds.audit"):
        rolled = await _roll_up(database_url, settings, settings.audit_cutoff(datetime.now(UTC)))
    assert rolled == 0
    assert caplog.messages == [
        "audit entries not rolled up, the chain is broken: "
        "the entry at position 3 is missing: deleted"
    ]
    assert db.execute("SELECT count(*) AS n FROM audit_anchors").fetchone()["n"] == 0
    assert [
        r["seq"] for r in db.execute("SELECT seq FROM audit_entries WHERE seq < 5 ORDER BY seq")
    ] == [
        1,
        2,
        4,
    ]
