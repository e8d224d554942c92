"""Complaint use cases. Each takes the request's connection (already inside a transaction) and
never commits: the transaction dependency commits once when the route returns."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from uuid import UUID

from pydantic import TypeAdapter

from app.auth.tokens import issue
from app.complaints import queries, receipts
from app.complaints.schemas import (
    AssignmentIn,
    AssignmentOut,
    ClassificationIn,
    ClassificationOut,
    Codes,
    ComplaintIn,
    ComplaintListItem,
    ComplaintOut,
    ComplaintPage,
    ComplaintQuery,
    Deadlines,
    Filed,
    InquiryIn,
    InquiryOut,
    NamedPersons,
    RecusalIn,
    RecusalOut,
    Recusals,
    RedactionIn,
    RedactionOut,
    RetaliationIn,
    Timeline,
    TimelineEntryOut,
    TransitionIn,
    TransitionOut,
)
from app.complaints.workflow import (
    GUARD_DESCRIPTIONS,
    OPEN,
    TERMINAL,
    Action,
    Status,
    permission_for,
    transition_for,
)
from app.config import Settings
from app.crypto import CHARACTERISTICS, CONTACT, NAMED_PERSONS, Sealer
from app.kit import metrics
from app.kit.access import NOT_IN_REACH, lock, reach, visibility
from app.kit.errors import (
    Conflict,
    Forbidden,
    GuardFailed,
    InvalidTransition,
    NotFound,
    Unauthorized,
    Unprocessable,
)
from app.kit.http import check_version
from app.kit.ids import uuid7
from app.kit.notify import email_language
from app.kit.pagination import decode_cursor, encode_cursor
from app.kit.permissions import Permission, Role
from app.kit.principals import Actor, Principal, actor_of, reporter_actor
from app.kit.sealed import ContactOut, open_sealed
from app.kit.sql import Conn, all_rows, compose, conditions, one
from app.kit.trail import CaseEvent, audit
from app.taxonomy import Track

_CURSOR: TypeAdapter[tuple[datetime, UUID]] = TypeAdapter(tuple[datetime, UUID])


def _resident(principal: Principal | None) -> str | None:
    return principal.subject if principal and Role.resident in principal.roles else None


async def file_complaint(
    conn: Conn, settings: Settings, sealer: Sealer, body: ComplaintIn, principal: Principal | None
) -> Filed:
    """A new complaint, from anyone; anonymous unless the office turned that off."""
    if body.contact is None and _resident(principal) is None and not settings.anonymous_filing:
        message = "This office does not accept anonymous complaints: give a way to reach you."
        raise Unprocessable(
            message,
            [{"field": "body.contact", "message": message, "type": "anonymous_not_accepted"}],
        )
    return await _file(conn, settings, sealer, body, principal)


def _emailed(body: ComplaintIn) -> bool | None:
    """Whether the case's emails are on: yes when the complainant gave an email and did not
    choose another channel; off (they may turn them on) when they chose another one; None (never
    emailed) when they gave no email."""
    contact = body.contact
    if contact is None or not contact.email:
        return None
    return contact.preferred_channel in (None, "email")


async def _file(
    conn: Conn, settings: Settings, sealer: Sealer, body: ComplaintIn, principal: Principal | None
) -> Filed:
    resident = _resident(principal)
    receipt = receipts.new_receipt()
    complaint_id = uuid7()
    contact_key, contact_sealed = (None, None)
    if body.contact is not None:
        contact_key, contact_sealed = sealer.seal(
            body.contact.model_dump_json(exclude_none=True).encode(), complaint_id, CONTACT
        )
    named_key, named_sealed = (None, None)
    if body.named_persons:
        named = NamedPersons(body.named_persons).model_dump_json(exclude_none=True).encode()
        named_key, named_sealed = sealer.seal(named, complaint_id, NAMED_PERSONS)
    traits_key, traits_sealed = (None, None)
    if body.characteristics is not None:
        traits = body.characteristics.model_dump_json(exclude_none=True).encode()
        traits_key, traits_sealed = sealer.seal(traits, complaint_id, CHARACTERISTICS)
    ack_days, feedback_months = settings.deadlines(body.track)
    alias = pseudonym(settings, complaint_id) if body.track is Track.anti_corruption else None
    emailed = _emailed(body)
    told = emailed is True and settings.tells("filing_received")
    sql = queries.file_sql(
        contact=contact_sealed is not None,
        named=named_sealed is not None,
        traits=body.characteristics is not None,
        told=told,
    )
    cur = await conn.execute(
        sql,
        {
            "id": complaint_id,
            "body": body.model_dump_json(exclude={"contact", "named_persons", "characteristics"}),
            "contact_key": contact_key,
            "contact_sealed": contact_sealed,
            "named_key": named_key,
            "named_sealed": named_sealed,
            "traits_key": traits_key,
            "traits_sealed": traits_sealed,
            "prefix": settings.reference_prefix,
            "receipt_hash": receipts.receipt_hash(
                settings.receipt_key.get_secret_value().encode(), receipt
            ),
            "anonymous": body.contact is None and resident is None,
            "email_updates": emailed,
            "told_language": email_language(body.language) if told else None,
            "complainant_subject": resident,
            "reporter_alias": alias,
            "department": settings.department_of(body.respondent),
            "ack_days": ack_days,
            "feedback_months": feedback_months,
            **reporter_actor(actor_of(principal), alias).params,
        },
    )
    row = await cur.fetchone()
    assert row is not None  # an INSERT ... RETURNING of one row
    metrics.FILINGS.labels(body.track.value).inc()
    return Filed(receipt=receipt, **row)


async def report_retaliation(
    conn: Conn,
    settings: Settings,
    sealer: Sealer,
    principal: Principal,
    original_id: UUID,
    body: RetaliationIn,
) -> Filed:
    """Retaliation against a reporter (EU Directive 2019/1937 art. 19, 21(5)): the reporter
    files a new case linked to the original one, flagged as priority, with the protection
    measures they ask for; staff grant or refuse each one."""
    await lock(conn, principal, original_id)
    cur = await conn.execute(queries.ORIGINAL, {"id": original_id})
    original = await cur.fetchone()
    assert original is not None  # the complaint was found just above
    filed = await _file(  # never refused as anonymous: the reporter is known to the original
        conn,
        settings,
        sealer,
        ComplaintIn(
            track=original["track"],
            summary=f"Retaliation against the reporter of {original['reference']}",
            description=body.description,
            rights_affected=body.rights_affected,
            remedy_sought="Protection from retaliation and redress for it.",
        ),
        principal,
    )
    await conn.execute(queries.LINK_RETALIATION, {"id": filed.id, "original": original_id})
    if body.measures:
        await conn.execute(queries.REQUEST_MEASURES, {"id": filed.id, "measures": body.measures})
    return filed


async def open_inquiry(
    conn: Conn, settings: Settings, principal: Principal, body: InquiryIn
) -> InquiryOut:
    if body.track not in principal.tracks:
        raise Forbidden(f"Your role does not work on the {body.track} track.")
    inquiry = await one(
        conn,
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
            **principal.actor.params,
        },
        InquiryOut,
    )
    assert inquiry is not None  # an INSERT ... RETURNING of one row
    return inquiry


async def receipt_login(conn: Conn, settings: Settings, reference: str, receipt: str) -> str:
    reference = reference.strip().upper()
    cur = await conn.execute(queries.RECEIPT_LOOKUP, {"reference": reference})
    row = await cur.fetchone()
    key = settings.receipt_key.get_secret_value().encode()
    if not receipts.matches(key, receipt, row["receipt_hash"] if row else None):
        raise Unauthorized("The reference and receipt do not match.")
    assert row is not None  # matches() is false without a row
    subject = receipts.subject_of(reference)
    await audit(
        conn, Actor(subject, Role.complainant.value), "auth.receipt", "complaint", row["id"]
    )
    return issue(
        settings,
        subject=subject,
        roles=[Role.complainant],
        ttl_seconds=settings.receipt_token_ttl_seconds,
        complaint_id=row["id"],
    )


def pseudonym(settings: Settings, complaint_id: UUID) -> str:
    """How handlers on the confidential track refer to a reporter: stable, and says nothing."""
    key = settings.receipt_key.get_secret_value().encode()
    digest = hmac.new(key, b"pseudonym:" + complaint_id.bytes, hashlib.sha256).hexdigest()
    return f"Reporter {digest[:6].upper()}"


async def get_complaint(
    conn: Conn, sealer: Sealer, principal: Principal, complaint_id: UUID
) -> ComplaintOut:
    visible, params = visibility(principal)
    staff = principal.is_staff
    cur = await conn.execute(
        compose(queries.GET, visible=visible),
        {
            **params,
            "id": complaint_id,
            "staff": staff,
            "read_contact": staff and principal.may(Permission.complaint_read_contact),
        },
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound(NOT_IN_REACH)
    principal.check_route()
    sealed = {k: row.pop(k) for k in ("contact_key", "contact_sealed", "named_key", "named_sealed")}
    actor = principal.actor
    contact, named = None, None
    if sealed["contact_sealed"] is not None:
        contact = open_sealed(
            sealer,
            sealed["contact_key"],
            sealed["contact_sealed"],
            complaint_id,
            CONTACT,
            ContactOut,
        )
        # Reading someone's contact details is recorded.
        await audit(conn, actor, "complaint.read_contact", "complaint", complaint_id)
    if sealed["named_sealed"] is not None:
        named = open_sealed(
            sealer,
            sealed["named_key"],
            sealed["named_sealed"],
            complaint_id,
            NAMED_PERSONS,
            NamedPersons,
        ).root
        await audit(conn, actor, "complaint.read_named_persons", "complaint", complaint_id)
    return ComplaintOut.model_validate({**row, "contact": contact, "named_persons": named})


async def transition(
    conn: Conn,
    settings: Settings,
    principal: Principal,
    complaint_id: UUID,
    body: TransitionIn,
    if_match: str,
) -> TransitionOut:
    case = await lock(conn, principal, complaint_id)
    action = body.action
    needed = permission_for(action)
    principal.require(needed, f"`{action}`")
    check_version(if_match, case.version)
    source = Status(case.status)
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
        cur = await conn.execute(
            queries.GUARDS, {"id": complaint_id, "stale_months": settings.stale_after_months}
        )
        met = await cur.fetchone()
        assert met is not None  # a SELECT of constants
        unmet = [g for g in step.guards if not met[g.value]]
        if unmet:
            raise GuardFailed(
                f"`{action}` needs: " + " ".join(GUARD_DESCRIPTIONS[g] for g in unmet)
            )
    actor = case.actor(principal, needed)
    _, feedback_months = settings.deadlines(case.track)
    cur = await conn.execute(
        queries.TRANSITION,
        {
            "id": complaint_id,
            "version": case.version,
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
                case.track,
                findings=step.target is Status.closed and action is not Action.close_as_stale,
            ),
            "decision_months": settings.decision_months(case.track),
            "referred_to": body.referred_to,
            "told": (
                "acknowledged"
                if step.acknowledges
                else "feedback_given"
                if step.gives_feedback
                else None
            ),
            "tells_departments": action is Action.recommend_remedies,
            **actor.params,
        },
    )
    done = await cur.fetchone()
    assert done is not None  # the row is locked and its version checked above
    if action is Action.issue_findings:
        await conn.execute(queries.MARK_FINDINGS_ISSUED, {"id": complaint_id})
    metrics.TRANSITIONS.labels(action.value).inc()
    return TransitionOut(
        id=done["id"],
        reference=done["reference"],
        status=done["status"],
        version=done["version"],
        updated_at=done["updated_at"],
        deadlines=Deadlines.model_validate(done["deadlines"]),
        entry=TimelineEntryOut(
            id=done["entry_id"],
            at=done["entry_at"],
            action=action.value,
            from_status=source,
            to_status=step.target,
            reason=body.reason,
            actor_role=actor.role,
            actor_subject=actor.subject if principal.is_staff else None,
            visible_to_complainant=step.visible_to_complainant,
        ),
    )


async def timeline(conn: Conn, principal: Principal, complaint_id: UUID) -> Timeline:
    await reach(conn, principal, complaint_id)
    entries = await all_rows(
        conn, queries.TIMELINE, {"id": complaint_id, "staff": principal.is_staff}, TimelineEntryOut
    )
    return Timeline(complaint_id=complaint_id, entries=entries)


async def list_complaints(
    conn: Conn, settings: Settings, principal: Principal, query: ComplaintQuery, limit: int
) -> ComplaintPage:
    visible, params = visibility(principal)
    department = settings.department_of(query.department)
    if query.department is not None and department is None:
        raise Unprocessable(
            "Invalid fields: query.department.",
            [
                {
                    "field": "query.department",
                    "message": "not one of the configured departments (GET /v1/taxonomy)",
                    "type": "enum",
                }
            ],
        )
    chosen = {
        "statuses": [s.value for s in query.status] if query.status else None,
        "track": query.track.value if query.track is not None else None,
        "handler": principal.subject if query.handler == "me" else query.handler,
        "received_from": query.received_from,
        "received_to": query.received_to,
        # References are issued upper case; a person may type them in any case.
        "reference": query.reference.upper() if query.reference else None,
        "department": department,
    }
    filters = [queries.LIST_FILTERS[name] for name, value in chosen.items() if value is not None]
    params.update({name: value for name, value in chosen.items() if value is not None})
    if query.overdue is not None:
        filters.append(queries.LIST_FILTERS[f"overdue_{query.overdue}"])
    if query.unassigned:
        filters.append(queries.LIST_FILTERS["unassigned"])
    if query.priority:
        filters.append(queries.LIST_FILTERS["priority"])
    if query.cursor:
        params["cursor_at"], params["cursor_id"] = decode_cursor(query.cursor, _CURSOR)
        filters.append(queries.LIST_FILTERS["cursor"])
    items = await all_rows(
        conn,
        compose(queries.LIST, visible=visible, filters=conditions(filters)),
        {**params, "staff": principal.is_staff, "limit": limit + 1},
        ComplaintListItem,
    )
    next_cursor = None
    if len(items) > limit:
        last = items[limit - 1]
        next_cursor = encode_cursor(last.received_at, last.id)
    return ComplaintPage(items=items[:limit], next_cursor=next_cursor)


async def assign(
    conn: Conn, principal: Principal, complaint_id: UUID, body: AssignmentIn, if_match: str
) -> AssignmentOut:
    """Set, change or clear who handles a complaint (head of office)."""
    case = await lock(conn, principal, complaint_id)
    check_version(if_match, case.version)
    current, new = case.handler_subject, body.handler
    if new == current:  # PUT is idempotent: nothing to change, nothing recorded
        return AssignmentOut(
            id=complaint_id,
            handler=current,
            version=case.version,
            updated_at=case.updated_at,
            entry=None,
        )
    if current is not None and not body.reason:
        raise Unprocessable(
            "Reassigning or unassigning needs a reason.",
            [{"field": "body.reason", "message": "required to reassign", "type": "missing"}],
        )
    if new is not None:
        cur = await conn.execute(queries.RECUSED, {"id": complaint_id, "subject": new})
        if await cur.fetchone() is not None:
            raise Conflict(f"{new} is recused from this complaint and cannot handle it.")
    event = CaseEvent.assign if new is not None else CaseEvent.unassign
    actor = principal.actor
    about = new if new is not None else current
    cur = await conn.execute(
        queries.ASSIGN,
        {
            "id": complaint_id,
            "version": case.version,
            "handler": new,
            "event": event.value,
            "reason": body.reason,
            "about": about,
            **actor.params,
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
            actor_role=actor.role,
            actor_subject=actor.subject,
            visible_to_complainant=False,
            about_subject=about,
        ),
    )


async def classify(
    conn: Conn, principal: Principal, complaint_id: UUID, body: ClassificationIn, if_match: str
) -> ClassificationOut:
    """Staff set the rights affected and discrimination grounds of a case (a complaint filed
    with none known is classified during assessment): kept with the codes replaced, on the
    timeline and the audit trail, and recounted by the statistics."""
    case = await lock(conn, principal, complaint_id)
    check_version(if_match, case.version)
    # While the case is open (workflow.OPEN: the states `withdraw` and `close_as_stale` leave
    # from), findings and follow-up included: a wrong code can still be put right before the
    # case finishes, and the findings keep the rights they found on their own. A finished case
    # (closed, withdrawn, inadmissible, referred) stays classified as it was when it finished;
    # `reopen` (head of office, with reasons) brings it back to assessment first.
    if case.status not in OPEN:
        raise Conflict(f"The complaint is {case.status}: its classification no longer changes.")
    cur = await conn.execute(queries.CLASSIFICATION, {"id": complaint_id})
    current = await cur.fetchone()
    assert current is not None  # the complaint is locked above
    before = Codes.model_validate(current)
    rights = [r.value for r in body.rights_affected]
    grounds = [g.value for g in body.discrimination_grounds]
    # PUT is idempotent, and the order of the codes means nothing: the same codes change nothing
    # and record nothing.
    if set(rights) == set(before.rights_affected) and set(grounds) == set(
        before.discrimination_grounds
    ):
        return ClassificationOut(
            id=complaint_id,
            rights_affected=before.rights_affected,
            discrimination_grounds=before.discrimination_grounds,
            previous=None,
            version=case.version,
            updated_at=case.updated_at,
            entry=None,
        )
    actor = case.actor(principal)  # the route's one permission names the acting role
    cur = await conn.execute(
        queries.CLASSIFY,
        {
            "id": complaint_id,
            "version": case.version,
            "rights": rights,
            "grounds": grounds,
            "rights_before": before.rights_affected,
            "grounds_before": before.discrimination_grounds,
            **actor.params,
        },
    )
    done = await cur.fetchone()
    assert done is not None  # the row is locked and its version checked above
    return ClassificationOut(
        id=complaint_id,
        rights_affected=done["rights_affected"],
        discrimination_grounds=done["discrimination_grounds"],
        previous=before,
        version=done["version"],
        updated_at=done["updated_at"],
        entry=TimelineEntryOut(
            id=done["entry_id"],
            at=done["entry_at"],
            action=CaseEvent.classify.value,
            from_status=done["status"],
            to_status=done["status"],
            reason=None,
            actor_role=actor.role,
            actor_subject=actor.subject,
            visible_to_complainant=True,
        ),
    )


async def recuse(
    conn: Conn, principal: Principal, complaint_id: UUID, body: RecusalIn
) -> RecusalOut:
    """Keep a person away from a complaint: one's own declared conflict, or an exclusion."""
    case = await lock(conn, principal, complaint_id)
    target = body.subject or principal.subject
    if target == principal.subject:
        principal.require(Permission.complaint_recuse, "Declaring a conflict of interest")
        kind, event, permission = "declared", CaseEvent.recuse, Permission.complaint_recuse
    else:
        principal.require(Permission.complaint_exclude, "Excluding someone from a complaint")
        kind, event, permission = "excluded", CaseEvent.exclude, Permission.complaint_exclude
    recusal = await one(
        conn,
        queries.RECUSE,
        {
            "id": complaint_id,
            "subject": target,
            "kind": kind,
            "reason": body.reason,
            "event": event.value,
            "status": case.status,
            **principal.acting_for(permission).params,
        },
        RecusalOut,
    )
    if recusal is None:
        raise Conflict(f"{target} is already recused from this complaint.")
    return recusal


async def list_recusals(conn: Conn, principal: Principal, complaint_id: UUID) -> Recusals:
    await reach(conn, principal, complaint_id)
    recusals = await all_rows(conn, queries.RECUSALS, {"id": complaint_id}, RecusalOut)
    return Recusals(complaint_id=complaint_id, recusals=recusals)


async def redact(
    conn: Conn, principal: Principal, complaint_id: UUID, body: RedactionIn
) -> RedactionOut:
    """Remove personal data found manifestly irrelevant (art. 17), recording the removal."""
    await lock(conn, principal, complaint_id)
    cur = await conn.execute(queries.FIELD_VALUE[body.field], {"id": complaint_id})
    current = await cur.fetchone()
    assert current is not None  # the complaint is locked above
    occurrences = (current["value"] or "").count(body.remove)
    if occurrences == 0:
        raise Unprocessable(
            f"The text to remove does not occur in {body.field}.",
            [{"field": "body.remove", "message": "not found in the field", "type": "value_error"}],
        )
    redaction = await one(
        conn,
        queries.REDACT[body.field],
        {
            "id": complaint_id,
            "field": body.field,
            "remove": body.remove,
            "occurrences": occurrences,
            "reason": body.reason,
            **principal.actor.params,
        },
        RedactionOut,
    )
    assert redaction is not None  # the row is locked and the text found above
    return redaction
