"""The outbox: statistics releases delivered at least once to the monitoring module through
outages, throttling and a killed worker, signed (Standard Webhooks); nothing about one case is
ever queued for it."""

from __future__ import annotations

import asyncio
import base64
import json
import random
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from app.config import Settings, get_settings
from app.outbox import relay, signing
from app.outbox.target import check_url
from app.worker import Worker, http_client, make_pool
from tests.conftest import complaint_body, eventually, process_env
from tests.receiver import Receiver

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
KEY = signing.webhook_key(SECRET)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(KEY)
    r.start()
    yield r
    r.stop()


def monitored(settings: Settings, receiver: Receiver, **overrides: Any) -> Settings:
    values = {
        **settings.model_dump(),
        # The receiver is plain http on 127.0.0.1: development with private targets allowed.
        "environment": "development",
        "monitoring_url": receiver.url,
        "monitoring_secret": SECRET,
        "monitoring_allow_private": True,
        "webhook_backoff_base_seconds": 0.02,
        "webhook_backoff_max_seconds": 0.2,
        "webhook_timeout_seconds": 2.0,
        "worker_batch_size": 10,
        "worker_lease_seconds": 2.0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
async def worker_factory(database_url: str) -> AsyncIterator[Any]:
    made: list[Any] = []

    async def make(settings: Settings) -> Worker:
        pool = make_pool(database_url)
        await pool.open()
        http = http_client(settings)
        made.append((pool, http))
        return Worker(settings, pool, http)

    yield make
    for pool, http in made:
        await http.aclose()
        await pool.close()


def enqueue_n(db: Any, n: int) -> None:
    """`n` pushes waiting, as publishing releases leaves them (the delivery is under test)."""
    db.execute(
        "INSERT INTO outbox_events (type, payload) "
        "SELECT 'statistics.release', jsonb_build_object('release', g, 'period', "
        "'2025-' || lpad(g::text, 2, '0')) FROM generate_series(1, %s) AS g",
        (n,),
    )


def all_due(db: Any) -> bool:
    """No pending event waits for its next attempt any more."""
    row = db.execute(
        "SELECT count(*) AS n FROM outbox_events "
        "WHERE status = 'pending' AND next_attempt_at > now()"
    ).fetchone()
    return bool(row["n"] == 0)


def events(db: Any) -> list[dict[str, Any]]:
    return db.execute("SELECT * FROM outbox_events ORDER BY id").fetchall()


async def drain(worker: Worker, until: Any, within: float = 20.0) -> None:
    """Worker rounds until `until()` holds (within a deadline)."""

    async def round_then_check() -> bool:
        await worker.round()
        return bool(until())

    if not until():
        await eventually(round_then_check, "the outbox to drain", within)


async def test_a_change_is_noted_for_the_statistics_and_never_queued_for_delivery(
    client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    response = await client.post(
        "/v1/complaints",
        json=complaint_body(
            respondent="Housing",
            contact={"name": "Amina Yusuf", "email": "amina@example.org"},
            characteristics={"sex_gender": "woman", "ethnicity": "ethnic_minority"},
        ),
    )
    filed = response.json()
    staff = auth("ombudsperson_staff")
    etag = (await client.get(f"/v1/complaints/{filed['id']}", headers=staff)).headers["etag"]
    moved = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "acknowledge"},
        headers={**staff, "If-Match": etag},
    )
    assert moved.status_code == 200
    noted = db.execute("SELECT complaint_id::text AS id, kind FROM stat_changes ORDER BY id")
    assert noted.fetchall() == [
        {"id": filed["id"], "kind": "complaint.filed"},
        {"id": filed["id"], "kind": "complaint.transitioned"},
    ]
    columns = {
        r["column_name"]
        for r in db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'stat_changes'"
        )
    }
    assert columns == {"id", "complaint_id", "kind", "created_at"}  # no content at all
    assert events(db) == []  # nothing about one case goes out
    # A transition that is refused notes nothing.
    late = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "acknowledge"},
        headers={**staff, "If-Match": etag},
    )
    assert late.status_code == 412
    assert db.execute("SELECT count(*) AS n FROM stat_changes").fetchone()["n"] == 2


async def test_delivery_survives_outage_errors_and_throttling(
    client: httpx.AsyncClient,
    db: Any,
    settings: Settings,
    receiver: Receiver,
    worker_factory: Any,
) -> None:
    enqueue_n(db, 25)
    worker = await worker_factory(monitored(settings, receiver))
    receiver.stop()  # down: connections refused
    done = await worker.round()
    assert (done.delivered, done.failed) == (0, 10)
    failed = db.execute(
        "SELECT attempts, last_error FROM outbox_events WHERE attempts > 0"
    ).fetchall()
    assert {(r["attempts"], r["last_error"]) for r in failed} == {(1, "ConnectError")}

    receiver.start()
    receiver.mode = "fail"
    await eventually(lambda: all_due(db), "the failed events to be due again")
    done = await worker.round()
    assert done.failed > 0 and done.delivered == 0
    assert {r.answered for r in receiver.snapshot()} == {500}

    receiver.mode = "throttle"
    receiver.retry_after = "1"
    await eventually(lambda: all_due(db), "the failed events to be due again")
    before = db.execute("SELECT now() AS t").fetchone()["t"]
    done = await worker.round()
    assert done.failed > 0
    throttled = db.execute(
        "SELECT next_attempt_at FROM outbox_events WHERE last_error = 'HTTP 429'"
    ).fetchall()
    assert throttled
    # Retry-After (1 s) wins over the backoff (capped at 0.2 s here).
    assert all((r["next_attempt_at"] - before).total_seconds() >= 0.95 for r in throttled)

    receiver.mode = "ok"
    await drain(worker, lambda: len(receiver.delivered_ids()) == 25)
    assert all(r.verified for r in receiver.snapshot())
    rows = events(db)
    assert {r["status"] for r in rows} == {"delivered"}
    assert receiver.delivered_ids() == {relay.message_id(r["id"]) for r in rows}
    # Every attempt at an event carried the same id and the same signed body.
    bodies: dict[str, set[bytes]] = {}
    for request in receiver.snapshot():
        bodies.setdefault(request.message_id, set()).add(request.body)
    assert all(len(b) == 1 for b in bodies.values())
    first = json.loads(next(iter(bodies[relay.message_id(rows[0]["id"])])))
    assert first == {"type": "statistics.release", "data": {"release": 1, "period": "2025-01"}}


async def test_a_worker_killed_mid_batch_loses_nothing(
    client: httpx.AsyncClient,
    db: Any,
    settings: Settings,
    receiver: Receiver,
    database_url: str,
    worker_factory: Any,
) -> None:
    enqueue_n(db, 12)
    receiver.delay = 0.3  # slow answers: the kill lands while the batch is in flight
    env = process_env(
        settings,
        database_url,
        OMBUDS_ENVIRONMENT="development",  # the receiver is plain http on 127.0.0.1
        OMBUDS_MONITORING_URL=receiver.url,
        OMBUDS_MONITORING_SECRET=SECRET,
        OMBUDS_MONITORING_ALLOW_PRIVATE="true",
        OMBUDS_WORKER_BATCH_SIZE="12",
        OMBUDS_WORKER_CONCURRENCY="1",
        OMBUDS_WORKER_LEASE_SECONDS="2",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "worker",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:

        def three_delivered() -> bool:
            assert process.returncode is None, "the worker stopped"
            return len(receiver.snapshot()) >= 3

        await eventually(three_delivered, "the worker to deliver", within=30)
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), 10)
    received_before = len(receiver.snapshot())
    assert received_before < 12  # killed mid-batch
    leased = db.execute(
        "SELECT count(*) AS n FROM outbox_events WHERE status = 'pending'"
    ).fetchone()["n"]
    assert leased > 0

    receiver.delay = 0.0
    worker = await worker_factory(monitored(settings, receiver))
    await drain(worker, lambda: len(receiver.delivered_ids()) == 12)
    rows = events(db)
    assert {r["status"] for r in rows} == {"delivered"}
    assert receiver.delivered_ids() == {relay.message_id(r["id"]) for r in rows}
    ids = [r.message_id for r in receiver.snapshot()]
    duplicates = {i for i in ids if ids.count(i) > 1}
    # An event answered just before the kill, but not yet recorded, is sent again: same id.
    bodies: dict[str, set[bytes]] = {}
    for request in receiver.snapshot():
        bodies.setdefault(request.message_id, set()).add(request.body)
    assert all(len(bodies[i]) == 1 for i in duplicates)


async def test_two_workers_share_the_outbox_without_sending_twice(
    client: httpx.AsyncClient,
    db: Any,
    settings: Settings,
    receiver: Receiver,
    worker_factory: Any,
) -> None:
    enqueue_n(db, 40)
    receiver.delay = 0.02
    config = monitored(settings, receiver, worker_batch_size=5, worker_lease_seconds=60)
    first, second = await worker_factory(config), await worker_factory(config)
    rounds = await asyncio.gather(*(w.round() for w in (first, second, first, second)))
    assert all(r.delivered > 0 for r in rounds)
    ids = [r.message_id for r in receiver.snapshot()]
    assert len(ids) == len(set(ids)) == sum(r.delivered for r in rounds) == 20
    await drain(first, lambda: len(receiver.delivered_ids()) == 40)
    ids = [r.message_id for r in receiver.snapshot()]
    assert len(ids) == len(set(ids)) == 40


async def test_dead_letters_wait_for_a_replay(
    client: httpx.AsyncClient,
    db: Any,
    settings: Settings,
    receiver: Receiver,
    worker_factory: Any,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    enqueue_n(db, 3)
    receiver.mode = "fail"
    worker = await worker_factory(monitored(settings, receiver, webhook_max_attempts=2))
    await drain(
        worker,
        lambda: {r["status"] for r in events(db)} == {"dead"},
    )
    assert {(r["attempts"], r["last_error"]) for r in events(db)} == {(2, "HTTP 500")}
    receiver.mode = "ok"
    done = await worker.round()
    assert done.delivered == 0  # dead letters are not retried by themselves

    from app.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert main(["outbox", "replay"]) == 2  # it must be told which
        first_id = events(db)[0]["id"]
        assert main(["outbox", "replay", "--id", str(first_id)]) == 0
        assert "replaying 1 dead events" in capsys.readouterr().out
        await drain(worker, lambda: len(receiver.delivered_ids()) == 1)
        assert main(["outbox", "replay", "--all"]) == 0
        assert "replaying 2 dead events" in capsys.readouterr().out
        await drain(worker, lambda: len(receiver.delivered_ids()) == 3)
        assert main(["outbox", "status"]) == 0
        assert "delivered" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    assert {r["status"] for r in events(db)} == {"delivered"}


async def test_workers_publish_each_due_release_once_and_push_it_signed(
    client: httpx.AsyncClient,
    db: Any,
    settings: Settings,
    receiver: Receiver,
    worker_factory: Any,
) -> None:
    filed = []
    for _ in range(12):
        response = await client.post("/v1/complaints", json=complaint_body())
        filed.append(response.json()["id"])
    db.execute("UPDATE complaints SET received_at = '2025-09-03T10:00:00Z'")
    config = monitored(settings, receiver)
    a, b = await worker_factory(config), await worker_factory(config)
    await asyncio.gather(a.round(), b.round())
    # Every period closed since September 2025 (with 10 days' lag), each once, finer first.
    released = db.execute("SELECT period, version FROM statistics_releases ORDER BY id").fetchall()
    periods = [r["period"] for r in released]
    assert periods[:4] == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert {"2025-Q3", "2025-Q4", "2025"} <= set(periods)
    assert len(periods) == len(set(periods)) and {r["version"] for r in released} == {1}
    await drain(a, lambda: len(receiver.delivered_ids()) == len(periods))
    pushed = [json.loads(r.body) for r in receiver.snapshot() if r.answered == 200]
    assert {p["type"] for p in pushed} == {"statistics.release"}
    september = next(p["data"] for p in pushed if p["data"]["period"] == "2025-09")
    assert september["release"] == 1 and september["signature"]["algorithm"] == "Ed25519"
    totals = next(t for t in september["tables"] if t["id"] == "complaints_total")["cells"]
    assert {c["track"]: c["value"] for c in totals} == {
        "ombudsperson": 12,
        "anti_corruption": 0,
        "all": 12,
    }
    # What the monitoring module receives is the release as published, and nothing else.
    served = (await client.get("/v1/releases/1")).json()
    assert september == served
    text = json.dumps(pushed)
    for leak in (*filed, "Eviction", "Riverside"):
        assert leak not in text


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[2002:a9fe:a9fe::]/hook",  # 6to4 around 169.254.169.254
        "https://[fec0::1]/hook",  # site-local
        "https://2852039166/hook",  # 169.254.169.254, spelled as one number
        "https://0.0.0.0/hook",
        "https://localhost/hook",
        "https://api.localhost/hook",
        "http://monitoring.example.org/hook",  # plain http only for local use
        "https://user:secret@monitoring.example.org/hook",
        "ftp://monitoring.example.org/hook",
    ],
)
def test_monitoring_urls_into_the_private_network_are_refused(settings: Settings, url: str) -> None:
    with pytest.raises(ValidationError):
        Settings(**{**settings.model_dump(), "monitoring_url": url, "monitoring_secret": SECRET})


def test_a_public_monitoring_url_needs_a_well_formed_secret(settings: Settings) -> None:
    base = {**settings.model_dump(), "monitoring_url": "https://monitoring.example.org/hook"}
    assert Settings(**{**base, "monitoring_secret": SECRET}).monitoring_url
    for bad in (None, "not-a-secret", "whsec_!!", "whsec_" + base64.b64encode(b"short").decode()):
        with pytest.raises(ValidationError):
            Settings(**{**base, "monitoring_secret": bad})
    # Local use, when allowed, in development only.
    check_url("http://127.0.0.1:9000/hook", allow_private=True, development=True)


def test_outside_development_the_monitoring_url_is_https_even_to_a_private_target(
    settings: Settings,
) -> None:
    base = {
        **settings.model_dump(),
        "monitoring_secret": SECRET,
        "monitoring_allow_private": True,
    }
    with pytest.raises(ValidationError) as caught:
        Settings(**{**base, "monitoring_url": "http://10.0.0.5/hook"})
    assert "OMBUDS_MONITORING_URL: the monitoring URL must be https outside development" in str(
        caught.value
    )
    assert Settings(**{**base, "monitoring_url": "https://10.0.0.5/hook"}).monitoring_url
    assert Settings(
        **{**base, "environment": "development", "monitoring_url": "http://10.0.0.5/hook"}
    ).monitoring_url


async def test_a_name_that_resolves_into_the_private_network_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    client: httpx.AsyncClient,
    db: Any,
    settings: Settings,
    worker_factory: Any,
) -> None:
    async def rebinding(host: str, port: int, **_: Any) -> list[Any]:
        return [(2, 1, 6, "", ("10.0.0.7", port))]

    loop = asyncio.get_running_loop()
    monkeypatch.setattr(loop, "getaddrinfo", rebinding)
    enqueue_n(db, 2)
    config = Settings(
        **{
            **settings.model_dump(),
            "monitoring_url": "https://monitoring.example.org/hook",
            "monitoring_secret": SECRET,
        }
    )
    worker = await worker_factory(config)
    done = await worker.round()
    assert (done.delivered, done.failed) == (0, 2)
    assert {r["last_error"] for r in events(db)} == {
        "target refused: the monitoring host resolves to a special-purpose address "
        "(10.0.0.7, 10.0.0.0/8 private use)"
    }


def test_signatures_follow_standard_webhooks() -> None:
    # The test vector of the Standard Webhooks specification.
    key = signing.webhook_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    body = b'{"test": 2432232314}'
    assert (
        signing.signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
    headers = signing.headers(key, "msg_1", body)
    assert signing.verify(key, headers, body)
    assert not signing.verify(key, headers, body + b" ")
    assert not signing.verify(KEY, headers, body)
    stale = signing.headers(key, "msg_1", body, now=time.time() - 3600)
    assert not signing.verify(key, stale, body)


def test_backoff_grows_with_jitter_and_honours_retry_after(settings: Settings) -> None:
    config = Settings(
        **{
            **settings.model_dump(),
            "webhook_backoff_base_seconds": 5,
            "webhook_backoff_max_seconds": 3600,
        }
    )
    rng = random.Random(7)
    delays = [relay.backoff_seconds(n, config, rng=rng) for n in range(1, 12)]
    for n, delay in enumerate(delays, start=1):
        full = min(3600, 5 * 2 ** (n - 1))
        assert full / 2 <= delay <= full
    assert len({round(d, 6) for d in delays}) == len(delays)  # jittered
    assert relay.backoff_seconds(1, config, retry_after=120, rng=rng) == 120
    assert relay.backoff_seconds(1, config, retry_after=99_999, rng=rng) == 86400
    assert relay.retry_after_seconds("30") == 30
    assert relay.retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert relay.retry_after_seconds("soon") is None


async def test_the_server_can_run_the_worker_itself(settings: Settings, db: Any) -> None:
    """`ombuds serve --with-worker` (what `make run` does): no separate process to start."""
    from app.main import create_app

    config = Settings(
        **{
            **settings.model_dump(),
            "embedded_worker": True,
            "worker_interval_seconds": 0.05,
        }
    )
    application = create_app(config)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            for _ in range(2):
                response = await c.post("/v1/complaints", json=complaint_body())
                assert response.status_code == 201
            await eventually(
                lambda: not db.execute("SELECT count(*) AS n FROM stat_changes").fetchone()["n"],
                "the embedded worker to fold",
            )
    assert db.execute("SELECT count(*) AS n FROM stat_facts").fetchone()["n"] == 2
