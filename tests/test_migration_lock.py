"""Replicas that start together migrate one at a time (a PostgreSQL advisory lock)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from app import migrate
from tests.conftest import create_database, drop_database

NAME = f"ombuds_test_migration_lock_{os.getpid()}"
ROOT = Path(__file__).resolve().parent.parent
REPLICAS = 3


@pytest.fixture
def empty(server_url: str) -> Iterator[str]:
    url = create_database(server_url, NAME)
    yield url
    drop_database(server_url, NAME)


def _replicas(url: str) -> list[subprocess.Popen[str]]:
    """`ombuds migrate` in several processes at once, as replicas starting together do."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMBUDS_")}
    env |= {"DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return [
        subprocess.Popen(
            [sys.executable, "-m", "app.cli", "migrate"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(REPLICAS)
    ]


def _finish(replicas: list[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    return [(p.wait(timeout=120), p.stdout.read() if p.stdout else "") for p in replicas]


def _versions(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]


def test_replicas_migrating_an_empty_database_at_once_all_succeed(empty: str) -> None:
    results = _finish(_replicas(empty))
    assert [code for code, _ in results] == [0] * REPLICAS, results
    assert all(out.strip().endswith("migrated to head") for _, out in results), results
    assert _versions(empty) == sorted(migrate.head_revisions(empty))


def test_each_replica_waits_for_the_lock_before_touching_the_schema(empty: str) -> None:
    with psycopg.connect(empty, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(7218)")
        replicas = _replicas(empty)
        try:
            deadline = time.monotonic() + 60
            while True:
                row = holder.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7218"
                    " AND objsubid = 1 AND NOT granted"
                    " AND database = (SELECT oid FROM pg_database WHERE datname = %s)",
                    (NAME,),
                ).fetchone()
                if row and row[0] == REPLICAS:
                    break
                early = [p.poll() for p in replicas if p.poll() is not None]
                assert not early, f"a replica finished without waiting: {_finish(replicas)}"
                assert time.monotonic() < deadline, "the replicas never waited for the lock"
                time.sleep(0.05)
            # All of them wait, and nothing was created meanwhile.
            tables = holder.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
            assert tables == (0,)
        finally:
            holder.execute("SELECT pg_advisory_unlock(7218)")
        results = _finish(replicas)
    assert [code for code, _ in results] == [0] * REPLICAS, results
    assert _versions(empty) == sorted(migrate.head_revisions(empty))
