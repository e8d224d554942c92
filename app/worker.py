"""`ombuds worker`: the background work of the service, safe to run on several machines at once.

Each round it seals new audit entries into the hash chain, folds noted changes into the
statistics aggregate, purges cases past their retention, delivers due releases to the
monitoring module, writes the reminders of deadlines coming due and the heads' daily digests,
sends the due email notifications (app/notifications), publishes the
statistics releases of closed periods, and forgets delivered pushes after the configured time.
Everything is coordinated through PostgreSQL (SKIP LOCKED, advisory locks).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from app.attachments.storage import LocalStorage
from app.audit.chain import roll_up, seal
from app.config import Settings
from app.crypto import Sealer
from app.deadlines import reminders
from app.heartbeat import Heartbeat, heartbeat_path
from app.kit import metrics
from app.kit.outbound import PinnedTransport
from app.kit.sql import Conn
from app.notifications import mail
from app.notifications import service as notifications
from app.outbox import relay
from app.outbox.target import rule as monitoring_target
from app.ratelimit import forget_idle
from app.retention.service import purge, sweep_orphans
from app.statistics import releases
from app.statistics.folding import fold

log = logging.getLogger("ombuds.worker")

SEAL_BATCH = 5000  # audit entries sealed per round
NOTIFY_SECONDS = 5.0  # at most this long sending emails in one round, while batches come full
# Delivered pushes are forgotten after a while; without a monitoring module configured, nobody
# waits for pending ones either (the releases themselves stay, frozen, in their table).
_FORGET = """
DELETE FROM outbox_events
WHERE created_at < now() - make_interval(days => %(days)s)
  AND (status = 'delivered' OR NOT %(delivering)s)
"""


# Emails sent or withheld are forgotten after the same keep period (a reminder's row is kept past
# its reminder's notice, so it is not written again); a dead one stays until it is replayed (the
# case page says it could not be delivered).
_FORGET_EMAILS = """
DELETE FROM notifications
WHERE status IN ('sent', 'withheld')
  AND created_at < now() - make_interval(days => greatest(%(days)s, %(reminder_days)s + 1))
"""


class ReleasesFailed(Exception):
    """Some periods due were not released this round (each logged with its error)."""


@dataclass
class Round:
    sealed: int = 0
    folded: int = 0
    delivered: int = 0
    failed: int = 0
    released: int = 0  # statistics releases published
    unreleased: int = 0  # periods due whose release failed (logged; tried again at the next check)
    forgotten: int = 0
    mailed: int = 0  # notifications sent
    reminded: int = 0  # reminders and digests written (each once, whichever worker writes it)
    mail_failed: int = 0  # notifications not sent this time (retried later, or dead)
    purged: int = 0
    rolled_up: int = 0  # audit entries past the longest retention, rolled into an anchor
    # Tasks that raised this round (their names); the others ran all the same.
    errors: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(
            self.sealed
            or self.folded
            or self.delivered
            or self.failed
            or self.purged
            or self.released
            or self.mailed
            or self.reminded
            or self.mail_failed
        )


@dataclass
class Worker:
    settings: Settings
    pool: AsyncConnectionPool[Conn]
    http: httpx.AsyncClient
    next_release_check: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))
    next_forget: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))
    next_remind: datetime = field(default_factory=lambda: datetime.min.replace(tzinfo=UTC))
    storage: LocalStorage = field(init=False)
    sealer: Sealer = field(init=False)
    mailer: mail.Transport = field(init=False)
    # Failures per task since the worker started (the logs say which and why).
    failures: dict[str, int] = field(default_factory=dict)
    # Called before each task: the liveness probe's heartbeat (app.heartbeat).
    beat: Callable[[], None] = field(default=lambda: None)

    def __post_init__(self) -> None:
        self.storage = LocalStorage(self.settings.attachments_dir)
        self.sealer = Sealer.from_settings(self.settings)
        self.mailer = mail.transport_for(self.settings)

    async def round(self) -> Round:
        """One pass over every task. Each runs on its own: one that fails (a broken seal, a
        receiver that hangs up, a file that cannot be deleted) is logged and counted, and the
        others still run; the next round tries it again."""
        done = Round()
        for name, task in (
            ("seal", self.seal),
            ("fold", self.fold),
            ("deliver", self.deliver),
            ("remind", self.remind_if_due),
            ("notify", self.notify),
            ("purge", self.purge),
            ("release", self.release_if_due),
            ("forget", self.forget_if_due),
        ):
            self.beat()
            try:
                await task(done)
            except Exception:
                log.exception("worker task %s failed", name)
                self.failures[name] = self.failures.get(name, 0) + 1
                done.errors.append(name)
        return done

    async def seal(self, done: Round) -> None:
        key = self.settings.audit_key.get_secret_value().encode()
        async with self.pool.connection() as conn:
            done.sealed = await seal(conn, key, SEAL_BATCH)

    async def fold(self, done: Round) -> None:
        async with self.pool.connection() as conn:
            # Its own batch (app.statistics.folding.BATCH), far larger than a delivery batch:
            # with 100 a round, the fold fell behind filing without bound.
            done.folded = await fold(conn, self.sealer)

    async def deliver(self, done: Round) -> None:
        if self.settings.monitoring_url is not None:
            outcome = await relay.deliver_batch(self.pool, self.http, self.settings)
            done.delivered, done.failed = outcome.delivered, outcome.failed

    async def remind_if_due(self, done: Round) -> None:
        """Every few minutes: the reminders of deadlines coming due, and the heads' digests
        (app.deadlines.reminders; each written once, however many workers look)."""
        now = datetime.now(UTC)
        if now < self.next_remind:
            return
        self.next_remind = now + timedelta(minutes=5)
        async with self.pool.connection() as conn:
            done.reminded = await reminders.remind(conn, self.settings, now)
            done.reminded += await reminders.digest(conn, self.settings, now)

    async def notify(self, done: Round) -> None:
        """Batches of due emails while full ones keep coming, for up to NOTIFY_SECONDS a round:
        one batch a round fell behind a burst of filings (each round is long under load)."""
        until = time.monotonic() + NOTIFY_SECONDS
        while True:
            outcome = await notifications.send_batch(
                self.pool, self.settings, self.sealer, self.mailer
            )
            done.mailed += outcome.sent
            done.mail_failed += outcome.retried + outcome.dead
            if outcome.claimed < self.settings.worker_batch_size or time.monotonic() >= until:
                return
            self.beat()

    async def purge(self, done: Round) -> None:
        async with self.pool.connection() as conn:
            done.purged = len((await purge(conn, self.storage)).complaints)
            await forget_idle(conn)  # rate-limit buckets that have refilled long ago

    async def release_if_due(self, done: Round) -> None:
        """Publish the closed periods whose lag has passed (checked every few minutes); one
        that fails is logged and tried again, the others still go out. If any failed, the task
        fails for the round once they have all been tried (so it is counted like any other)."""
        now = datetime.now(UTC)
        if now < self.next_release_check:
            return
        self.next_release_check = now + timedelta(minutes=5)
        failed: list[str] = []
        async with self.pool.connection() as conn:
            for period in await releases.due(conn, self.settings, now):
                try:
                    await releases.publish(conn, self.settings, period, now=now)
                except releases.ReleaseExists:
                    continue  # another worker was first
                except Exception as error:
                    # A release holds counts only; its label and the error say what failed.
                    log.error(
                        "release of %s failed: %s: %s", period.label, type(error).__name__, error
                    )
                    failed.append(period.label)
                    continue
                done.released += 1
        done.unreleased = len(failed)
        if failed:
            raise ReleasesFailed(f"not released, tried again later: {', '.join(failed)}")

    async def forget_if_due(self, done: Round) -> None:
        done.forgotten = await self._forget(done)

    async def _forget(self, done: Round) -> int:
        now = datetime.now(UTC)
        if now < self.next_forget:
            return 0
        self.next_forget = now + timedelta(minutes=10)
        async with self.pool.connection() as conn:
            await sweep_orphans(conn, self.storage)
            key = self.settings.audit_key.get_secret_value().encode()
            done.rolled_up = await roll_up(conn, key, self.settings.audit_cutoff(now))
            cur = await conn.execute(
                _FORGET,
                {
                    "days": self.settings.outbox_keep_days,
                    "delivering": self.settings.monitoring_url is not None,
                },
            )
            forgotten = cur.rowcount
            cur = await conn.execute(
                _FORGET_EMAILS,
                {
                    "days": self.settings.outbox_keep_days,
                    "reminder_days": self.settings.reminder_days,
                },
            )
            return forgotten + cur.rowcount


def http_client(settings: Settings) -> httpx.AsyncClient:
    """No redirects (a redirect could lead anywhere), no proxies from the environment; connections
    only to the addresses the monitoring host resolves to that pass the target rule, and to the
    very address checked (`app.kit.outbound.PinnedTransport`)."""
    target = monitoring_target(
        allow_private=settings.monitoring_allow_private,
        development=settings.environment == "development",
    )
    return httpx.AsyncClient(
        transport=PinnedTransport(target),
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": "ombuds-worker"},
    )


def make_pool(url: str) -> AsyncConnectionPool[Any]:
    return AsyncConnectionPool(
        url,
        min_size=1,
        max_size=4,
        open=False,
        kwargs={"row_factory": dict_row, "autocommit": True},
    )


async def work(settings: Settings, url: str, stop: asyncio.Event, once: bool = False) -> None:
    """Rounds until `stop` is set (or, with `once`, until nothing is due)."""
    pool = make_pool(url)
    await pool.open()
    try:
        async with http_client(settings) as http:
            worker = Worker(settings, pool, http, beat=Heartbeat(heartbeat_path(settings)))
            log.info("notifications are sent through %s", worker.mailer.describe())
            while not stop.is_set():
                done = await worker.round()
                metrics.count_round(done, time.time())
                if done.busy:
                    log.info(
                        "sealed %d, folded %d, delivered %d, failed %d, purged %d, "
                        "emailed %d, not emailed %d",
                        done.sealed,
                        done.folded,
                        done.delivered,
                        done.failed,
                        done.purged,
                        done.mailed,
                        done.mail_failed,
                    )
                if once and not done.busy:  # --once: drain what is due now, then stop
                    break
                if not done.busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), settings.worker_interval_seconds)
    finally:
        await pool.close()


async def run(settings: Settings, url: str, once: bool = False) -> int:
    """`ombuds worker`: work until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await work(settings, url, stop, once)
    return 0
