"""Revealing a reporter's identity on the confidential track: the officers' requests (with their
motivation and legal basis), the custodian's decision on each, and, after a grant, a page that
shows the disclosed identity to whom the service shows it, each look recorded by the service.

The section reads GET /v1/complaints/{id}/identity-requests: a person that route refuses, or a
case of a track without this procedure (the service's 409), does not see it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData

from app.complaints import service as complaints
from app.db import transaction
from app.identity import service as identity
from app.identity.schemas import DecisionIn, RevealRequestIn
from app.kit.errors import AppError, Conflict, NotFound
from app.web import acting
from app.web.console import labels
from app.web.console.common import page, people, staff_only
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.i18n import N_, texts_for

CASE = "/v1/complaints/{complaint_id}"
REQUESTS = "/v1/complaints/{complaint_id}/identity-requests"
DECIDE = "/v1/complaints/{complaint_id}/identity-requests/{request_id}/decision"
IDENTITY = "/v1/complaints/{complaint_id}/identity-requests/{request_id}/identity"

router = APIRouter(include_in_schema=False)


async def load(r: Reading) -> dict[str, Any] | None:
    texts = r.texts
    try:
        found = await r.read(
            REQUESTS, lambda reader: identity.list_requests(r.tx, reader, r.case.id)
        )
    except Conflict:  # not the confidential track: the API has no such procedure here
        return None
    if found is None:
        return None
    may_decide = r.may("POST", DECIDE)
    requests = []
    for q in found.requests:
        r.subjects.add(q.requested_by)
        r.subjects.add(q.decided_by or "")
        r.subjects.update(d.seen_by for d in q.disclosures)
        requests.append(
            {
                "id": q.id,
                "requested_by": q.requested_by,
                "asked": texts.day(q.created_at),
                "motivation": q.motivation,
                "legal_basis": q.legal_basis,
                "status": q.status,
                "status_label": texts(labels.REVEAL_STATUS[q.status]),
                "decided_by": q.decided_by,
                "decided": texts.day(q.decided_at) if q.decided_at else "",
                "decision_reason": q.decision_reason,
                "notified": texts.day(q.notified_at) if q.notified_at else "",
                "no_notice_reason": q.no_notice_reason,
                "disclosures": [
                    {"who": d.seen_by, "when": texts.day(d.seen_at), "at": d.seen_at.isoformat()}
                    for d in q.disclosures
                ],
                "may_decide": may_decide and q.status == "pending",
                # Whom the service shows a disclosed identity: the requester and the custodian.
                "may_see": q.status == "approved"
                and (q.requested_by == r.principal.subject or may_decide),
            }
        )
    return {"requests": requests, "may_ask": r.may("POST", REQUESTS)}


def _request(form: FormData) -> dict[str, Any]:
    return {"motivation": text(form, "motivation"), "legal_basis": text(form, "legal_basis")}


async def _ask(a: Acting, body: RevealRequestIn) -> None:
    await identity.ask(a.tx, a.writer, a.case_id, body)


def _decision(form: FormData) -> dict[str, Any]:
    notify = text(form, "notify_reporter")
    return given(
        {
            "decision": text(form, "decision"),
            "reason": text(form, "reason"),
            # Not chosen: the API's default (the reporter is told first).
            "notify_reporter": None if notify is None else notify != "false",
            "no_notice_reason": text(form, "no_notice_reason"),
        }
    )


def request_number(raw: str) -> int:
    """The request a form or a page is about; an id that is none is a request not found."""
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound("No identity request with this id belongs to this complaint.")
    return int(raw)


async def _decide(a: Acting, body: DecisionIn) -> None:
    await identity.decide(a.tx, a.writer, a.case_id, request_number(a.value("request")), body)


FORMS = (
    Form("identity_ask", "POST", REQUESTS, RevealRequestIn, _request, _ask, "identity_asked"),
    Form("identity_decide", "POST", DECIDE, DecisionIn, _decision, _decide, "identity_decided"),
)
SECTION = Section(
    "identity", N_("The reporter's identity"), "console/sections/identity.html", load, FORMS
)


@router.get("/console/cases/{case_id}/identity-requests/{request_id}/identity")
async def disclosed(request: Request, case_id: UUID, request_id: str) -> Response:
    """The identity as GET .../identity-requests/{id}/identity discloses it: the same gate and
    the same service, which records this look. Never cached (the frame's no-store)."""
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    texts = texts_for(request)
    try:
        number = request_number(request_id)
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", CASE)
            case = await complaints.get_complaint(tx, request.app.state.sealer, reader, case_id)
            revealer = await acting.gate(request, principal, "GET", IDENTITY)
            shown = await identity.reveal(tx, request.app.state.sealer, revealer, case_id, number)
            found = await identity.list_requests(tx, revealer, case_id)
            asked = next(q for q in found.requests if q.id == number)
            names = await people(tx, [asked.requested_by, asked.decided_by])
    except AppError as exc:
        return acting.refusal_page(request, exc)
    context = {
        "case": case,
        "identity": shown,
        "asked": asked,
        "asked_on": texts.day(asked.created_at),
        "decided_on": texts.day(asked.decided_at) if asked.decided_at else "",
        "names": names,
    }
    return page(request, "console/identity.html", context, principal=principal)
