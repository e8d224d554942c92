"""A staff member's email preferences: the kinds of email they receive.

The page is the form of PUT /v1/me/email-preferences, read through GET of the same address: the
same body model, the same gates, the same service calls. A ticked box is a kind received; the
body names the kinds not ticked (`off`), as the API takes them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError

from app.db import transaction
from app.kit.errors import AppError, Unauthorized
from app.kit.principals import Principal
from app.notifications import choices
from app.notifications.schemas import EmailPreferencesIn
from app.web import acting, forms
from app.web.console import labels
from app.web.console.case import refusal
from app.web.console.common import page, redirect, staff_only
from app.web.forms import FormErrors
from app.web.i18n import N_, texts_for

router = APIRouter(include_in_schema=False)

PATH = "/v1/me/email-preferences"
HERE = "/console/preferences"
KEY = "preferences"
NOTICES = {"saved": N_("Your email preferences are saved.")}


async def _show(
    request: Request,
    principal: Principal,
    *,
    received: list[str] | None = None,
    errors: FormErrors | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    texts = texts_for(request)
    errors = errors or FormErrors()
    try:
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", PATH)
            chosen = await choices.preferences(tx, reader)
    except Unauthorized:
        return redirect(f"/console/sign-in?notice=expired&next={HERE}")
    except AppError as exc:
        return acting.refusal_page(request, exc)
    if received is None:
        received = [k for k in chosen.kinds if k not in chosen.off]
    context: dict[str, Any] = {
        "key": KEY,
        "kinds": [{"value": k, "label": texts(labels.EMAIL_KIND[k])} for k in chosen.kinds],
        "received": received,
        "errors": errors,
        "summary": [{"text": m, "href": ""} for m in errors.general]
        + [{"text": m, "href": f"#{f}"} for f, m in errors.fields.items()],
        "notice": texts(NOTICES[notice]) if notice in NOTICES else "",
    }
    return page(
        request, "console/preferences.html", context, principal=principal, status_code=status_code
    )


@router.get(HERE)
async def preferences_page(request: Request) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    return await _show(request, principal, notice=request.query_params.get("done", ""))


@router.post(HERE)
async def save_preferences(request: Request) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    texts = texts_for(request)
    form, token_ok = await forms.posted(request)
    received = [v for v in form.getlist("receive") if isinstance(v, str)]
    if not token_ok:
        errors = FormErrors(general=[texts(forms.EXPIRED)])
        return await _show(request, principal, received=received, errors=errors, status_code=400)
    off = [kind for kind in labels.EMAIL_KIND if kind not in received]
    try:
        body = forms.validate(EmailPreferencesIn, {"off": off})
    except RequestValidationError as exc:
        errors = forms.errors_of(exc, texts, lambda loc: f"{KEY}-receive")
        return await _show(request, principal, received=received, errors=errors, status_code=422)
    try:
        async with transaction(request) as tx:
            writer = await acting.gate(request, principal, "PUT", PATH)
            await choices.set_preferences(tx, writer, body.off)
    except Unauthorized:
        return redirect(f"/console/sign-in?notice=expired&next={HERE}")
    except AppError as exc:
        errors = FormErrors(general=[refusal(exc, texts)])
        return await _show(
            request, principal, received=received, errors=errors, status_code=exc.status
        )
    return redirect(f"{HERE}?done=saved")
