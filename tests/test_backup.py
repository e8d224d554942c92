"""Backups and restores, end to end: the database, the attachments and the keys' fingerprints in
one tar; a restore checks everything before it changes anything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from alembic.script import ScriptDirectory
from psycopg import sql

from app import migrate
from app.auth.tokens import issue
from app.config import Settings
from app.db import with_database
from app.kit.permissions import Role
from tests.conftest import (
    TEST_SECRETS,
    _template,
    complaint_body,
    create_database,
    drop_database,
    process_env,
    serving,
)

ROOT = Path(__file__).resolve().parent.parent
PID = os.getpid()
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
CONTACT = {"name": "Amina", "email": "amina@example.org", "phone": "+33 1 23 45 67"}


def _ombuds(
    settings: Settings, url: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "app.cli", *args],
        env={
            **process_env(settings, url),
            "OMBUDS_ATTACHMENTS_DIR": str(settings.attachments_dir),
            "PYTHONPATH": str(ROOT),
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _objects(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public'"
        ).fetchone()
    return int(row[0]) if row else 0


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


@pytest.fixture(scope="module")
def databases(server_url: str) -> Iterator[Callable[..., str]]:
    """Fresh databases on the test server (empty, or migrated: a copy of the suite's template),
    dropped at the end."""
    made: list[str] = []

    def make(name: str, migrated: bool = False) -> str:
        full = f"ombuds_test_backup_{name}_{PID}"
        made.append(full)
        if not migrated:
            return create_database(server_url, full)
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(full), sql.Identifier(_template(server_url))
                )
            )
        return with_database(server_url, full)

    yield make
    for name in made:
        drop_database(server_url, name)


@pytest.fixture(scope="module")
def made(
    settings: Settings, databases: Callable[..., str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """A city's data (two complaints, one with contact details, a file on each, the trail
    sealed) and a backup of it: what a restore must bring back."""
    source = databases("source", migrated=True)
    files = tmp_path_factory.mktemp("source-files")
    at_source = settings.model_copy(update={"attachments_dir": files})
    filed = []
    with serving(at_source, source, "--log-level", "warning") as (base, _):
        for body, data, kind, name in [
            (complaint_body(contact=CONTACT), PDF, "application/pdf", "letter.pdf"),
            (complaint_body(summary="No ramp at the library"), PNG, "image/png", "ramp.png"),
        ]:
            complaint = httpx.post(base + "/v1/complaints", json=body, timeout=10).json()
            login = httpx.post(
                base + "/v1/auth/receipt",
                json={"reference": complaint["reference"], "receipt": complaint["receipt"]},
                timeout=10,
            )
            mine = {"authorization": f"Bearer {login.json()['access_token']}"}
            upload = httpx.post(
                f"{base}/v1/complaints/{complaint['id']}/attachments",
                params={"filename": name, "attach_to": "complaint"},
                content=data,
                headers={**mine, "content-type": kind},
                timeout=10,
            )
            assert upload.status_code == 201, upload.text
            filed.append({**complaint, "attachment": upload.json()["id"], "bytes": data})
    assert _ombuds(at_source, source, "audit", "seal").returncode == 0
    checkpoint = _ombuds(at_source, source, "audit", "checkpoint")
    assert checkpoint.returncode == 0, checkpoint.stderr
    backups = tmp_path_factory.mktemp("backups")
    backed = _ombuds(at_source, source, "backup", "--output", str(backups))
    assert backed.returncode == 0, backed.stderr
    [archive] = list(backups.iterdir())
    return {
        "source": source,
        "filed": filed,
        "archive": archive,
        "checkpoint": checkpoint.stdout,
        "said": backed.stdout,
    }


def test_a_backup_holds_the_dump_the_files_and_a_manifest_but_no_key(made: dict[str, Any]) -> None:
    archive: Path = made["archive"]
    assert archive.name.startswith("ombuds-backup-") and archive.suffix == ".tar"
    assert made["said"].startswith(f"{archive}: {archive.stat().st_size} bytes")
    assert "and 2 attachment files" in made["said"]
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        manifest = json.load(handle)
    ids = [f["attachment"].replace("-", "") for f in made["filed"]]
    assert names[0] == "database.dump" and names[-1] == "manifest.json"
    assert sorted(names[1:-1]) == sorted(f"attachments/{i[-2:]}/{i[-4:-2]}/{i}" for i in ids)
    assert manifest["format"] == "ombuds-backup" and manifest["format_version"] == 1
    assert manifest["app_version"] == "0.1.0"
    assert manifest["schema"]["alembic_heads"] == sorted(migrate.head_revisions(made["source"]))
    assert manifest["database"]["dump_format"] == "custom"
    assert manifest["attachments"] == {"files": 2, "missing": []}
    by_path = {f["path"]: f for f in manifest["files"]}
    assert by_path[f"attachments/{ids[0][-2:]}/{ids[0][-4:-2]}/{ids[0]}"] == {
        "path": f"attachments/{ids[0][-2:]}/{ids[0][-4:-2]}/{ids[0]}",
        "size": len(PDF),
        # sha256 of PDF, computed once by hand (sha256sum)
        "sha256": "ee2d14b09b1f174f566d039e4d1c5d6e250feb812d9aa4ca2e595550a2548461",
    }
    # The keys the data needs, by fingerprint: contact details were sealed under `test2`.
    assert set(manifest["keys"]) == {
        "OMBUDS_AUDIT_KEY",
        "OMBUDS_RECEIPT_KEY",
        "OMBUDS_IDENTITY_KEYS",
    }
    assert list(manifest["keys"]["OMBUDS_IDENTITY_KEYS"]) == ["test2"]
    raw = archive.read_bytes()
    for secret in [*TEST_SECRETS.values(), "MjIyMjIy", "2" * 32]:
        assert secret.encode() not in raw, secret


def test_a_restore_into_an_empty_database_brings_everything_back(
    made: dict[str, Any],
    settings: Settings,
    databases: Callable[..., str],
    tmp_path: Path,
) -> None:
    target = databases("target")
    at_target = settings.model_copy(update={"attachments_dir": tmp_path / "files"})
    restored = _ombuds(at_target, target, "restore", str(made["archive"]))
    assert restored.returncode == 0, restored.stderr
    lines = restored.stdout.splitlines()
    assert lines[0].startswith("restored the database and 2 attachment files (made ")
    # Two filings, two receipt logins, two uploads: six entries, sealed before the backup.
    assert lines[-1] == "audit trail: intact: 6 entries, head at position 6"
    checkpoint = tmp_path / "checkpoint.json"
    checkpoint.write_text(made["checkpoint"])
    verified = _ombuds(at_target, target, "audit", "verify", "--checkpoint", str(checkpoint))
    assert verified.returncode == 0 and "matches the checkpoint at 6" in verified.stdout

    staff = {
        "authorization": "Bearer "
        + issue(settings, subject="alice", roles=[Role.ombudsperson_staff], ttl_seconds=600)
    }
    with serving(at_target, target, "--log-level", "warning") as (base, _):
        for filed in made["filed"]:
            login = httpx.post(
                base + "/v1/auth/receipt",
                json={"reference": filed["reference"], "receipt": filed["receipt"]},
                timeout=10,
            )
            assert login.status_code == 200, login.text
            mine = {"authorization": f"Bearer {login.json()['access_token']}"}
            seen = httpx.get(f"{base}/v1/complaints/{filed['id']}", headers=mine, timeout=10)
            assert seen.status_code == 200 and seen.json()["reference"] == filed["reference"]
            got = httpx.get(
                f"{base}/v1/complaints/{filed['id']}/attachments/{filed['attachment']}",
                headers=staff,
                timeout=10,
            )
            assert got.status_code == 200 and got.content == filed["bytes"]
        first = made["filed"][0]
        view = httpx.get(f"{base}/v1/complaints/{first['id']}", headers=staff, timeout=10)
        assert view.json()["contact"] == {
            **CONTACT,
            "postal_address": None,
            "preferred_channel": None,
        }
        assert view.json()["summary"] == "Eviction without a hearing"

    # Restoring again over it is refused: it is not empty any more.
    again = _ombuds(at_target, target, "restore", str(made["archive"]))
    assert again.returncode == 1
    assert "restore into an empty one, or pass --replace" in again.stderr
    assert again.stderr.rstrip().endswith("nothing was changed")


def _flip(archive: Path, member: str, copy: Path) -> Path:
    """A copy of the backup with one byte of a member changed (in the middle of its data)."""
    shutil.copy(archive, copy)
    with tarfile.open(copy) as tar:
        info = tar.getmember(member)
    at = info.offset_data + info.size // 2
    with copy.open("r+b") as handle:
        handle.seek(at)
        byte = handle.read(1)
        handle.seek(at)
        handle.write(bytes([byte[0] ^ 0x01]))
    return copy


@pytest.fixture(scope="module")
def untouched(databases: Callable[..., str]) -> str:
    """An empty database that refused restores leave empty."""
    return databases("untouched")


@pytest.mark.parametrize("which", ["database.dump", "attachment", "manifest.json", "truncated"])
def test_a_damaged_backup_is_refused_and_nothing_changes(
    made: dict[str, Any],
    settings: Settings,
    untouched: str,
    tmp_path: Path,
    which: str,
) -> None:
    archive: Path = made["archive"]
    damaged = tmp_path / "damaged.tar"
    if which == "truncated":
        damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        reason = None
    elif which == "attachment":
        i = made["filed"][1]["attachment"].replace("-", "")
        name = f"attachments/{i[-2:]}/{i[-4:-2]}/{i}"
        _flip(archive, name, damaged)
        reason = f"{name} does not match its checksum"
    elif which == "manifest.json":
        _flip(archive, "manifest.json", damaged)
        reason = None  # a changed byte of JSON: unreadable, or a size or checksum that differs
    else:
        _flip(archive, "database.dump", damaged)
        reason = "database.dump does not match its checksum"
    target = untouched
    files = tmp_path / "files"
    at_target = settings.model_copy(update={"attachments_dir": files})
    refused = _ombuds(at_target, target, "restore", str(damaged))
    assert refused.returncode == 1
    said = refused.stderr.strip().splitlines()[-1]
    assert said.startswith(f"ombuds restore: {damaged} is damaged or incomplete ("), said
    assert said.endswith("): nothing was changed"), said
    if reason:
        assert (
            said
            == f"ombuds restore: {damaged} is damaged or incomplete ({reason}): nothing was changed"
        )
    assert _objects(target) == 0
    assert not files.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.tar"]  # no staging left


def test_keys_that_are_not_the_backups_are_refused(
    made: dict[str, Any], settings: Settings, untouched: str, tmp_path: Path
) -> None:
    target = untouched
    at_target = settings.model_copy(update={"attachments_dir": tmp_path / "files"})
    refused = _ombuds(
        at_target,
        target,
        "restore",
        str(made["archive"]),
        OMBUDS_AUDIT_KEY="another-audit-key-" + "q" * 40,
        OMBUDS_IDENTITY_KEYS="test3:" + "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM=",
    )
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-3:] == [
        "  - OMBUDS_AUDIT_KEY is not the key the backup's data was made with",
        "  - OMBUDS_IDENTITY_KEYS has no key 'test2' as the backup's data needs",
        "configure the keys the manifest names (by fingerprint), or pass --ignore-key-mismatch "
        "to restore anyway; nothing was changed",
    ], refused.stderr
    assert "OMBUDS_RECEIPT_KEY" not in refused.stderr  # that one is right
    assert _objects(target) == 0
    # --verify says the same without a database to restore into.
    checked = _ombuds(at_target, target, "restore", "--verify", str(made["archive"]))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{made['archive']} is whole (made ")


def test_a_backup_of_an_older_schema_is_migrated_after_its_restore_replacing_what_was_there(
    settings: Settings, databases: Callable[..., str], tmp_path: Path
) -> None:
    older = databases("older")
    script = ScriptDirectory.from_config(migrate.alembic_config(older))
    [head] = script.get_heads()
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    migrate.upgrade(older, previous)
    at = settings.model_copy(update={"attachments_dir": tmp_path / "files"})
    backed = _ombuds(at, older, "backup", "--output", str(tmp_path / "older.tar"))
    assert backed.returncode == 0, backed.stderr
    with tarfile.open(tmp_path / "older.tar") as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        assert json.load(handle)["schema"]["alembic_heads"] == [previous]

    target = older  # now at head, with a table of its own: replaced by the restore
    migrate.upgrade(target)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CREATE TABLE left_over (id int)")
    (tmp_path / "files" / "aa").mkdir(parents=True)
    (tmp_path / "files" / "aa" / "stale").write_bytes(b"left over")
    refused = _ombuds(at, target, "restore", str(tmp_path / "older.tar"))
    assert refused.returncode == 1 and "--replace" in refused.stderr
    restored = _ombuds(at, target, "restore", "--replace", str(tmp_path / "older.tar"))
    assert restored.returncode == 0, restored.stderr
    with psycopg.connect(target) as conn:
        versions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
        left = conn.execute("SELECT to_regclass('left_over')").fetchone()
    assert versions == [head] and left == (None,)
    assert _files(tmp_path / "files") == []
