"""Erasure requests (GDPR art. 17): asked for by the data subject or recorded by staff, with
their one-month deadline (extendable once by two months, with reasons: art. 12(3)), then executed
or refused by a head of office who did not record the request (four eyes). The data subject is
told each step in the case's thread.

Execution is irreversible: contact details, named persons, characteristics and files go, every
free text of the case is replaced, and the complainant's account is replaced by its keyed
pseudonym wherever it names them; the case's codes, dates and decisions stay (the office's
record and the statistics, which move the case to `not_stated` when it is folded). A legal hold
blocks it, and so does an open case (withdraw or close it first). A refusal names its ground of
GDPR art. 17(3).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from app.attachments.storage import Storage
from app.complaints.workflow import TERMINAL, Status
from app.config import Settings
from app.datasubject import queries
from app.datasubject.schemas import (
    Channel,
    Decision,
    ErasureDecisionIn,
    ErasureExtensionIn,
    ErasureRequestIn,
    ErasureRequestOut,
    ErasureRequests,
)
from app.kit.access import lock, reach
from app.kit.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.kit.notify import notify_complainant
from app.kit.permissions import Permission
from app.kit.principals import Principal, account_pseudonym
from app.kit.sql import Conn, all_rows, one

log = logging.getLogger("ombuds.erasure")


async def record(
    conn: Conn, principal: Principal, complaint_id: UUID, body: ErasureRequestIn
) -> ErasureRequestOut:
    """A request made by the data subject here (online), or received by staff otherwise."""
    case = await lock(conn, principal, complaint_id)
    if principal.may(Permission.erasure_handle):
        if body.channel is None:
            raise Unprocessable(
                "Say how the request reached the office.",
                [{"field": "body.channel", "message": "required", "type": "missing"}],
            )
        channel, actor = body.channel, case.actor(principal, Permission.erasure_handle)
    else:
        if body.channel not in (None, Channel.online):
            raise Unprocessable(
                "A request made here is an online one.",
                [{"field": "body.channel", "message": "only `online`", "type": "value_error"}],
            )
        channel, actor = Channel.online, case.actor(principal, Permission.erasure_request)
    request = await one(
        conn,
        queries.RECORD,
        {"id": complaint_id, "channel": channel.value, **actor.params},
        ErasureRequestOut,
    )
    if request is None:
        raise Conflict("An erasure request is pending on this case already.")
    return request


async def list_requests(conn: Conn, principal: Principal, complaint_id: UUID) -> ErasureRequests:
    await reach(conn, principal, complaint_id)
    requests = await all_rows(conn, queries.LIST, {"id": complaint_id}, ErasureRequestOut)
    return ErasureRequests(requests=requests)


async def _pending(conn: Conn, complaint_id: UUID, request_id: int) -> dict[str, Any]:
    cur = await conn.execute(queries.PENDING, {"id": complaint_id, "rid": request_id})
    current = await cur.fetchone()
    if current is None:
        raise NotFound("No erasure request with this id on this case.")
    if current["status"] != "pending":
        raise Conflict(f"This request was {current['status']} already.")
    return current


async def extend(
    conn: Conn, principal: Principal, complaint_id: UUID, request_id: int, body: ErasureExtensionIn
) -> ErasureRequestOut:
    """GDPR art. 12(3): once, by two further months at most, telling the data subject why."""
    await lock(conn, principal, complaint_id)
    current = await _pending(conn, complaint_id, request_id)
    if current["extended_at"] is not None:
        raise Conflict("The deadline was extended already: art. 12(3) allows it once.")
    if current["due_at"] < datetime.now(UTC):
        raise Conflict("The deadline has passed: it can no longer be extended.")
    cur = await conn.execute(queries.EXTENDED_DUE, {"rid": request_id, "months": body.months})
    due = (await cur.fetchone() or {})["due"]
    notice = (
        f"The answer to your request to erase your personal data will come by "
        f"{due:%d %B %Y}, not within one month: {body.reason}"
    )
    extended = await one(
        conn,
        queries.EXTEND,
        {
            "rid": request_id,
            "months": body.months,
            "reason": body.reason,
            "notice": notice,
            **principal.actor.params,
        },
        ErasureRequestOut,
    )
    assert extended is not None  # locked and checked above
    return extended


async def decide(
    conn: Conn,
    settings: Settings,
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
    current = await _pending(conn, complaint_id, request_id)
    if current["recorded_by"] == principal.subject:
        raise Forbidden("Four eyes: whoever recorded an erasure request does not decide it.")
    files: list[UUID] = []
    if body.decision is Decision.execute:
        if current["legal_hold_at"] is not None:
            raise Conflict("A legal hold is set on this case: it cannot be erased.")
        if Status(current["complaint_status"]) not in TERMINAL:
            raise Conflict("The case is open: withdraw or close it before erasing it.")
    # The data subject is emailed a refusal. An erasure takes their address with the rest (and
    # every email about the case): the office answers it through the channel the request came
    # by, and the case page says it.
    if body.decision is Decision.refuse:
        await notify_complainant(conn, "erasure_answered", complaint_id)
    if body.decision is Decision.execute:
        cur = await conn.execute(queries.FILES, {"id": complaint_id})
        files = [r["id"] for r in await cur.fetchall()]
        account = current["complainant_subject"]
        params = {
            "id": complaint_id,
            "erased": queries.ERASED,
            "account": account,
            "pseudonym": (
                account_pseudonym(settings.receipt_key.get_secret_value(), account)
                if account
                else None
            ),
            **principal.actor.params,
        }
        for statement in queries.ERASE:
            await conn.execute(statement, params)
        await conn.execute(queries.ERASE_COMPLAINT, params)
        notice = (
            "Your personal data in this case has been erased, as you asked: the texts, files, "
            f"contact details and characteristics are gone. {body.reason}"
        )
    else:
        assert body.ground is not None  # checked above
        notice = (
            "Your request to erase your personal data in this case is refused, on the ground "
            f"of GDPR art. 17(3) `{body.ground.value}`: {body.reason} You may complain to the "
            "data protection authority."
        )
    decided = await one(
        conn,
        queries.DECIDE,
        {
            "rid": request_id,
            "status": "executed" if body.decision is Decision.execute else "refused",
            "ground": body.ground.value if body.ground else None,
            "reason": body.reason,
            "notice": notice,
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
