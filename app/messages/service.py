"""The complainant-office thread and internal notes.

Who sees what is decided in the query itself: internal notes are only ever selected for staff.
"""

from __future__ import annotations

from uuid import UUID

from app.complaints.workflow import TERMINAL
from app.kit.access import lock, reach
from app.kit.errors import Conflict, NotFound
from app.kit.pagination import split_page
from app.kit.permissions import Permission
from app.kit.principals import Principal
from app.kit.sql import Conn, Params, all_rows, compose, one
from app.kit.trail import audit
from app.messages import queries
from app.messages.models import MessageKind
from app.messages.schemas import MessageIn, MessageOut, MessagePage


def _kind(principal: Principal, body: MessageIn) -> tuple[MessageKind, Permission]:
    if body.internal:
        principal.require(Permission.message_internal, "An internal note")
        return MessageKind.internal_note, Permission.message_internal
    principal.require(Permission.message_write, "Writing a message")
    kind = MessageKind.to_complainant if principal.is_staff else MessageKind.from_complainant
    return kind, Permission.message_write


async def post(conn: Conn, principal: Principal, complaint_id: UUID, body: MessageIn) -> MessageOut:
    case = await lock(conn, principal, complaint_id)
    kind, permission = _kind(principal, body)
    if kind is MessageKind.from_complainant and case.status in TERMINAL:
        raise Conflict(
            f"The case is {case.status}: new information can be added while it is open. "
            "Ask the office to reopen it."
        )
    message = await one(  # and who is told of it, in the same statement
        conn,
        queries.POST,
        {
            "id": complaint_id,
            "kind": kind.value,
            "body": body.body,
            "staff": principal.is_staff,
            **case.actor(principal, permission).params,
        },
        MessageOut,
    )
    assert message is not None  # an INSERT ... RETURNING of one row
    return message


async def list_messages(
    conn: Conn, principal: Principal, complaint_id: UUID, *, after: int | None, limit: int
) -> MessagePage:
    await reach(conn, principal, complaint_id)
    rows = await _select(
        conn,
        principal,
        complaint_id,
        queries.AFTER if after else "",
        {"after": after, "limit": limit + 1},
    )
    page, next_after = split_page(rows, limit, key=lambda m: m.id)
    return MessagePage(items=page, next_after=next_after)


async def get_message(
    conn: Conn, principal: Principal, complaint_id: UUID, message_id: int
) -> MessageOut:
    await reach(conn, principal, complaint_id)
    rows = await _select(
        conn, principal, complaint_id, queries.ONE, {"message_id": message_id, "limit": 1}
    )
    if not rows:
        raise NotFound("No message with this id is within your reach.")
    return rows[0]


async def _select(
    conn: Conn, principal: Principal, complaint_id: UUID, extra: str, params: Params
) -> list[MessageOut]:
    rows = await all_rows(
        conn,
        compose(queries.SELECT, extra=extra),
        {
            "id": complaint_id,
            "internal": principal.may(Permission.message_internal),
            "staff": principal.is_staff,
            **params,
        },
        MessageOut,
    )
    if any(r.kind is MessageKind.internal_note for r in rows):
        await audit(conn, principal.actor, "message.read_internal_notes", "complaint", complaint_id)
    return rows
