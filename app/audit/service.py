"""Reading and verifying the audit trail, for the auditor. Looking at the trail is itself on
the trail."""

from __future__ import annotations

from app.audit import chain, queries
from app.audit.schemas import AuditEntryOut, AuditPage, AuditQuery, CheckpointQuery, VerificationOut
from app.kit.errors import Unprocessable
from app.kit.pagination import split_page
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, compose, conditions
from app.kit.trail import audit


async def list_entries(
    conn: Conn, principal: Principal, query: AuditQuery, limit: int
) -> AuditPage:
    chosen = {k: v for k, v in query.model_dump().items() if k in queries.FILTERS and v}
    filters = conditions([queries.FILTERS[k] for k in chosen])
    rows = await all_rows(
        conn,
        compose(queries.LIST, filters=filters),
        {**chosen, "after": query.after or 0, "limit": limit + 1},
        AuditEntryOut,
    )
    await audit(conn, principal.actor, "audit.list", "audit_trail", "entries")
    page, next_after = split_page(rows, limit, key=lambda r: r.id)
    return AuditPage(items=page, next_after=next_after)


def checkpoint_of(query: CheckpointQuery) -> chain.Checkpoint | None:
    if (query.position is None) != (query.hash is None):
        raise Unprocessable(
            "A checkpoint is a `position` and a `hash`, both.",
            [{"field": "query.hash", "message": "goes with position", "type": "value_error"}],
        )
    if query.position is None or query.hash is None:
        return None
    return chain.Checkpoint(query.position, query.hash.lower())


async def verify(
    conn: Conn, principal: Principal, key: bytes, checkpoint: chain.Checkpoint | None
) -> VerificationOut:
    result = await chain.verify(conn, key, checkpoint)
    outcome = "intact" if result.intact else "broken"
    await audit(conn, principal.actor, "audit.verify", "audit_trail", "chain", outcome)
    return VerificationOut(**result.as_dict())
