"""Delivering outbox events to the monitoring module (Standard Webhooks), at least once.

A worker claims due events with `FOR UPDATE SKIP LOCKED` and leases them (pushes their next
attempt past the lease) in one committed statement, so any number of workers on any number of
machines share the work, and a worker that dies mid-batch only delays its events until the lease
runs out. Each event keeps its `webhook-id` across attempts, so the receiver can drop duplicates.
Failures back off exponentially with jitter, honour `Retry-After`, and after the configured
number of attempts the event is parked as dead until someone replays it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from psycopg_pool import AsyncConnectionPool

from app.config import Settings
from app.outbox import signing
from app.outbox.target import TargetRefused

log = logging.getLogger("ombuds.relay")

# The batch is chosen once (a MATERIALIZED CTE): as a subquery in UPDATE ... FROM, the planner
# may scan it again on the inner side of a join, and a second scan with SKIP LOCKED can pick
# other rows, so a claim could take more than its limit, and two workers the same events
# (seen as a batch of 25 for a limit of 10, and events sent twice, when the table's statistics
# made the planner choose that join).
CLAIM = """
WITH due AS MATERIALIZED (
  SELECT id FROM outbox_events
  WHERE status = 'pending' AND next_attempt_at <= now()
  ORDER BY next_attempt_at, id
  LIMIT %(limit)s
  FOR UPDATE SKIP LOCKED
)
UPDATE outbox_events e
SET next_attempt_at = now() + make_interval(secs => %(lease)s)
FROM due
WHERE e.id = due.id
RETURNING e.id, e.type, e.payload, e.attempts
"""
DELIVERED = """
UPDATE outbox_events
SET status = 'delivered', delivered_at = now(), attempts = attempts + 1, last_error = NULL
WHERE id = ANY(%(ids)s) AND status = 'pending'
"""
FAILED = """
UPDATE outbox_events
SET attempts = attempts + 1,
    last_error = %(error)s,
    status = CASE WHEN attempts + 1 >= %(max_attempts)s THEN 'dead' ELSE 'pending' END,
    next_attempt_at = now() + make_interval(secs => %(delay)s)
WHERE id = %(id)s AND status = 'pending'
"""


RETRY_AFTER_CEILING_SECONDS = 86400.0


def message_id(event_id: int) -> str:
    return f"msg_{event_id}"


def body_of(event: dict[str, Any]) -> bytes:
    """The delivered body: the event type and its anonymized data, nothing else."""
    return json.dumps(
        {"type": event["type"], "data": event["payload"]},
        separators=(",", ":"),
        sort_keys=True,
        ensure_ascii=False,
    ).encode()


def backoff_seconds(
    attempt: int,
    settings: Settings,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Delay before the next try after `attempt` failed tries: exponential up to the configured
    cap, half of it jittered. A receiver's Retry-After wins when it asks for longer (up to a
    day): it knows its own capacity."""
    base = settings.webhook_backoff_base_seconds * (2 ** max(0, attempt - 1))
    capped = min(settings.webhook_backoff_max_seconds, base)
    jittered = capped / 2 + (rng or random).uniform(0, capped / 2)
    if retry_after is not None:
        return float(min(RETRY_AFTER_CEILING_SECONDS, max(jittered, retry_after)))
    return float(jittered)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds (RFC 9110: delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class Outcome:
    delivered: int = 0
    failed: int = 0
    claimed: int = 0


async def deliver_batch(
    pool: AsyncConnectionPool[Any], http: httpx.AsyncClient, settings: Settings
) -> Outcome:
    """Claim one batch of due events and try each once. Returns what happened."""
    assert settings.monitoring_url is not None and settings.monitoring_secret is not None
    key = signing.webhook_key(settings.monitoring_secret.get_secret_value())
    async with pool.connection() as conn:
        cur = await conn.execute(
            CLAIM, {"lease": settings.worker_lease_seconds, "limit": settings.worker_batch_size}
        )
        events = await cur.fetchall()
    outcome = Outcome(claimed=len(events))
    if not events:
        return outcome
    # Where the events go is checked by the client's transport (`worker.http_client`), when it
    # connects: the host is resolved once, every address checked, and the checked one used.
    limit = asyncio.Semaphore(settings.worker_concurrency)

    async def one(event: dict[str, Any]) -> tuple[str, float | None] | None:
        async with limit:
            return await _send(http, settings, key, event)

    results = await asyncio.gather(*(one(e) for e in events))
    # Recorded once the batch is through: a worker killed before this line has its events sent
    # again after the lease (the receiver drops the duplicates by webhook-id).
    delivered = [e["id"] for e, failure in zip(events, results, strict=True) if failure is None]
    refusals = {r[0] for r in results if r is not None and r[0].startswith("target refused")}
    for refusal in refusals:  # once a batch, not once an event
        log.error("monitoring %s", refusal)
    async with pool.connection() as conn, conn.transaction():
        if delivered:
            await conn.execute(DELIVERED, {"ids": delivered})
        for event, failure in zip(events, results, strict=True):
            if failure is not None:
                await _record_failure(conn, settings, event, *failure)
    outcome.delivered = len(delivered)
    outcome.failed = len(events) - outcome.delivered
    return outcome


async def _send(
    http: httpx.AsyncClient, settings: Settings, key: bytes, event: dict[str, Any]
) -> tuple[str, float | None] | None:
    """One attempt: None when the receiver took it, else (error, Retry-After seconds)."""
    body = body_of(event)
    headers = signing.headers(key, message_id(event["id"]), body)
    try:
        response = await http.post(settings.monitoring_url or "", content=body, headers=headers)
    except TargetRefused as refused:
        return f"target refused: {refused}", None
    except httpx.HTTPError as exc:
        return type(exc).__name__, None
    if 200 <= response.status_code < 300:
        return None
    retry_after = None
    if response.status_code in (429, 503):
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
    return f"HTTP {response.status_code}", retry_after


async def _record_failure(
    conn: Any, settings: Settings, event: dict[str, Any], error: str, retry_after: float | None
) -> None:
    attempt = int(event["attempts"]) + 1
    delay = backoff_seconds(attempt, settings, retry_after)
    if attempt >= settings.webhook_max_attempts:
        log.warning("event %s is dead after %d attempts: %s", event["id"], attempt, error)
    await conn.execute(
        FAILED,
        {
            "id": event["id"],
            "error": error[:200],
            "max_attempts": settings.webhook_max_attempts,
            "delay": delay,
        },
    )


REPLAY = """
UPDATE outbox_events
SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
WHERE status = 'dead' AND (%(ids)s::bigint[] IS NULL OR id = ANY(%(ids)s::bigint[]))
RETURNING id
"""

STATUS = """
SELECT status, count(*) AS rows, min(created_at) AS oldest
FROM outbox_events GROUP BY status ORDER BY status
"""
