"""Signing in to the console: the city's identity provider (OpenID Connect, the authorization
code flow with PKCE, through Authlib: app.auth.oidc), or in development a page that picks a
subject and a role, as `ombuds token` does (refused in production).

A sign-in starts a new session (a new form token: nothing of a session before it carries over);
the person's name and email from the provider's claims go to the staff directory, so cases and
timelines show people. Logout ends the session here and at the provider.
"""

from __future__ import annotations

import time
from contextlib import suppress
from typing import Any

from fastapi import APIRouter, Request, Response

from app.auth.oidc import OidcClient
from app.db import transaction
from app.kit.errors import ServiceUnavailable, Unauthorized
from app.kit.permissions import Role
from app.kit.principals import Principal
from app.staff import service as staff
from app.web import acting, forms
from app.web.console.common import (
    CONSOLE_ROLES,
    HOME,
    PORTAL,
    STAFF_ROLES,
    idle_seconds,
    local,
    page,
    redirect,
)
from app.web.forms import FormErrors
from app.web.i18n import N_, Texts, texts_for
from app.web.rendering import PRIVATE, render
from app.web.session import Pending, Session, StaffLogin, read, write

router = APIRouter(include_in_schema=False)

_UNREACHABLE = N_(
    "The city's sign-in service cannot be reached just now. Try again in a few minutes."
)
# How long a sign-in may take at the provider before its callback is refused.
_PENDING_SECONDS = 600
# The roles the development sign-in offers (as `ombuds token` issues them), in this order.
DEV_ROLES = (
    Role.ombudsperson_staff,
    Role.ombudsperson,
    Role.oversight_officer,
    Role.oversight_head,
    Role.respondent,
)
ROLE_NAMES = {
    Role.ombudsperson_staff: N_("Ombudsperson's staff"),
    Role.ombudsperson: N_("Ombudsperson (head of office)"),
    Role.oversight_officer: N_("Anti-corruption officer"),
    Role.oversight_head: N_("Head of anti-corruption oversight (identity custodian)"),
    Role.respondent: N_("Municipal department"),
}


def _client(request: Request) -> OidcClient | None:
    settings = request.app.state.settings
    if not settings.oidc_client_id:
        return None
    client: OidcClient | None = getattr(request.app.state, "oidc_client", None)
    if client is None:
        client = OidcClient(settings, request.app.state.verifier)
        request.app.state.oidc_client = client
    return client


def _callback_url(request: Request) -> str:
    return str(request.url_for("console_callback"))


def _development(request: Request) -> bool:
    return bool(request.app.state.settings.environment != "production")


def _landing(principal: Principal, wanted: str) -> str:
    """Where a sign-in goes: where the person was going, else their start page."""
    default = HOME if principal.roles & STAFF_ROLES else PORTAL
    return local(wanted, default)


def _signed_in(request: Request, principal: Principal, name: str | None, wanted: str) -> Response:
    now = time.time()
    login = StaffLogin(
        subject=principal.subject,
        roles=sorted(r.value for r in principal.roles),
        department=principal.department,
        name=name,
        since=now,
        until=now + idle_seconds(request.app.state.settings),
    )
    response = redirect(_landing(principal, wanted))
    write(request, response, Session(staff=login))  # a new session: no fixation
    return response


def _refused(request: Request, status: int, reason: str) -> Response:
    """The sign-in page again, saying why the sign-in failed; the session starts over."""
    texts = texts_for(request)
    context = _context(request, texts, {}, FormErrors(general=[reason]))
    response = render(
        request, "console/signin.html", {**context, "csrf": ""}, status_code=status, headers=PRIVATE
    )
    write(request, response, Session())
    return response


def _context(
    request: Request, texts: Texts, values: dict[str, Any], errors: FormErrors
) -> dict[str, Any]:
    settings = request.app.state.settings
    notice = request.query_params.get("notice", "")
    return {
        "values": values,
        "errors": errors,
        "summary": [{"text": m, "href": ""} for m in errors.general]
        + [{"text": m, "href": f"#{f}"} for f, m in errors.fields.items()],
        "provider": settings.oidc_client_id is not None,
        "development": _development(request),
        "roles": [{"value": r.value, "label": texts(ROLE_NAMES[r]), "hint": ""} for r in DEV_ROLES],
        "departments": settings.departments,
        "next": local(request.query_params.get("next"), ""),
        "notice": notice if notice in ("expired", "signed_out") else "",
        "me": {"name": "", "staff": False, "department": None},
    }


@router.get("/console/sign-in")
async def sign_in_page(request: Request) -> Response:
    client = _client(request)
    wanted = local(request.query_params.get("next"), "")
    if client is not None and not request.query_params.get("notice"):
        try:
            started = await client.start(_callback_url(request))
        except ServiceUnavailable:
            return _refused(request, 503, texts_for(request)(_UNREACHABLE))
        session = read(request)[0]
        pending = Pending(
            state=started.state,
            nonce=started.nonce,
            verifier=started.verifier,
            next=wanted,
            since=time.time(),
        )
        response = redirect(started.url)
        write(request, response, Session(csrf=session.csrf, pending=pending))
        return response
    texts = texts_for(request)
    return page(request, "console/signin.html", _context(request, texts, {}, FormErrors()))


@router.post("/console/sign-in")
async def sign_in(request: Request) -> Response:
    """The development sign-in: a subject and a role, no password. Never in production."""
    if not _development(request) or _client(request) is not None:
        return acting.error_page(request, 404)
    texts = texts_for(request)
    form, token_ok = await forms.posted(request)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    errors = FormErrors()
    if not token_ok:
        errors.general.append(
            texts("This form was open for a long time or came from another page. Send it again.")
        )
    subject = " ".join(values.get("subject", "").split())
    role = values.get("role", "")
    department = values.get("department", "") or None
    settings = request.app.state.settings
    if not subject or len(subject) > 200:
        errors.add("subject", texts("Enter who you are signing in as (a user id)."))
    if role not in {r.value for r in DEV_ROLES}:
        errors.add("role", texts("Choose one of the options."))
    elif role == Role.respondent.value and settings.department_of(department) is None:
        errors.add(
            "department", texts("A department signs in as one of the configured departments.")
        )
    if errors:
        context = _context(request, texts, values, errors)
        return page(request, "console/signin.html", context, status_code=422)
    chosen = Role(role)
    principal = Principal(
        subject=subject,
        roles=frozenset({chosen}),
        department=settings.department_of(department) if chosen is Role.respondent else None,
    )
    name = " ".join(values.get("name", "").split()) or None
    async with transaction(request) as tx:
        await staff.remember(
            tx,
            subject=subject,
            name=name,
            email=None,
            roles=[chosen.value],
            department=principal.department,
            language=texts_for(request).lang,
        )
    return _signed_in(request, principal, name, values.get("next", ""))


@router.get("/console/callback", name="console_callback")
async def callback(request: Request) -> Response:
    """The provider sends the browser back here with a code (or an error)."""
    texts = texts_for(request)
    client = _client(request)
    if client is None:
        return acting.error_page(request, 404)
    pending = read(request)[0].pending
    if pending is None or time.time() - pending.since > _PENDING_SECONDS:
        return _refused(
            request,
            401,
            texts("This sign-in was not started here, or took too long. Sign in again."),
        )
    try:
        done = await client.finish(
            redirect_uri=_callback_url(request),
            expected_state=pending.state,
            nonce=pending.nonce,
            verifier=pending.verifier,
            params=dict(request.query_params),
        )
    except Unauthorized as exc:
        # What failed, for the administrator (in English, as the provider's protocol words it).
        why = exc.detail or ""
        return _refused(
            request,
            401,
            texts(
                "The sign-in did not succeed. Sign in again; if it keeps failing, tell the "
                "office's administrator what failed: %(why)s",
                why=why,
            ),
        )
    except ServiceUnavailable:
        return _refused(request, 503, texts(_UNREACHABLE))
    principal = done.principal
    if not principal.roles & CONSOLE_ROLES:
        return _refused(
            request,
            403,
            texts(
                "Your account has no role in the console: it serves the offices' staff and the "
                "municipal departments. Ask the office to give your account its role."
            ),
        )
    async with transaction(request) as tx:
        await staff.remember(
            tx,
            subject=principal.subject,
            name=done.name,
            email=done.email,
            roles=[r.value for r in principal.roles],
            department=principal.department,
            language=texts_for(request).lang,
        )
    return _signed_in(request, principal, done.name, pending.next)


@router.post("/console/sign-out")
async def sign_out(request: Request) -> Response:
    token_ok = (await forms.posted(request))[1]
    if not token_ok:
        return redirect(HOME)
    client = _client(request)
    after = str(request.url_for("sign_in_page").include_query_params(notice="signed_out"))
    target = None
    if client is not None:
        # Signed out here in any case; at the provider too when it can be reached.
        with suppress(ServiceUnavailable):
            target = await client.logout_url(after)
    response = redirect(target or "/console/sign-in?notice=signed_out")
    write(request, response, Session())
    return response
