"""The department portal: what the office addresses to a municipal department, and its answers.

A department signs in (the development sign-in or the office's identity provider, role
`respondent` with its department) and finds here the information requests (GET
/v1/information-requests) and the remedies (GET /v1/remedies) addressed to it: nothing more than
those routes return to it. It answers a request (POST /v1/information-requests/{id}/answer),
accepts or rejects a remedy (POST /v1/remedies/{id}/response) and reports progress or
implementation with evidence (POST /v1/remedies/{id}/reports). Each form is validated with the
route's own model, runs the route's gate and calls the same service, in one transaction; a
refusal comes back next to its field, with what was typed kept.

The attachments routes give a department no file to attach (it holds no `attachment.write`):
evidence is written as text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.datastructures import FormData

from app.db import transaction
from app.investigations import service as investigations
from app.investigations.schemas import AnswerIn, InformationRequestOut
from app.kit.errors import AppError, Unauthorized
from app.kit.pagination import page_limit
from app.kit.principals import Principal
from app.remedies import service as remedies
from app.remedies.models import RemedyResponse
from app.remedies.schemas import RemedyForDepartment, ReportIn, ResponseIn
from app.web import acting, forms
from app.web.console import labels
from app.web.console.case import refusal
from app.web.console.common import HOME, STAFF_ROLES, page, redirect, signed_in
from app.web.console.sections.overview import deadline
from app.web.forms import FormErrors
from app.web.i18n import N_, Texts, texts_for

router = APIRouter(include_in_schema=False)

REQUESTS = "/v1/information-requests"
REQUEST = "/v1/information-requests/{request_id}"
ANSWER = "/v1/information-requests/{request_id}/answer"
REMEDIES = "/v1/remedies"
REMEDY = "/v1/remedies/{remedy_id}"
RESPONSE = "/v1/remedies/{remedy_id}/response"
REPORTS = "/v1/remedies/{remedy_id}/reports"

# The lists are read page by page (oldest first, as the API gives them) up to this many pages.
MAX_PAGES = 20

# What the page says after a form was sent.
NOTICES: dict[str, str] = {
    "answered": N_("Your answer is sent to the office."),
    "responded": N_("Your response is sent to the office."),
    "reported": N_("Your report is sent to the office."),
}

# A model's own rule (no field named) in a form's words, tied to the field to change.
_WHOLE: dict[str, tuple[str, str]] = {
    "respond": ("reasons", N_("Give your reasons for rejecting this remedy.")),
    "report": ("evidence", N_("Describe what shows that the remedy was implemented.")),
}

# A field of radio buttons: the error summary links to its first option.
_RADIOS = {"respond-response", "report-kind"}

T = TypeVar("T")


def _department(request: Request) -> Principal | Response:
    """The signed-in department; staff go to their inbox."""
    signed = signed_in(request)
    if isinstance(signed, Response):
        return signed
    if signed.roles & STAFF_ROLES:
        return redirect(HOME)
    if not signed.department:
        return acting.error_page(request, 403)
    return signed


async def _every(
    read: Callable[[int | None], Awaitable[Any]],
) -> list[Any]:
    """Every item of a list paged by `after`, up to MAX_PAGES pages."""
    items: list[Any] = []
    after: int | None = None
    for _ in range(MAX_PAGES):
        found = await read(after)
        items.extend(found.items)
        after = found.next_after
        if after is None:
            break
    return items


def _reference(reference: str | None, texts: Texts) -> str:
    return reference or texts("Withheld (confidential track)")


def _request_row(item: InformationRequestOut, texts: Texts) -> dict[str, Any]:
    return {
        "id": item.id,
        "reference": _reference(item.complaint_reference, texts),
        "question": item.question,
        "due": deadline(texts, texts("Answer"), item.due_at, item.answered_at),
        "answer": item.answer,
        "answered": item.answered_at is not None,
        "answered_on": texts.day(item.answered_at) if item.answered_at else "",
    }


def _implemented(item: RemedyForDepartment) -> datetime | None:
    """When the department reported the remedy implemented, if it did."""
    done = [r.reported_at for r in item.reports if r.kind == "implemented"]
    return done[0] if done else None


def _remedy_row(item: RemedyForDepartment, texts: Texts) -> dict[str, Any]:
    """A remedy with where it stands for the department and the deadline that concerns it now."""
    due: dict[str, Any] | None = None
    waiting = False
    if item.assessment is not None:
        state = texts(
            "Assessed by the office: %(assessment)s",
            assessment=texts(labels.REMEDY_ASSESSMENT[item.assessment]),
        )
    elif item.response is None:
        state = texts("Awaiting your response")
        due = deadline(texts, texts("Response"), item.response_due_at, None)
        waiting = True
    elif item.response is RemedyResponse.rejected:
        state = texts("You rejected it")
    else:
        implemented = _implemented(item)
        if implemented is not None:
            state = texts("Accepted; you reported it implemented")
        else:
            state = texts("Accepted; implementation in progress")
            waiting = True
        if item.implementation_due_at is not None:
            due = deadline(texts, texts("Implementation"), item.implementation_due_at, implemented)
    return {
        "id": item.id,
        "reference": _reference(item.complaint_reference, texts),
        "form": texts(labels.REMEDY_FORM[item.form]),
        "description": item.description,
        "state": state,
        "due": due,
        "waiting": waiting,
        "overdue": item.response_overdue or item.implementation_overdue,
    }


_LATER = datetime.max.replace(tzinfo=UTC)


@router.get("/portal")
async def portal(request: Request) -> Response:
    principal = _department(request)
    if isinstance(principal, Response):
        return principal
    texts = texts_for(request)
    size = page_limit(request.app.state.settings, None)
    try:
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", REQUESTS)
            asked: list[InformationRequestOut] = await _every(
                lambda after: investigations.list_requests(
                    tx, reader, after=after, limit=size, open_only=False
                )
            )
            reader = await acting.gate(request, principal, "GET", REMEDIES)
            recommended: list[RemedyForDepartment] = await _every(
                lambda after: remedies.list_for_department(
                    tx, reader, after=after, limit=size, open_only=False
                )
            )
    except Unauthorized:
        return redirect("/console/sign-in?notice=expired")
    except AppError as exc:
        return acting.refusal_page(request, exc)
    # Open first, soonest due first; then what is answered, the latest first.
    open_requests = sorted((r for r in asked if r.answered_at is None), key=lambda r: r.due_at)
    answered = sorted(
        (r for r in asked if r.answered_at is not None),
        key=lambda r: r.answered_at or _LATER,
        reverse=True,
    )
    remedy_rows = [_remedy_row(r, texts) for r in recommended]
    remedy_rows.sort(key=lambda r: (not r["waiting"], not r["overdue"]))
    context = {
        "department": principal.department,
        "requests": [_request_row(r, texts) for r in (*open_requests, *answered)],
        "open_requests": len(open_requests),
        "remedies": remedy_rows,
        "open_remedies": sum(1 for r in remedy_rows if r["waiting"]),
    }
    return page(request, "console/portal/home.html", context, principal=principal)


# One information request.


async def _show_request(
    request: Request,
    principal: Principal,
    request_id: int,
    *,
    errors: FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    texts = texts_for(request)
    errors = errors or FormErrors()
    try:
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", REQUEST)
            item = await investigations.get_request(tx, reader, request_id)
    except Unauthorized:
        return redirect("/console/sign-in?notice=expired")
    except AppError as exc:
        return acting.refusal_page(request, exc)
    context = {
        "item": _request_row(item, texts),
        "may_answer": item.answered_at is None and acting.may(request, principal, "POST", ANSWER),
        "errors": errors,
        "values": values or {},
        "summary": _summary(errors),
        "notice": texts(NOTICES[notice]) if notice in NOTICES else "",
    }
    return page(
        request,
        "console/portal/request.html",
        context,
        principal=principal,
        status_code=status_code,
    )


@router.get("/portal/requests/{request_id}")
async def request_page(request: Request, request_id: int) -> Response:
    principal = _department(request)
    if isinstance(principal, Response):
        return principal
    notice = request.query_params.get("done", "")
    return await _show_request(request, principal, request_id, notice=notice)


@router.post("/portal/requests/{request_id}/answer")
async def answer(request: Request, request_id: int) -> Response:
    principal = _department(request)
    if isinstance(principal, Response):
        return principal

    async def show(errors: FormErrors, values: dict[str, Any], status: int) -> Response:
        return await _show_request(
            request, principal, request_id, errors=errors, values=values, status_code=status
        )

    async def run(tx: Any, writer: Principal, body: Any) -> None:
        await investigations.answer(tx, writer, request_id, body)

    return await _send(
        request,
        principal,
        form_key="answer",
        model=AnswerIn,
        body=lambda form: _given({"answer": _text(form, "answer")}),
        path=ANSWER,
        run=run,
        show=show,
        done=f"/portal/requests/{request_id}?done=answered",
    )


# One remedy.


async def _show_remedy(
    request: Request,
    principal: Principal,
    remedy_id: int,
    *,
    errors: FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    texts = texts_for(request)
    errors = errors or FormErrors()
    try:
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", REMEDY)
            item = await remedies.get_for_department(tx, reader, remedy_id)
    except Unauthorized:
        return redirect("/console/sign-in?notice=expired")
    except AppError as exc:
        return acting.refusal_page(request, exc)
    context = {
        "item": _remedy_row(item, texts),
        "remedy": item,
        "response_label": texts(labels.REMEDY_RESPONSE[item.response]) if item.response else "",
        "response_due": texts.day(item.response_due_at),
        "implementation_due": (
            texts.day(item.implementation_due_at) if item.implementation_due_at else ""
        ),
        "reports": [
            {
                "kind": texts(labels.REPORT_KIND[r.kind]),
                "text": r.text,
                "evidence": r.evidence,
                "when": texts.day(r.reported_at),
                "at": r.reported_at.isoformat(),
            }
            for r in item.reports
        ],
        "may_respond": item.response is None and acting.may(request, principal, "POST", RESPONSE),
        "may_report": (
            item.response is RemedyResponse.accepted
            and item.assessment is None
            and acting.may(request, principal, "POST", REPORTS)
        ),
        "responses": [
            {"value": r.value, "label": texts(RESPONSE_CHOICES[r])} for r in RemedyResponse
        ],
        "kinds": [{"value": k, "label": texts(REPORT_CHOICES[k])} for k in REPORT_CHOICES],
        "errors": errors,
        "values": values or {},
        "summary": _summary(errors),
        "notice": texts(NOTICES[notice]) if notice in NOTICES else "",
    }
    return page(
        request, "console/portal/remedy.html", context, principal=principal, status_code=status_code
    )


REPORT_CHOICES: dict[str, str] = {
    "progress": N_("Progress so far"),
    "implemented": N_("The remedy is implemented"),
}
RESPONSE_CHOICES: dict[str, str] = {
    RemedyResponse.accepted: N_("We accept this remedy"),
    RemedyResponse.rejected: N_("We reject this remedy"),
}


@router.get("/portal/remedies/{remedy_id}")
async def remedy_page(request: Request, remedy_id: int) -> Response:
    principal = _department(request)
    if isinstance(principal, Response):
        return principal
    notice = request.query_params.get("done", "")
    return await _show_remedy(request, principal, remedy_id, notice=notice)


@router.post("/portal/remedies/{remedy_id}/response")
async def respond(request: Request, remedy_id: int) -> Response:
    principal = _department(request)
    if isinstance(principal, Response):
        return principal

    async def show(errors: FormErrors, values: dict[str, Any], status: int) -> Response:
        return await _show_remedy(
            request, principal, remedy_id, errors=errors, values=values, status_code=status
        )

    async def run(tx: Any, writer: Principal, body: Any) -> None:
        await remedies.respond(tx, writer, remedy_id, body)

    def body(form: FormData) -> dict[str, Any]:
        return _given({"response": _text(form, "response"), "reasons": _text(form, "reasons")})

    return await _send(
        request,
        principal,
        form_key="respond",
        model=ResponseIn,
        body=body,
        path=RESPONSE,
        run=run,
        show=show,
        done=f"/portal/remedies/{remedy_id}?done=responded",
    )


@router.post("/portal/remedies/{remedy_id}/reports")
async def report(request: Request, remedy_id: int) -> Response:
    principal = _department(request)
    if isinstance(principal, Response):
        return principal

    async def show(errors: FormErrors, values: dict[str, Any], status: int) -> Response:
        return await _show_remedy(
            request, principal, remedy_id, errors=errors, values=values, status_code=status
        )

    async def run(tx: Any, writer: Principal, body: Any) -> None:
        await remedies.report(tx, writer, remedy_id, body)

    def body(form: FormData) -> dict[str, Any]:
        return _given(
            {
                "kind": _text(form, "kind"),
                "text": _text(form, "text"),
                "evidence": _text(form, "evidence"),
            }
        )

    return await _send(
        request,
        principal,
        form_key="report",
        model=ReportIn,
        body=body,
        path=REPORTS,
        run=run,
        show=show,
        done=f"/portal/remedies/{remedy_id}?done=reported",
    )


# Sending a form: the same steps for each.


async def _send(
    request: Request,
    principal: Principal,
    *,
    form_key: str,
    model: type[BaseModel],
    body: Callable[[FormData], dict[str, Any]],
    path: str,
    run: Callable[[Any, Principal, Any], Awaitable[None]],
    show: Callable[[FormErrors, dict[str, Any], int], Awaitable[Response]],
    done: str,
) -> Response:
    """The form checked by the route's model, then the route's gate and its service call, in one
    transaction; after it, the page again (post-redirect-get)."""
    texts = texts_for(request)
    form, token_ok = await forms.posted(request)
    values: dict[str, Any] = {
        f"{form_key}-{k}": v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"
    }
    if not token_ok:
        errors = FormErrors(general=[texts(forms.EXPIRED)])
        return await show(errors, values, 400)
    try:
        parsed = forms.validate(model, body(form))
    except RequestValidationError as exc:
        return await show(_errors(exc, texts, form_key), values, 422)
    try:
        async with transaction(request) as tx:
            writer = await acting.gate(request, principal, "POST", path)
            await run(tx, writer, parsed)
    except Unauthorized:
        return redirect("/console/sign-in?notice=expired")
    except AppError as exc:
        return await show(FormErrors(fields={form_key: refusal(exc, texts)}), values, exc.status)
    return redirect(done)


def _errors(exc: RequestValidationError, texts: Texts, form_key: str) -> FormErrors:
    """The model's refusals by field of the form (`<form>-<field>`), in the reader's words."""
    found = FormErrors()
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        if loc and loc[0] == "body":
            loc = loc[1:]
        if loc:
            found.add(f"{form_key}-{loc[0]}", forms.error_message(error, texts))
        elif form_key in _WHOLE:
            field, message = _WHOLE[form_key]
            found.add(f"{form_key}-{field}", texts(message))
        else:
            found.add(form_key, forms.error_message(error, texts))
    return found


def _summary(errors: FormErrors) -> list[dict[str, str]]:
    """The error summary's links: to the field, to a radio group's first option, or to the form
    a refusal concerns."""

    def href(name: str) -> str:
        if name in _RADIOS:
            return f"#{name}-0"
        return f"#{name}" if "-" in name else f"#{name}-refused"

    return [{"text": m, "href": ""} for m in errors.general] + [
        {"text": m, "href": href(f)} for f, m in errors.fields.items()
    ]


def _text(form: FormData, name: str) -> str | None:
    raw = form.get(name)
    if not isinstance(raw, str):
        return None
    return raw.strip() or None


def _given(body: dict[str, Any]) -> dict[str, Any]:
    """A body without its empty fields (the API treats an omitted field as not given)."""
    return {k: v for k, v in body.items() if v is not None}
