"""The complainant-office thread and internal notes.

Who sees what is decided in the query itself: internal notes are only ever selected for staff.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from app.auth.principals import Principal
from app.complaints.service import actor, reachable, require
from app.complaints.workflow import TERMINAL, MessageKind
from app.db import Conn
from app.errors import Conflict, NotFound
from app.messages import queries
from app.messages.schemas import MessageIn, MessageOut, MessagePage
from app.pagination import split_page


def _kind(principal: Principal, body: MessageIn) -> MessageKind:
    if body.internal:
        require(principal, "message.internal", "An internal note")
        return MessageKind.internal_note
    require(principal, "message.write", "Writing a message")
    return MessageKind.to_complainant if principal.is_staff else MessageKind.from_complainant


async def post(conn: Conn, principal: Principal, complaint_id: UUID, body: MessageIn) -> MessageOut:
    status = await reachable(conn, principal, complaint_id)
    kind = _kind(principal, body)
    if kind is MessageKind.from_complainant and status in TERMINAL:
        raise Conflict(
            f"The case is {status}: new information can be added while it is open. "
            "Ask the office to reopen it."
        )
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.POST,
        {
            "id": complaint_id,
            "kind": kind.value,
            "body": body.body,
            "author_subject": subject,
            "author_role": role,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return _out(principal, row)


async def list_messages(
    conn: Conn, principal: Principal, complaint_id: UUID, *, after: int | None, limit: int
) -> MessagePage:
    await reachable(conn, principal, complaint_id)
    require(principal, "message.read", "Reading messages")
    rows = await _select(
        conn,
        principal,
        complaint_id,
        "AND m.id > %(after)s" if after else "",
        {"after": after, "limit": limit + 1},
    )
    page, next_after = split_page(rows, limit, key=lambda r: r["id"])
    return MessagePage(items=[_out(principal, r) for r in page], next_after=next_after)


async def get_message(
    conn: Conn, principal: Principal, complaint_id: UUID, message_id: int
) -> MessageOut:
    await reachable(conn, principal, complaint_id)
    require(principal, "message.read", "Reading messages")
    rows = await _select(
        conn,
        principal,
        complaint_id,
        "AND m.id = %(message_id)s",
        {"message_id": message_id, "limit": 1},
    )
    if not rows:
        raise NotFound("No message with this id is within your reach.")
    return _out(principal, rows[0])


async def _select(
    conn: Conn, principal: Principal, complaint_id: UUID, extra: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    internal = principal.may("message.internal")
    cur = await conn.execute(
        queries.SELECT.format(extra=extra), {"id": complaint_id, "internal": internal, **params}
    )
    rows = await cur.fetchall()
    if any(r["kind"] == MessageKind.internal_note for r in rows):
        subject, role = actor(principal)
        await conn.execute(
            queries.AUDIT_READ,
            {"actor_subject": subject, "actor_role": role, "id": str(complaint_id)},
        )
    return rows


def _out(principal: Principal, row: dict[str, Any]) -> MessageOut:
    return MessageOut(
        id=row["id"],
        kind=row["kind"],
        body=row["body"],
        author_role=row["author_role"],
        author_subject=row["author_subject"] if principal.is_staff else None,
        created_at=row["created_at"],
    )
