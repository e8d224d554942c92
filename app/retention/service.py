"""Retention: legal holds set and lifted by the head of office, and the purge of expired cases.

A finished case gets `retention_until` from its track and outcome (OMBUDS_RETENTION_YEARS). The
purge (`ombuds purge`, and each worker round) removes expired cases with everything attached,
files included, unless a legal hold is set; each removal is on the audit trail, and the
statistics already published keep counting the case (only its facts row goes, not its counts).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from app.attachments.storage import Storage
from app.kit.access import lock, reach
from app.kit.errors import Conflict
from app.kit.principals import SYSTEM, Principal
from app.kit.sql import Conn
from app.kit.trail import CaseEvent
from app.retention import queries
from app.retention.schemas import HoldIn, LegalHold

log = logging.getLogger("ombuds.retention")


async def get_hold(conn: Conn, principal: Principal, complaint_id: UUID) -> LegalHold:
    await reach(conn, principal, complaint_id)
    cur = await conn.execute(queries.HOLD, {"id": complaint_id})
    row = await cur.fetchone()
    assert row is not None
    return _hold(row)


async def set_hold(conn: Conn, principal: Principal, complaint_id: UUID, body: HoldIn) -> LegalHold:
    return await _change(conn, principal, complaint_id, body, queries.SET_HOLD, set_it=True)


async def lift_hold(
    conn: Conn, principal: Principal, complaint_id: UUID, body: HoldIn
) -> LegalHold:
    return await _change(conn, principal, complaint_id, body, queries.LIFT_HOLD, set_it=False)


async def _change(
    conn: Conn, principal: Principal, complaint_id: UUID, body: HoldIn, sql: str, set_it: bool
) -> LegalHold:
    await lock(conn, principal, complaint_id)
    event = CaseEvent.legal_hold_set if set_it else CaseEvent.legal_hold_lifted
    cur = await conn.execute(
        sql,
        {"id": complaint_id, "reason": body.reason, "event": event.value, **principal.actor.params},
    )
    row = await cur.fetchone()
    if row is None:
        raise Conflict(
            "A legal hold is set already." if set_it else "No legal hold is set on this case."
        )
    return _hold(row)


def _hold(row: dict[str, Any]) -> LegalHold:
    return LegalHold(
        held=row["legal_hold_at"] is not None,
        reason=row["legal_hold_reason"],
        set_by=row["legal_hold_by"],
        set_at=row["legal_hold_at"],
        retention_until=row["retention_until"],
        finished_at=row["finished_at"],
    )


@dataclass
class Purged:
    complaints: list[UUID] = field(default_factory=list)
    files: int = 0


async def purge(conn: Conn, storage: Storage, limit: int = 200) -> Purged:
    """Remove up to `limit` expired cases; their files go once the removal is committed (a file
    left behind by a crash in between is orphaned, never served: its row is gone)."""
    result = Purged()
    async with conn.transaction():
        cur = await conn.execute(queries.EXPIRED, {"limit": limit})
        ids = [row["id"] for row in await cur.fetchall()]
        if not ids:
            return result
        cur = await conn.execute(queries.FILES, {"ids": ids})
        files = [row["id"] for row in await cur.fetchall()]
        await conn.execute(queries.PURGE, {"ids": ids, **SYSTEM.params})
    for file_id in files:
        try:
            await storage.delete(file_id)
            result.files += 1
        except OSError:
            log.exception("could not delete the file of attachment %s", file_id)
    result.complaints = ids
    return result


# A file is written before its row commits; one whose row never came (a failed commit, a crash
# between the two) is an orphan. Files younger than this are left alone: their row may be coming.
ORPHAN_AGE_SECONDS = 3600.0


async def sweep_orphans(
    conn: Conn, storage: Storage, older_than: float = ORPHAN_AGE_SECONDS
) -> int:
    """Delete stored files that no attachment refers to; returns how many."""
    keys = await storage.older_than(older_than)
    if not keys:
        return 0
    cur = await conn.execute(queries.KNOWN_FILES, {"ids": keys})
    known = {row["id"] for row in await cur.fetchall()}
    orphans = [key for key in keys if key not in known]
    for key in orphans:
        await storage.delete(key)
    if orphans:
        log.info("deleted %d orphaned attachment files", len(orphans))
    return len(orphans)
