"""The residents' front door: file a complaint, keep the receipt, follow the case.

Thin handlers, as the API's: each reads the form, turns it into the body of the `/v1` route that
does the same thing, checks it with the same model, runs the same gate (the API route's own
permission object, found by its path: app.web.acting) and calls the same service function, in a
transaction. No rule lives here. Every form carries the session's CSRF token; every write answers
with a redirect (post-redirect-get), or with the same form again, input kept, and the errors tied
to their fields.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData, UploadFile

from app import export
from app.attachments import service as attachments
from app.attachments.content import ACCEPTED, EXTENSIONS
from app.auth.tokens import receipt_principal
from app.complaints import service as complaints
from app.complaints.receipts import subject_of
from app.complaints.schemas import (
    ComplaintIn,
    ComplaintOut,
    ReceiptLogin,
    RetaliationIn,
    TransitionIn,
)
from app.complaints.schemas import Filed as FiledOut
from app.complaints.workflow import Action, Status
from app.datasubject import service as erasure
from app.datasubject.schemas import ErasureRequestIn
from app.db import single_statement, transaction
from app.kit.errors import AppError, Conflict, Unauthorized
from app.kit.http import etag
from app.kit.principals import Principal
from app.kit.sql import Conn
from app.messages import service as messages
from app.messages.schemas import MessageIn
from app.middleware import PAGE_FORM_FILES
from app.notifications import choices as emails
from app.notifications.schemas import CaseEmailsIn
from app.ratelimit import Limit, check, resident_uploads
from app.records import service as records
from app.records.schemas import ResponseIn
from app.taxonomy import Track
from app.web import acting, choices, forms
from app.web.forms import FormErrors
from app.web.i18n import LANG_COOKIE, LANGUAGES, Texts, texts_for
from app.web.rendering import PRIVATE, render, render_text
from app.web.session import Filed, Session, read, write

router = APIRouter(include_in_schema=False)
# The filing form on a router of its own, which the app tries first: a request is matched against
# every route before it, and the form is the pages' hot path as POST /v1/complaints is the API's
# (two routes cost the API's requests next to nothing).
filing = APIRouter(include_in_schema=False)

# How many files one form post may carry (each within OMBUDS_ATTACHMENT_MAX_BYTES); the
# middleware sizes a form's body by the same number.
FILES_PER_FORM = PAGE_FORM_FILES
_ONE_YEAR = 365 * 24 * 3600


# The pages that hold nothing of anyone: cached, but checked each time (the language they are in
# follows the cookie and Accept-Language).
NOTICE = {"Cache-Control": "no-cache", "Vary": "Accept-Language, Cookie"}

# The emails about the case: whether the complainant is emailed when there is an update.
CASE_EMAILS = "/v1/complaints/{complaint_id}/email-updates"


def _redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303, headers=PRIVATE)


def _page(
    request: Request,
    name: str,
    context: dict[str, Any],
    session: Session | None = None,
    status_code: int = 200,
) -> Response:
    """A page with a form: the session's CSRF token in it, the session cookie set."""
    session = session or read(request)[0]
    response = render(
        request, name, {"csrf": session.csrf, **context}, status_code=status_code, headers=PRIVATE
    )
    write(request, response, session)
    return response


def _expired(texts: Texts) -> str:
    return texts(forms.EXPIRED)


# The start page, the notices ---------------------------------------------------------------


@router.get("/")
async def start(request: Request) -> Response:
    settings = request.app.state.settings
    return render(
        request,
        "start.html",
        {
            "anonymous": settings.anonymous_filing,
            "ack_days": settings.ombudsperson_acknowledge_days,
            "feedback_months": settings.ombudsperson_feedback_months,
        },
        headers=NOTICE,
    )


@router.get("/privacy")
async def privacy(request: Request) -> Response:
    settings = request.app.state.settings
    return render(
        request,
        "privacy.html",
        {"retention": settings.retention_years, "min_cell": settings.statistics_min_cell},
        headers=NOTICE,
    )


@router.get("/accessibility")
async def accessibility(request: Request) -> Response:
    return render(request, "accessibility.html", {}, headers=NOTICE)


@router.get("/language")
async def choose_language(request: Request) -> Response:
    """Keep the reader's choice of language (a cookie), and go back to the page they were on."""
    chosen = request.query_params.get("set", "")
    back = request.query_params.get("next", "/")
    # Only a path of this site: never a redirect elsewhere.
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = "/"
    response = _redirect(back)
    if chosen in LANGUAGES:
        settings = request.app.state.settings
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=_ONE_YEAR,
            httponly=True,
            samesite="lax",
            secure=settings.environment != "development",
        )
    return response


# Filing -------------------------------------------------------------------------------------


def _filing_context(
    request: Request, values: Mapping[str, Any], errors: FormErrors
) -> dict[str, Any]:
    texts = texts_for(request)
    settings = request.app.state.settings
    return {
        "values": values,
        "errors": errors,
        "summary": choices.error_summary(errors, texts),
        "form": choices.filing(settings, texts),
        "person_rows": range(forms.PERSON_ROWS),
        "files_per_form": FILES_PER_FORM,
        "accepted": ", ".join(sorted({e for t in ACCEPTED for e in EXTENSIONS.get(t, ())})),
        "max_size": texts.size(settings.attachment_max_bytes),
        "anonymous": settings.anonymous_filing,
    }


# The blank form is the same for everyone who reads it in one language, but for its CSRF token:
# rendered once per language and track, with this in the token's place.
_BLANK_SLOT = "form-slot-5b0e1c"


@filing.get("/file")
async def filing_form(request: Request) -> Response:
    texts = texts_for(request)
    # The track a link chose (the start page has one per track), else the ombudsperson's, as the
    # API's default.
    track = request.query_params.get("track", "")
    track = track if track in Track.__members__ else "ombudsperson"
    blanks: dict[tuple[str, str], str] = request.app.state.__dict__.setdefault("blank_forms", {})
    blank = blanks.get((texts.lang, track))
    if blank is None:
        values = {"track": track, "language": texts.lang}
        context = {"csrf": _BLANK_SLOT, **_filing_context(request, values, FormErrors())}
        blank = blanks[(texts.lang, track)] = render_text(request, "file.html", context)
    session = read(request)[0]
    response = HTMLResponse(blank.replace(_BLANK_SLOT, session.csrf), headers=PRIVATE)
    write(request, response, session)
    return response


def _values(form: FormData) -> dict[str, Any]:
    """What was typed and chosen, to show the form again (never the files)."""
    values: dict[str, Any] = {
        k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"
    }
    values["rights"] = form.getlist("rights")
    values["grounds"] = form.getlist("grounds")
    return values


def _files(form: FormData) -> list[UploadFile]:
    return [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]


@filing.post("/file")
async def file(request: Request) -> Response:
    texts = texts_for(request)
    settings = request.app.state.settings
    form, token_ok = await forms.posted(request)
    values = _values(form)
    errors = FormErrors()
    if not token_ok:
        errors.general.append(_expired(texts))
        return _page(
            request, "file.html", _filing_context(request, values, errors), status_code=400
        )
    lists = {"rights": values["rights"], "grounds": values["grounds"]}
    body = forms.complaint_body(form, lists)
    try:
        parsed = forms.validate(ComplaintIn, body)
    except RequestValidationError as exc:
        errors = forms.errors_of(exc, texts)
        parsed = None
    if (problem := forms.rights_choice(values["rights"], texts)) is not None:
        errors.add("rights", problem)
        errors.fields = choices.in_form_order(errors.fields)
    uploads = _files(form)
    if len(uploads) > FILES_PER_FORM:
        errors.add("files", texts("Attach at most %(n)s files here.", n=FILES_PER_FORM))
    if errors or parsed is None:
        return _page(
            request, "file.html", _filing_context(request, values, errors), status_code=422
        )
    try:
        # The same brake as POST /v1/complaints: per address.
        await check(request, Limit("intake", settings.rate_limit_intake_per_minute))
        sealer = request.app.state.sealer
        if uploads:
            # One transaction for the complaint and its files: a refused file files nothing.
            async with transaction(request) as tx:
                filed = await complaints.file_complaint(tx, settings, sealer, parsed, None)
                principal = receipt_principal(settings, subject_of(filed.reference), filed.id)
                await _attach(request, tx, principal, filed.id, uploads, "complaint")
        else:
            # One statement, as POST /v1/complaints writes it.
            async with single_statement(request) as conn:
                filed = await complaints.file_complaint(conn, settings, sealer, parsed, None)
    except acting.FileRefused as refused:
        errors.add("files", refused.message(texts))
        return _page(
            request, "file.html", _filing_context(request, values, errors), status_code=422
        )
    except AppError as exc:
        return acting.refusal_page(request, exc)
    # The filer holds the receipt: signed in to the new case at once, as a receipt login would.
    idle = settings.receipt_token_ttl_seconds
    session = read(request)[0].signed_in(subject_of(filed.reference), filed.id, idle)
    return _to_confirmation(request, session, filed)


def _to_confirmation(request: Request, session: Session, filed: FiledOut) -> Response:
    """To the page that shows the new case's reference and receipt, once (they wait in the
    sealed session cookie, never in the address)."""
    shown = Filed(
        reference=filed.reference,
        receipt=filed.receipt,
        track=filed.track.value,
        acknowledge_by=filed.acknowledge_by.isoformat(),
        feedback_by=filed.feedback_by.isoformat(),
    )
    response = _redirect("/filed")
    write(request, response, replace(session, filed=shown))
    return response


async def _attach(
    request: Request,
    tx: Any,
    principal: Principal,
    complaint_id: UUID,
    uploads: list[UploadFile],
    attach_to: str,
) -> None:
    """Each file as POST /v1/complaints/{id}/attachments would store it: its gate, its brake."""
    settings = request.app.state.settings
    writer = await acting.gate(
        request, principal, "POST", "/v1/complaints/{complaint_id}/attachments"
    )
    for upload in uploads:
        await resident_uploads(request, writer)
        data = await upload.read(settings.attachment_max_bytes + 1)
        declared = (upload.content_type or "application/octet-stream").split(";")[0].strip()
        try:
            await attachments.upload(
                tx,
                request.app.state.storage,
                settings.attachment_max_bytes,
                attachments.Quota(
                    settings.attachment_max_files_per_case,
                    settings.attachment_max_total_bytes_per_case,
                ),
                writer,
                complaint_id,
                attachments.Upload(
                    attach_to=attach_to,
                    filename=upload.filename or "file",
                    content_type=declared.lower(),
                    data=data,
                ),
            )
        except AppError as exc:
            raise acting.FileRefused(upload.filename or "", exc) from exc


@router.get("/filed")
async def confirmation(request: Request) -> Response:
    """The reference and the receipt, shown this once: a reload shows the case instead."""
    session, _ = read(request)
    if session.filed is None:
        return _redirect("/case" if session.subject else "/follow")
    shown = session.filed
    response = render(request, "filed.html", {"filed": shown}, headers=PRIVATE)
    write(request, response, replace(session, filed=None))
    return response


# Following a case ---------------------------------------------------------------------------


@router.get("/follow")
async def follow_form(request: Request) -> Response:
    notice = request.query_params.get("notice", "")
    return _page(request, "follow.html", {"values": {}, "errors": FormErrors(), "notice": notice})


@router.post("/follow")
async def follow(request: Request) -> Response:
    texts = texts_for(request)
    settings = request.app.state.settings
    form, token_ok = await forms.posted(request)
    reference = str(form.get("reference", "")).strip()
    # The receipt is never shown again, even when wrong; a message typed before the session
    # ended is carried until the login succeeds (no time limit loses what was typed).
    values = {"reference": reference, "draft": str(form.get("draft", ""))}
    errors = FormErrors()

    def again(status: int) -> Response:
        context = {
            "values": values,
            "errors": errors,
            "summary": choices.error_summary(errors, texts),
            "notice": "",
        }
        return _page(request, "follow.html", context, status_code=status)

    if not token_ok:
        errors.general.append(_expired(texts))
        return again(400)
    receipt = str(form.get("receipt", ""))
    if not reference:
        errors.add("reference", texts("Enter the reference of your case."))
    if not receipt.strip():
        errors.add("receipt", texts("Enter your receipt."))
    if errors:
        return again(422)
    try:
        login = forms.validate(ReceiptLogin, {"reference": reference, "receipt": receipt})
    except RequestValidationError:
        errors.add("reference", texts("The reference and the receipt do not match a case."))
        return again(401)
    try:
        await check(request, Limit("receipt", settings.rate_limit_receipt_per_minute))
        async with transaction(request) as tx:
            token = await complaints.receipt_login(tx, settings, login.reference, login.receipt)
    except Unauthorized:
        errors.add(
            "reference",
            texts(
                "The reference and the receipt do not match a case. Check both and try again; "
                "the receipt is the long code you were given when you filed."
            ),
        )
        return again(401)
    except AppError as exc:
        return acting.refusal_page(request, exc)
    principal: Principal = await request.app.state.verifier.verify(token)
    assert principal.complaint_id is not None  # a receipt token names its case
    idle = settings.receipt_token_ttl_seconds
    fresh = Session().signed_in(principal.subject, principal.complaint_id, idle)  # no fixation
    if values["draft"].strip():
        # Back to the case with the message in its box, for the resident to check and send.
        request.scope["ombuds.session"] = (fresh, True)
        kept = {"body": values["draft"]}
        return await _case(request, principal, FormErrors(), kept, "draft_kept")
    response = _redirect("/case")
    write(request, response, fresh)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    token_ok = (await forms.posted(request))[1]
    response = _redirect("/follow?notice=signed_out" if token_ok else "/")
    if token_ok:
        write(request, response, read(request)[0].signed_out())
    return response


async def _signed_in(request: Request) -> Principal | Response:
    """The principal of the session's receipt login; else the sign-in page (its notice says
    why)."""
    session, _ = read(request)
    if session.subject is None:
        return _redirect("/follow")
    principal = session.login(request.app.state.settings)
    if principal is None:
        return _redirect("/follow?notice=expired")
    return principal


def _renewed(request: Request, response: Response) -> None:
    """The idle limit restarts while the resident is active (the absolute one does not)."""
    session = read(request)[0]
    if session.subject is not None:
        idle = request.app.state.settings.receipt_token_ttl_seconds
        write(request, response, session.renewed(idle))


@router.get("/case")
async def case_page(request: Request) -> Response:
    signed = await _signed_in(request)
    if isinstance(signed, Response):
        return signed
    notice = request.query_params.get("done", "")
    return await _case(request, signed, FormErrors(), {}, notice)


async def _case(
    request: Request,
    principal: Principal,
    errors: FormErrors,
    values: Mapping[str, Any],
    notice: str = "",
    status_code: int = 200,
) -> Response:
    texts = texts_for(request)
    assert principal.complaint_id is not None
    case_id = principal.complaint_id
    sealer = request.app.state.sealer
    async with transaction(request) as tx:
        reader = await acting.gate(request, principal, "GET", "/v1/complaints/{complaint_id}")
        complaint = await complaints.get_complaint(tx, sealer, reader, case_id)
        timeline = await complaints.timeline(tx, reader, case_id)
        thread_reader = await acting.gate(
            request, principal, "GET", "/v1/complaints/{complaint_id}/messages"
        )
        thread = await messages.list_messages(tx, thread_reader, case_id, after=None, limit=500)
        record_reader = await acting.gate(
            request, principal, "GET", "/v1/complaints/{complaint_id}/records"
        )
        minutes = await records.list_records(tx, record_reader, case_id)
        asker = await acting.gate(
            request, principal, "GET", "/v1/complaints/{complaint_id}/erasure-requests"
        )
        erasures = await erasure.list_requests(tx, asker, case_id)
        files_reader = await acting.gate(
            request, principal, "GET", "/v1/complaints/{complaint_id}/attachments"
        )
        files = await attachments.list_attachments(tx, files_reader, case_id)
        emails_reader = await acting.gate(request, principal, "GET", CASE_EMAILS)
        case_emails = await emails.case_emails(tx, emails_reader, case_id)
    status = Status(complaint.status)
    page = choices.case_view(complaint, timeline, texts)
    context = {
        "case": complaint,
        "page": page,
        "messages": thread.items,
        "records": minutes.records,
        "erasures": erasures.requests,
        "files": files,
        "open": status not in choices.FINISHED,
        "confidential": complaint.track == Track.anti_corruption,
        "errors": errors,
        "summary": choices.error_summary(errors, texts),
        "values": values,
        "notice": choices.notice(notice, texts),
        "files_per_form": FILES_PER_FORM,
        "erasure_pending": any(r.status == "pending" for r in erasures.requests),
        "emails": case_emails.emails,
        "emails_detailed": case_emails.detailed,
    }
    session = read(request)[0]
    response = render(
        request,
        "case.html",
        {"csrf": session.csrf, **context},
        status_code=status_code,
        headers=PRIVATE,
    )
    _renewed(request, response)
    return response


async def _case_form(request: Request) -> tuple[Principal, FormData] | Response:
    signed = await _signed_in(request)
    if isinstance(signed, Response):
        form, token_ok = await forms.posted(request)
        draft = str(form.get("body", "")).strip() if request.url.path == "/case/messages" else ""
        if token_ok and draft:
            # Signed out while writing: sign in again, and the message is kept.
            context = {
                "values": {"draft": draft},
                "errors": FormErrors(),
                "summary": [],
                "notice": "draft",
            }
            return _page(request, "follow.html", context, status_code=401)
        return signed
    form, token_ok = await forms.posted(request)
    if not token_ok:
        errors = FormErrors(general=[_expired(texts_for(request))])
        return await _case(request, signed, errors, _values(form), status_code=400)
    return signed, form


async def _act(
    request: Request,
    principal: Principal,
    path: str,
    call: Callable[[Conn, Principal, UUID], Awaitable[object]],
    done: str,
    on_the_case: tuple[int, ...] = (409,),
) -> Response:
    """POST `path` of the API, as the page's resident: its gate, then `call(tx, principal,
    case)` in one transaction; then to `done`, or the case page saying why not (for the
    refusals `on_the_case`: the case's state has moved on), or a refusal page."""
    assert principal.complaint_id is not None
    try:
        async with transaction(request) as tx:
            writer = await acting.gate(request, principal, "POST", path)
            await call(tx, writer, principal.complaint_id)
    except AppError as exc:
        if exc.status in on_the_case:
            errors = acting.general(exc, texts_for(request))
            return await _case(request, principal, errors, {}, "", exc.status)
        return acting.refusal_page(request, exc)
    return _redirect(done)


@router.post("/case/messages")
async def send_message(request: Request) -> Response:
    got = await _case_form(request)
    if isinstance(got, Response):
        return got
    principal, form = got
    texts = texts_for(request)
    assert principal.complaint_id is not None
    uploads = _files(form)
    errors = FormErrors()
    try:
        body = forms.validate(MessageIn, {"body": str(form.get("body", "")).strip()})
    except RequestValidationError as exc:
        errors = forms.errors_of(exc, texts, lambda loc: "body")
        return await _case(request, principal, errors, _values(form), status_code=422)
    path = "/v1/complaints/{complaint_id}/messages"
    try:
        async with transaction(request) as tx:
            writer = await acting.gate(request, principal, "POST", path)
            message = await messages.post(tx, writer, principal.complaint_id, body)
            if uploads:
                await _attach(
                    request, tx, principal, principal.complaint_id, uploads, f"message:{message.id}"
                )
    except acting.FileRefused as refused:
        errors.add("files", refused.message(texts))
        return await _case(request, principal, errors, _values(form), status_code=422)
    except Conflict as exc:
        return await _case(request, principal, acting.general(exc, texts), _values(form), "", 409)
    except AppError as exc:
        return acting.refusal_page(request, exc)
    return _redirect("/case?done=message#messages")


@router.post("/case/records/{record_id}")
async def respond_to_record(request: Request, record_id: int) -> Response:
    got = await _case_form(request)
    if isinstance(got, Response):
        return got
    principal, form = got
    texts = texts_for(request)
    assert principal.complaint_id is not None
    approve = form.get("answer") == "approve"
    corrections = str(form.get("corrections", "")).strip()
    payload: dict[str, Any] = {"approve": approve}
    if not approve:
        payload["corrections"] = corrections
    try:
        body = forms.validate(ResponseIn, payload)
    except RequestValidationError as exc:
        field = f"corrections-{record_id}"
        errors = forms.errors_of(exc, texts, lambda loc: field)
        return await _case(request, principal, errors, _values(form), status_code=422)
    return await _act(
        request,
        principal,
        "/v1/complaints/{complaint_id}/records/{record_id}/response",
        lambda tx, writer, case: records.respond(tx, writer, case, record_id, body),
        "/case?done=record#records",
        on_the_case=(404, 409),
    )


@router.get("/case/withdraw")
async def withdraw_confirm(request: Request) -> Response:
    signed = await _signed_in(request)
    if isinstance(signed, Response):
        return signed
    complaint = await _own_case(request, signed)
    if Status(complaint.status) in choices.FINISHED:
        return _redirect("/case")
    context = {"case": complaint, "version": complaint.version, "values": {}}
    return _page(request, "withdraw.html", {**context, "errors": FormErrors(), "summary": []})


@router.post("/case/withdraw")
async def withdraw(request: Request) -> Response:
    got = await _case_form(request)
    if isinstance(got, Response):
        return got
    principal, form = got
    texts = texts_for(request)
    assert principal.complaint_id is not None
    reason = str(form.get("reason", "")).strip()
    payload: dict[str, Any] = {"action": Action.withdraw.value}
    if reason:
        payload["reason"] = reason
    try:
        body = forms.validate(TransitionIn, payload)
    except RequestValidationError as exc:
        errors = forms.errors_of(exc, texts, lambda loc: "reason")
        return await _case(request, principal, errors, _values(form), status_code=422)
    # The If-Match of the API: the version the confirmation page showed.
    version = str(form.get("version", ""))
    if_match = etag(int(version)) if version.isdigit() else ""
    settings = request.app.state.settings
    return await _act(
        request,
        principal,
        "/v1/complaints/{complaint_id}/transitions",
        lambda tx, writer, case: complaints.transition(tx, settings, writer, case, body, if_match),
        "/case?done=withdrawn",
        on_the_case=(409, 412, 428),
    )


@router.post("/case/export")
async def export_data(request: Request) -> Response:
    """Everything held about the resident on this case, as the API's export, to download."""
    got = await _case_form(request)
    if isinstance(got, Response):
        return got
    principal, _ = got
    assert principal.complaint_id is not None
    async with transaction(request) as tx:
        reader = await acting.gate(
            request, principal, "GET", "/v1/complaints/{complaint_id}/export"
        )
        document = await export.export_of(tx, request, reader, principal.complaint_id)
    name = f"{document.complaint.reference}-my-data.json"
    return Response(
        json.dumps(json.loads(document.model_dump_json()), ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={**PRIVATE, "Content-Disposition": f'attachment; filename="{name}"'},
    )


# The form's two buttons, as the body of PUT CASE_EMAILS; any other value goes to the API's
# parser as it came, and is refused by it.
_EMAILS_CHOSEN = {"on": True, "off": False}


@router.post("/case/emails")
async def choose_case_emails(request: Request) -> Response:
    got = await _case_form(request)
    if isinstance(got, Response):
        return got
    principal, form = got
    texts = texts_for(request)
    assert principal.complaint_id is not None
    chosen = str(form.get("emails", ""))
    payload: dict[str, Any] = {"emails": _EMAILS_CHOSEN.get(chosen, chosen)}
    if "detailed" in form:  # the confidential track's second form: what the emails say
        detailed = str(form.get("detailed", ""))
        payload["detailed"] = _EMAILS_CHOSEN.get(detailed, detailed)
    try:
        body = forms.validate(CaseEmailsIn, payload)
    except RequestValidationError as exc:
        errors = forms.errors_of(exc, texts, lambda loc: "emails")
        return await _case(request, principal, errors, {}, status_code=422)
    try:
        async with transaction(request) as tx:
            writer = await acting.gate(request, principal, "PUT", CASE_EMAILS)
            done = await emails.set_case_emails(
                tx, writer, principal.complaint_id, body.emails, body.detailed
            )
    except Conflict as exc:
        if body.detailed is not None:  # the other track's emails: nothing more to ask for
            errors = FormErrors(general=[texts(choices.EMAILS_SAY_ALL)])
            return await _case(request, principal, errors, {}, "", exc.status)
        errors = FormErrors(general=[texts(choices.EMAILS_UNAVAILABLE)])
        return await _case(request, principal, errors, {}, "", exc.status)
    except AppError as exc:
        return acting.refusal_page(request, exc)
    if body.detailed is not None:
        return _redirect(f"/case?done=emails_{'detailed' if body.detailed else 'neutral'}#emails")
    return _redirect(f"/case?done=emails_{done.emails}#emails")


@router.post("/case/erasure")
async def request_erasure(request: Request) -> Response:
    got = await _case_form(request)
    if isinstance(got, Response):
        return got
    return await _act(
        request,
        got[0],
        "/v1/complaints/{complaint_id}/erasure-requests",
        lambda tx, writer, case: erasure.record(tx, writer, case, ErasureRequestIn()),
        "/case?done=erasure#your-data",
    )


# Retaliation (the confidential track) --------------------------------------------------------


async def _retaliation_context(
    request: Request, values: Mapping[str, Any], errors: FormErrors
) -> dict[str, Any]:
    texts = texts_for(request)
    return {
        "values": values,
        "errors": errors,
        "summary": choices.error_summary(errors, texts),
        "form": choices.filing(request.app.state.settings, texts),
        "measures": choices.measures(texts),
    }


async def _own_case(request: Request, principal: Principal) -> ComplaintOut:
    """The signed-in resident's case, as GET /v1/complaints/{id} gives it to them."""
    assert principal.complaint_id is not None
    async with transaction(request) as tx:
        reader = await acting.gate(request, principal, "GET", "/v1/complaints/{complaint_id}")
        return await complaints.get_complaint(
            tx, request.app.state.sealer, reader, principal.complaint_id
        )


async def _confidential(request: Request, principal: Principal) -> bool:
    return (await _own_case(request, principal)).track == Track.anti_corruption


@router.get("/case/retaliation")
async def retaliation_form(request: Request) -> Response:
    signed = await _signed_in(request)
    if isinstance(signed, Response):
        return signed
    if not await _confidential(request, signed):
        return _redirect("/case")
    return _page(request, "retaliation.html", await _retaliation_context(request, {}, FormErrors()))


@router.post("/case/retaliation")
async def report_retaliation(request: Request) -> Response:
    got = await _case_form(request)
    if isinstance(got, Response):
        return got
    principal, form = got
    texts = texts_for(request)
    settings = request.app.state.settings
    assert principal.complaint_id is not None
    values = _values(form)
    values["measures"] = form.getlist("measures")
    payload = {
        "description": str(form.get("description", "")).strip(),
        "rights_affected": [r for r in values["rights"] if r != "unknown"],
        "measures": values["measures"],
    }
    errors = FormErrors()
    body = None
    try:
        body = forms.validate(RetaliationIn, payload)
    except RequestValidationError as exc:
        errors = forms.errors_of(
            exc,
            texts,
            lambda loc: (
                {"rights_affected": "rights"}.get(str(loc[0]), str(loc[0])) if loc else "rights"
            ),
        )
    if (problem := forms.rights_choice(values["rights"], texts)) is not None:
        errors.add("rights", problem)
    if errors or body is None:
        context = await _retaliation_context(request, values, errors)
        return _page(request, "retaliation.html", context, status_code=422)
    path = "/v1/complaints/{complaint_id}/retaliation"
    try:
        await check(request, Limit("intake", settings.rate_limit_intake_per_minute))
        async with transaction(request) as tx:
            writer = await acting.gate(request, principal, "POST", path)
            filed = await complaints.report_retaliation(
                tx, settings, request.app.state.sealer, writer, principal.complaint_id, body
            )
    except AppError as exc:
        if exc.status == 409:
            return await _case(request, principal, acting.general(exc, texts), {}, "", 409)
        return acting.refusal_page(request, exc)
    return _to_confirmation(request, read(request)[0], filed)
