"""FastAPI dependencies that turn the Authorization header into a Principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.principals import Principal
from app.auth.tokens import Verifier
from app.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="Access token from `ombuds token` or a receipt.")


async def _principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("This route needs a bearer token.")
    verifier: Verifier = request.app.state.verifier
    return await verifier.verify(credentials.credentials)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    return await _principal(request, credentials)


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
    verifier: Verifier = request.app.state.verifier
    return await verifier.verify(token.strip())


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
