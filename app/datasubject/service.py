"""Erasure requests: recorded with their one-month deadline, then executed or refused.

Execution is irreversible: contact details, named persons, characteristics and files go, and
every free text of the case is replaced; the case's codes, dates and decisions stay (the office's
record and the statistics, which move the case to `not_stated` when it is folded). A legal hold
blocks it, and so does an open case (withdraw or close it first). A refusal names its ground of
GDPR art. 17(3).
"""

from __future__ import annotations

import logging
from uuid import UUID

from app.attachments.storage import Storage
from app.complaints.workflow import TERMINAL, Status
from app.datasubject import queries
from app.datasubject.schemas import (
    Decision,
    ErasureDecisionIn,
    ErasureRequestIn,
    ErasureRequestOut,
    ErasureRequests,
)
from app.kit.access import lock, reach
from app.kit.errors import Conflict, NotFound, Unprocessable
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, one

log = logging.getLogger("ombuds.erasure")


async def record(
    conn: Conn, principal: Principal, complaint_id: UUID, body: ErasureRequestIn
) -> ErasureRequestOut:
    await lock(conn, principal, complaint_id)
    request = await one(
        conn,
        queries.RECORD,
        {"id": complaint_id, "channel": body.channel.value, **principal.actor.params},
        ErasureRequestOut,
    )
    if request is None:
        raise Conflict("An erasure request is pending on this case already.")
    return request


async def list_requests(conn: Conn, principal: Principal, complaint_id: UUID) -> ErasureRequests:
    await reach(conn, principal, complaint_id)
    requests = await all_rows(conn, queries.LIST, {"id": complaint_id}, ErasureRequestOut)
    return ErasureRequests(requests=requests)


async def decide(
    conn: Conn,
    principal: Principal,
    complaint_id: UUID,
    request_id: int,
    body: ErasureDecisionIn,
) -> tuple[ErasureRequestOut, list[UUID]]:
    """Returns the decided request and the files to delete once the transaction commits."""
    await lock(conn, principal, complaint_id)
    if body.decision is Decision.refuse and body.ground is None:
        raise Unprocessable(
            "A refusal names its ground of GDPR art. 17(3).",
            [{"field": "body.ground", "message": "required to refuse", "type": "missing"}],
        )
    if body.decision is Decision.execute and body.ground is not None:
        raise Unprocessable(
            "A ground of art. 17(3) is a reason to refuse, not to erase.",
            [{"field": "body.ground", "message": "only to refuse", "type": "value_error"}],
        )
    cur = await conn.execute(queries.PENDING, {"id": complaint_id, "rid": request_id})
    current = await cur.fetchone()
    if current is None:
        raise NotFound("No erasure request with this id on this case.")
    if current["status"] != "pending":
        raise Conflict(f"This request was {current['status']} already.")
    files: list[UUID] = []
    if body.decision is Decision.execute:
        if current["legal_hold_at"] is not None:
            raise Conflict("A legal hold is set on this case: it cannot be erased.")
        if Status(current["complaint_status"]) not in TERMINAL:
            raise Conflict("The case is open: withdraw or close it before erasing it.")
        cur = await conn.execute(queries.FILES, {"id": complaint_id})
        files = [r["id"] for r in await cur.fetchall()]
        params = {"id": complaint_id, "erased": queries.ERASED, **principal.actor.params}
        for statement in queries.ERASE:
            await conn.execute(statement, params)
        await conn.execute(queries.ERASE_COMPLAINT, params)
    decided = await one(
        conn,
        queries.DECIDE,
        {
            "rid": request_id,
            "status": "executed" if body.decision is Decision.execute else "refused",
            "ground": body.ground.value if body.ground else None,
            "reason": body.reason,
            **principal.actor.params,
        },
        ErasureRequestOut,
    )
    assert decided is not None  # locked above
    return decided, files


async def delete_files(storage: Storage, files: list[UUID]) -> None:
    for file_id in files:
        try:
            await storage.delete(file_id)
        except OSError:
            log.exception("could not delete the file of erased attachment %s", file_id)
