"""FastAPI dependencies that turn the Authorization header into a Principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.principals import Principal
from app.auth.tokens import verify
from app.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="Access token from `ombuds token` or a receipt.")


def _principal(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("This route needs a bearer token.")
    return verify(request.app.state.settings, credentials.credentials)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    return _principal(request, credentials)


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """No header: anonymous. A header that is present must be valid (never silently ignored)."""
    if credentials is None and "authorization" not in request.headers:
        return None
    return _principal(request, credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
