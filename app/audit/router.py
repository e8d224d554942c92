"""The auditor's routes: the audit trail and its verification, never case content."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.audit import service
from app.audit.schemas import AuditPage, AuditQuery, CheckpointQuery, VerificationOut
from app.kit.access import allow
from app.kit.errors import LIST_READ
from app.kit.http import Tx
from app.kit.pagination import page_limit
from app.kit.permissions import Permission as P
from app.kit.principals import Principal

router = APIRouter(prefix="/v1/audit", tags=["oversight"])
Auditor = Annotated[Principal, allow(P.audit_read)]


@router.get(
    "/entries",
    summary="The audit trail: who did what to which object, when",
    description=(
        "Oldest first, paged by id (`after`, `limit`), filtered by `action`, `object_type`, "
        "`object_id` or `actor`. Entries hold codes and ids only, never personal data; each "
        "shows its place in the hash chain once sealed. Role: auditor. Reading the trail is "
        "itself recorded on it."
    ),
    responses=LIST_READ,
)
async def list_entries(
    request: Request, tx: Tx, principal: Auditor, query: Annotated[AuditQuery, Query()]
) -> AuditPage:
    size = page_limit(request.app.state.settings, query.limit)
    return await service.list_entries(tx, principal, query, size)


@router.get(
    "/verification",
    summary="Verify the audit trail's hash chain",
    description=(
        "Walks the sealed chain from the first entry and names the first broken link (an entry "
        "edited, deleted, moved or inserted without the key). With `position` and `hash` from a "
        "checkpoint exported earlier (`head_position` and `head_hash` of a verification), it "
        "also proves that nothing up to that point was removed or rewritten. Role: auditor."
    ),
    responses=LIST_READ,
)
async def verification(
    request: Request, principal: Auditor, query: Annotated[CheckpointQuery, Query()]
) -> VerificationOut:
    checkpoint = service.checkpoint_of(query)
    key = request.app.state.settings.audit_key.get_secret_value().encode()
    # Its own connection: the walk is one REPEATABLE READ snapshot of the whole chain.
    async with request.app.state.pool.connection() as conn:
        return await service.verify(conn, principal, key, checkpoint)
