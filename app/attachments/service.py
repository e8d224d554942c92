"""Attachments on complaints, messages and investigation steps.

The file is written to storage first, then its row (with a SHA-256) in the request's
transaction; if the row cannot be written the file is removed again. Downloads are verified
against the checksum and audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from app.attachments import content, queries
from app.attachments.schemas import AttachmentOut
from app.attachments.storage import Storage
from app.complaints.workflow import TERMINAL, Status
from app.kit.access import lock, reach
from app.kit.errors import (
    AppError,
    Conflict,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)
from app.kit.ids import uuid7
from app.kit.permissions import Permission, Role
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, compose, one
from app.kit.trail import audit
from app.messages.models import MessageKind


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
        principal.require(Permission.investigation_write, "Attaching to an investigation step")
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


_COMPLAINANT_SIDE = frozenset({Role.complainant, Role.resident})


@dataclass(frozen=True)
class Quota:
    """What the complainant's side may attach to one case in all."""

    files: int
    total_bytes: int


async def _within_quota(conn: Conn, quota: Quota, complaint_id: UUID, size: int) -> None:
    """Under the complaint's lock (taken by `upload`), so two uploads cannot both fit the last
    place."""
    cur = await conn.execute(queries.COMPLAINANT_FILES, {"id": complaint_id})
    held = await cur.fetchone()
    assert held is not None  # an aggregate always returns its row
    if held["files"] + 1 > quota.files:
        raise Conflict(
            f"A case holds at most {quota.files} files from the complainant; "
            "send further documents by post or ask the office."
        )
    if held["bytes"] + size > quota.total_bytes:
        raise Conflict(
            f"A case holds at most {quota.total_bytes // (1024 * 1024)} MiB of files from the "
            "complainant; this file would go beyond it."
        )


async def upload(
    conn: Conn,
    storage: Storage,
    max_bytes: int,
    quota: Quota,
    principal: Principal,
    complaint_id: UUID,
    file: Upload,
) -> AttachmentOut:
    case = await lock(conn, principal, complaint_id)
    parent, parent_id = _parent(file.attach_to)
    if not principal.is_staff and Status(case.status) in TERMINAL:
        raise Conflict(f"The case is {case.status}: files can be added while it is open.")
    if not file.data:
        raise _invalid("body", "the file is empty")
    if len(file.data) > max_bytes:  # the middleware refuses these first; kept as a backstop
        raise PayloadTooLarge(f"A file may be at most {max_bytes} bytes.")
    if not content.matches(file.content_type, file.data):
        raise UnsupportedMediaType(
            f"Accepted: {', '.join(sorted(content.ACCEPTED))}, and the file must be what its "
            "Content-Type says."
        )
    problem = content.name_problem(file.filename, file.content_type)
    if problem is not None:
        raise _invalid("query.filename", problem)
    if principal.roles & _COMPLAINANT_SIDE and not principal.is_staff:
        await _within_quota(conn, quota, complaint_id, len(file.data))
    visible = await _visibility(conn, principal, complaint_id, parent, parent_id)
    attachment_id = uuid7()
    # The file goes first; a row that then fails to commit leaves an orphan, which the worker's
    # sweep removes (app.retention.service.sweep_orphans). Removed here at once when it can be.
    await storage.put(attachment_id, file.data)
    try:
        attachment = await one(
            conn,
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
                "staff": principal.is_staff,
                **case.actor(principal).params,
            },
            AttachmentOut,
        )
    except BaseException:
        await storage.delete(attachment_id)
        raise
    assert attachment is not None  # an INSERT ... RETURNING of one row
    return attachment


async def list_attachments(
    conn: Conn, principal: Principal, complaint_id: UUID
) -> list[AttachmentOut]:
    await reach(conn, principal, complaint_id)
    return await all_rows(
        conn,
        compose(queries.SELECT, extra=""),
        {"id": complaint_id, "staff": principal.is_staff},
        AttachmentOut,
    )


async def download(
    conn: Conn, storage: Storage, principal: Principal, complaint_id: UUID, attachment_id: UUID
) -> Download:
    case = await reach(conn, principal, complaint_id)
    found = await one(
        conn,
        compose(queries.SELECT, extra=queries.ONE),
        {"id": complaint_id, "staff": principal.is_staff, "attachment_id": attachment_id},
        AttachmentOut,
    )
    if found is None:
        raise NotFound("No attachment with this id is within your reach.")
    data = await storage.get(attachment_id)
    if hashlib.sha256(data).hexdigest() != found.sha256:
        raise AppError("The stored file does not match its checksum; it was not served.")
    await audit(conn, case.actor(principal), "attachment.download", "attachment", attachment_id)
    return Download(found.filename, found.content_type, found.sha256, data)
