"""The worker's tasks run on their own: one that fails is logged and counted, the others run."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.worker import Round, Worker, http_client, make_pool
from tests.conftest import complaint_body


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
