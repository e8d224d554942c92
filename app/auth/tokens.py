"""Access tokens. The ONLY module that imports jose.

Local tokens are HS256 JWTs signed with the server's secret; tokens of a configured OpenID Connect
provider are RS256, checked against its JWKS. Each path accepts exactly its one algorithm (never a
list mixing HS and RS, so a token cannot choose how it is checked), and requires exp, iat, sub,
aud and iss (python-jose accepts tokens without aud or exp unless told). The provider's ID tokens
(the console's sign-in, app/auth/oidc.py) are checked here too, the same way, for this client.
"""

from __future__ import annotations

import hmac
import time
import uuid
from typing import Any
from uuid import UUID

from jose import JWTError, jwt

from app.auth.jwks import JwksCache, jwks_target
from app.config import Settings
from app.kit.errors import Unauthorized
from app.kit.permissions import Role
from app.kit.principals import Principal, account_pseudonym

ALGORITHM = "HS256"
_REQUIRED = ("exp", "iat", "sub", "aud", "iss")
_OPTIONS = {
    "verify_signature": True,
    "verify_aud": True,
    "verify_iat": True,
    "verify_exp": True,
    "verify_nbf": True,
    "verify_iss": True,
    "verify_sub": True,
    "verify_jti": True,
    **{f"require_{claim}": True for claim in _REQUIRED},
    "leeway": 30,
}


def issue(
    settings: Settings,
    *,
    subject: str,
    roles: list[Role],
    ttl_seconds: int,
    department: str | None = None,
    complaint_id: UUID | None = None,
) -> str:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
        "roles": [r.value for r in roles],
    }
    if department is not None:
        claims["department"] = department
    if complaint_id is not None:
        claims["cid"] = str(complaint_id)
    return str(jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM))


def verify(settings: Settings, token: str) -> Principal:
    """Decode and check a token; any defect is the same 401 to the caller."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise Unauthorized("The access token is not valid.")
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options=_OPTIONS,
        )
    except JWTError as exc:
        raise Unauthorized("The access token is not valid or has expired.") from exc
    return _principal(settings, claims)


def _pseudonym(settings: Settings, subject: str, roles: frozenset[Role]) -> str | None:
    if Role.resident not in roles:
        return None
    return account_pseudonym(settings.receipt_key.get_secret_value(), subject)


def receipt_principal(settings: Settings, subject: str, complaint_id: UUID) -> Principal:
    """What `verify` returns for a receipt token of this subject and complaint: for a session
    that holds a receipt login itself, sealed (the residents' pages), and so needs no token."""
    claims: dict[str, object] = {
        "sub": subject,
        "roles": [Role.complainant.value],
        "cid": str(complaint_id),
    }
    return _principal(settings, claims)


def _principal(settings: Settings, claims: dict[str, object]) -> Principal:
    raw_roles = claims.get("roles")
    subject = claims.get("sub")
    if not isinstance(raw_roles, list) or not isinstance(subject, str) or not subject:
        raise Unauthorized("The access token is not valid.")
    try:
        roles = frozenset(Role(r) for r in raw_roles)
    except ValueError as exc:
        raise Unauthorized("The access token names an unknown role.") from exc
    if not roles:
        raise Unauthorized("The access token carries no ombuds role.")
    department = claims.get("department")
    if department is not None and not isinstance(department, str):
        raise Unauthorized("The access token is not valid.")
    complaint_id: UUID | None = None
    if Role.complainant in roles:
        # A receipt token is good for one complaint and nothing else.
        try:
            complaint_id = UUID(str(claims["cid"]))
        except (KeyError, ValueError) as exc:
            raise Unauthorized("The access token is not valid.") from exc
        if roles != {Role.complainant}:
            raise Unauthorized("The access token is not valid.")
    if Role.respondent in roles and not department:
        raise Unauthorized("A respondent token needs a department.")
    return Principal(
        subject=subject,
        roles=roles,
        department=department,
        complaint_id=complaint_id,
        pseudonym=_pseudonym(settings, subject, roles),
    )


class Verifier:
    """Chooses the path by the token's declared algorithm, then checks it only that way."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.jwks: JwksCache | None = None
        if settings.oidc_jwks_url:
            self.jwks = JwksCache(
                settings.oidc_jwks_url,
                target=jwks_target(settings.environment, settings.oidc_allow_private),
                ttl_seconds=settings.jwks_cache_seconds,
                timeout_seconds=settings.jwks_timeout_seconds,
                max_bytes=settings.jwks_max_bytes,
                refetch_interval_seconds=settings.jwks_refetch_interval_seconds,
            )

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise Unauthorized("The access token is not valid.") from exc
        if header.get("alg") == ALGORITHM:
            return verify(self.settings, token)
        if header.get("alg") == "RS256" and self.jwks is not None:
            return await self._verify_oidc(token, header)
        raise Unauthorized("The access token is not valid.")

    async def verify_provider(self, token: str) -> Principal:
        """An access token the provider issued (the console's sign-in): RS256 from its JWKS only,
        checked and mapped as `verify` does a provider's token."""
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise Unauthorized("The access token is not valid.") from exc
        if header.get("alg") != "RS256" or self.jwks is None:
            raise Unauthorized("The access token is not valid.")
        return await self._verify_oidc(token, header)

    async def verify_id_token(
        self, token: str, *, client_id: str, nonce: str, access_token: str | None = None
    ) -> dict[str, Any]:
        """The claims of the provider's ID token (OpenID Connect Core 3.1.3.7): RS256 from its
        JWKS, its issuer, for this client (`aud`, and `azp` when there are several audiences),
        exp, iat and sub present, the nonce this sign-in sent, and `at_hash` when present."""
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise Unauthorized("The ID token is not valid.") from exc
        kid = header.get("kid")
        if header.get("alg") != "RS256" or self.jwks is None or not isinstance(kid, str):
            raise Unauthorized("The ID token is not valid.")
        key = await self.jwks.key(kid)
        if key is None:
            raise Unauthorized("The ID token was not signed by a known key.")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=client_id,
                issuer=self.settings.oidc_issuer,
                options=_OPTIONS,
                access_token=access_token,
            )
        except JWTError as exc:
            raise Unauthorized("The ID token is not valid or has expired.") from exc
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != client_id:
            raise Unauthorized("The ID token was not issued to this service.")
        sent = claims.get("nonce")
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
            raise Unauthorized("The ID token does not answer this sign-in (nonce).")
        return claims

    async def _verify_oidc(self, token: str, header: dict[str, Any]) -> Principal:
        assert self.jwks is not None
        kid = header.get("kid")
        key = await self.jwks.key(kid) if isinstance(kid, str) else None
        if key is None:
            raise Unauthorized("The access token was not signed by a known key.")
        settings = self.settings
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=settings.oidc_audience or settings.jwt_audience,
                issuer=settings.oidc_issuer,
                options=_OPTIONS,
            )
        except JWTError as exc:
            raise Unauthorized("The access token is not valid or has expired.") from exc
        return _oidc_principal(settings, claims)


def _claim(claims: dict[str, Any], dotted: str) -> Any:
    value: Any = claims
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _oidc_principal(settings: Settings, claims: dict[str, Any]) -> Principal:
    """Map the provider's roles onto ours; roles we do not know (offline_access, ...) are
    ignored, and a complainant role never comes from outside (only from a receipt)."""
    raw = _claim(claims, settings.oidc_roles_claim)
    known = {r.value for r in Role} - {Role.complainant.value}
    roles = frozenset(Role(r) for r in raw if r in known) if isinstance(raw, list) else frozenset()
    subject = claims.get("sub")
    if not roles or not isinstance(subject, str) or not subject:
        raise Unauthorized("The access token carries no ombuds role.")
    department = _claim(claims, settings.oidc_department_claim)
    if Role.respondent in roles and not isinstance(department, str):
        raise Unauthorized("A respondent token needs a department.")
    return Principal(
        subject=subject,
        roles=roles,
        department=department if isinstance(department, str) else None,
        pseudonym=_pseudonym(settings, subject, roles),
    )
