"""The worker's liveness probe: `ombuds worker --probe` answers 0 while the worker's loop turns,
1 (with one line saying why) when it stopped or never ran."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from pathlib import Path

from app.config import Settings
from app.heartbeat import probe
from tests.conftest import eventually, process_env


async def _probe(env: dict[str, str]) -> tuple[int, str, str]:
    """`ombuds worker --probe`: (exit status, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "worker",
        "--probe",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_probe_fails_where_no_worker_ever_ran(
    settings: Settings, database_url: str, tmp_path: Path
) -> None:
    env = process_env(settings, database_url, OMBUDS_VAR_DIR=str(tmp_path))
    status, out, err = await _probe(env)
    assert status == 1
    assert out == ""
    expected = tmp_path / "heartbeats" / f"worker-{socket.gethostname()}"
    assert err == (f"no worker heartbeat at {expected}: no worker has run on this host\n")


def test_the_limit_is_inclusive_and_a_heartbeat_past_it_is_stale(tmp_path: Path) -> None:
    beat = tmp_path / "beat"
    beat.touch()
    os.utime(beat, (1_000.0, 1_000.0))
    assert probe(beat, 180, now=1_000.5) == (
        True,
        "worker heartbeat fresh: 0.5 s ago (limit 180 s)",
    )
    assert probe(beat, 180, now=1_180.0)[0] is True
    assert probe(beat, 180, now=1_181.0) == (
        False,
        "worker heartbeat stale: last 181 s ago (limit 180 s)",
    )
    # A clock that went back reads as fresh, not as a negative age.
    assert probe(beat, 180, now=990.0)[1] == "worker heartbeat fresh: 0.0 s ago (limit 180 s)"


async def test_the_probe_follows_the_worker(
    settings: Settings, database_url: str, tmp_path: Path
) -> None:
    env = process_env(
        settings,
        database_url,
        OMBUDS_VAR_DIR=str(tmp_path / "var"),
        OMBUDS_ATTACHMENTS_DIR=str(tmp_path / "attachments"),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    heartbeat = tmp_path / "var" / "heartbeats" / f"worker-{socket.gethostname()}"
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "worker",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await eventually(heartbeat.exists, "the worker's first heartbeat", within=30)
        status, out, err = await _probe(env)
        assert status == 0, err
        assert re.fullmatch(r"worker heartbeat fresh: \d+\.\d s ago \(limit 180 s\)\n", out), out
        # Still beating: the file is touched again as the loop turns.
        first = heartbeat.stat().st_mtime_ns
        await eventually(lambda: heartbeat.stat().st_mtime_ns > first, "another heartbeat")
    finally:
        worker.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(worker.wait(), 30) == 0  # stops cleanly on SIGTERM
    # Stopped ten minutes ago, as far as the heartbeat tells.
    stopped = time.time() - 600
    os.utime(heartbeat, (stopped, stopped))
    status, out, err = await _probe(env)
    assert status == 1 and out == ""
    assert re.fullmatch(r"worker heartbeat stale: last 60[01] s ago \(limit 180 s\)\n", err), err
