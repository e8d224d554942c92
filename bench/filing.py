"""Filing benchmark: the intake pipeline, each figure against a reference measured in the same run.

Everything runs on the same PostgreSQL (DATABASE_URL's server, or the embedded one) and is
loaded by the same keep-alive client (bench/loadgen.py) with complaints as varied as a city's
(bench/caseload.py):
- filing throughput of `ombuds serve --with-worker` (the worker folding in the server process,
  as `make run` ships it) against a reference endpoint (one `INSERT ... RETURNING id`), one
  uvicorn worker each, in alternating rounds, with the statistics backlog (noted changes not
  folded yet) sampled throughout; each ombuds server runs for its round only;
- two server processes (`--workers 2`) against one, and the rate limit on (the default 30
  filings a minute per client, the clients many, as a proxy on the loopback names them) against
  off, in the same rounds;
- the fold against filing: in the same rounds, a server with no worker files as fast as it can,
  then the changes it noted are folded as the worker folds them;
- pushes delivered by the worker against a plain client posting the same bodies to the same
  local receiver.
Targets: ratio ombuds/reference >= 0.5 and p99 <= 50 ms at 32 connections; fold/filing >= 1.

    make bench-filing               # or: python bench/filing.py --seconds 10 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.db import libpq_url, start_embedded_postgres, with_database  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.worker import Round, Worker, http_client, make_pool  # noqa: E402
from bench.caseload import DEPARTMENTS, filing_bodies  # noqa: E402
from bench.delivery import delivery_rate, reference_rate, start_sink  # noqa: E402
from bench.loadgen import Result, requests, run  # noqa: E402

CLIENTS = 16_384  # distinct client addresses when the rate limit is on


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database() -> str:
    server = os.environ.get("DATABASE_URL")
    server = libpq_url(server) if server else start_embedded_postgres(Settings().var_dir)
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS ombuds_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE ombuds_bench")
    url = with_database(server, "ombuds_bench")
    upgrade(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_reference (id bigint GENERATED ALWAYS AS IDENTITY "
            "PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())"
        )
    return url


def start(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, env=env, cwd=ROOT)
    for _ in range(400):
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"server on port {port} did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def show(name: str, r: Result) -> str:
    return (
        f"{name:<38} {r.rps:>7,.0f} req/s   p50 {r.percentile(0.50):6.1f} ms   "
        f"p99 {r.percentile(0.99):6.1f} ms   errors {r.errors}"
    )


def checkpoint(url: str) -> None:
    """Each measurement starts from clean buffers: none pays for another's dirty pages (a
    filing writes several times the WAL of the reference)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def backlog(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM stat_changes").fetchone()
    return int(row[0]) if row else 0


@dataclass
class Backlog:
    """The changes waiting for the fold, sampled every quarter second while a round runs."""

    url: str
    samples: list[int] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Backlog:
        self._thread = threading.Thread(target=self._sample)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(0.25):
                row = conn.execute("SELECT count(*) FROM stat_changes").fetchone()
                self.samples.append(int(row[0]) if row else 0)

    def drained(self, within: float = 120.0) -> float:
        """Seconds until the worker has folded everything (after the load stopped)."""
        started = time.perf_counter()
        while backlog(self.url) and time.perf_counter() - started < within:
            time.sleep(0.05)
        return time.perf_counter() - started


@dataclass
class Target:
    name: str
    command: list[str] | None  # started for each round (None: the reference, started once)
    env: dict[str, str]
    clients: int = 0  # distinct client addresses (X-Forwarded-For); 0: the load generator's
    worker: bool = True  # whether the server folds (else the round's backlog is folded after)
    port: int = field(default_factory=free_port)
    total: Result = field(default_factory=Result)
    backlog_max: list[int] = field(default_factory=list)
    drained: list[float] = field(default_factory=list)
    folds: list[tuple[int, float, float]] = field(default_factory=list)  # changes, s, filed/s


async def fold_backlog(url: str) -> tuple[int, float]:
    """Fold every noted change as the worker's fold task does; (changes, seconds)."""
    settings = Settings()
    pool = make_pool(url)
    await pool.open()
    try:
        async with http_client(settings) as http:
            worker = Worker(settings, pool, http)
            folded, started = 0, time.perf_counter()
            while True:
                done = Round()
                await worker.fold(done)
                if not done.folded:
                    break
                folded += done.folded
            return folded, time.perf_counter() - started
    finally:
        await pool.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--deliveries", type=int, default=5000)
    args = parser.parse_args()

    url = prepare_database()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OMBUDS_ENVIRONMENT": "development",
        "OMBUDS_DB_POOL_MAX": str(args.connections),
        "OMBUDS_DEPARTMENTS": json.dumps(DEPARTMENTS),
        # The load comes from one address: the limit is off (0), except where it is measured.
        "OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "0",
    }
    python = sys.executable
    flags = ["--log-level", "warning", "--no-access-log"]
    serve = [python, "-m", "app.cli", "serve", *flags]
    reference = Target("reference (INSERT RETURNING)", None, env)
    ours = Target("ombuds, worker on (as make run)", [*serve, "--with-worker"], env)
    stopped = Target("ombuds, worker stopped", serve, env, worker=False)
    two = Target("ombuds, worker on, 2 processes", [*serve, "--with-worker", "--workers", "2"], env)
    limited = Target(
        f"ombuds, rate limit on, {CLIENTS:,} clients",
        [*serve, "--with-worker"],
        {**env, "OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "30"},
        clients=CLIENTS,
    )
    targets = [reference, ours, stopped, two, limited]
    bodies = [json.dumps(b).encode() for b in filing_bodies(500)]
    reference_proc = start(
        [python, "-m", "uvicorn", "bench.reference_app:app", "--port", str(reference.port), *flags],
        env,
        reference.port,
    )

    def load(target: Target, seconds: float) -> Result:
        path = "/reference" if target.command is None else "/v1/complaints"
        batch = requests("127.0.0.1", target.port, path, bodies, addresses=target.clients)
        return asyncio.run(
            run(
                "127.0.0.1",
                target.port,
                path,
                b"",
                connections=args.connections,
                seconds=seconds,
                batch=batch,
            )
        )

    def measure(target: Target) -> tuple[Result, str]:
        if target.command is None:
            checkpoint(url)
            return load(target, args.seconds), ""
        # Started for its round only, so that no idle server's worker folds for it.
        proc = start([*target.command, "--port", str(target.port)], target.env, target.port)
        try:
            load(target, args.warmup)
            checkpoint(url)
            if target.worker:
                with Backlog(url) as sampled:
                    r = load(target, args.seconds)
                target.backlog_max.append(max(sampled.samples, default=0))
                target.drained.append(sampled.drained())
            else:
                r = load(target, args.seconds)
        finally:
            stop(proc)
        if target.worker:
            return r, (
                f"   backlog <= {target.backlog_max[-1]:,}, folded {target.drained[-1]:.1f} s after"
            )
        # What the round filed (and its warm-up), folded as the worker folds it.
        checkpoint(url)
        changes, seconds = asyncio.run(fold_backlog(url))
        target.folds.append((changes, seconds, r.rps))
        return r, f"   then {changes:,} changes folded in {seconds:.1f} s"

    try:
        load(reference, args.warmup)
        for round_no in range(1, args.rounds + 1):
            for target in targets:
                r, note = measure(target)
                print(f"round {round_no}: {show(target.name, r)}{note}", flush=True)
                target.total.add(r)
    finally:
        stop(reference_proc)

    sink_port = free_port()
    sink = start_sink(sink_port)
    try:
        plain = asyncio.run(reference_rate(args.deliveries, sink_port))
        delivered = asyncio.run(delivery_rate(url, args.deliveries, sink_port))
    finally:
        stop(sink)

    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT count(*) FROM complaints").fetchone()
        facts = conn.execute("SELECT count(*) FROM stat_facts").fetchone()
    print()
    print(
        f"{args.connections} connections, {args.rounds} rounds of {args.seconds:.0f} s each, "
        f"one uvicorn worker per server unless said, same PostgreSQL, {os.cpu_count()} cores"
    )
    for target in targets:
        print(show(target.name, target.total))
    ref, our = reference.total, ours.total
    ratio = our.rps / ref.rps
    print(
        f"ratio ombuds/reference: {ratio:.3f} (target >= 0.500); "
        f"ombuds p99 {our.percentile(0.99):.1f} ms (target <= 50)"
    )
    print(f"ratio worker on / stopped: {our.rps / stopped.total.rps:.2f}")
    print(
        f"ratio 2 processes / 1: {two.total.rps / our.rps:.2f} (the cores are shared with "
        f"PostgreSQL and the load generator)"
    )
    refused = limited.total.statuses.get(429, 0)
    print(f"ratio rate limit on / off: {limited.total.rps / our.rps:.2f} ({refused} refused)")
    print(
        f"statistics backlog while filing with the worker on: at most "
        f"{max(ours.backlog_max):,} changes (rounds: "
        f"{', '.join(f'{b:,}' for b in ours.backlog_max)}), folded "
        f"{max(ours.drained):.1f} s after the load stopped"
    )
    folds = [changes / seconds / filed for changes, seconds, filed in stopped.folds]
    changes = sum(c for c, _, _ in stopped.folds)
    fold_rate = changes / sum(s for _, s, _ in stopped.folds)
    print(
        f"ratio fold / filing: {fold_rate:,.0f} / {stopped.total.rps:,.0f} changes/s = "
        f"{fold_rate / stopped.total.rps:.2f} (goal >= 1; rounds: "
        f"{', '.join(f'{f:.2f}' for f in folds)}), each round's filings folded after it"
    )
    print(
        f"ratio delivery / plain client: {delivered:,.0f} / {plain:,.0f} pushes/s = "
        f"{delivered / plain:.2f}"
    )
    print(
        f"complaints stored: {stored[0] if stored else 0:,}, counted: {facts[0] if facts else 0:,}"
    )
    ok = (
        ratio >= 0.5
        and our.percentile(0.99) <= 50
        and our.errors == 0
        and fold_rate >= stopped.total.rps
    )
    print("TARGET MET" if ok else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
