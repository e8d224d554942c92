"""Sending the notifications, at least once, as the outbox's relay delivers its events.

A worker claims due rows with `FOR UPDATE SKIP LOCKED` and leases them (their next attempt
pushed past the lease) in one committed statement, so workers anywhere share the work and one
that dies mid-batch only delays its rows until the lease runs out. For each row it finds the
address (the complainant's: their sealed contact, opened here, at send time, and nowhere else;
a staff member's: the staff directory; a department's: OMBUDS_DEPARTMENT_EMAILS), sends, and
records the outcome at once. A temporary failure backs off exponentially with jitter until
OMBUDS_NOTIFICATION_MAX_ATTEMPTS; a refusal makes the row dead until someone replays it.

A row is `withheld` (not sent, on purpose, and not a failure) when the office turned its kind off
(OMBUDS_NOTIFICATIONS_OFF), when the complainant stopped the emails of their case or the staff
member turned the kind off for themselves (checked again here: the choice may come after the row
was written), or when there is no address to send it to.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

from app.config import Settings
from app.crypto import Sealer
from app.deadlines.reminders import DIGEST_LINES, Overdue, overdue_for
from app.kit.errors import AppError
from app.kit.sealed import CONTACT, ContactOut, open_sealed
from app.kit.sql import Conn
from app.notifications import mail
from app.notifications import queries as q

log = logging.getLogger("ombuds.notifications")

NO_ADDRESS = "no email address"
TURNED_OFF = "the office does not send this kind"
STOPPED = "the complainant's emails about this case are off"
STAFF_OFF = "the staff member turned this kind off"


@dataclass
class Outcome:
    claimed: int = 0
    sent: int = 0
    retried: int = 0  # failed this time, tried again later
    dead: int = 0
    withheld: int = 0  # not sent on purpose


@dataclass(frozen=True)
class DeadNotification:
    """A notification that could not be delivered (for a page to say so)."""

    id: int
    kind: str
    recipient: str
    attempts: int
    last_error: str | None
    created_at: datetime


def backoff_seconds(attempt: int, settings: Settings, rng: random.Random | None = None) -> float:
    """Delay before the next try after `attempt` failed tries: exponential up to the cap, half
    of it jittered."""
    base = settings.notification_backoff_base_seconds * (2 ** max(0, attempt - 1))
    capped = min(settings.notification_backoff_max_seconds, base)
    return float(capped / 2 + (rng or random).uniform(0, capped / 2))


def department_addresses(settings: Settings, name: str) -> list[str]:
    """A department's addresses, its name matched as configured, else regardless of case."""
    if name in settings.department_emails:
        return list(settings.department_emails[name])
    wanted = name.strip().casefold()
    for configured, addresses in settings.department_emails.items():
        if configured.strip().casefold() == wanted:
            return list(addresses)
    return []


class _Unopened(Exception):
    """The complainant's contact did not open (a key not configured?): tried again later."""


def addresses(settings: Settings, sealer: Sealer, row: dict[str, Any]) -> list[str]:
    """Where a claimed row goes; empty when there is nowhere."""
    role, _, name = str(row["recipient"]).partition(":")
    if role == "complainant":
        if row["contact_sealed"] is None or row["complaint_id"] is None:
            return []
        try:
            contact = open_sealed(
                sealer,
                row["contact_key"],
                bytes(row["contact_sealed"]),
                row["complaint_id"],
                CONTACT,
                ContactOut,
            )
        except AppError:
            raise _Unopened from None
        return [contact.email] if contact.email else []
    if role == "staff":
        return [row["staff_email"]] if row["staff_email"] else []
    if role == "department":
        return department_addresses(settings, name)
    return []


def notice_of(row: dict[str, Any], overdue: tuple[Overdue, ...] = ()) -> mail.Notice:
    return mail.Notice(
        id=int(row["id"]),
        kind=str(row["kind"]),
        recipient=str(row["recipient"]),
        language=str(row["language"]),
        complaint_id=row["complaint_id"],
        reference=row["reference"],
        track=row["track"],
        detailed=bool(row.get("email_detailed")),
        deadline=row.get("deadline"),
        due_at=row.get("due_at"),
        overdue=overdue,
    )


def withheld_because(settings: Settings, row: dict[str, Any]) -> str | None:
    """Why this row is not to be sent at all, or None."""
    kind = str(row["kind"])
    if not settings.tells(kind):
        return TURNED_OFF
    role = str(row["recipient"]).partition(":")[0]
    if role == "complainant" and row["email_updates"] is not True:
        return STOPPED if row["email_updates"] is False else NO_ADDRESS
    if role == "staff" and kind in (row["staff_emails_off"] or ()):
        return STAFF_OFF
    return None


async def _digests(
    pool: AsyncConnectionPool[Any], settings: Settings, rows: list[dict[str, Any]]
) -> dict[int, tuple[Overdue, ...]]:
    """The overdue items of each digest in the batch, read now (the row holds none of them): one
    more than a digest lists, so the email can say there are more."""
    found: dict[int, tuple[Overdue, ...]] = {}
    wanted = [r for r in rows if r["kind"] == "overdue_digest" and r["staff_roles"] is not None]
    if not wanted:
        return found
    now = datetime.now(UTC)
    async with pool.connection() as conn:
        for row in wanted:
            found[int(row["id"])] = tuple(
                await overdue_for(
                    conn,
                    str(row["recipient"]).partition(":")[2],
                    list(row["staff_roles"]),
                    settings.stale_after_months,
                    now,
                    DIGEST_LINES + 1,
                )
            )
    return found


async def send_batch(
    pool: AsyncConnectionPool[Any], settings: Settings, sealer: Sealer, transport: mail.Transport
) -> Outcome:
    """Claim one batch of due notifications and try each once."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            q.CLAIM,
            {"lease": settings.worker_lease_seconds, "limit": settings.worker_batch_size},
        )
        rows = await cur.fetchall()
    outcome = Outcome(claimed=len(rows))
    digests = await _digests(pool, settings, rows)
    limit = asyncio.Semaphore(settings.worker_concurrency)
    # A transport that can keep its connections for the batch (SMTP) sends the batch over them.
    batch = transport.batch() if rows and isinstance(transport, mail.SmtpTransport) else None

    async def one(row: dict[str, Any]) -> None:
        async with limit:
            await _send_one(pool, settings, sealer, batch or transport, row, outcome, digests)

    if batch is None:
        await asyncio.gather(*(one(r) for r in rows))
        return outcome
    async with batch:
        await asyncio.gather(*(one(r) for r in rows))
    return outcome


async def _send_one(
    pool: AsyncConnectionPool[Any],
    settings: Settings,
    sealer: Sealer,
    transport: mail.Transport,
    row: dict[str, Any],
    outcome: Outcome,
    digests: dict[int, tuple[Overdue, ...]],
) -> None:
    reason = withheld_because(settings, row)
    if reason is None:
        try:
            to = addresses(settings, sealer, row)
        except _Unopened:
            await _retry(pool, settings, row, "the complainant's contact did not open", outcome)
            return
        if not to:
            reason = NO_ADDRESS
    if reason is None and row["kind"] == "overdue_digest" and not digests.get(int(row["id"])):
        reason = "nothing is overdue any more"
    if reason is not None:
        await _withhold(pool, row, reason, outcome)
        return
    message = mail.compose(settings, notice_of(row, digests.get(int(row["id"]), ())), to)
    if not await _still_ours(pool, settings, row):
        return
    try:
        await transport.send(message, to)
    except mail.Permanent as refused:
        await _dead(pool, row, str(refused), tried=1, outcome=outcome)
        return
    except mail.Temporary as failure:
        await _retry(pool, settings, row, str(failure), outcome)
        return
    # A worker that dies before this line sends the row again after the lease, with the same
    # Message-ID.
    await mark_sent(pool, int(row["id"]))
    outcome.sent += 1


async def _still_ours(
    pool: AsyncConnectionPool[Any], settings: Settings, row: dict[str, Any]
) -> bool:
    """Renew the row's lease if it is still this worker's; False when another worker has it."""
    params = {
        "id": row["id"],
        "lease": settings.worker_lease_seconds,
        "leased_until": row["leased_until"],
    }
    async with pool.connection() as conn:
        renewed = await (await conn.execute(q.RENEW, params)).fetchone()
    if renewed is None:
        log.info("notification %s is another worker's now (its lease ran out): skipped", row["id"])
        return False
    row["leased_until"] = renewed["next_attempt_at"]
    return True


async def mark_sent(pool: AsyncConnectionPool[Any], notification_id: int) -> None:
    async with pool.connection() as conn:
        await conn.execute(q.SENT, {"id": notification_id})


async def _retry(
    pool: AsyncConnectionPool[Any],
    settings: Settings,
    row: dict[str, Any],
    error: str,
    outcome: Outcome,
) -> None:
    attempt = int(row["attempts"]) + 1
    params = {
        "id": row["id"],
        "error": error[:200],
        "max_attempts": settings.notification_max_attempts,
        "delay": backoff_seconds(attempt, settings),
    }
    async with pool.connection() as conn:
        found = await (await conn.execute(q.RETRY, params)).fetchone()
    if found is not None and found["status"] == "dead":
        log.warning("notification %s is dead after %d attempts: %s", row["id"], attempt, error)
        outcome.dead += 1
    else:
        outcome.retried += 1


async def _withhold(
    pool: AsyncConnectionPool[Any], row: dict[str, Any], reason: str, outcome: Outcome
) -> None:
    async with pool.connection() as conn:
        await conn.execute(q.WITHHELD, {"id": row["id"], "reason": reason})
    outcome.withheld += 1


async def _dead(
    pool: AsyncConnectionPool[Any], row: dict[str, Any], error: str, *, tried: int, outcome: Outcome
) -> None:
    log.warning("notification %s is dead: %s", row["id"], error)
    async with pool.connection() as conn:
        await conn.execute(q.DEAD, {"id": row["id"], "error": error[:200], "tried": tried})
    outcome.dead += 1


async def replay(conn: Conn, ids: list[int] | None) -> list[int]:
    """Put dead notifications (these, or all with None) back to pending, attempts from 0."""
    cur = await conn.execute(q.REPLAY, {"ids": ids})
    return [int(r["id"]) for r in await cur.fetchall()]


async def dead_of_case(conn: Conn, complaint_id: UUID) -> list[DeadNotification]:
    """A case's notifications that could not be delivered (their errors name no address)."""
    cur = await conn.execute(q.DEAD_OF_CASE, {"complaint_id": complaint_id})
    return [DeadNotification(**row) for row in await cur.fetchall()]
