"""The residents' browser session: one sealed cookie, a CSRF token for every form.

The cookie (`ombuds_session`) is encrypted and authenticated (AES-256-GCM, key derived from the
token secret): it holds the form token, and after a receipt login the login itself (the case and
the subject a receipt token names), from which the pages take exactly the principal a receipt
token would carry (`app.auth.tokens.receipt_principal`): the seal is the signature, so no token
is minted or checked per page. Right after a filing it also holds the reference and receipt until
the confirmation page has shown them once. It is HttpOnly and SameSite=Strict, Secure outside
development, and lives as long as the browser session; the login in it ends after
`OMBUDS_RECEIPT_TOKEN_TTL_SECONDS` of inactivity (each page renews it) and in any case
`OMBUDS_PAGE_SESSION_HOURS` after it began.

The receipt is never in a URL, a log line or a Referer: it travels in form bodies and in this
cookie only, and pages are served with `Referrer-Policy: no-referrer`.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request, Response

from app.auth.tokens import receipt_principal
from app.config import Settings
from app.kit.permissions import Role
from app.kit.principals import Principal

COOKIE = "ombuds_session"
_PURPOSE = b"ombuds page session v1"
_NONCE = 12


def _cipher(settings: Settings) -> AESGCM:
    """The cookie's cipher, with a key of its own derived from the token secret (one secret less
    to keep); built once per secret."""
    return _aead(settings.jwt_secret.get_secret_value())


@cache
def _aead(secret: str) -> AESGCM:
    key = HKDF(hashes.SHA256(), 32, salt=None, info=_PURPOSE).derive(secret.encode())
    return AESGCM(key)


@dataclass(frozen=True)
class Filed:
    """What the confirmation page shows once: the new case's reference and its receipt."""

    reference: str
    receipt: str
    track: str
    acknowledge_by: str
    feedback_by: str


@dataclass(frozen=True)
class StaffLogin:
    """A console sign-in: who the identity provider (or, in development, the sign-in page) said
    the person is, with the roles mapped as an access token's; when it began (the absolute limit)
    and until when it holds without activity (the idle limit)."""

    subject: str
    roles: list[str]
    department: str | None
    name: str | None
    since: float
    until: float
    # The provider's ID token is not kept (a cookie has 4 KB); logout names the client instead.


@dataclass(frozen=True)
class Pending:
    """A sign-in under way at the provider: what the callback must find again (the state), what
    the ID token must carry (the nonce) and the PKCE code verifier; where to go afterwards."""

    state: str
    nonce: str
    verifier: str
    next: str
    since: float


@dataclass(frozen=True)
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # A receipt login: who it acts as (`receipt:<reference>`) on which case, when it began (the
    # absolute limit) and until when it holds without activity (the idle limit).
    subject: str | None = None
    case: str | None = None
    since: float | None = None
    until: float | None = None
    filed: Filed | None = None
    staff: StaffLogin | None = None
    pending: Pending | None = None

    def signed_in(self, subject: str, case: UUID, idle_seconds: int) -> Session:
        now = time.time()
        return replace(self, subject=subject, case=str(case), since=now, until=now + idle_seconds)

    def renewed(self, idle_seconds: int) -> Session:
        return replace(self, until=time.time() + idle_seconds)

    def signed_out(self) -> Session:
        """A fresh form token too: nothing of the old session carries over."""
        return Session()

    def login(self, settings: Settings) -> Principal | None:
        """The receipt login's principal (as a receipt token's), or None: none, or ended by the
        idle or the absolute limit."""
        if self.subject is None or self.case is None or self.since is None or self.until is None:
            return None
        now = time.time()
        if now > self.until or now - self.since > settings.page_session_hours * 3600:
            return None
        return receipt_principal(settings, self.subject, UUID(self.case))

    def staff_principal(self, settings: Settings) -> Principal | None:
        """The console sign-in's principal, or None: none, or ended by the idle or the absolute
        limit."""
        login = self.staff
        if login is None:
            return None
        now = time.time()
        if now > login.until or now - login.since > settings.page_session_hours * 3600:
            return None
        return Principal(
            subject=login.subject,
            roles=frozenset(Role(r) for r in login.roles),
            department=login.department,
        )

    def staff_renewed(self, idle_seconds: int) -> Session:
        if self.staff is None:
            return self
        return replace(self, staff=replace(self.staff, until=time.time() + idle_seconds))


def seal(settings: Settings, session: Session) -> str:
    nonce = os.urandom(_NONCE)
    # The fields as they are (dataclasses.asdict deep-copies recursively: a third of the cost of
    # sealing, on the filing form's path).
    data = dict(vars(session))
    for part in ("filed", "staff", "pending"):
        value = getattr(session, part)
        if value is not None:
            data[part] = dict(vars(value))
    plain = json.dumps(data, separators=(",", ":")).encode()
    sealed = _cipher(settings).encrypt(nonce, plain, _PURPOSE)
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(settings: Settings, value: str) -> Session | None:
    """The session in a cookie, or None when it is not one this service sealed."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        plain = _cipher(settings).decrypt(raw[:_NONCE], raw[_NONCE:], _PURPOSE)
        data: dict[str, Any] = json.loads(plain)
        filed = data.pop("filed", None)
        staff = data.pop("staff", None)
        pending = data.pop("pending", None)
        return Session(
            **data,
            filed=Filed(**filed) if filed else None,
            staff=StaffLogin(**staff) if staff else None,
            pending=Pending(**pending) if pending else None,
        )
    except Exception:  # any defect: no session (a new one is started)
        return None


def read(request: Request) -> tuple[Session, bool]:
    """The request's session, and whether it came with the request (False: a new one)."""
    cached = request.scope.get("ombuds.session")
    if isinstance(cached, tuple):
        return cached
    settings: Settings = request.app.state.settings
    value = request.cookies.get(COOKIE)
    found = unseal(settings, value) if value else None
    result = (found, True) if found is not None else (Session(), False)
    request.scope["ombuds.session"] = result
    return result


def write(request: Request, response: Response, session: Session) -> None:
    settings: Settings = request.app.state.settings
    request.scope["ombuds.session"] = (session, True)
    response.set_cookie(
        COOKIE,
        seal(settings, session),
        httponly=True,
        samesite="strict",
        secure=settings.environment != "development",
        path="/",
    )


def csrf_ok(session: Session, known: bool, submitted: object) -> bool:
    """The form's token is the session's: a page of this service made the form."""
    return known and isinstance(submitted, str) and hmac.compare_digest(submitted, session.csrf)
