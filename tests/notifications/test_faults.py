"""The notifications' faults across processes: real `ombuds worker` processes against an SMTP
server in the test process. A worker killed between sending and recording loses nothing and
resends with the same Message-ID, after its lease; an SMTP server that is down keeps the rows
pending, their attempts and error counted, until it is back, then each arrives once; two workers
at once share the rows without sending one twice."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
from aiosmtpd.controller import Controller
from psycopg.rows import dict_row

from app.config import Settings
from app.kit.notify import COMPLAINANT, department, notify
from tests.conftest import act, eventually, free_port, process_env
from tests.notifications.test_sending import file

RESIDENT = "resident-7@example.org"  # test_sending.CONTACT's address
HOUSING = "housing@city.example"


def mid(notification_id: int) -> str:
    return f"<ombuds-notification-{notification_id}@city.example>"


@dataclass(frozen=True)
class Received:
    at: float  # time.time() when DATA came in
    message_id: str
    to: tuple[str, ...]


@dataclass
class Mailroom:
    """An SMTP server's handler: keeps every message it is given, with when it came. With
    `stall_first` it holds its answer to the first DATA (the message already kept) until
    `release` is set: a client killed meanwhile has sent but not heard that it did."""

    stall_first: bool = False
    received: list[Received] = field(default_factory=list)
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        first = not self.received
        self.received.append(
            Received(time.time(), str(message["Message-ID"]), tuple(envelope.rcpt_tos))
        )
        if first and self.stall_first:
            self.stalled.set()
            await asyncio.to_thread(self.release.wait)
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        return [r.message_id for r in list(self.received)]


@pytest.fixture
def smtp_on() -> Iterator[Callable[[Mailroom, int], None]]:
    """smtp_on(handler, port) starts an SMTP server on 127.0.0.1:port (stopped afterwards)."""
    started: list[tuple[Mailroom, Controller]] = []

    def start(handler: Mailroom, port: int) -> None:
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()  # type: ignore[no-untyped-call]
        started.append((handler, controller))

    yield start
    for handler, controller in started:
        handler.release.set()
        controller.stop()  # type: ignore[no-untyped-call]


@dataclass
class Workers:
    """`ombuds worker` processes on the test database, each logging to its own file."""

    env: dict[str, str]
    folder: Path
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)

    async def start(self, **extra: str) -> asyncio.subprocess.Process:
        log = self.folder / f"worker-{len(self.processes)}.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "app.cli",
                "worker",
                env={**self.env, **extra},
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def log(self, index: int) -> list[dict[str, Any]]:
        text = (self.folder / f"worker-{index}.log").read_text()
        whole = text[: text.rfind("\n") + 1]  # a line being written is read next time
        return [json.loads(line) for line in whole.splitlines() if line.startswith("{")]

    def started(self, index: int) -> bool:
        assert self.processes[index].returncode is None, f"worker {index} stopped"
        return any(
            e["message"].startswith("notifications are sent through SMTP") for e in self.log(index)
        )

    def emailed(self, index: int) -> int:
        """How many notifications worker `index` says it sent (its rounds' log lines)."""
        total = 0
        for entry in self.log(index):
            if entry["logger"] == "ombuds.worker" and ", emailed " in entry["message"]:
                total += int(entry["message"].split(", emailed ")[1].split(",")[0])
        return total

    async def kill(self, process: asyncio.subprocess.Process) -> None:
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), 10)

    async def stop(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                await self.kill(process)


@pytest.fixture
async def workers(
    settings: Settings, database_url: str, tmp_path: Path
) -> AsyncIterator[Callable[..., Workers]]:
    """workers(port, **env) -> Workers speaking SMTP to 127.0.0.1:port, every delay short."""
    made: list[Workers] = []

    def make(port: int, **extra: str) -> Workers:
        defaults = {
            "OMBUDS_VAR_DIR": str(tmp_path / "var"),
            "OMBUDS_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
            "OMBUDS_SMTP_HOST": "127.0.0.1",
            "OMBUDS_SMTP_PORT": str(port),
            "OMBUDS_SMTP_SECURITY": "none",
            "OMBUDS_SMTP_TIMEOUT_SECONDS": "10",
            "OMBUDS_MAIL_FROM": "ombuds@city.example",
            "OMBUDS_PUBLIC_URL": "https://ombuds.city.example",
            "OMBUDS_DEPARTMENT_EMAILS": json.dumps({"Housing": [HOUSING]}),
            "OMBUDS_WORKER_INTERVAL_SECONDS": "0.1",
            "OMBUDS_WORKER_LEASE_SECONDS": "2",
            "OMBUDS_NOTIFICATION_BACKOFF_BASE_SECONDS": "0.2",
            "OMBUDS_NOTIFICATION_BACKOFF_MAX_SECONDS": "1",
        }
        env = process_env(settings, database_url, **{**defaults, **extra})
        made.append(Workers(env, tmp_path))
        return made[-1]

    yield make
    for group in made:
        await group.stop()


async def queue(database_url: str, complaint_id: str, recipients: list[str]) -> list[int]:
    """One notification per recipient, written by `notify()` in one transaction; their ids."""
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        async with conn.transaction():
            for recipient in recipients:
                await notify(conn, "acknowledged", UUID(complaint_id), recipient)
        cur = await conn.execute("SELECT id FROM notifications ORDER BY id")
        return [int(r["id"]) for r in await cur.fetchall()]


def rows(db: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = db.execute(
        "SELECT id, status, attempts, last_error, extract(epoch FROM next_attempt_at) AS due "
        "FROM notifications ORDER BY id"
    ).fetchall()
    return found


def statuses(db: Any) -> dict[str, int]:
    found = db.execute("SELECT status, count(*) AS n FROM notifications GROUP BY status")
    return {r["status"]: r["n"] for r in found.fetchall()}


async def until(condition: Callable[[], Any], what: str, within: float = 15.0) -> None:
    await eventually(condition, what, within=within)


async def test_a_worker_killed_between_sending_and_recording_loses_nothing(
    client: httpx.AsyncClient,
    db: Any,
    database_url: str,
    smtp_on: Callable[[Mailroom, int], None],
    workers: Callable[..., Workers],
) -> None:
    filed = await file(client, db)
    ids = await queue(
        database_url, filed["id"], [COMPLAINANT, department("Housing")] * 2 + [COMPLAINANT]
    )
    assert len(ids) == 5
    port = free_port()
    server = Mailroom(stall_first=True)
    smtp_on(server, port)
    # One at a time: the first email is the one in flight when the worker dies.
    group = workers(port, OMBUDS_WORKER_CONCURRENCY="1", OMBUDS_WORKER_LEASE_SECONDS="3")

    doomed = await group.start()
    await until(server.stalled.is_set, "the first email to reach the server")
    await group.kill(doomed)
    assert doomed.returncode == -signal.SIGKILL
    server.release.set()

    # The server has the first email; the database has sent nothing, and the killed worker's
    # lease holds every row of its batch for a while.
    assert server.ids() == [mid(ids[0])]
    killed = time.time()
    leased = rows(db)
    assert [(r["id"], r["status"], r["attempts"]) for r in leased] == [
        (i, "pending", 0) for i in ids
    ]
    lease_end = float(leased[0]["due"])
    assert killed < lease_end < killed + 3

    await group.start()
    await until(
        lambda: [r["status"] for r in rows(db)] == ["sent"] * 5, "the second worker to send all"
    )

    # Every notification arrived; the one in flight twice, with the same Message-ID, and only
    # once its lease had run out.
    assert Counter(server.ids()) == Counter(
        {mid(ids[0]): 2, mid(ids[1]): 1, mid(ids[2]): 1, mid(ids[3]): 1, mid(ids[4]): 1}
    )
    first, *others = list(server.received)
    again = [r for r in others if r.message_id == mid(ids[0])]
    assert len(again) == 1 and again[0].to == first.to == (RESIDENT,)
    assert again[0].at >= lease_end - 0.05
    by_id = {r.message_id: r.to for r in others}
    assert [by_id[mid(i)] for i in ids] == [(RESIDENT,), (HOUSING,)] * 2 + [(RESIDENT,)]
    assert [(r["status"], r["attempts"], r["last_error"]) for r in rows(db)] == [
        ("sent", 1, None)
    ] * 5


async def test_a_server_that_is_down_then_back_gets_each_email_once(
    client: httpx.AsyncClient,
    db: Any,
    auth: Any,
    database_url: str,
    smtp_on: Callable[[Mailroom, int], None],
    workers: Callable[..., Workers],
) -> None:
    staff = auth("ombudsperson_staff")
    cases = [(await file(client, db))["id"] for _ in range(3)]
    for case in cases:
        await act(client, staff, case, "acknowledge")
    queued = rows(db)
    assert [(r["status"], r["attempts"]) for r in queued] == [("pending", 0)] * 3
    ids = [int(r["id"]) for r in queued]
    port = free_port()  # nobody listens there yet
    group = workers(port, OMBUDS_NOTIFICATION_MAX_ATTEMPTS="100")
    await group.start()

    def tried_twice_each() -> bool:
        now = rows(db)
        assert {r["status"] for r in now} == {"pending"}, now  # a refused connection is no refusal
        return all(r["attempts"] >= 2 for r in now)

    await until(tried_twice_each, "the worker to try every row twice")
    for r in rows(db):
        assert (r["status"], r["last_error"]) == ("pending", "SMTPConnectError")

    server = Mailroom()
    smtp_on(server, port)
    await until(
        lambda: [r["status"] for r in rows(db)] == ["sent"] * 3, "every row sent once it is up"
    )
    await until(lambda: group.emailed(0) >= 3, "the worker to log what it sent")

    assert Counter(server.ids()) == Counter({mid(ids[0]): 1, mid(ids[1]): 1, mid(ids[2]): 1})
    assert [r.to for r in server.received] == [(RESIDENT,)] * 3
    for r in rows(db):
        assert r["status"] == "sent" and r["last_error"] is None
        assert r["attempts"] >= 3  # two failures at least, then the one that went
    assert group.emailed(0) == 3


async def test_two_workers_at_once_never_send_one_notification_twice(
    client: httpx.AsyncClient,
    db: Any,
    database_url: str,
    smtp_on: Callable[[Mailroom, int], None],
    workers: Callable[..., Workers],
) -> None:
    filed = await file(client, db)
    port = free_port()
    server = Mailroom()
    smtp_on(server, port)
    # Small batches: each worker claims some twenty times, and claims of the two meet. (A claim
    # that did not lock its rows had ten to twenty of them sent twice, in every run tried.)
    group = workers(port, OMBUDS_WORKER_BATCH_SIZE="5")
    await group.start()
    await group.start()
    await until(lambda: group.started(0) and group.started(1), "both workers to start", 30)

    ids = await queue(database_url, filed["id"], [COMPLAINANT, department("Housing")] * 100)
    assert len(ids) == 200
    await until(lambda: statuses(db) == {"sent": 200}, "the two workers to send all 200", 40)

    assert Counter(server.ids()) == Counter({mid(i): 1 for i in ids})
    assert len(server.received) == 200
    # Both took part, and between them sent each row once.
    await until(lambda: group.emailed(0) + group.emailed(1) == 200, "the workers' logs")
    assert group.emailed(0) > 0 and group.emailed(1) > 0
    assert {(r["status"], r["attempts"]) for r in rows(db)} == {("sent", 1)}
