"""Metrics across processes: whichever server process answers GET /metrics, it counts what every
process did (uvicorn's workers and a separate `ombuds worker`), and the server's start clears only
the files of processes that are gone."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
import time
from pathlib import Path

import httpx
from prometheus_client.multiprocess import MultiProcessCollector

from app.config import Settings
from app.metrics_dir import clear_stale
from tests.conftest import complaint_body, eventually, process_env, serving
from tests.test_observability import BEARER, TOKEN, Samples, parse, value

HEALTH = {"method": "GET", "route": "/healthz", "status": "200"}


def _scrape(base: str) -> Samples:
    response = httpx.get(base + "/metrics", headers=BEARER)
    assert response.status_code == 200, response.text
    return parse(response.text)


def _health_by_process(directory: Path) -> dict[str, float]:
    """Requests to /healthz each process counted, from its own file."""
    counted = {}
    for path in directory.glob("counter_*.db"):
        for family in MultiProcessCollector.merge([str(path)]):
            for sample in family.samples:
                if sample.name == "ombuds_http_requests_total" and sample.labels == HEALTH:
                    counted[path.name] = sample.value
    return counted


async def test_two_server_processes_and_a_worker_count_into_every_scrape(
    settings: Settings, database_url: str, tmp_path: Path
) -> None:
    metrics_dir = tmp_path / "metrics"
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "OMBUDS_METRICS_TOKEN": TOKEN,
        "OMBUDS_VAR_DIR": str(tmp_path / "var"),
        "OMBUDS_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
    }
    with serving(settings, database_url, "--workers", "2", "--log-level", "warning", env=env) as (
        base,
        _,
    ):
        asked = 0

        def both_answered() -> bool:
            nonlocal asked
            httpx.get(base + "/healthz").raise_for_status()  # a new connection each time
            asked += 1
            return len([n for n in _health_by_process(metrics_dir).values() if n > 0]) == 2

        await eventually(both_answered, "both server processes to answer", within=30)
        # One file per kind and process, named after the host and the pid (two containers that
        # share the directory never write into one file).
        named = re.compile(
            rf"(counter|histogram|gauge_max)_{re.escape(socket.gethostname())}-\d+\.db"
        )
        assert all(named.fullmatch(p.name) for p in metrics_dir.iterdir()), list(
            metrics_dir.iterdir()
        )
        # Whichever process answers the scrape, it counts every request, both processes' own.
        for _ in range(4):
            assert value(_scrape(base), "ombuds_http_requests_total", **HEALTH) == asked

        async with httpx.AsyncClient(base_url=base) as client:
            for track in ("ombudsperson", "anti_corruption", "anti_corruption"):
                filed = await client.post("/v1/complaints", json=complaint_body(track=track))
                assert filed.status_code == 201, filed.text
        backlog = _scrape(base)
        assert value(backlog, "ombuds_filings_total", track="anti_corruption") == 2
        assert value(backlog, "ombuds_filings_total", track="ombudsperson") == 1
        assert value(backlog, "ombuds_statistics_unfolded_changes") == 3
        assert value(backlog, "ombuds_audit_unsealed_entries") == 3
        assert value(backlog, "ombuds_worker_rounds_total") == 0

        # A separate worker, counting into the same directory, drains both.
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.cli",
            "worker",
            env=process_env(settings, database_url, **env),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:

            def drained() -> bool:
                samples = _scrape(base)
                return (
                    value(samples, "ombuds_statistics_unfolded_changes") == 0
                    and value(samples, "ombuds_audit_unsealed_entries") == 0
                    and value(samples, "ombuds_statistics_folded_total") == 3
                )

            await eventually(drained, "the worker to fold and seal", within=30)
            after = _scrape(base)
            assert value(after, "ombuds_worker_rounds_total") >= 1
            assert (
                abs(value(after, "ombuds_worker_last_round_timestamp_seconds") - time.time()) < 60
            )
            assert value(after, "ombuds_audit_sealed_total") == 3 + value(
                after, "ombuds_statistics_releases_total"
            )
        finally:
            worker.terminate()
            assert await asyncio.wait_for(worker.wait(), 30) == 0


def _file(directory: Path, name: str, age: float = 0.0) -> Path:
    path = directory / name
    path.write_bytes(b"\0" * 8)
    at = time.time() - age
    os.utime(path, (at, at))
    return path


def test_the_server_start_clears_the_files_of_processes_that_are_gone(tmp_path: Path) -> None:
    host = socket.gethostname()
    alive = os.getppid()  # a process of this host still running
    gone = 4_194_304  # above Linux's largest pid: no such process
    _file(tmp_path, f"counter_{host}-{alive}.db", age=7200)
    _file(tmp_path, f"histogram_{host}-{alive}.db")
    _file(tmp_path, f"counter_{host}-{gone}.db")
    _file(tmp_path, f"gauge_max_{host}-{gone}.db")
    _file(tmp_path, f"counter_{host}-{os.getpid()}.db")  # this very process: starting afresh
    _file(tmp_path, "counter_worker-container-7.db", age=60)  # another host, writing lately
    _file(tmp_path, "histogram_worker-container-9.db", age=7200)  # another host, long silent
    _file(tmp_path, "counter_123.db")  # not a name this service writes
    _file(tmp_path, "notes.txt")

    removed = clear_stale(tmp_path)

    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(
        [
            f"counter_{host}-{alive}.db",
            f"histogram_{host}-{alive}.db",
            "counter_worker-container-7.db",
            "notes.txt",
        ]
    )
    assert sorted(removed) == sorted(
        [
            f"counter_{host}-{gone}.db",
            f"gauge_max_{host}-{gone}.db",
            f"counter_{host}-{os.getpid()}.db",
            "histogram_worker-container-9.db",
            "counter_123.db",
        ]
    )
