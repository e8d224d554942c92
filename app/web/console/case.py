"""The case page: everything the API offers the person on one case, section by section, and one
route that sends any of its forms (app/web/console/parts.py says how; the sections are listed in
app/web/console/sections).

Every form carries the form token and the case's version as the page showed it: a route that
needs If-Match gets it from there, so a case changed by someone else meanwhile is shown again as
it is now instead of being overwritten. A refusal comes back on the page, in the console's words,
next to the form it concerns, with what was typed kept.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.exceptions import RequestValidationError

from app.complaints import service as complaints
from app.db import transaction
from app.kit.errors import AppError, Unauthorized
from app.kit.http import etag
from app.kit.principals import Principal
from app.web import acting, forms
from app.web.console import labels
from app.web.console.common import page, people, redirect, staff_only
from app.web.console.parts import Acting, Form, Reading
from app.web.console.sections import SECTIONS
from app.web.forms import FormErrors
from app.web.i18n import N_, Texts, texts_for

router = APIRouter(include_in_schema=False)

FORMS: dict[str, Form] = {f.name: f for s in SECTIONS for f in s.forms}
SECTION_OF: dict[str, str] = {f.name: s.name for s in SECTIONS for f in s.forms}
assert len(FORMS) == sum(len(s.forms) for s in SECTIONS), "two forms share a name"

# What the page says after a form was sent.
NOTICES: dict[str, str] = {
    "moved": N_("The case moved on."),
    "assigned": N_("The handler is set."),
    "classified": N_("The classification is saved."),
    "recused": N_("The recusal is recorded."),
    "message": N_("The message is sent."),
    "note": N_("The internal note is saved."),
    "saved": N_("Saved."),
    "plan_saved": N_("The investigation plan is saved."),
    "step_recorded": N_("The investigation step is recorded."),
    "information_requested": N_("The information request is sent to the department."),
    "hearing_scheduled": N_("The hearing is scheduled."),
    "hearing_moved": N_("The hearing is moved."),
    "hearing_cancelled": N_("The hearing is cancelled."),
    "hearing_held": N_("The hearing is recorded as held."),
    "mediation_recorded": N_("The mediation attempt is recorded."),
    "record_shared": N_("The record is saved and shared with the reporter."),
    "identity_asked": N_("The identity request is sent to the custodian."),
    "identity_decided": N_("The decision on the identity request is recorded."),
    "measure_offered": N_("The protection measure is offered."),
    "measure_decided": N_("The decision on the protection measure is recorded."),
    "inquiry": N_("The inquiry is open."),
    "findings": N_("The findings are saved."),
    "communicated": N_("The decision is recorded as communicated to the complainant."),
    "remedy": N_("The remedy is recommended."),
    "assessed": N_("The assessment of the remedy is saved."),
    "uploaded": N_("The file is attached to the case."),
    "hold_set": N_("The legal hold is set."),
    "hold_lifted": N_("The legal hold is lifted."),
    "erasure": N_("The erasure request is recorded."),
    "extended": N_("The deadline of the erasure request is extended."),
    "erasure_decided": N_("The decision on the erasure request is recorded."),
    "redacted": N_("The text is removed from the case."),
}

# A refusal in general words, by status; the API's detail follows when it is in the reader's
# language (the constant ones are translated).
_REFUSED: dict[int, str] = {
    403: N_("This is not open to your role on this case."),
    404: N_("This is no longer there, or not within your reach."),
    409: N_("This cannot be done in the case's present state."),
    412: N_(
        "The case changed while this page was open: it is shown again as it is now. Check, "
        "then send again."
    ),
    413: N_("What you sent is too large."),
    415: N_("This kind of file is not accepted."),
    422: N_("This cannot be done as sent."),
    428: N_("The page did not say which version of the case it showed. Reload it and try again."),
    429: N_("Too many requests in a short time. Wait a minute, then try again."),
}


def refusal(exc: AppError, texts: Texts) -> str:
    general = texts(_REFUSED.get(exc.status, N_("This could not be done.")))
    detail = exc.detail or ""
    translated = texts.translations.gettext(detail) if detail else ""
    if (translated and translated != detail) or (texts.lang == "en" and detail):
        return f"{general} {translated}"
    return general


async def show(
    request: Request,
    principal: Principal,
    case_id: UUID,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    texts = texts_for(request)
    errors = errors or FormErrors()
    try:
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", "/v1/complaints/{complaint_id}")
            case = await complaints.get_complaint(tx, request.app.state.sealer, reader, case_id)
            reading = Reading(tx, request, principal, case, texts)
            reading.subjects.add(case.handler or "")
            shown = []
            for section in SECTIONS:
                data = await section.load(reading)
                if data is not None:
                    shown.append(
                        {
                            "name": section.name,
                            "title": texts(section.title),
                            "template": section.template,
                            "data": data,
                        }
                    )
            names = await people(tx, reading.subjects)
    except AppError as exc:
        return acting.refusal_page(request, exc)
    summary = [{"text": m, "href": ""} for m in errors.general] + [
        {"text": m, "href": f"#form-{f}" if f == (values or {}).get("form") else f"#{f}"}
        for f, m in errors.fields.items()
    ]
    context = {
        "case": case,
        "version": etag(case.version),
        "status_label": texts(labels.STATUS[case.status]),
        "track_label": texts(labels.TRACK[case.track]),
        "sections": shown,
        "names": names,
        "errors": errors,
        "values": values or {},
        "summary": summary,
        "notice": texts(NOTICES[notice]) if notice in NOTICES else "",
    }
    return page(request, "console/case.html", context, principal=principal, status_code=status_code)


@router.get("/console/cases/{case_id}")
async def case_page(request: Request, case_id: UUID) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    return await show(request, principal, case_id, notice=request.query_params.get("done", ""))


@router.post("/console/cases/{case_id}/do/{name}")
async def send(request: Request, case_id: UUID, name: str) -> Response:
    """Any form of the case page: its body checked by the route's model, its gate, its call."""
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    spec = FORMS.get(name)
    if spec is None:
        return acting.error_page(request, 404)
    texts = texts_for(request)
    form, token_ok = await forms.posted(request)
    # Which of the page's forms of this kind it was (one per hearing, per remedy, per step...):
    # its fields' ids, its errors and what was typed are keyed by it.
    raw_key = form.get("key")
    key = raw_key if isinstance(raw_key, str) and _KEY.fullmatch(raw_key) else name
    if not key.startswith(name):
        key = name
    values: dict[str, Any] = {
        f"{key}-{k}": v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"
    }
    values.update(
        {f"{key}-{k}": form.getlist(k) for k in set(form.keys()) if len(form.getlist(k)) > 1}
    )
    values["form"] = key
    if not token_ok:
        errors = FormErrors(general=[texts(forms.EXPIRED)])
        return await show(
            request, principal, case_id, errors=errors, values=values, status_code=400
        )
    parsed = None
    if spec.model is not None:
        try:
            parsed = forms.validate(spec.model, spec.body(form))
        except RequestValidationError as exc:
            errors = forms.errors_of(exc, texts, lambda loc: f"{key}-{loc[0]}" if loc else key)
            return await show(
                request, principal, case_id, errors=errors, values=values, status_code=422
            )
    version = form.get("version")
    try:
        async with transaction(request) as tx:
            writer = await acting.gate(request, principal, spec.method, spec.path)
            doing = Acting(
                tx, request, writer, case_id, form, version if isinstance(version, str) else ""
            )
            await spec.run(doing, parsed)
    except Unauthorized:
        return redirect("/console/sign-in?notice=expired")
    except AppError as exc:
        message = (spec.explain(exc, form, texts) if spec.explain else None) or refusal(exc, texts)
        errors = FormErrors(fields={key: message})
        return await show(
            request, principal, case_id, errors=errors, values=values, status_code=exc.status
        )
    if spec.leaves:
        response = redirect(f"/console?done={spec.done}")
    else:
        response = redirect(f"/console/cases/{case_id}?done={spec.done}#{SECTION_OF[name]}")
    if doing.after_commit:
        # After the response, as the API's background tasks: the transaction has committed.
        tasks = BackgroundTasks()
        for job in doing.after_commit:
            tasks.add_task(job)
        response.background = tasks
    return response


_KEY = re.compile(r"[a-z_]+(-[A-Za-z0-9_]+){0,3}")
