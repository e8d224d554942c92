"""Attachments on complaints, messages and investigation steps.

The file is written to storage first, then its row (with a SHA-256) in the request's
transaction; if the row cannot be written the file is removed again. Downloads are verified
against the checksum and audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from app.attachments import content, queries
from app.attachments.storage import Storage
from app.auth.principals import Principal
from app.complaints.service import actor, reachable, require
from app.complaints.workflow import TERMINAL, MessageKind
from app.db import Conn
from app.errors import (
    AppError,
    Conflict,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)
from app.ids import uuid7


@dataclass(frozen=True, slots=True)
class Upload:
    attach_to: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    content_type: str
    sha256: str
    data: bytes


def _invalid(field: str, message: str) -> Unprocessable:
    return Unprocessable(message, [{"field": field, "message": message, "type": "value_error"}])


def _parent(attach_to: str) -> tuple[str, int | None]:
    kind, _, raw_id = attach_to.partition(":")
    if kind == "complaint" and not raw_id:
        return kind, None
    if kind in ("message", "step") and raw_id.isdigit() and len(raw_id) < 19:
        return kind, int(raw_id)
    raise _invalid("query.attach_to", "use `complaint`, `message:<id>` or `step:<id>`")


async def _visibility(
    conn: Conn, principal: Principal, complaint_id: UUID, parent: str, parent_id: int | None
) -> bool:
    """Check the caller may attach here; return whether the complainant will see the file."""
    staff = principal.is_staff
    if parent == "step":
        require(principal, "investigation.write", "Attaching to an investigation step")
        cur = await conn.execute(queries.STEP, {"id": complaint_id, "parent_id": parent_id})
        if await cur.fetchone() is None:
            raise NotFound("No investigation step with this id belongs to this complaint.")
        return False
    if parent == "message":
        cur = await conn.execute(queries.MESSAGE, {"id": complaint_id, "parent_id": parent_id})
        row = await cur.fetchone()
        kind = MessageKind(row["kind"]) if row else None
        if kind is None or (not staff and kind is MessageKind.internal_note):
            raise NotFound("No message with this id is within your reach.")
        own_side = (
            {MessageKind.to_complainant, MessageKind.internal_note}
            if staff
            else {MessageKind.from_complainant}
        )
        if kind not in own_side:
            raise Conflict("Files go on messages from your own side of the thread.")
        return kind is not MessageKind.internal_note
    return not staff  # on the complaint itself: the complainant's own files, or staff's internal


async def upload(
    conn: Conn,
    storage: Storage,
    max_bytes: int,
    principal: Principal,
    complaint_id: UUID,
    file: Upload,
) -> dict[str, Any]:
    status = await reachable(conn, principal, complaint_id)
    require(principal, "attachment.write", "Attaching a file")
    parent, parent_id = _parent(file.attach_to)
    if not principal.is_staff and status in TERMINAL:
        raise Conflict(f"The case is {status}: files can be added while it is open.")
    if not file.data:
        raise _invalid("body", "the file is empty")
    if len(file.data) > max_bytes:  # the middleware refuses these first; kept as a backstop
        raise PayloadTooLarge(f"A file may be at most {max_bytes} bytes.")
    if not content.matches(file.content_type, file.data):
        raise UnsupportedMediaType(
            f"Accepted: {', '.join(sorted(content.ACCEPTED))}, and the file must be what its "
            "Content-Type says."
        )
    visible = await _visibility(conn, principal, complaint_id, parent, parent_id)
    attachment_id = uuid7()
    subject, role = actor(principal)
    await storage.put(attachment_id, file.data)
    try:
        cur = await conn.execute(
            queries.INSERT,
            {
                "attachment_id": attachment_id,
                "id": complaint_id,
                "parent": parent,
                "parent_id": parent_id,
                "filename": file.filename,
                "content_type": file.content_type,
                "size": len(file.data),
                "sha256": hashlib.sha256(file.data).digest(),
                "visible": visible,
                "actor_subject": subject,
                "actor_role": role,
            },
        )
        row = await cur.fetchone()
    except BaseException:
        await storage.delete(attachment_id)
        raise
    assert row is not None
    return row


async def list_attachments(
    conn: Conn, principal: Principal, complaint_id: UUID
) -> list[dict[str, Any]]:
    await reachable(conn, principal, complaint_id)
    require(principal, "attachment.read", "Reading attachments")
    cur = await conn.execute(
        queries.SELECT.format(extra=""), {"id": complaint_id, "staff": principal.is_staff}
    )
    return await cur.fetchall()


async def download(
    conn: Conn, storage: Storage, principal: Principal, complaint_id: UUID, attachment_id: UUID
) -> Download:
    await reachable(conn, principal, complaint_id)
    require(principal, "attachment.read", "Reading attachments")
    cur = await conn.execute(
        queries.SELECT.format(extra="AND id = %(attachment_id)s"),
        {"id": complaint_id, "staff": principal.is_staff, "attachment_id": attachment_id},
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound("No attachment with this id is within your reach.")
    data = await storage.get(attachment_id)
    if hashlib.sha256(data).digest() != row["sha256"]:
        raise AppError("The stored file does not match its checksum; it was not served.")
    subject, role = actor(principal)
    await conn.execute(
        queries.AUDIT_DOWNLOAD,
        {"actor_subject": subject, "actor_role": role, "object_id": str(attachment_id)},
    )
    return Download(row["filename"], row["content_type"], row["sha256"].hex(), data)
