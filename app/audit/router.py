"""The auditor's routes: the audit trail and its verification, never case content."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.audit import chain, queries
from app.audit.schemas import (
    AuditEntryOut,
    AuditPage,
    AuditQuery,
    CheckpointQuery,
    VerificationOut,
)
from app.auth.deps import CurrentPrincipal
from app.auth.principals import Principal
from app.complaints.service import actor, require
from app.db import transaction
from app.errors import Unprocessable, problem_responses
from app.pagination import page_limit, split_page

router = APIRouter(prefix="/v1/audit", tags=["oversight"])


@router.get(
    "/entries",
    summary="The audit trail: who did what to which object, when",
    description=(
        "Oldest first, paged by id (`after`, `limit`), filtered by `action`, `object_type`, "
        "`object_id` or `actor`. Entries hold codes and ids only, never personal data; each "
        "shows its place in the hash chain once sealed. Role: auditor. Reading the trail is "
        "itself recorded on it."
    ),
    responses=problem_responses(401, 403, 422, 503),
)
async def list_entries(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    query: Annotated[AuditQuery, Query()],
) -> AuditPage:
    require(principal, "audit.read", "Reading the audit trail")
    size = page_limit(request.app.state.settings, query.limit)
    chosen = {k: v for k, v in query.model_dump().items() if k in queries.FILTERS and v}
    filters = "".join(f" AND {queries.FILTERS[k]}" for k in chosen)
    response.headers["Cache-Control"] = "private, no-store"
    async with transaction(request) as tx:
        cur = await tx.execute(
            queries.LIST.format(filters=filters),
            {**chosen, "after": query.after or 0, "limit": size + 1},
        )
        rows = await cur.fetchall()
        await _record(tx, principal, "audit.list", "entries", "success")
    page, next_after = split_page(rows, size, key=lambda r: r["id"])
    return AuditPage(items=[_entry(r) for r in page], next_after=next_after)


def _entry(row: dict[str, Any]) -> AuditEntryOut:
    digest = row["hash"]
    return AuditEntryOut(
        **{k: row[k] for k in queries.FIELDS},
        position=row["seq"],
        hash=bytes(digest).hex() if digest is not None else None,
    )


@router.get(
    "/verification",
    summary="Verify the audit trail's hash chain",
    description=(
        "Walks the sealed chain from the first entry and names the first broken link (an entry "
        "edited, deleted, moved or inserted without the key). With `position` and `hash` from a "
        "checkpoint exported earlier (`head_position` and `head_hash` of a verification), it "
        "also proves that nothing up to that point was removed or rewritten. Role: auditor."
    ),
    responses=problem_responses(401, 403, 422, 503),
)
async def verification(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    query: Annotated[CheckpointQuery, Query()],
) -> VerificationOut:
    require(principal, "audit.read", "Verifying the audit trail")
    if (query.position is None) != (query.hash is None):
        raise Unprocessable(
            "A checkpoint is a `position` and a `hash`, both.",
            [{"field": "query.hash", "message": "goes with position", "type": "value_error"}],
        )
    checkpoint = (
        chain.Checkpoint(query.position, query.hash.lower())
        if query.position is not None and query.hash is not None
        else None
    )
    settings = request.app.state.settings
    response.headers["Cache-Control"] = "private, no-store"
    pool = request.app.state.pool
    async with pool.connection() as conn:
        result = await chain.verify(
            conn, settings.audit_key.get_secret_value().encode(), checkpoint
        )
    async with transaction(request) as tx:
        await _record(
            tx, principal, "audit.verify", "chain", "intact" if result.intact else "broken"
        )
    return VerificationOut(**result.as_dict())


async def _record(tx: Any, principal: Principal, action: str, object_id: str, outcome: str) -> None:
    """Looking at the trail is itself on the trail."""
    subject, role = actor(principal)
    await tx.execute(
        queries.RECORD,
        {
            "actor_subject": subject,
            "actor_role": role,
            "action": action,
            "object_id": object_id,
            "outcome": outcome,
        },
    )
