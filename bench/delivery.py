"""Delivering pushes: the worker against a plain client, both to the same local receiver.

The receiver (bench/sink.py) runs in its own process, like a real monitoring module. The
reference posts the same bodies with the same number in flight from a plain httpx client, so
the ratio shows what the worker adds to sending: claiming and leasing each batch, signing each
push, checking the target, recording the deliveries.
"""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

from app.config import Settings
from app.worker import Worker, http_client, make_pool

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_" + base64.b64encode(b"b" * 32).decode()
BATCH, IN_FLIGHT = 200, 16  # the worker's batch and concurrency, for both sides


def start_sink(port: int) -> subprocess.Popen[bytes]:
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.sink:app",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--no-access-log",
        ],
        cwd=ROOT,
    )
    for _ in range(400):
        try:
            httpx.post(f"http://127.0.0.1:{port}/", timeout=1)
            return sink
        except httpx.TransportError:
            time.sleep(0.05)
    sink.kill()
    raise RuntimeError("the receiver did not start")


async def delivery_rate(url: str, events: int, port: int) -> float:
    """Pushes/s the worker delivers to the receiver on `port`."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE outbox_events SET status = 'delivered' WHERE status = 'pending'")
        conn.execute(
            "INSERT INTO outbox_events (type, payload) SELECT 'statistics.release', "
            "jsonb_build_object('period', '2026-11', 'release', g) "
            "FROM generate_series(1, %(n)s) AS g",
            {"n": events},
        )
    settings = Settings(
        monitoring_url=f"http://127.0.0.1:{port}/hook",
        monitoring_secret=SECRET,
        monitoring_allow_private=True,
        worker_batch_size=BATCH,
        worker_concurrency=IN_FLIGHT,
    )
    pool = make_pool(url)
    await pool.open()
    try:
        async with http_client(settings) as http:
            worker = Worker(settings, pool, http)
            delivered = 0
            started = time.perf_counter()
            while delivered < events:
                delivered += (await worker.round()).delivered
            elapsed = time.perf_counter() - started
    finally:
        await pool.close()
    return events / elapsed


async def reference_rate(events: int, port: int) -> float:
    """Posts/s of the same bodies from a plain client, as many in flight."""
    bodies = [
        b'{"data":{"period":"2026-11","release":%d},"type":"statistics.release"}' % n
        for n in range(events)
    ]
    limit = asyncio.Semaphore(IN_FLIGHT)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:

        async def one(body: bytes) -> None:
            async with limit:
                (await http.post("/hook", content=body)).raise_for_status()

        started = time.perf_counter()
        for first in range(0, events, BATCH):  # in batches, as the worker sends them
            await asyncio.gather(*(one(b) for b in bodies[first : first + BATCH]))
        return events / (time.perf_counter() - started)
