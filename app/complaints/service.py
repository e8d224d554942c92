"""Complaint use cases. Each takes the request's connection (already inside a transaction) and
never commits: the transaction dependency commits once when the route returns."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter

from app.auth.policy import Role, roles_holding
from app.auth.principals import Principal
from app.auth.tokens import issue
from app.complaints import queries, receipts
from app.complaints.schemas import (
    AssignmentIn,
    AssignmentOut,
    ComplaintIn,
    ComplaintListItem,
    ComplaintOut,
    ComplaintPage,
    ContactOut,
    Deadlines,
    Filed,
    Incident_,
    InquiryIn,
    InquiryOut,
    NamedPerson,
    OverdueFilter,
    RecusalIn,
    RecusalOut,
    Recusals,
    RedactionIn,
    RedactionOut,
    Timeline,
    TimelineEntryOut,
    TransitionIn,
    TransitionOut,
)
from app.complaints.workflow import (
    GUARD_DESCRIPTIONS,
    TERMINAL,
    Action,
    CaseEvent,
    Status,
    permission_for,
    transition_for,
)
from app.config import Settings
from app.crypto import CONTACT, NAMED_PERSONS, Sealer, SealError
from app.db import Conn
from app.errors import (
    AppError,
    Conflict,
    Forbidden,
    GuardFailed,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    Unauthorized,
    Unprocessable,
)
from app.ids import uuid7
from app.taxonomy import Track

ANONYMOUS = "anonymous"


def actor(principal: Principal | None) -> tuple[str, str]:
    """(subject, role) recorded on timeline and audit entries."""
    if principal is None:
        return ANONYMOUS, "public"
    return principal.subject, principal.primary_role


async def file_complaint(
    conn: Conn, settings: Settings, sealer: Sealer, body: ComplaintIn, principal: Principal | None
) -> Filed:
    receipt = receipts.new_receipt()
    complaint_id = uuid7()
    contact_key, contact_sealed = (None, None)
    if body.contact is not None:
        contact_key, contact_sealed = sealer.seal(
            body.contact.model_dump_json(exclude_none=True).encode(), complaint_id, CONTACT
        )
    named_key, named_sealed = (None, None)
    if body.named_persons:
        named = TypeAdapter(list[NamedPerson]).dump_json(body.named_persons, exclude_none=True)
        named_key, named_sealed = sealer.seal(named, complaint_id, NAMED_PERSONS)
    ack_days, feedback_months = settings.deadlines(body.track)
    resident = principal.subject if principal and Role.resident in principal.roles else None
    subject, role = actor(principal)
    sql = queries.file_sql(
        contact=contact_sealed is not None,
        named=named_sealed is not None,
        traits=body.characteristics is not None,
    )
    cur = await conn.execute(
        sql,
        {
            "id": complaint_id,
            "body": body.model_dump_json(exclude={"contact", "named_persons"}),
            "contact_key": contact_key,
            "contact_sealed": contact_sealed,
            "named_key": named_key,
            "named_sealed": named_sealed,
            "prefix": settings.reference_prefix,
            "receipt_hash": receipts.receipt_hash(
                settings.receipt_key.get_secret_value().encode(), receipt
            ),
            "anonymous": body.contact is None and resident is None,
            "complainant_subject": resident,
            "department": settings.department_of(body.respondent),
            "ack_days": ack_days,
            "feedback_months": feedback_months,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return Filed(receipt=receipt, **row)


async def open_inquiry(
    conn: Conn, settings: Settings, principal: Principal, body: InquiryIn
) -> InquiryOut:
    require(principal, "inquiry.open", "Opening an own-initiative inquiry")
    if body.track not in principal.tracks:
        raise Forbidden(f"Your role does not work on the {body.track} track.")
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.INQUIRY,
        {
            "id": uuid7(),
            "prefix": settings.reference_prefix,
            "track": body.track.value,
            "summary": body.summary,
            "description": body.description,
            "rights": [r.value for r in body.rights_affected],
            "grounds": [g.value for g in body.discrimination_grounds],
            "respondent": body.respondent,
            "department": settings.department_of(body.respondent),
            "purpose": body.purpose,
            "language": body.language.value,
            "handler": body.handler or principal.subject,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return InquiryOut(**row)


async def receipt_login(conn: Conn, settings: Settings, reference: str, receipt: str) -> str:
    reference = reference.strip().upper()
    cur = await conn.execute(queries.RECEIPT_LOOKUP, {"reference": reference})
    row = await cur.fetchone()
    key = settings.receipt_key.get_secret_value().encode()
    if not receipts.matches(key, receipt, row["receipt_hash"] if row else None):
        raise Unauthorized("The reference and receipt do not match.")
    assert row is not None
    subject = f"receipt:{reference}"
    await _audit(conn, subject, Role.complainant.value, "auth.receipt", row["id"])
    return issue(
        settings,
        subject=subject,
        roles=[Role.complainant],
        ttl_seconds=settings.receipt_token_ttl_seconds,
        complaint_id=row["id"],
    )


def _deadlines(row: dict[str, Any]) -> Deadlines:
    return Deadlines(**{name: row[name] for name in Deadlines.model_fields})


def pseudonym(settings: Settings, complaint_id: UUID) -> str:
    """How handlers on the confidential track refer to a reporter: stable, and says nothing."""
    key = settings.receipt_key.get_secret_value().encode()
    digest = hmac.new(key, b"pseudonym:" + complaint_id.bytes, hashlib.sha256).hexdigest()
    return f"Reporter {digest[:6].upper()}"


async def get_complaint(
    conn: Conn, settings: Settings, sealer: Sealer, principal: Principal, complaint_id: UUID
) -> ComplaintOut:
    visible, params = queries.visibility(principal)
    read_contact = principal.may("complaint.read_contact") and principal.is_staff
    cur = await conn.execute(
        queries.GET.format(visible=visible),
        {**params, "id": complaint_id, "read_contact": read_contact},
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound("No complaint with this id is within your reach.")
    contact = None
    if row["contact_sealed"] is not None:
        try:
            opened = sealer.open(row["contact_key"], row["contact_sealed"], complaint_id, CONTACT)
        except SealError as exc:
            raise AppError(
                "The contact details could not be opened; they were not served."
            ) from exc
        contact = ContactOut.model_validate_json(opened)
        # Reading someone's contact details is recorded.
        await _audit(conn, *actor(principal), "complaint.read_contact", complaint_id)
    named_persons = None
    if row["named_sealed"] is not None:
        try:
            opened = sealer.open(row["named_key"], row["named_sealed"], complaint_id, NAMED_PERSONS)
        except SealError as exc:
            raise AppError("The named persons could not be opened; not served.") from exc
        named_persons = TypeAdapter(list[NamedPerson]).validate_json(opened)
        await _audit(conn, *actor(principal), "complaint.read_named_persons", complaint_id)
    return ComplaintOut(
        id=row["id"],
        reference=row["reference"],
        origin=row["origin"],
        track=row["track"],
        status=row["status"],
        version=row["version"],
        handler=row["handler_subject"] if principal.is_staff else None,
        referred_to=row["referred_to"],
        priority=row["priority"],
        retaliation_against=row["retaliation_against"],
        reporter=(
            pseudonym(settings, complaint_id)
            if principal.is_staff and row["track"] == Track.anti_corruption
            else None
        ),
        summary=row["summary"],
        description=row["description"],
        rights_affected=row["rights_affected"],
        discrimination_grounds=row["discrimination_grounds"],
        respondent=row["respondent"],
        incident=Incident_(
            date_from=row["incident_from"],
            date_to=row["incident_to"],
            location=row["incident_location"],
        ),
        remedy_sought=row["remedy_sought"],
        language=row["language"],
        anonymous=row["anonymous"],
        received_at=row["received_at"],
        updated_at=row["updated_at"],
        deadlines=_deadlines(row),
        contact=contact,
        named_persons=named_persons,
    )


async def _lock(conn: Conn, principal: Principal, complaint_id: UUID) -> dict[str, Any]:
    """Load and lock a complaint within the principal's reach (404 otherwise)."""
    visible, params = queries.visibility(principal)
    cur = await conn.execute(queries.LOCK.format(visible=visible), {**params, "id": complaint_id})
    row = await cur.fetchone()
    if row is None:
        raise NotFound("No complaint with this id is within your reach.")
    return row


async def reachable(conn: Conn, principal: Principal, complaint_id: UUID) -> Status:
    """The status of a complaint within the principal's reach; 404 for any other.

    The entry point for other rooms (messages, case work) that hang things off a complaint.
    """
    visible, params = queries.visibility(principal)
    cur = await conn.execute(
        queries.VISIBLE_ID.format(visible=visible), {**params, "id": complaint_id}
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound("No complaint with this id is within your reach.")
    return Status(row["status"])


def require(principal: Principal, permission: str, what: str) -> None:
    if not principal.may(permission):
        allowed = ", ".join(r.value for r in roles_holding(permission))
        raise Forbidden(f"{what} needs one of these roles: {allowed}.")


def _check_version(if_match: str, version: int) -> None:
    expected = parse_if_match(if_match)
    if expected is not None and expected != version:
        raise PreconditionFailed(
            "The complaint changed since you read it; fetch it again and retry with its ETag."
        )


def parse_if_match(header: str) -> int | None:
    """The version named by an If-Match header; None for `*` (any current version)."""
    header = header.strip()
    if header == "*":
        return None
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith('"v') and tag.endswith('"') and tag[2:-1].isdigit():
            return int(tag[2:-1])
    return -1  # nothing we ever issued: cannot match


def etag(version: int) -> str:
    return f'"v{version}"'


async def transition(
    conn: Conn,
    settings: Settings,
    principal: Principal,
    complaint_id: UUID,
    body: TransitionIn,
    if_match: str,
) -> TransitionOut:
    row = await _lock(conn, principal, complaint_id)
    action = body.action
    require(principal, permission_for(action), f"`{action}`")
    _check_version(if_match, row["version"])
    source = Status(row["status"])
    step = transition_for(source, action)
    if step is None:
        raise InvalidTransition(f"`{action}` is not allowed from `{source}`.")
    if step.reason_required and not body.reason:
        raise Unprocessable(
            f"`{action}` needs a reason.",
            [{"field": "body.reason", "message": "required for this action", "type": "missing"}],
        )
    if step.names_competent_body != (body.referred_to is not None):
        message = (
            "name the competent body the complaint is referred to"
            if step.names_competent_body
            else "only `refer` names a competent body"
        )
        raise Unprocessable(
            f"`{action}`: {message}.",
            [{"field": "body.referred_to", "message": message, "type": "value_error"}],
        )
    if step.guards:
        cur = await conn.execute(queries.GUARDS, {"id": complaint_id})
        met = await cur.fetchone()
        assert met is not None
        unmet = [g for g in step.guards if not met[g.value]]
        if unmet:
            raise GuardFailed(
                f"`{action}` needs: " + " ".join(GUARD_DESCRIPTIONS[g] for g in unmet)
            )
    subject, role = actor(principal)
    _, feedback_months = settings.deadlines(row["track"])
    cur = await conn.execute(
        queries.TRANSITION,
        {
            "id": complaint_id,
            "version": row["version"],
            "source": source.value,
            "target": step.target.value,
            "action": action.value,
            "reason": body.reason,
            "visible": step.visible_to_complainant,
            "acknowledges": step.acknowledges,
            "gives_feedback": step.gives_feedback,
            "feedback_months": feedback_months,
            "decides": step.decides,
            "investigates": step.target is Status.under_investigation,
            "finishes": step.target in TERMINAL,
            "retention_years": settings.retention_for(
                row["track"], findings=step.target is Status.closed
            ),
            "decision_months": settings.decision_months(row["track"]),
            "referred_to": body.referred_to,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    done = await cur.fetchone()
    if done is None:  # the row is locked above, so only a concurrent schema change gets here
        raise PreconditionFailed("The complaint changed while the action was applied.")
    if action is Action.issue_findings:
        await conn.execute(queries.MARK_FINDINGS_ISSUED, {"id": complaint_id})
    return TransitionOut(
        id=done["id"],
        reference=done["reference"],
        status=done["status"],
        version=done["version"],
        updated_at=done["updated_at"],
        deadlines=_deadlines(done),
        entry=TimelineEntryOut(
            id=done["entry_id"],
            at=done["entry_at"],
            action=action.value,
            from_status=source,
            to_status=step.target,
            reason=body.reason,
            actor_role=role,
            actor_subject=subject if principal.is_staff else None,
            visible_to_complainant=step.visible_to_complainant,
        ),
    )


async def timeline(conn: Conn, principal: Principal, complaint_id: UUID) -> Timeline:
    await reachable(conn, principal, complaint_id)
    staff = principal.is_staff
    cur = await conn.execute(queries.TIMELINE, {"id": complaint_id, "staff": staff})
    entries = [
        TimelineEntryOut(
            **{
                **r,
                "actor_subject": r["actor_subject"] if staff else None,
                "about_subject": r["about_subject"] if staff else None,
            }
        )
        for r in await cur.fetchall()
    ]
    return Timeline(complaint_id=complaint_id, entries=entries)


def encode_cursor(received_at: datetime, complaint_id: UUID) -> str:
    raw = json.dumps([received_at.isoformat(), str(complaint_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, cid = json.loads(raw)
        return datetime.fromisoformat(at), UUID(cid)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise Unprocessable(
            "The cursor is not one this API issued.",
            [{"field": "query.cursor", "message": "invalid cursor", "type": "value_error"}],
        ) from exc


async def list_complaints(
    conn: Conn,
    principal: Principal,
    *,
    limit: int,
    cursor: str | None,
    statuses: list[Status] | None,
    track: Track | None,
    overdue: OverdueFilter | None,
    received_from: datetime | None,
    received_to: datetime | None,
    handler: str | None,
    unassigned: bool,
    priority: bool,
) -> ComplaintPage:
    if not principal.may("complaint.list"):
        raise Forbidden("Your role cannot list complaints.")
    visible, params = queries.visibility(principal)
    filters: list[str] = []
    if statuses:
        filters.append("c.status = ANY(%(statuses)s)")
        params["statuses"] = [s.value for s in statuses]
    if track is not None:
        filters.append("c.track = %(track)s")
        params["track"] = track.value
    if overdue == "acknowledgement":
        filters.append(
            "c.acknowledged_at IS NULL AND c.acknowledge_by < now() AND c.status <> 'withdrawn'"
        )
    elif overdue == "feedback":
        filters.append(
            "c.feedback_given_at IS NULL AND c.feedback_by < now() AND c.status <> 'withdrawn'"
        )
    if handler is not None:
        filters.append("c.handler_subject = %(handler)s")
        params["handler"] = principal.subject if handler == "me" else handler
    if unassigned:
        filters.append("c.handler_subject IS NULL")
    if priority:
        filters.append("c.priority")
    if received_from is not None:
        filters.append("c.received_at >= %(received_from)s")
        params["received_from"] = received_from
    if received_to is not None:
        filters.append("c.received_at < %(received_to)s")
        params["received_to"] = received_to
    if cursor:
        params["cursor_at"], params["cursor_id"] = decode_cursor(cursor)
        filters.append("(c.received_at, c.id) < (%(cursor_at)s, %(cursor_id)s)")
    sql = queries.LIST.format(visible=visible, filters="".join(f" AND {f}" for f in filters))
    cur = await conn.execute(sql, {**params, "limit": limit + 1})
    rows = await cur.fetchall()
    items = [
        ComplaintListItem(
            id=r["id"],
            reference=r["reference"],
            track=r["track"],
            status=r["status"],
            handler=r["handler_subject"] if principal.is_staff else None,
            priority=r["priority"],
            summary=r["summary"],
            received_at=r["received_at"],
            deadlines=_deadlines(r),
        )
        for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(last["received_at"], last["id"])
    return ComplaintPage(items=items, next_cursor=next_cursor)


async def assign(
    conn: Conn, principal: Principal, complaint_id: UUID, body: AssignmentIn, if_match: str
) -> AssignmentOut:
    """Set, change or clear who handles a complaint (head of office)."""
    row = await _lock(conn, principal, complaint_id)
    require(principal, "complaint.assign", "Assigning a complaint")
    _check_version(if_match, row["version"])
    current, new = row["handler_subject"], body.handler
    if new == current:  # PUT is idempotent: nothing to change, nothing recorded
        return AssignmentOut(
            id=complaint_id,
            handler=current,
            version=row["version"],
            updated_at=row["updated_at"],
            entry=None,
        )
    if current is not None and not body.reason:
        raise Unprocessable(
            "Reassigning or unassigning needs a reason.",
            [{"field": "body.reason", "message": "required to reassign", "type": "missing"}],
        )
    if new is not None:
        cur = await conn.execute(
            "SELECT 1 FROM recusals WHERE complaint_id = %(id)s AND subject = %(subject)s",
            {"id": complaint_id, "subject": new},
        )
        if await cur.fetchone() is not None:
            raise Conflict(f"{new} is recused from this complaint and cannot handle it.")
    event = CaseEvent.assign if new is not None else CaseEvent.unassign
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.ASSIGN,
        {
            "id": complaint_id,
            "version": row["version"],
            "handler": new,
            "event": event.value,
            "reason": body.reason,
            "about": new if new is not None else current,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    done = await cur.fetchone()
    assert done is not None  # the row is locked and its version checked above
    return AssignmentOut(
        id=complaint_id,
        handler=done["handler_subject"],
        version=done["version"],
        updated_at=done["updated_at"],
        entry=TimelineEntryOut(
            id=done["entry_id"],
            at=done["entry_at"],
            action=event.value,
            from_status=done["status"],
            to_status=done["status"],
            reason=body.reason,
            actor_role=role,
            actor_subject=subject,
            visible_to_complainant=False,
            about_subject=new if new is not None else current,
        ),
    )


async def recuse(
    conn: Conn, principal: Principal, complaint_id: UUID, body: RecusalIn
) -> RecusalOut:
    """Keep a person away from a complaint: one's own declared conflict, or an exclusion."""
    row = await _lock(conn, principal, complaint_id)
    target = body.subject or principal.subject
    if target == principal.subject:
        require(principal, "complaint.recuse", "Declaring a conflict of interest")
        kind, event = "declared", CaseEvent.recuse
    else:
        require(principal, "complaint.exclude", "Excluding someone from a complaint")
        kind, event = "excluded", CaseEvent.exclude
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.RECUSE,
        {
            "id": complaint_id,
            "subject": target,
            "kind": kind,
            "reason": body.reason,
            "event": event.value,
            "status": row["status"],
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    done = await cur.fetchone()
    if done is None:
        raise Conflict(f"{target} is already recused from this complaint.")
    return RecusalOut(**{k: v for k, v in done.items() if k != "complaint_id"})


async def list_recusals(conn: Conn, principal: Principal, complaint_id: UUID) -> Recusals:
    await reachable(conn, principal, complaint_id)
    require(principal, "complaint.exclude", "Listing recusals")
    cur = await conn.execute(queries.RECUSALS, {"id": complaint_id})
    return Recusals(
        complaint_id=complaint_id, recusals=[RecusalOut(**r) for r in await cur.fetchall()]
    )


async def redact(
    conn: Conn, principal: Principal, complaint_id: UUID, body: RedactionIn
) -> RedactionOut:
    """Remove personal data found manifestly irrelevant (art. 17), recording the removal."""
    await _lock(conn, principal, complaint_id)
    require(principal, "complaint.redact", "Removing irrelevant personal data")
    cur = await conn.execute(queries.FIELD_VALUE[body.field], {"id": complaint_id})
    current = await cur.fetchone()
    occurrences = (current["value"] or "").count(body.remove) if current else 0
    if occurrences == 0:
        raise Unprocessable(
            f"The text to remove does not occur in {body.field}.",
            [{"field": "body.remove", "message": "not found in the field", "type": "value_error"}],
        )
    subject, role = actor(principal)
    cur = await conn.execute(
        queries.REDACT[body.field],
        {
            "id": complaint_id,
            "remove": body.remove,
            "occurrences": occurrences,
            "reason": body.reason,
            "actor_subject": subject,
            "actor_role": role,
        },
    )
    row = await cur.fetchone()
    assert row is not None  # the row is locked and the text found above
    return RedactionOut(**row)


async def _audit(conn: Conn, subject: str, role: str, action: str, object_id: UUID) -> None:
    await conn.execute(
        queries.AUDIT,
        {
            "actor_subject": subject,
            "actor_role": role,
            "action": action,
            "object_type": "complaint",
            "object_id": str(object_id),
        },
    )
