"""Several replicas on one PostgreSQL: two API processes and two workers under a bounded load, with
the monitoring receiver failing for a while and a worker killed mid-run. Nothing filed is lost,
nothing is delivered twice beyond at-least-once (same id, same body), the statistics are exactly a
recount, and the rate limits hold across the API processes."""

from __future__ import annotations

import base64
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.crypto import Sealer
from app.outbox import relay, signing
from app.statistics.folding import rebuild
from tests.conftest import complaint_body, process_env, serving
from tests.receiver import Receiver

SECRET = "whsec_" + base64.b64encode(b"r" * 32).decode()
PUSHES = 30  # release pushes waiting for delivery when the load starts
ADDRESSES = 40  # clients, each filing FILINGS times (under its limit)
FILINGS = 5
LIMIT = 6  # filings a minute per client address, on whichever API process


def _wait(condition: Callable[[], bool], what: str, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(signing.webhook_key(SECRET))
    r.start()
    yield r
    r.stop()


def _cells(db: Any) -> list[Any]:
    return [
        row["cell"]
        for row in db.execute(
            "SELECT to_jsonb(c) AS cell FROM stat_cells c WHERE n <> 0 "
            "ORDER BY dim_a, dim_b, month, track, val_a, val_b"
        ).fetchall()
    ]


def test_two_api_processes_and_two_workers_lose_nothing_and_count_exactly(
    settings: Settings, database_url: str, db: Any, auth: Any, receiver: Receiver
) -> None:
    env = {
        # The receiver is plain http on 127.0.0.1: development, with private targets allowed.
        "OMBUDS_ENVIRONMENT": "development",
        "OMBUDS_MONITORING_URL": receiver.url,
        "OMBUDS_MONITORING_SECRET": SECRET,
        "OMBUDS_MONITORING_ALLOW_PRIVATE": "true",
        "OMBUDS_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05",
        "OMBUDS_WEBHOOK_BACKOFF_MAX_SECONDS": "0.5",
        "OMBUDS_WORKER_INTERVAL_SECONDS": "0.1",
        "OMBUDS_WORKER_BATCH_SIZE": "5",
        "OMBUDS_WORKER_LEASE_SECONDS": "2",
        "OMBUDS_TRUSTED_PROXIES": "127.0.0.1",
        "OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": str(LIMIT),
    }
    db.execute(
        "INSERT INTO outbox_events (type, payload) "
        "SELECT 'statistics.release', jsonb_build_object('release', g, 'period', "
        "'2025-' || lpad(g::text, 2, '0')) FROM generate_series(1, %s) AS g",
        (PUSHES,),
    )
    receiver.mode = "fail"  # the monitoring module is down when the load starts
    receiver.delay = 0.05
    worker_env = process_env(settings, database_url, **env)

    def start_worker() -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "app.cli", "worker"]
        return subprocess.Popen(  # noqa: S603 (our own worker)
            command, env=worker_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    staff = auth("ombudsperson_staff")
    with ExitStack() as stack:
        one, _ = stack.enter_context(serving(settings, database_url, env=env))
        two, _ = stack.enter_context(serving(settings, database_url, env=env))
        workers = [start_worker(), start_worker()]
        stack.callback(lambda: [w.kill() for w in workers])

        def file(n: int) -> tuple[int, str | None]:
            base = (one, two)[n % 2]
            client = f"198.51.100.{n % ADDRESSES + 1}"
            track = "anti_corruption" if n % 4 == 0 else "ombudsperson"
            response = httpx.post(
                f"{base}/v1/complaints",
                json=complaint_body(track=track),
                headers={"X-Forwarded-For": client},
                timeout=30,
            )
            filed = response.json().get("id") if response.status_code == 201 else None
            if filed is not None and n % 3 == 0 and track == "ombudsperson":
                # staff act on some of their track's cases, through the other process
                ack = httpx.post(
                    f"{(two, one)[n % 2]}/v1/complaints/{filed}/transitions",
                    json={"action": "acknowledge"},
                    headers={**staff, "If-Match": "*"},
                    timeout=30,
                )
                assert ack.status_code == 200, ack.text
            return response.status_code, filed

        with ThreadPoolExecutor(max_workers=8) as pool:
            first = list(pool.map(file, range(ADDRESSES * FILINGS // 2)))
            # Mid-run: the receiver comes back, and one worker dies without a word.
            receiver.mode = "ok"
            _wait(lambda: len(receiver.delivered_ids()) >= 3, "some deliveries", 60)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(10)
            workers[0] = start_worker()
            second = list(pool.map(file, range(ADDRESSES * FILINGS // 2, ADDRESSES * FILINGS)))
        results = first + second

        # One client alternating between the two processes: its limit is one budget, not two.
        burst = [
            httpx.post(
                f"{base}/v1/complaints",
                json=complaint_body(),
                headers={"X-Forwarded-For": "203.0.113.99"},
                timeout=30,
            ).status_code
            for base in (one, two) * 5
        ]

        expected_ids = {
            relay.message_id(row["id"])
            for row in db.execute("SELECT id FROM outbox_events").fetchall()
        }
        _wait(lambda: receiver.delivered_ids() == expected_ids, "every push delivered", 120)
        _wait(
            lambda: db.execute("SELECT count(*) AS n FROM stat_changes").fetchone()["n"] == 0,
            "the workers to fold every change",
            120,
        )
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            worker.wait(20)

    # Nothing filed is lost: every 201 is a stored case, and nothing else is.
    assert [status for status, _ in results] == [201] * (ADDRESSES * FILINGS)
    filed_ids = {cid for _, cid in results}
    assert burst == [201] * LIMIT + [429] * (10 - LIMIT)
    stored = {row["id"] for row in db.execute("SELECT id::text AS id FROM complaints").fetchall()}
    assert filed_ids <= stored and len(stored) == ADDRESSES * FILINGS + LIMIT

    # Delivered at least once each; a resend (after the kill, or a lost answer) is the same
    # message: same id, same body.
    assert len(expected_ids) == PUSHES
    bodies: dict[str, set[bytes]] = {}
    for request in receiver.snapshot():
        assert request.verified
        bodies.setdefault(request.message_id, set()).add(request.body)
    assert set(bodies) == expected_ids
    assert all(len(sent) == 1 for sent in bodies.values())
    assert {r["status"] for r in db.execute("SELECT status FROM outbox_events").fetchall()} == {
        "delivered"
    }

    # The aggregate the two workers folded (one of them killed) is exactly a recount.
    folded = _cells(db)
    totals = {
        (cell["track"]): cell["n"] for cell in folded if cell["dim_a"] == "" and cell["dim_b"] == ""
    }
    anti_corruption = ADDRESSES * FILINGS // 4
    assert totals == {
        "anti_corruption": anti_corruption,
        "ombudsperson": ADDRESSES * FILINGS - anti_corruption + LIMIT,
    }
    rebuild(database_url, Sealer.from_settings(settings))
    assert _cells(db) == folded
