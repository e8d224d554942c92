"""Two roles: the owner migrates; the service's role works, but cannot alter the schema or switch
off the audit trail's append-only trigger."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from psycopg import errors, sql

from app.config import Settings
from app.db import with_database
from tests.conftest import complaint_body, process_env, serving

ROOT = Path(__file__).resolve().parent.parent
OWNER = f"ombuds_owner_{os.getpid()}"
SERVICE = f"ombuds_app_{os.getpid()}"
DATABASE = f"ombuds_test_roles_{os.getpid()}"


def as_role(url: str, role: str) -> str:
    """The same server and database, connecting as another role (the servers trust it)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, parts.fragment))


def _ombuds(
    settings: Settings, url: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "app.cli", *args],
        env={**process_env(settings, url), "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _drop(server_url: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE))
        )
        for role in (SERVICE, OWNER):
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture
def roles(server_url: str, settings: Settings) -> Iterator[tuple[str, str]]:
    """The set-up `ombuds db-roles --print` prints (its first part, as a superuser), then
    `ombuds migrate` with the owner's URL beside the service's: (owner URL, service URL)."""
    _drop(server_url)
    printed = _ombuds(
        settings,
        server_url,
        "db-roles",
        "--print",
        "--runtime-role",
        SERVICE,
        "--owner-role",
        OWNER,
        "--database",
        DATABASE,
    )
    assert printed.returncode == 0, printed.stderr
    first, _, _ = printed.stdout.partition("-- 2.")
    statements = [line for line in first.splitlines() if line.strip() and not line.startswith("--")]
    assert len(statements) == 5, statements
    try:
        with psycopg.connect(server_url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement.encode())
        owner = as_role(with_database(server_url, DATABASE), OWNER)
        service = as_role(with_database(server_url, DATABASE), SERVICE)
        migrated = _ombuds(settings, service, "migrate", OMBUDS_MIGRATION_DATABASE_URL=owner)
        assert migrated.returncode == 0, migrated.stderr
        yield owner, service
    finally:
        _drop(server_url)


def test_the_service_works_as_its_role(roles: tuple[str, str], settings: Settings) -> None:
    owner, service = roles
    with psycopg.connect(owner) as conn:
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    assert owners == [(OWNER,)]

    with serving(settings, service, "--log-level", "warning") as (base, _):
        filed = httpx.post(base + "/v1/complaints", json=complaint_body(), timeout=10)
        assert filed.status_code == 201, filed.text
        body = filed.json()
        login = httpx.post(
            base + "/v1/auth/receipt",
            json={"reference": body["reference"], "receipt": body["receipt"]},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        mine = httpx.get(
            f"{base}/v1/complaints/{body['id']}",
            headers={"authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert mine.status_code == 200 and mine.json()["status"] == "submitted"

    # The worker too (it seals the trail, folds the statistics, purges), then the chain holds.
    worked = _ombuds(settings, service, "worker", "--once")
    assert worked.returncode == 0, worked.stderr
    verified = _ombuds(settings, service, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("intact: 2 entries"), verified.stdout
    with psycopg.connect(service) as conn:
        actions = conn.execute("SELECT action FROM audit_entries ORDER BY seq").fetchall()
    assert actions == [("complaint.file",), ("auth.receipt",)]

    checked = _ombuds(settings, service, "db-roles", "--check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == (
        "the service's role can neither alter the schema nor switch the audit trail off\n"
    )


REFUSED = [
    # What the trigger would refuse is refused before it, by the missing privilege.
    ("UPDATE audit_entries SET action = 'complaint.read'", "permission denied for table"),
    ("DELETE FROM audit_entries", "audit entries are append-only (DELETE refused)"),
    ("UPDATE audit_entries SET seq = seq + 1", "audit entries are append-only (UPDATE refused)"),
    ("TRUNCATE audit_entries", "permission denied for table audit_entries"),
    ("DELETE FROM audit_anchors", "permission denied for table audit_anchors"),
    ("UPDATE statistics_releases SET reason = 'x'", "permission denied for table"),
    ("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only", "must be owner"),
    ("ALTER TABLE complaints ADD COLUMN note text", "must be owner of table complaints"),
    ("DROP TABLE audit_entries", "must be owner of table audit_entries"),
    ("SET session_replication_role = replica", "permission denied to set parameter"),
    ("CREATE TABLE shadow (id int)", "permission denied for schema public"),
]


def test_the_service_role_cannot_rewrite_the_trail_or_the_schema(
    roles: tuple[str, str], settings: Settings
) -> None:
    owner, service = roles
    with serving(settings, service, "--log-level", "warning") as (base, _):
        assert httpx.post(base + "/v1/complaints", json=complaint_body()).status_code == 201
    assert _ombuds(settings, service, "worker", "--once").returncode == 0  # entries sealed
    with psycopg.connect(service, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM audit_entries WHERE seq IS NOT NULL").fetchone()
        for statement, says in REFUSED:
            with pytest.raises(errors.InsufficientPrivilege) as refused:
                conn.execute(statement.encode())
            assert says in str(refused.value), (statement, str(refused.value))
        # The owner, by contrast, could: that is why the service must not run as it.
        checked = _ombuds(settings, owner, "db-roles", "--check")
    assert checked.returncode == 1
    assert f"the role {OWNER} owns tables of the schema" in checked.stderr
