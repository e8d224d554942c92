"""The deadlines dashboard: what is due or overdue in the cases within reach, and for heads of
office the workload of each handler.

The deadlines are GET /v1/deadlines's, through its gate and its service (the same visibility and
recusal rules). The workload counts the open cases within the head's reach (the same visibility
condition, `app.kit.access.visibility`) per handler, with how many of them are overdue as the
inbox's "Overdue" filter counts them (acknowledgement or feedback); it is shown to those who
hold the permission to assign handlers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from app.complaints.queries import LIST_FILTERS
from app.complaints.workflow import TERMINAL
from app.db import transaction
from app.deadlines import service as deadlines
from app.deadlines.schemas import Deadline, DeadlinePage, DeadlineQuery
from app.kit.access import visibility
from app.kit.errors import AppError, Unauthorized
from app.kit.pagination import page_limit
from app.kit.principals import Principal
from app.kit.sql import Conn, compose
from app.web import acting
from app.web.console import labels
from app.web.console.common import page, people, redirect, staff_only
from app.web.forms import error_message
from app.web.i18n import Texts, texts_for

router = APIRouter(include_in_schema=False)

DEADLINES = "/v1/deadlines"
# Who may assign handlers heads an office: they see the workload of each handler.
ASSIGN = ("PUT", "/v1/complaints/{complaint_id}/handler")
# The windows the page offers (days ahead); the API's default first.
WINDOWS = (30, 7, 14, 90)

_OVERDUE = f"({LIST_FILTERS['overdue_acknowledgement']}) OR ({LIST_FILTERS['overdue_feedback']})"
# Open cases within reach per handler (nobody's too), and how many of them are overdue.
WORKLOAD = """
SELECT c.handler_subject AS handler, count(*) AS open,
       count(*) FILTER (WHERE {overdue}) AS overdue
FROM complaints c
WHERE ({visible}) AND c.status <> ALL(%(finished)s)
GROUP BY c.handler_subject
ORDER BY overdue DESC, open DESC, c.handler_subject NULLS LAST
"""
FINISHED = sorted(s.value for s in TERMINAL)


async def workload(conn: Conn, principal: Principal) -> list[dict[str, Any]]:
    visible, params = visibility(principal)
    query = compose(WORKLOAD, visible=visible, overdue=_OVERDUE)
    cur = await conn.execute(query, {**params, "finished": FINISHED})
    return [dict(r) for r in await cur.fetchall()]


def _rows(items: list[Deadline], names: dict[str, str], texts: Texts) -> list[dict[str, Any]]:
    # The API gives the soonest first, so what is overdue comes first; the sort says it.
    ordered = sorted(items, key=lambda d: not d.overdue)
    return [
        {
            "kind": texts(labels.DEADLINE[d.kind]),
            "complaint_id": d.complaint_id,
            "reference": d.reference,
            "track": texts(labels.TRACK[d.track]),
            "handler": names.get(d.handler, d.handler) if d.handler else "",
            "department": d.department or "",
            "due": texts.day(d.due_at),
            "at": d.due_at.isoformat(),
            "overdue": d.overdue,
        }
        for d in ordered
    ]


@router.get("/console/deadlines")
async def deadlines_page(request: Request) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    texts = texts_for(request)
    settings = request.app.state.settings
    params = request.query_params
    values = {
        "mine": params.get("mine", ""),
        "kind": params.get("kind", ""),
        "within": params.get("within", ""),
    }
    query: dict[str, Any] = {}
    if values["mine"]:
        query["handler"] = "me"
    if values["kind"]:
        query["kind"] = [values["kind"]]
    if values["within"]:
        query["within_days"] = values["within"]
    if params.get("cursor"):
        query["cursor"] = params["cursor"]
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    load: list[dict[str, Any]] = []
    next_link = ""
    found: DeadlinePage | None = None
    head = acting.may(request, principal, *ASSIGN)
    try:
        parsed = DeadlineQuery.model_validate(query)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error.get("loc") else "kind"
            field = {"handler": "mine", "within_days": "within"}.get(name, name)
            errors.setdefault(field, error_message(error, texts))
        parsed = None
    try:
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", DEADLINES)
            subjects: set[str] = set()
            if parsed is not None:
                size = page_limit(settings, None)
                found = await deadlines.list_deadlines(
                    tx, reader, parsed, size, settings.stale_after_months
                )
                subjects.update(d.handler for d in found.items if d.handler)
            if head:
                load = await workload(tx, reader)
                subjects.update(r["handler"] for r in load if r["handler"])
            names = await people(tx, subjects)
    except Unauthorized:
        return redirect("/console/sign-in?notice=expired")
    except AppError as exc:
        return acting.refusal_page(request, exc)
    if found is not None:
        rows = _rows(found.items, names, texts)
        if found.next_cursor:
            kept = [(k, v) for k, v in params.multi_items() if k != "cursor"]
            next_link = "/console/deadlines?" + urlencode([*kept, ("cursor", found.next_cursor)])
    context = {
        "values": values,
        "errors": errors,
        "summary": [{"text": m, "href": f"#{f}"} for f, m in errors.items()],
        "kinds": [{"value": k, "label": texts(v)} for k, v in labels.DEADLINE.items()],
        "windows": [{"value": str(n), "label": texts("%(n)s days", n=n)} for n in WINDOWS],
        "rows": rows,
        "overdue": sum(1 for r in rows if r["overdue"]),
        "next_link": next_link,
        "head": head,
        "workload": [
            {
                "handler": names.get(r["handler"], r["handler"]) if r["handler"] else "",
                "subject": r["handler"] or "",
                "open": r["open"],
                "overdue": r["overdue"],
            }
            for r in load
        ],
    }
    status = 422 if errors else 200
    return page(request, "console/deadlines.html", context, principal=principal, status_code=status)
