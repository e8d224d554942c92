"""What every console page shares: the signed-in staff member, the page frame, redirects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from app.config import Settings
from app.kit.permissions import Role
from app.kit.principals import Principal
from app.kit.sql import Conn
from app.staff import service as staff
from app.web import acting
from app.web.rendering import PRIVATE, render
from app.web.session import read, write

HOME = "/console"
PORTAL = "/portal"
SIGN_IN = "/console/sign-in"
# Roles the console serves: the offices' staff (inbox, cases, deadlines) and departments (the
# portal). Monitors, auditors and admins have the API and the public statistics.
STAFF_ROLES = frozenset(
    {Role.ombudsperson_staff, Role.ombudsperson, Role.oversight_officer, Role.oversight_head}
)
CONSOLE_ROLES = STAFF_ROLES | {Role.respondent}


def redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303, headers=PRIVATE)


def local(target: str | None, default: str = HOME) -> str:
    """A path of this site to go back to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def idle_seconds(settings: Settings) -> int:
    return settings.console_idle_minutes * 60


def signed_in(request: Request) -> Principal | Response:
    """The signed-in person's principal; else a redirect to the sign-in page (which comes back
    here)."""
    session = read(request)[0]
    here = request.url.path
    if request.url.query and request.method == "GET":
        here += "?" + request.url.query
    back = quote(here, safe="/?=&")
    if session.staff is None:
        return redirect(f"{SIGN_IN}?next={back}")
    principal = session.staff_principal(request.app.state.settings)
    if principal is None:
        return redirect(f"{SIGN_IN}?notice=expired&next={back}")
    return principal


def staff_only(request: Request) -> Principal | Response:
    """The signed-in staff member; a department goes to its portal, anyone else to the sign-in
    (or a refusal for a role the console does not serve)."""
    signed = signed_in(request)
    if isinstance(signed, Response):
        return signed
    if not signed.roles & STAFF_ROLES:
        return redirect(PORTAL) if signed.department else acting.error_page(request, 403)
    return signed


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    principal: Principal | None = None,
    status_code: int = 200,
) -> Response:
    """A console page: the form token, who is signed in, the sign-in renewed (idle limit)."""
    session = read(request)[0]
    if principal is not None:
        session = session.staff_renewed(idle_seconds(request.app.state.settings))
    login = session.staff
    frame = {
        "csrf": session.csrf,
        "me": {
            "name": (login.name or login.subject) if login else "",
            "staff": bool(principal and principal.roles & STAFF_ROLES),
            "department": principal.department if principal else None,
        },
    }
    response = render(request, name, {**frame, **context}, status_code=status_code, headers=PRIVATE)
    write(request, response, session)
    return response


async def people(conn: Conn, subjects: Iterable[str | None]) -> dict[str, str]:
    """subject -> what a page shows for them: the staff directory's name, else the subject."""
    wanted = {s for s in subjects if s}
    known = await staff.names(conn, wanted)
    return {s: known.get(s, s) for s in wanted}
