"""The worker's tasks run on their own: one that fails is logged and counted, the others run."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from app.config import Settings
from app.statistics import releases
from app.worker import Round, Worker, http_client, make_pool
from tests.conftest import complaint_body, fold_all


@pytest.fixture
async def worker(database_url: str, settings: Settings) -> AsyncIterator[Worker]:
    pool = make_pool(database_url)
    await pool.open()
    async with http_client(settings) as http:
        yield Worker(settings, pool, http)
    await pool.close()


async def test_a_failing_task_stops_none_of_the_others(
    worker: Worker,
    client: httpx.AsyncClient,
    db: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    response = await client.post("/v1/complaints", json=complaint_body())
    assert response.status_code == 201

    async def broken(done: Round) -> None:
        raise RuntimeError("the audit key is gone")

    monkeypatch.setattr(worker, "seal", broken)
    with caplog.at_level(logging.ERROR, logger="ombuds.worker"):
        done = await worker.round()
    assert done.errors == ["seal"]
    assert worker.failures == {"seal": 1}
    assert "worker task seal failed" in caplog.text
    # Folding ran after the failed seal: the filing is counted, its event folded.
    assert done.folded == 1
    assert db.execute("SELECT count(*) AS n FROM stat_facts").fetchone()["n"] == 1
    # Nothing was sealed, and a later round (the task mended) seals it.
    assert (
        db.execute("SELECT count(*) AS n FROM audit_entries WHERE seq IS NULL").fetchone()["n"] == 1
    )
    monkeypatch.undo()
    done = await worker.round()
    assert done.errors == []
    assert done.sealed == 1
    assert worker.failures == {"seal": 1}


async def test_a_period_that_fails_to_release_stops_none_of_the_others(
    worker: Worker,
    client: httpx.AsyncClient,
    db: Any,
    database_url: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A complaint received about three months ago: its month, the next and whatever else has
    closed since are due. The first fails; the others go out, and the failed one at the next
    check."""
    response = await client.post("/v1/complaints", json=complaint_body())
    assert response.status_code == 201
    today = datetime.now(UTC)
    month = date(today.year, today.month, 1) - timedelta(days=80)
    db.execute(
        "UPDATE complaints SET received_at = %s",
        (datetime(month.year, month.month, 15, tzinfo=UTC),),
    )
    await fold_all(database_url)
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        due = [p.label for p in await releases.due(conn, settings, today)]
    first = f"{month.year}-{month.month:02d}"
    assert due[0] == first and len(due) >= 2
    publish = releases.publish

    async def failing(conn: Any, settings: Settings, period: Any, **kwargs: Any) -> Any:
        if period.label == first:
            raise RuntimeError("the release key is unreadable")
        return await publish(conn, settings, period, **kwargs)

    monkeypatch.setattr(releases, "publish", failing)
    with caplog.at_level(logging.ERROR, logger="ombuds.worker"):
        done = await worker.round()
    assert (done.released, done.unreleased) == (len(due) - 1, 1)
    # The task is counted as failed for the round, the failed period named with its error.
    assert done.errors == ["release"] and worker.failures == {"release": 1}
    assert f"release of {first} failed: RuntimeError: the release key is unreadable" in caplog.text
    released = db.execute("SELECT period FROM statistics_releases ORDER BY id").fetchall()
    assert [r["period"] for r in released] == due[1:]

    monkeypatch.undo()
    worker.next_release_check = datetime.min.replace(tzinfo=UTC)
    done = await worker.round()
    assert (done.released, done.unreleased, done.errors) == (1, 0, [])
    released = db.execute("SELECT period FROM statistics_releases ORDER BY id").fetchall()
    assert [r["period"] for r in released] == [*due[1:], first]
