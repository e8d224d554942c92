"""The staff console's sign-in: OpenID Connect's authorization code flow with PKCE, against the
city's provider, through Authlib (the authorization URL with its S256 code challenge, the token
exchange and the client's authentication: client_secret_basic for a confidential client, PKCE
alone for a public one).

The provider is found by its discovery document (`{issuer}/.well-known/openid-configuration`,
fetched once, its issuer equal to the one configured) and reached under the JWKS's rules
(`app.auth.jwks.jwks_target`: https and a public address outside development, the address
checked is the one connected to, no redirects, no proxies), within the same limits: one deadline
for each exchange (`OMBUDS_JWKS_TIMEOUT_SECONDS`) and a size cap on each answer
(`OMBUDS_JWKS_MAX_BYTES`). Every endpoint the document names is checked by the same rule.

What comes back is believed only once checked: the ID token by `Verifier.verify_id_token` (its
signature from the provider's JWKS, issuer, this client as audience, expiry, this sign-in's
nonce), the access token by `Verifier.verify_provider`, which maps its roles exactly as the
provider's API tokens are mapped; both must name the same subject.

A sign-in that is refused (a wrong state, an error from the provider, a code it will not
exchange, a defective token, no ombuds role) raises `Unauthorized`; a provider that cannot be
reached or answers nonsense raises `ServiceUnavailable`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import httpx
from authlib.deprecate import AuthlibDeprecationWarning  # type: ignore[import-untyped]

from app.auth.jwks import jwks_target
from app.auth.tokens import Verifier
from app.config import Settings
from app.kit.errors import ServiceUnavailable, Unauthorized
from app.kit.outbound import Outbound, PinnedTransport, TargetRefused
from app.kit.principals import Principal

with warnings.catch_warnings():
    # Authlib 1.9 looks for the `httpx2` package first and warns, once at import, that falling
    # back to httpx is deprecated. httpx is what the service's outbound rules are built on
    # (app.kit.outbound.PinnedTransport); the warning says nothing an operator can act on.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.common.security import generate_token  # type: ignore[import-untyped]
    from authlib.common.urls import add_params_to_uri  # type: ignore[import-untyped]
    from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
    from authlib.integrations.httpx_client import (  # type: ignore[import-untyped]
        AsyncOAuth2Client,
    )

log = logging.getLogger("ombuds.oidc")

# RFC 6749 4.1.2.1: what a provider's `error` may be. Anything else on the callback (it is the
# browser's query, anyone can write one) is not repeated to the reader.
_ERROR_CODES = frozenset(
    {
        "invalid_request",
        "unauthorized_client",
        "access_denied",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "interaction_required",
        "login_required",
        "account_selection_required",
        "consent_required",
        "invalid_request_uri",
        "invalid_request_object",
        "request_not_supported",
        "request_uri_not_supported",
        "registration_not_supported",
        "invalid_grant",
        "invalid_client",
        "unsupported_grant_type",
    }
)
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")
UNREACHABLE = "The identity provider could not be reached; try again later."


@dataclass(frozen=True)
class Started:
    url: str  # where to send the browser: the authorization endpoint, everything in the query
    state: str
    nonce: str
    verifier: str  # the PKCE code verifier (kept in the sealed session cookie until the callback)


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    name: str | None  # from the ID token: name, else preferred_username
    email: str | None
    id_token: str  # raw, for logout's id_token_hint


@dataclass(frozen=True)
class Provider:
    """What the discovery document says, of what the sign-in uses."""

    authorization_endpoint: str
    token_endpoint: str
    end_session_endpoint: str | None


class ProviderError(Exception):
    """The provider answered, but not with what the flow needs (or too much of it)."""


def provider_target(environment: str, allow_private: bool = False) -> Outbound:
    """The JWKS's rule, named for what it guards here (messages say "the identity provider
    URL ...")."""
    return replace(jwks_target(environment, allow_private), name="identity provider")


class _Capped(httpx.AsyncBaseTransport):
    """Reads each answer whole before the client sees it, up to `max_bytes` (as the JWKS
    fetch does), and only without a content coding: a small compressed answer may inflate
    beyond any cap."""

    def __init__(self, inner: httpx.AsyncBaseTransport, max_bytes: int, owned: bool) -> None:
        self.inner = inner
        self.max_bytes = max_bytes
        self.owned = owned  # a transport given by the caller is the caller's to close

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Accept-Encoding"] = "identity"
        response = await self.inner.handle_async_request(request)
        try:
            if response.headers.get("Content-Encoding", "identity").lower() != "identity":
                raise ProviderError("the answer has a content coding")
            body = bytearray()
            assert isinstance(response.stream, httpx.AsyncByteStream)
            async for chunk in response.stream:
                body += chunk
                if len(body) > self.max_bytes:
                    raise ProviderError("the answer is larger than allowed")
        finally:
            await response.aclose()
        headers = [(k, v) for k, v in response.headers.multi_items() if k != "transfer-encoding"]
        return httpx.Response(response.status_code, headers=headers, content=bytes(body))

    async def aclose(self) -> None:
        if self.owned:
            await self.inner.aclose()


class OidcClient:
    """One per app: it holds the provider's discovery document once fetched."""

    def __init__(
        self,
        settings: Settings,
        verifier: Verifier,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not settings.oidc_client_id or not settings.oidc_issuer:
            raise ValueError("the console's sign-in needs OMBUDS_OIDC_CLIENT_ID and the issuer")
        self.settings = settings
        self.verifier = verifier
        self.client_id = settings.oidc_client_id
        self.issuer = settings.oidc_issuer
        self.target = provider_target(settings.environment, settings.oidc_allow_private)
        # A transport given here (tests) replaces only how connections are opened: every URL is
        # still checked by the rule, every answer still capped and timed.
        self.transport = transport
        self.provider: Provider | None = None
        self._flight: asyncio.Task[Provider] | None = None

    async def start(self, redirect_uri: str) -> Started:
        provider = await self._provider()
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        async with self._oauth() as oauth:
            url, _ = oauth.create_authorization_url(
                provider.authorization_endpoint,
                state=state,
                code_verifier=verifier,
                nonce=nonce,
                redirect_uri=redirect_uri,
            )
        return Started(url=str(url), state=state, nonce=nonce, verifier=verifier)

    async def finish(
        self,
        *,
        redirect_uri: str,
        expected_state: str,
        nonce: str,
        verifier: str,
        params: Mapping[str, str],
    ) -> SignedIn:
        state = params.get("state")
        if (
            not state
            or not expected_state
            or not hmac.compare_digest(state.encode(), expected_state.encode())
        ):
            raise Unauthorized(
                "This sign-in was not started from this browser, or has been used already; "
                "sign in again."
            )
        error = params.get("error")
        if error is not None:
            shown = f" ({error})" if error in _ERROR_CODES else ""
            raise Unauthorized(f"The identity provider did not sign you in{shown}.")
        code = params.get("code")
        if not code:
            raise Unauthorized("The identity provider sent no authorization code.")
        provider = await self._provider()
        token = await self._exchange(provider, code, redirect_uri, verifier)
        access_token, id_token = token.get("access_token"), token.get("id_token")
        if not isinstance(access_token, str) or not isinstance(id_token, str):
            raise Unauthorized("The identity provider did not return an access and an ID token.")
        claims = await self.verifier.verify_id_token(
            id_token, client_id=self.client_id, nonce=nonce, access_token=access_token
        )
        principal = await self.verifier.verify_provider(access_token)
        if claims.get("sub") != principal.subject:
            raise Unauthorized("The ID token and the access token name different people.")
        return SignedIn(
            principal=principal,
            name=_text(claims.get("name")) or _text(claims.get("preferred_username")),
            email=_text(claims.get("email")),
            id_token=id_token,
        )

    async def logout_url(
        self, post_logout_redirect_uri: str, id_token_hint: str | None = None
    ) -> str | None:
        """The provider's end_session_endpoint with what RP-initiated logout takes, or None
        when it has none. Raises ServiceUnavailable if the provider was never reached and
        cannot be now: end the service's own session first."""
        provider = await self._provider()
        if provider.end_session_endpoint is None:
            return None
        params = [
            ("client_id", self.client_id),
            ("post_logout_redirect_uri", post_logout_redirect_uri),
        ]
        if id_token_hint:
            params.append(("id_token_hint", id_token_hint))
        return str(add_params_to_uri(provider.end_session_endpoint, params))

    async def _exchange(
        self, provider: Provider, code: str, redirect_uri: str, verifier: str
    ) -> dict[str, Any]:
        try:
            async with asyncio.timeout(self.settings.jwks_timeout_seconds), self._oauth() as oauth:
                token = await oauth.fetch_token(
                    provider.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    redirect_uri=redirect_uri,
                    code_verifier=verifier,
                )
        except OAuthError as exc:
            error = str(exc.error or "")
            if error in ("invalid_client", "unauthorized_client"):
                log.warning("the identity provider refused the console's client (%s)", error)
            shown = f" ({error})" if _ERROR_CODE.fullmatch(error) else ""
            raise Unauthorized(f"The identity provider refused the sign-in{shown}.") from exc
        except (httpx.HTTPError, ProviderError, TargetRefused, TimeoutError, ValueError) as exc:
            log.warning("token exchange with the identity provider failed (%s)", _reason(exc))
            raise ServiceUnavailable(UNREACHABLE) from exc
        return dict(token)

    async def _provider(self) -> Provider:
        """The discovery document, fetched once; requests that need it while it is fetched
        wait for that one fetch. A failed fetch is tried again by the next request."""
        if self.provider is not None:
            return self.provider
        flight = self._flight
        if flight is None:
            flight = self._flight = asyncio.create_task(self._discover())
            flight.add_done_callback(self._landed)
        try:
            provider = await asyncio.shield(flight)
        except (httpx.HTTPError, ProviderError, TargetRefused, TimeoutError, ValueError) as exc:
            raise ServiceUnavailable(UNREACHABLE) from exc
        self.provider = provider
        return provider

    def _landed(self, flight: asyncio.Task[Provider]) -> None:
        self._flight = None
        if not flight.cancelled() and (exc := flight.exception()) is not None:
            log.warning("OpenID discovery failed (%s)", _reason(exc))

    async def _discover(self) -> Provider:
        url = f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
        self.target.check_url(url)
        async with (
            asyncio.timeout(self.settings.jwks_timeout_seconds),
            httpx.AsyncClient(**self._client_options()) as client,
        ):
            response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
        if not isinstance(document, dict):
            raise ProviderError("not a discovery document")
        if document.get("issuer") != self.issuer:
            raise ProviderError("the discovery document names another issuer")
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise ProviderError("the provider does not support PKCE with S256")
        endpoints: dict[str, str | None] = {}
        for name in ("authorization_endpoint", "token_endpoint", "end_session_endpoint"):
            value = document.get(name)
            if value is None and name == "end_session_endpoint":
                endpoints[name] = None
                continue
            if not isinstance(value, str):
                raise ProviderError(f"the discovery document has no {name}")
            self.target.check_url(value)
            endpoints[name] = value
        return Provider(
            authorization_endpoint=str(endpoints["authorization_endpoint"]),
            token_endpoint=str(endpoints["token_endpoint"]),
            end_session_endpoint=endpoints["end_session_endpoint"],
        )

    def _client_options(self) -> dict[str, Any]:
        inner = self.transport or PinnedTransport(self.target)
        return {
            "transport": _Capped(inner, self.settings.jwks_max_bytes, owned=self.transport is None),
            "timeout": self.settings.jwks_timeout_seconds,
            "follow_redirects": False,
            "trust_env": False,
        }

    def _oauth(self) -> Any:
        secret = self.settings.oidc_client_secret
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=secret.get_secret_value() if secret else None,
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
            code_challenge_method="S256",
            scope=self.settings.oidc_scopes,
            **self._client_options(),
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _reason(exc: BaseException) -> str:
    """A refusal says why (an address, no secret); other failures by their kind only."""
    if isinstance(exc, TargetRefused | ProviderError):
        return f"refused: {exc}"
    return type(exc).__name__
