"""The one writer of timeline and audit entries.

Every change writes its entries in the statement (or at least the transaction) that makes it.
Writes that are one statement embed the CTEs built here; the rest call `audit`. Nothing else in
the code inserts into `timeline_entries` or `audit_entries` (a test checks it), so what an entry
holds is decided once: the actor is always the `actor_subject`/`actor_role` parameters
(`Actor.params`), and audit entries hold ids and codes, never personal data: for a resident the
audit trail names the keyed account pseudonym (`audit_subject`), never the account id.
"""

from __future__ import annotations

from enum import StrEnum

from psycopg import sql

from app.kit.principals import Actor
from app.kit.sql import Conn


class CaseEvent(StrEnum):
    """What a timeline entry may record besides a workflow transition (the status stays as it
    is). The timeline's own vocabulary, so it is one list."""

    file = "file"
    assign = "assign"
    unassign = "unassign"
    recuse = "recuse"
    exclude = "exclude"
    classify = "classify"
    communicate_decision = "communicate_decision"
    hearing_scheduled = "hearing_scheduled"
    hearing_rescheduled = "hearing_rescheduled"
    hearing_cancelled = "hearing_cancelled"
    hearing_held = "hearing_held"
    mediation_settled = "mediation_settled"
    mediation_failed = "mediation_failed"
    record_shared = "record_shared"
    record_approved = "record_approved"
    record_corrected = "record_corrected"
    legal_hold_set = "legal_hold_set"
    legal_hold_lifted = "legal_hold_lifted"


_AUDIT_CTE = """{name} AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(audit_subject)s, %(actor_role)s, {action}, {object_type}, ({object_id})::text
  FROM {source}
)"""

_TIMELINE_CTE = """{name} AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, reason, visible_to_complainant, about_subject)
  SELECT {complaint}, %(actor_subject)s, %(actor_role)s, {action}, {from_status}, {to_status},
         {reason}, {visible}, {about}
  FROM {source}{order}{returning}
)"""


def audit_cte(
    source: str, action: str, object_type: str, object_id: str, name: str = "audit"
) -> str:
    """A CTE writing one audit entry per row of `source`.

    `action` and `object_id` are SQL expressions over `source` (`'remedy.' || %(kind)s`,
    `r.id`); `object_type` is a code.
    """
    return (
        sql.SQL(_AUDIT_CTE)
        .format(
            name=sql.Identifier(name),
            action=sql.SQL(action),
            object_type=sql.Literal(object_type),
            object_id=sql.SQL(object_id),
            source=sql.SQL(source),
        )
        .as_string()
    )


def timeline_cte(
    source: str,
    complaint: str,
    action: str,
    from_status: str,
    to_status: str | None = None,
    *,
    reason: str = "NULL",
    visible: str = "true",
    about: str = "NULL",
    name: str = "entry",
    order_by: str = "",
    returning: bool = False,
) -> str:
    """A CTE writing one timeline entry per row of `source` (each argument an SQL expression
    over it; `to_status` defaults to `from_status`: most entries leave the state as it is);
    with `returning`, it yields `entry_id` and `entry_at`."""
    return (
        sql.SQL(_TIMELINE_CTE)
        .format(
            name=sql.Identifier(name),
            complaint=sql.SQL(complaint),
            action=sql.SQL(action),
            from_status=sql.SQL(from_status),
            to_status=sql.SQL(to_status or from_status),
            reason=sql.SQL(reason),
            visible=sql.SQL(visible),
            about=sql.SQL(about),
            source=sql.SQL(source),
            order=sql.SQL(f" ORDER BY {order_by}" if order_by else ""),
            returning=sql.SQL("\n  RETURNING id AS entry_id, at AS entry_at" if returning else ""),
        )
        .as_string()
    )


_AUDIT = """
INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id, outcome)
VALUES (%(audit_subject)s, %(actor_role)s, %(action)s, %(object_type)s, %(object_id)s,
        %(outcome)s)
"""


async def audit(
    conn: Conn,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    outcome: str = "success",
) -> None:
    """One audit entry, for what is not itself a write (a read of personal data, an export)."""
    await conn.execute(
        _AUDIT,
        {
            **actor.params,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "outcome": outcome,
        },
    )
