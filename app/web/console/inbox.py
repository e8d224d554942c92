"""Finding cases: the inbox with its filters, lookup by reference, full-text search.

Each reads through the `/v1` route that answers the same question (GET /v1/complaints,
GET /v1/search), with its gate and its query model: visibility and recusal rules are the API's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from app.complaints import service as complaints
from app.complaints.schemas import ComplaintListItem, ComplaintQuery
from app.complaints.workflow import OPEN, Status
from app.db import transaction
from app.kit.errors import AppError
from app.kit.pagination import page_limit
from app.kit.principals import Principal
from app.search import service as search
from app.search.schemas import SearchQuery
from app.web import acting
from app.web.console import labels
from app.web.console.common import page, people, redirect, staff_only
from app.web.forms import FormErrors, error_message
from app.web.i18n import N_, Texts, texts_for

router = APIRouter(include_in_schema=False)

# What the inbox says after a form of a case page that leaves the case.
NOTICES = {
    "recused": N_(
        "Your conflict of interest is recorded: the case is no longer within your reach."
    ),
}

# The inbox's filters: the query string's names, as GET /v1/complaints names them but for the
# checkboxes (`mine`) and the dates (a day, not an instant).
FILTERS = (
    "track",
    "status",
    "mine",
    "unassigned",
    "overdue",
    "priority",
    "department",
    "received_from",
    "received_to",
)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _query(values: dict[str, Any], texts: Texts) -> tuple[dict[str, Any], FormErrors]:
    """The inbox's filters as the query of GET /v1/complaints."""
    errors = FormErrors()
    query: dict[str, Any] = {}
    if values.get("track"):
        query["track"] = values["track"]
    # Open cases unless a status is chosen, or "any" (the finished ones too).
    chosen = [v for v in values.get("status") or [] if v != "any"]
    if chosen:
        query["status"] = chosen
    elif "any" not in (values.get("status") or []):
        query["status"] = sorted(s.value for s in OPEN)
    if values.get("mine"):
        query["handler"] = "me"
    if values.get("unassigned"):
        query["unassigned"] = True
    if values.get("priority"):
        query["priority"] = True
    if values.get("overdue"):
        query["overdue"] = values["overdue"]
    if values.get("department"):
        query["department"] = values["department"]
    for name, shift in (("received_from", 0), ("received_to", 1)):
        raw = values.get(name, "")
        if raw:
            day = _day(raw)
            if day is None:
                errors.add(name, texts("Enter a real date, for example 2026-03-27."))
            else:
                # A day in the form; the API's bounds are instants (the end is exclusive).
                start = datetime.combine(day + timedelta(days=shift), time(), UTC)
                query[name] = start.isoformat()
    return query, errors


def _items(
    items: list[ComplaintListItem], names: dict[str, str], texts: Texts
) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        d = item.deadlines
        now = datetime.now(UTC)
        due: datetime | None = None
        what = ""
        if d.acknowledged_at is None and item.status == Status.submitted:
            due, what = d.acknowledge_by, texts("Acknowledge by")
        elif d.feedback_given_at is None and item.status not in (
            Status.closed,
            Status.withdrawn,
            Status.inadmissible,
            Status.referred,
        ):
            due, what = d.feedback_by, texts("Feedback by")
        rows.append(
            {
                "id": item.id,
                "reference": item.reference,
                "summary": item.summary,
                "track": texts(labels.TRACK[item.track]),
                "status": texts(labels.STATUS[item.status]),
                "priority": item.priority,
                "handler": names.get(item.handler or "", "") if item.handler else "",
                "received": texts.day(item.received_at),
                "due": texts.day(due) if due else "",
                "due_what": what,
                "overdue": bool(due and due < now),
            }
        )
    return rows


def _options(principal: Principal, settings: Any, texts: Texts) -> dict[str, Any]:
    return {
        "tracks": [
            {"value": t.value, "label": texts(labels.TRACK[t.value])}
            for t in sorted(principal.tracks, key=lambda t: t.value, reverse=True)
        ],
        "statuses": [{"value": s.value, "label": texts(labels.STATUS[s])} for s in Status],
        "overdue": [
            {"value": "acknowledgement", "label": texts("Acknowledgement overdue")},
            {"value": "feedback", "label": texts("Feedback overdue")},
        ],
        "departments": settings.departments,
    }


@router.get("/console")
async def inbox(request: Request) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    texts = texts_for(request)
    settings = request.app.state.settings
    params = request.query_params
    values: dict[str, Any] = {name: params.get(name, "") for name in FILTERS}
    values["status"] = [s for s in params.getlist("status") if s]
    query, errors = _query(values, texts)
    if params.get("cursor"):
        query["cursor"] = params["cursor"]
    rows: list[dict[str, Any]] = []
    next_link = ""
    if not errors:
        try:
            parsed = ComplaintQuery.model_validate(query)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error.get("loc") else "filters"
                field = {"handler": "mine"}.get(name, name)
                errors.add(field, error_message(error, texts))
            parsed = None
        if parsed is not None:
            try:
                async with transaction(request) as tx:
                    reader = await acting.gate(request, principal, "GET", "/v1/complaints")
                    size = page_limit(settings, None)
                    found = await complaints.list_complaints(tx, settings, reader, parsed, size)
                    names = await people(tx, [i.handler for i in found.items])
            except AppError as exc:
                if exc.status != 422:
                    return acting.refusal_page(request, exc)
                errors.add("department", texts("Choose one of the options."))
            else:
                rows = _items(found.items, names, texts)
                if found.next_cursor:
                    kept = [(k, v) for k, v in params.multi_items() if k != "cursor"]
                    next_link = "/console?" + urlencode([*kept, ("cursor", found.next_cursor)])
    context = {
        "values": values,
        "errors": errors,
        "summary": [{"text": m, "href": f"#{f}"} for f, m in errors.fields.items()],
        "options": _options(principal, settings, texts),
        "rows": rows,
        "next_link": next_link,
        "filtered": any(values[name] for name in FILTERS),
        "any_status": "any" in values["status"],
        "reference": "",
        "reference_error": "",
        "notice": texts(NOTICES[done]) if (done := params.get("done", "")) in NOTICES else "",
    }
    return page(request, "console/inbox.html", context, principal=principal)


@router.get("/console/find")
async def find(request: Request) -> Response:
    """A case by its reference: straight to its page, or the inbox saying it was not found."""
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    texts = texts_for(request)
    settings = request.app.state.settings
    reference = " ".join(request.query_params.get("reference", "").split()).upper()
    message = ""
    try:
        parsed = ComplaintQuery.model_validate({"reference": reference})
    except ValidationError:
        message = texts("A reference looks like HRC-2026-000123.")
    else:
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", "/v1/complaints")
            found = await complaints.list_complaints(tx, settings, reader, parsed, 1)
        if found.items:
            return redirect(f"/console/cases/{found.items[0].id}")
        message = texts("No case with this reference is within your reach.")
    context = {
        "values": {name: "" for name in FILTERS} | {"status": []},
        "any_status": False,
        "errors": FormErrors(),
        "summary": [{"text": message, "href": "#reference"}],
        "options": _options(principal, settings, texts),
        "rows": [],
        "next_link": "",
        "filtered": False,
        "reference": reference,
        "reference_error": message,
        "notice": "",
    }
    return page(request, "console/inbox.html", context, principal=principal, status_code=404)


@router.get("/console/search")
async def search_page(request: Request) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    texts = texts_for(request)
    settings = request.app.state.settings
    q = request.query_params.get("q", "")
    hits: list[dict[str, Any]] = []
    error = ""
    next_link = ""
    searched = bool(q.strip())
    if searched:
        try:
            parsed = SearchQuery.model_validate(
                {"q": q, **({"cursor": c} if (c := request.query_params.get("cursor")) else {})}
            )
        except ValidationError as exc:
            error = error_message(exc.errors()[0], texts)
        else:
            async with transaction(request) as tx:
                reader = await acting.gate(request, principal, "GET", "/v1/search")
                found = await search.search(tx, reader, parsed, page_limit(settings, None))
            hits = [
                {
                    "id": hit.id,
                    "reference": hit.reference,
                    "track": texts(labels.TRACK[hit.track]),
                    "status": texts(labels.STATUS[hit.status]),
                    "received": texts.day(hit.received_at),
                    "field": texts(labels.MATCHED[hit.field]),
                    "internal": hit.field == "internal_note",
                    "snippet": hit.snippet,
                }
                for hit in found.items
            ]
            if found.next_cursor:
                next_link = "/console/search?" + urlencode({"q": q, "cursor": found.next_cursor})
    context = {
        "q": q,
        "error": error,
        "summary": [{"text": error, "href": "#q"}] if error else [],
        "hits": hits,
        "searched": searched and not error,
        "next_link": next_link,
    }
    status = 422 if error else 200
    return page(request, "console/search.html", context, principal=principal, status_code=status)
