"""Revealing a reporter's identity on the confidential track (EU Directive 2019/1937 art. 16).

An officer asks, with a motivation and a legal basis; the identity custodian (oversight head)
decides, never on their own request. On approval the reporter is told first, in writing and with
the reasons, in the same transaction, unless the custodian records why that would jeopardise the
investigation. Every later look at the identity is recorded: who, when.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.crypto import CONTACT, Sealer
from app.identity import queries
from app.identity.schemas import (
    DecisionIn,
    RevealedIdentity,
    RevealRequestIn,
    RevealRequestOut,
    RevealRequests,
)
from app.kit.access import lock, reach
from app.kit.errors import Conflict, Forbidden, NotFound
from app.kit.notify import notify_complainant
from app.kit.permissions import Permission
from app.kit.principals import Principal
from app.kit.sealed import ContactOut, open_sealed
from app.kit.sql import Conn, all_rows, compose, one
from app.taxonomy import Track


async def _confidential(
    conn: Conn, principal: Principal, complaint_id: UUID, *, write: bool
) -> dict[str, Any]:
    await (lock if write else reach)(conn, principal, complaint_id)
    cur = await conn.execute(queries.TRACK_AND_SEAL, {"id": complaint_id})
    row = await cur.fetchone()
    assert row is not None  # the complaint was found just above
    if row["track"] != Track.anti_corruption:
        raise Conflict("Identity reveal is the confidential track's procedure.")
    return row


async def ask(
    conn: Conn, principal: Principal, complaint_id: UUID, body: RevealRequestIn
) -> RevealRequestOut:
    row = await _confidential(conn, principal, complaint_id, write=True)
    if row["sealed"] is None and row["account"] is None:
        raise Conflict("The report is anonymous: there is no identity on record.")
    created = await one(
        conn,
        queries.INSERT,
        {
            "id": complaint_id,
            "motivation": body.motivation,
            "legal_basis": body.legal_basis,
            **principal.actor.params,
        },
        RevealRequestOut,
    )
    assert created is not None  # an INSERT ... RETURNING of one row
    return created


async def decide(
    conn: Conn, principal: Principal, complaint_id: UUID, request_id: int, body: DecisionIn
) -> RevealRequestOut:
    await _confidential(conn, principal, complaint_id, write=True)
    current = await _one(conn, complaint_id, request_id)
    if current.requested_by == principal.subject:
        raise Forbidden("The custodian does not decide on their own request.")
    if current.status != "pending":
        raise Conflict(f"The request was {current.status} already.")
    notice = None
    if body.decision == "approved" and body.notify_reporter:
        notice = (
            "The anti-corruption oversight body has decided that your identity will be "
            f"disclosed within the investigation. Reason: {body.reason} "
            f"Legal basis: {current.legal_basis}"
        )
    cur = await conn.execute(
        queries.DECIDE,
        {
            "id": complaint_id,
            "request_id": request_id,
            "decision": body.decision,
            "reason": body.reason,
            "no_notice_reason": body.no_notice_reason,
            "notice": notice,
            **principal.actor.params,
        },
    )
    if await cur.fetchone() is None:  # decided concurrently
        raise Conflict("The request was decided already.")
    if notice is not None:  # the reporter is told before the disclosure, in writing
        await notify_complainant(conn, "identity_notice", complaint_id)
    return await _one(conn, complaint_id, request_id)


async def list_requests(conn: Conn, principal: Principal, complaint_id: UUID) -> RevealRequests:
    await _confidential(conn, principal, complaint_id, write=False)
    requests = await all_rows(
        conn, compose(queries.REQUESTS, extra=""), {"id": complaint_id}, RevealRequestOut
    )
    return RevealRequests(requests=requests)


async def reveal(
    conn: Conn, sealer: Sealer, principal: Principal, complaint_id: UUID, request_id: int
) -> RevealedIdentity:
    row = await _confidential(conn, principal, complaint_id, write=False)
    request = await _one(conn, complaint_id, request_id)
    if request.status != "approved":
        raise Conflict(f"The request is {request.status}: nothing is disclosed.")
    if principal.subject != request.requested_by and not principal.may(Permission.identity_decide):
        raise Forbidden("Only the requester and the custodian see a disclosed identity.")
    contact = (
        ContactOut()
        if row["sealed"] is None
        else open_sealed(sealer, row["key_id"], row["sealed"], complaint_id, CONTACT, ContactOut)
    )
    identity = RevealedIdentity(**contact.model_dump(), account=row["account"])
    await conn.execute(
        queries.DISCLOSE,
        {"request_id": request_id, "id": str(complaint_id), **principal.actor.params},
    )
    return identity


async def _one(conn: Conn, complaint_id: UUID, request_id: int) -> RevealRequestOut:
    found = await one(
        conn,
        compose(queries.REQUESTS, extra=queries.ONE),
        {"id": complaint_id, "request_id": request_id},
        RevealRequestOut,
    )
    if found is None:
        raise NotFound("No identity request with this id belongs to this complaint.")
    return found
