"""Own-initiative inquiries (Venice Principles): the office opens a case with no complainant.

The page is the form of POST /v1/inquiries: the same body model, the same gate, the same service
call; a refusal comes back next to its field, and the new case opens on its console page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import FormData

from app.complaints import service as complaints
from app.complaints.schemas import InquiryIn
from app.db import transaction
from app.kit.errors import AppError, Forbidden, Unauthorized
from app.kit.permissions import STAFF_TRACKS
from app.kit.principals import Principal
from app.staff import service as staff
from app.taxonomy import DISCRIMINATION_GROUNDS, LANGUAGES, RIGHTS
from app.web import acting, forms
from app.web.console import labels
from app.web.console.case import refusal
from app.web.console.common import page, redirect, staff_only
from app.web.forms import FormErrors
from app.web.i18n import Texts, texts_for

router = APIRouter(include_in_schema=False)

PATH = "/v1/inquiries"
KEY = "inquiry"
# The form's fields in the order it shows them (the error summary follows it).
FIELDS = (
    "track",
    "summary",
    "description",
    "purpose",
    "rights_affected",
    "discrimination_grounds",
    "respondent",
    "language",
    "handler",
)
LISTS = ("rights_affected", "discrimination_grounds")


def _body(form: FormData) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in FIELDS:
        if name in LISTS:
            body[name] = [v for v in form.getlist(name) if isinstance(v, str) and v]
            continue
        raw = form.get(name)
        if isinstance(raw, str) and raw.strip():
            body[name] = raw.strip()
    return body


async def _show(
    request: Request,
    principal: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    texts = texts_for(request)
    errors = errors or FormErrors()
    tracks = sorted(principal.tracks, key=lambda t: t.value, reverse=True)
    roles = [role.value for role, held in STAFF_TRACKS.items() if held & principal.tracks]
    async with transaction(request) as tx:
        members = await staff.with_roles(tx, roles)
    if values is None:
        values = {
            f"{KEY}-track": tracks[0].value if tracks else "",
            f"{KEY}-language": texts.lang if texts.lang in LANGUAGES else "en",
            f"{KEY}-rights_affected": [],
            f"{KEY}-discrimination_grounds": [],
        }
    order = {f"{KEY}-{name}": i for i, name in enumerate(FIELDS)}
    summary = [{"text": m, "href": ""} for m in errors.general] + [
        {"text": m, "href": f"#{f}"}
        for f, m in sorted(errors.fields.items(), key=lambda x: order.get(x[0], len(order)))
    ]
    context = {
        "key": KEY,
        "values": values,
        "errors": errors,
        "summary": summary,
        "options": _options(texts, principal, members),
    }
    return page(
        request, "console/inquiry.html", context, principal=principal, status_code=status_code
    )


def _options(texts: Texts, principal: Principal, members: list[Any]) -> dict[str, Any]:
    return {
        "tracks": [
            {"value": t.value, "label": texts(labels.TRACK[t.value])}
            for t in sorted(principal.tracks, key=lambda t: t.value, reverse=True)
        ],
        "rights": [{"value": x.code, "label": texts(x.label)} for x in RIGHTS],
        "grounds": [{"value": k, "label": texts(v)} for k, v in DISCRIMINATION_GROUNDS.items()],
        "languages": [{"value": k, "label": v} for k, v in LANGUAGES.items()],
        "handlers": [
            {"value": m.subject, "label": m.shown}
            for m in members
            if m.subject != principal.subject
        ],
    }


def _where(loc: tuple[Any, ...]) -> str:
    # The model's own check (a code listed twice) concerns the rights or grounds chosen.
    return f"{KEY}-{loc[0]}" if loc else f"{KEY}-rights_affected"


@router.get("/console/inquiries/new")
async def new_inquiry(request: Request) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    try:
        await acting.gate(request, principal, "POST", PATH)
    except AppError as exc:
        return acting.refusal_page(request, exc)
    return await _show(request, principal)


@router.post("/console/inquiries/new")
async def open_inquiry(request: Request) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    texts = texts_for(request)
    form, token_ok = await forms.posted(request)
    values: dict[str, Any] = {
        f"{KEY}-{k}": v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"
    }
    for name in LISTS:
        values[f"{KEY}-{name}"] = [v for v in form.getlist(name) if isinstance(v, str)]
    if not token_ok:
        errors = FormErrors(general=[texts(forms.EXPIRED)])
        return await _show(request, principal, values=values, errors=errors, status_code=400)
    try:
        body = forms.validate(InquiryIn, _body(form))
    except RequestValidationError as exc:
        errors = forms.errors_of(exc, texts, _where)
        return await _show(request, principal, values=values, errors=errors, status_code=422)
    try:
        async with transaction(request) as tx:
            writer = await acting.gate(request, principal, "POST", PATH)
            opened = await complaints.open_inquiry(tx, request.app.state.settings, writer, body)
    except Unauthorized:
        return redirect("/console/sign-in?notice=expired")
    except AppError as exc:
        message = refusal(exc, texts)
        errors = (
            FormErrors(fields={f"{KEY}-track": message})
            if isinstance(exc, Forbidden)
            else FormErrors(general=[message])
        )
        return await _show(request, principal, values=values, errors=errors, status_code=exc.status)
    return redirect(f"/console/cases/{opened.id}?done=inquiry")
