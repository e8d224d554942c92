"""Notifications benchmark: sending emails, and what telling the complainant costs filing, each
figure against a reference measured in the same run.

Everything runs on the same PostgreSQL (DATABASE_URL's server, or the embedded one); the emails
go to a local SMTP server (aiosmtpd) in its own process, as a real relay would be:
- emails per second of one worker's `send_batch` loop (its batch, concurrency and pool as the
  worker has them), N notifications queued for complainants of filed cases (their sealed contact
  opened at send time) and for staff members (the staff directory), against a plain aiosmtplib
  client sending the same emails, composed beforehand, with as many in flight, without the
  database (target: the worker >= 200 emails/s);
- filing throughput (`ombuds serve --with-worker`, as `make run` ships it, its worker sending to
  the same SMTP server) of complaints whose contact has an email, the `filing_received` email on
  (the default) against off (OMBUDS_NOTIFICATIONS_OFF), in alternating rounds, every other round
  in the other order (target: on within 5 % of off); each round's emails are counted once sent.

    make bench-notifications        # or: python bench/notifications.py --seconds 6 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import aiosmtplib
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.crypto import Sealer  # noqa: E402
from app.db import libpq_url, start_embedded_postgres, with_database  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.notifications import mail, service  # noqa: E402
from app.worker import make_pool  # noqa: E402
from bench.caseload import BODY, DEPARTMENTS, filing_bodies  # noqa: E402
from bench.filing import checkpoint, free_port, show, start, stop  # noqa: E402
from bench.loadgen import Result, requests, run  # noqa: E402

DATABASE = "ombuds_bench_notifications"
TARGET_EMAILS = 200.0  # emails/s, one worker
TARGET_FILING = 0.95  # filing with the email on / off
MAIL_FROM = "ombuds@city.example"
PUBLIC = "https://ombuds.city.example"
STAFF = 50  # staff members with an address, the staff half of the notifications spread on them


# The SMTP server ---------------------------------------------------------------------------------


class Sink:
    """An aiosmtpd handler that accepts everything and counts it (nothing kept)."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 Message accepted for delivery"


def serve_smtp(port: int) -> None:
    """The SMTP server's process: accepts until SIGTERM, then says how many it received."""
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()
    print(f"received {sink.received}", flush=True)


@dataclass
class SmtpServer:
    port: int = field(default_factory=free_port)

    def __enter__(self) -> SmtpServer:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--smtp-server", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            self.proc.kill()
            raise RuntimeError("the SMTP server did not start")
        return self

    def __exit__(self, *_: object) -> None:
        self.proc.terminate()
        out = self.proc.communicate(timeout=30)[0]
        self.received = int(out.split()[-1]) if out.strip() else -1


# The database -------------------------------------------------------------------------------------


def prepare_database() -> str:
    """Its own database (bench/filing.py's is `ombuds_bench`: both may run at once)."""
    server = os.environ.get("DATABASE_URL")
    server = libpq_url(server) if server else start_embedded_postgres(Settings().var_dir)
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    url = with_database(server, DATABASE)
    upgrade(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO staff (subject, name, email, roles) "
            "SELECT 'bench-' || g, 'Officer ' || g, 'officer-' || g || '@city.example', "
            "ARRAY['case_handler'] FROM generate_series(1, %(n)s) AS g",
            {"n": STAFF},
        )
    return url


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT status, count(*) FROM notifications GROUP BY status").fetchall()
    return {str(status): int(n) for status, n in rows}


# Emails per second -------------------------------------------------------------------------------


def mailing(port: int, **overrides: Any) -> Settings:
    return Settings(
        mail_from=MAIL_FROM,
        public_url=PUBLIC,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_timeout_seconds=10.0,
        **overrides,
    )


def queue(url: str, n: int) -> list[int]:
    """`n` notifications due now: half to complainants of filed cases (an email in their sealed
    contact), half to staff members about those cases; whatever was pending before is set aside."""
    with psycopg.connect(url, autocommit=True) as conn:
        cases = conn.execute(
            "SELECT c.id FROM complaints c JOIN complainant_contacts cc ON cc.complaint_id = c.id "
            "WHERE c.email_updates ORDER BY c.id LIMIT %(n)s",
            {"n": n // 2},
        ).fetchall()
        if len(cases) < n // 2:
            raise RuntimeError(f"{len(cases)} cases with an email filed, {n // 2} needed")
        ids = [r[0] for r in cases]
        rows = conn.execute(
            "INSERT INTO notifications (kind, complaint_id, recipient, language) "
            "SELECT 'acknowledged', id, 'complainant', 'en' FROM unnest(%(ids)s::uuid[]) AS id "
            "UNION ALL "
            "SELECT 'assigned', id, 'staff:bench-' || (1 + o %% %(staff)s), 'en' "
            "FROM unnest(%(ids)s::uuid[]) WITH ORDINALITY AS u(id, o) "
            "RETURNING id",
            {"ids": ids, "staff": STAFF},
        ).fetchall()
    return [int(r[0]) for r in rows]


@dataclass
class PerEmail:
    """The SMTP transport without its batch: a connection per email (as it sent before)."""

    inner: mail.SmtpTransport

    def describe(self) -> str:
        return self.inner.describe()

    async def send(self, message: EmailMessage, to: list[str]) -> None:
        await self.inner.send(message, to)


async def worker_rate(
    url: str, settings: Settings, n: int, transport: mail.Transport
) -> tuple[float, service.Outcome]:
    """Emails/s of one worker's `send_batch` loop until the `n` queued are all sent."""
    pool = make_pool(url)  # the worker's own pool
    await pool.open()
    total = service.Outcome()
    try:
        sealer = Sealer.from_settings(settings)
        started = time.perf_counter()
        while total.sent < n:
            outcome = await service.send_batch(pool, settings, sealer, transport)
            if not outcome.claimed:
                break
            for name in ("claimed", "sent", "retried", "dead", "withheld"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
        elapsed = time.perf_counter() - started
    finally:
        await pool.close()
    return total.sent / elapsed, total


def messages(settings: Settings, n: int) -> list[tuple[EmailMessage, list[str]]]:
    """The same emails as the worker's (composed as it composes them), for the plain client."""
    out = []
    for i in range(n):
        complainant = i < n // 2
        notice = mail.Notice(
            id=10_000_000 + i,
            kind="acknowledged" if complainant else "assigned",
            recipient="complainant" if complainant else f"staff:bench-{1 + i % STAFF}",
            language="en",
            complaint_id=UUID(int=i),
            reference=f"OMB-2026-{i:05d}",
            track="ombudsperson",
        )
        to = [BODY["contact"]["email"] if complainant else f"officer-{1 + i % STAFF}@city.example"]
        out.append((mail.compose(settings, notice, to), to))
    return out


async def plain_rate(settings: Settings, emails: list[tuple[EmailMessage, list[str]]]) -> float:
    """Emails/s of `aiosmtplib.send` (a connection per email, as the worker's transport sends),
    as many in flight, in batches of the worker's size."""
    limit = asyncio.Semaphore(settings.worker_concurrency)

    async def one(message: EmailMessage, to: list[str]) -> None:
        async with limit:
            await aiosmtplib.send(
                message,
                sender=settings.mail_from,
                recipients=to,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                timeout=settings.smtp_timeout_seconds,
            )

    batch = settings.worker_batch_size
    started = time.perf_counter()
    for first in range(0, len(emails), batch):
        await asyncio.gather(*(one(m, to) for m, to in emails[first : first + batch]))
    return len(emails) / (time.perf_counter() - started)


async def reused_rate(settings: Settings, emails: list[tuple[EmailMessage, list[str]]]) -> float:
    """Emails/s of the same client keeping its connections for a batch, as the worker's SMTP
    transport does: per batch of the worker's size, one connection per slot in flight, each
    sending its share one email after another, closed at the end of the batch."""
    slots = settings.worker_concurrency

    async def lane(share: list[tuple[EmailMessage, list[str]]]) -> None:
        async with aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            timeout=settings.smtp_timeout_seconds,
            start_tls=False,
        ) as smtp:
            for message, to in share:
                await smtp.send_message(message, sender=settings.mail_from, recipients=to)

    batch = settings.worker_batch_size
    started = time.perf_counter()
    for first in range(0, len(emails), batch):
        part = emails[first : first + batch]
        await asyncio.gather(*(lane(part[k::slots]) for k in range(slots)))
    return len(emails) / (time.perf_counter() - started)


def median(values: list[float]) -> float:
    """(`statistics.median`: bench/statistics.py shadows the module when run as a script.)"""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# Filing with and without the email ---------------------------------------------------------------


@dataclass
class Side:
    name: str
    env: dict[str, str]
    total: Result = field(default_factory=Result)
    rates: list[float] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)  # filing_received rows written in the round
    sent: list[int] = field(default_factory=list)  # of all pending, sent by the server's worker


def set_aside(url: str) -> int:
    """Notifications still pending, set aside (as sent, and never sent): the next load starts
    with none queued."""
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute("UPDATE notifications SET status = 'sent' WHERE status = 'pending'")
        return cur.rowcount


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=1.5)
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="the servers without their worker: the cost of writing the row alone",
    )
    parser.add_argument("--smtp-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.smtp_server:
        serve_smtp(args.smtp_server)
        return 0

    url = prepare_database()
    with SmtpServer() as smtp:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "OMBUDS_ENVIRONMENT": "development",
            "OMBUDS_DB_POOL_MAX": str(args.connections),
            "OMBUDS_DEPARTMENTS": json.dumps(DEPARTMENTS),
            "OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "0",  # the load comes from one address
            "OMBUDS_SMTP_HOST": "127.0.0.1",
            "OMBUDS_SMTP_PORT": str(smtp.port),
            "OMBUDS_SMTP_SECURITY": "none",
            "OMBUDS_MAIL_FROM": MAIL_FROM,
            "OMBUDS_PUBLIC_URL": PUBLIC,
        }
        on = Side("filing, filing_received on (default)", env)
        off = Side(
            "filing, filing_received off",
            {**env, "OMBUDS_NOTIFICATIONS_OFF": json.dumps(["filing_received"])},
        )
        # Every complaint gives an email and chooses it: each filing on the "on" side is told.
        bodies = [
            json.dumps({**b, "contact": BODY["contact"]}).encode()
            for b in filing_bodies(500, seed=17)
        ]
        port = free_port()
        flags = ["--log-level", "warning", "--no-access-log", "--port", str(port)]
        serve = [sys.executable, "-m", "app.cli", "serve", *flags]
        if not args.no_worker:
            serve.append("--with-worker")
        batch = requests("127.0.0.1", port, "/v1/complaints", bodies)

        def load(seconds: float) -> Result:
            return asyncio.run(
                run(
                    "127.0.0.1",
                    port,
                    "/v1/complaints",
                    b"",
                    connections=args.connections,
                    seconds=seconds,
                    batch=batch,
                )
            )

        def measure(side: Side) -> str:
            proc = start(serve, side.env, port)  # for its round only
            try:
                load(args.warmup)
                set_aside(url)
                checkpoint(url)
                before = counts(url)
                r = load(args.seconds)
                after = counts(url)
            finally:
                stop(proc)
            set_aside(url)  # what the worker did not send in time: not sent in the next round
            queued = sum(after.values()) - sum(before.values())
            sent = after.get("sent", 0) - before.get("sent", 0)
            side.total.add(r)
            side.rates.append(r.rps)
            side.queued.append(queued)
            side.sent.append(sent)
            return f"{show(side.name, r)}   emails {queued:,}, {sent:,} sent meanwhile"

        for n in range(args.rounds):
            for side in (on, off) if n % 2 == 0 else (off, on):
                print(f"round {n + 1}: {measure(side)}", flush=True)

        settings = mailing(smtp.port)
        ids = queue(url, args.emails)
        emails = messages(settings, len(ids))
        plain = asyncio.run(plain_rate(settings, emails))
        rate, outcome = asyncio.run(
            worker_rate(url, settings, len(ids), mail.SmtpTransport(settings))
        )
        reused = asyncio.run(reused_rate(settings, emails))
        each_ids = queue(url, args.emails)
        each, each_outcome = asyncio.run(
            worker_rate(url, settings, len(each_ids), PerEmail(mail.SmtpTransport(settings)))
        )
        left = counts(url).get("pending", 0)
    print()
    print(
        f"{args.emails:,} notifications (half to complainants, half to staff), one worker: "
        f"batch {settings.worker_batch_size}, {settings.worker_concurrency} in flight, "
        f"pool of 4; SMTP server in its own process (received {smtp.received:,})"
    )
    print(
        f"worker send_batch loop:                {rate:7,.0f} emails/s   (sent {outcome.sent:,}, "
        f"retried {outcome.retried}, dead {outcome.dead}, withheld {outcome.withheld}, "
        f"pending after {left})"
    )
    print(
        f"  the same, a connection per email:    {each:7,.0f} emails/s   "
        f"(sent {each_outcome.sent:,}; the transport without its batch)"
    )
    print(
        f"plain client, connections kept:        {reused:7,.0f} emails/s   (one per slot a batch)"
    )
    print(f"plain aiosmtplib.send, same emails:    {plain:7,.0f} emails/s   (a connection each)")
    print(
        f"ratio worker / plain client: {rate / reused:.2f} (connections kept both), "
        f"{each / plain:.2f} (a connection per email both); "
        f"worker {rate:,.0f} emails/s (target >= {TARGET_EMAILS:.0f})"
    )
    print()
    print(
        f"{args.connections} connections, {args.rounds} rounds of {args.seconds:.0f} s per side, "
        f"one uvicorn worker {'without' if args.no_worker else 'with'} its worker, "
        f"same PostgreSQL, {os.cpu_count()} cores"
    )
    for side in (on, off):
        print(
            f"{show(side.name, side.total)}   rounds: {', '.join(f'{x:,.0f}' for x in side.rates)}"
        )
    ratio = on.total.rps / off.total.rps
    pairs = sorted(a / b for a, b in zip(on.rates, off.rates, strict=True))
    print(
        f"ratio on / off: {ratio:.3f} (target >= {TARGET_FILING:.2f}); the rounds' "
        f"{', '.join(f'{x:.2f}' for x in pairs)}, median {median(pairs):.2f}"
    )
    seconds = args.rounds * args.seconds
    print(
        f"filing_received emails written while filing: {sum(on.queued):,} "
        f"({sum(on.queued) / seconds:,.0f}/s; off: {sum(off.queued)}); sent meanwhile by the "
        f"server's worker: {sum(on.sent):,} ({sum(on.sent) / seconds:,.0f}/s), the rest set aside"
    )
    ok = (
        rate >= TARGET_EMAILS
        and ratio >= TARGET_FILING
        and outcome.sent == len(ids)
        and each_outcome.sent == len(each_ids)
        and on.total.errors + off.total.errors == 0
    )
    print("TARGET MET" if ok else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
