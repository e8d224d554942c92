"""Filing benchmark: POST /v1/complaints against a reference INSERT endpoint, in one run.

Both servers run as one uvicorn worker on the same PostgreSQL (DATABASE_URL's server, or the
embedded one). Each is loaded with the same number of keep-alive connections for the same time,
alternating rounds so drift on the machine hits both alike. Prints requests/s, p50 and p99 for
each, and the ratio ours/reference. Target: ratio >= 0.5 and our p99 <= 50 ms at 32 connections.

    make bench                      # or: python bench/filing.py --seconds 10 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.db import libpq_url, start_embedded_postgres, with_database  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from bench.loadgen import Result, run  # noqa: E402

BODY = {
    "track": "ombudsperson",
    "summary": "Eviction notice served without a hearing",
    "description": "The municipal housing department served an eviction notice on my family "
    "without hearing us, although my son uses a wheelchair and the flat was adapted for him. "
    "We asked for a meeting twice and got no answer.",
    "rights_affected": ["adequate_housing", "good_administration", "accessibility"],
    "discrimination_grounds": ["disability"],
    "respondent": "Municipal Housing Department",
    "incident": {"date_from": "2026-09-14", "location": "Riverside estate, block C"},
    "remedy_sought": "Suspend the eviction and hear us before any decision is taken.",
    "language": "en",
    "contact": {
        "name": "A. Resident",
        "email": "resident@example.org",
        "preferred_channel": "email",
    },
    "characteristics": {
        "sex_gender": "woman",
        "age_band": "35_44",
        "disability": "no",
        "migration_status": "prefer_not_to_say",
    },
}


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
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"server on port {port} did not start")


def show(name: str, r: Result) -> str:
    return (
        f"{name:<28} {r.rps:>9.0f} req/s   p50 {r.percentile(0.50):6.1f} ms   "
        f"p99 {r.percentile(0.99):6.1f} ms   errors {r.errors}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args()

    url = prepare_database()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OMBUDS_ENVIRONMENT": "development",
        "OMBUDS_DB_POOL_MAX": str(args.connections),
        # The limiter runs on every filing, but the load comes from one address: never brake.
        "OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "1000000000",
    }
    python = sys.executable
    ref_port, app_port = free_port(), free_port()
    uvicorn_flags = ["--no-access-log", "--log-level", "warning"]
    reference = start(
        [
            python,
            "-m",
            "uvicorn",
            "bench.reference_app:app",
            "--port",
            str(ref_port),
            *uvicorn_flags,
        ],
        env,
        ref_port,
    )
    ours = start(
        [
            python,
            "-m",
            "app.cli",
            "serve",
            "--port",
            str(app_port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env,
        app_port,
    )
    body = json.dumps(BODY).encode()
    targets = {
        "reference (INSERT RETURNING)": (ref_port, "/reference"),
        "ombuds POST /v1/complaints": (app_port, "/v1/complaints"),
    }
    try:
        for port, path in targets.values():
            asyncio.run(
                run(
                    "127.0.0.1", port, path, body, connections=args.connections, seconds=args.warmup
                )
            )
        totals: dict[str, Result] = {name: Result() for name in targets}
        for round_no in range(1, args.rounds + 1):
            for name, (port, path) in targets.items():
                # Each measurement starts from clean buffers: neither pays for the other's
                # dirty pages (the filing writes several times the WAL of the reference).
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("CHECKPOINT")
                r = asyncio.run(
                    run(
                        "127.0.0.1",
                        port,
                        path,
                        body,
                        connections=args.connections,
                        seconds=args.seconds,
                    )
                )
                print(f"round {round_no}: {show(name, r)}", flush=True)
                totals[name].latencies += r.latencies
                totals[name].errors += r.errors
                totals[name].seconds += r.seconds
        ref, our = totals.values()
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM complaints").fetchone()[0]
            timeline = conn.execute("SELECT count(*) FROM timeline_entries").fetchone()[0]
    finally:
        for proc in (reference, ours):
            proc.terminate()
            proc.wait(timeout=10)

    ratio = our.rps / ref.rps
    print()
    print(
        f"{args.connections} connections, {args.rounds} rounds of {args.seconds:.0f} s each, "
        f"one uvicorn worker per server, same PostgreSQL"
    )
    print(show("reference (INSERT RETURNING)", ref))
    print(show("ombuds POST /v1/complaints", our))
    print(
        f"ratio ombuds/reference: {ratio:.3f} (target >= 0.500); "
        f"ombuds p99 {our.percentile(0.99):.1f} ms (target <= 50)"
    )
    print(f"complaints stored: {stored}, timeline entries: {timeline}")
    ok = ratio >= 0.5 and our.percentile(0.99) <= 50 and our.errors == 0
    print("TARGET MET" if ok else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
