"""Who is calling, what the route they call needs, and which complaints are within their reach.

A route declares its permission where it is defined (`allow` or `allow_on_case`), so the role x
route matrix is readable from the routes themselves (the OpenAPI document shows it as
`x-permissions`). Visibility is SQL: a complaint outside the caller's reach is never loaded and
answers 404, before any 403, so a refusal never confirms that a case exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, NoReturn, Protocol
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.kit.errors import Conflict, NotFound, Unauthorized
from app.kit.permissions import Permission, Role
from app.kit.principals import Actor, Principal, reporter_actor
from app.kit.sql import Conn, Params, compose, one


class Verifier(Protocol):
    async def verify(self, token: str) -> Principal: ...


class WriteBrake(Protocol):
    """What slows a complainant's or resident's writes (app.state.public_writes)."""

    async def __call__(self, request: Request, principal: Principal) -> None: ...


_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PUBLIC = frozenset({Role.complainant, Role.resident})


_bearer = HTTPBearer(auto_error=False, description="Access token from `ombuds token` or a receipt.")


async def _verify(request: Request, token: str) -> Principal:
    verifier: Verifier = request.app.state.verifier
    return await verifier.verify(token)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("This route needs a bearer token.")
    return await _verify(request, credentials.credentials)


async def optional_principal(request: Request) -> Principal | None:
    """No header: anonymous. A header that is present must be valid (never silently ignored).

    Reads the header itself rather than through HTTPBearer: this runs on the public filing path,
    whose route declares the optional bearer scheme in its OpenAPI `security` directly.
    """
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("The Authorization header must be `Bearer <token>`.")
    return await _verify(request, token.strip())


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


class Gate:
    """A route's permission: the dependency that checks it, and the declaration that tests and
    the OpenAPI document read (`permissions`, `on_case`).

    On a route about one complaint (`on_case`), the check waits for `reach`/`lock`: out of reach
    is 404 first, then a role without the permission gets 403.
    """

    def __init__(self, permissions: frozenset[Permission], *, on_case: bool) -> None:
        # Gates are built when the routes are declared, at import: mutating them tests nothing
        # (tests/kit/test_route_matrix.py checks every route's gate against a literal table).
        # pragma: no mutate block
        self.permissions = permissions
        self.on_case = on_case

    async def __call__(
        self, request: Request, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if request.method in _WRITES and principal.roles & _PUBLIC:
            brake: WriteBrake = request.app.state.public_writes
            await brake(request, principal)
        calling = principal.calling(self.permissions)
        if not self.on_case:
            calling.check_route()
        return calling


def allow(*permissions: Permission) -> Any:
    """`principal: Annotated[Principal, allow(P.x)]`: callers holding one of `permissions`."""
    return Depends(Gate(frozenset(permissions), on_case=False))  # pragma: no mutate


def allow_on_case(*permissions: Permission) -> Any:
    """Like `allow`, for routes under /v1/complaints/{complaint_id}: 404 before 403."""
    return Depends(Gate(frozenset(permissions), on_case=True))  # pragma: no mutate


# The clauses of visibility, one per kind of caller; a caller sees what any of theirs allows.
_STAFF = (
    "(c.track = ANY(%(vis_tracks)s) AND NOT EXISTS (SELECT 1 FROM recusals r "
    "WHERE r.complaint_id = c.id AND r.subject = %(vis_staff)s))"
)
_COMPLAINANT = "c.id = %(vis_complaint)s"
_RESIDENT = "c.complainant_subject = %(vis_subject)s"


def visibility(principal: Principal) -> tuple[str, Params]:
    """The SQL condition (over alias `c`) for the complaints this principal may see at all."""
    clauses: list[str] = []
    params: Params = {}
    if principal.tracks:
        # Staff see their track, except complaints they are recused from.
        clauses.append(_STAFF)
        params["vis_tracks"] = sorted(principal.tracks)
        params["vis_staff"] = principal.subject
    if Role.complainant in principal.roles and principal.complaint_id is not None:
        clauses.append(_COMPLAINANT)
        params["vis_complaint"] = principal.complaint_id
    if Role.resident in principal.roles:
        clauses.append(_RESIDENT)
        params["vis_subject"] = principal.subject
    return (" OR ".join(clauses) or "false"), params


@dataclass(frozen=True, slots=True)
class CaseRef:
    """What a route about one complaint needs to know of it before it acts."""

    id: UUID
    track: str
    status: str
    version: int
    handler_subject: str | None
    updated_at: datetime
    reporter_alias: str | None = None

    def actor(self, principal: Principal, *needs: frozenset[Permission] | Permission) -> Actor:
        """Who an entry about this case names for what the caller does on it: on the
        confidential track the reporter is recorded under the case's pseudonym, never their
        account (EU Directive 2019/1937 art. 16)."""
        actor = principal.acting_for(*needs) if needs else principal.actor
        return reporter_actor(actor, self.reporter_alias)


_CASE = (
    "SELECT c.id, c.track, c.status, c.version, c.handler_subject, c.updated_at, "
    "c.reporter_alias "
    "FROM complaints c WHERE c.id = %(id)s AND ({visible}){lock}"
)
NOT_IN_REACH = "No complaint with this id is within your reach."


async def _case(conn: Conn, principal: Principal, complaint_id: UUID, lock: bool) -> CaseRef:
    visible, params = visibility(principal)
    query = compose(_CASE, visible=visible, lock=" FOR NO KEY UPDATE" if lock else "")
    case = await one(conn, query, {**params, "id": complaint_id}, CaseRef)
    if case is None:
        raise NotFound(NOT_IN_REACH)
    principal.check_route()
    return case


async def reach(conn: Conn, principal: Principal, complaint_id: UUID) -> CaseRef:
    """A complaint within the caller's reach (404 otherwise), for reading what hangs off it."""
    return await _case(conn, principal, complaint_id, lock=False)


async def lock(conn: Conn, principal: Principal, complaint_id: UUID) -> CaseRef:
    """The same, locked as transitions lock it: every write about a complaint takes this lock
    first, so a write and a transition never both pass checks made against the same state."""
    return await _case(conn, principal, complaint_id, lock=True)


async def refuse_unchanged(conn: Conn, status_query: str, params: Params, noun: str) -> NoReturn:
    """A change to something of a case (a hearing, a record, a measure) that matched no row:
    404 if it is not the case's, else 409 naming the state in which it no longer changes."""
    cur = await conn.execute(status_query, params)
    found = await cur.fetchone()
    if found is None:
        raise NotFound(f"No {noun} with this id belongs to this complaint.")
    raise Conflict(f"The {noun} is {found['status']}: it no longer changes.")
