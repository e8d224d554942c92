"""The console's sign-in client (app.auth.oidc) on its own, against the test provider
(tests/idp.py): the authorization code flow with PKCE, and each way a sign-in is refused."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from app.auth.oidc import OidcClient, SignedIn, Started
from app.auth.tokens import Verifier
from app.config import Settings, field_problems
from app.kit.errors import ServiceUnavailable, Unauthorized
from app.kit.permissions import Role
from tests.idp import (
    CLIENT_ID,
    CLIENT_SECRET,
    POST_LOGOUT_URI,
    REDIRECT_URI,
    STRANGER_KEY,
    Idp,
    s256,
)


@pytest.fixture
def oidc(idp_settings: Settings) -> OidcClient:
    return OidcClient(idp_settings, Verifier(idp_settings))


async def authorize(started: Started) -> dict[str, str]:
    """What a browser sent to the provider brings back to the callback: its query."""
    async with httpx.AsyncClient(trust_env=False) as browser:
        response = await browser.get(started.url)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return dict(parse_qsl(location.query))


async def finish(
    oidc: OidcClient, started: Started, params: dict[str, str], **changes: Any
) -> SignedIn:
    arguments: dict[str, Any] = {
        "redirect_uri": REDIRECT_URI,
        "expected_state": started.state,
        "nonce": started.nonce,
        "verifier": started.verifier,
        "params": params,
        **changes,
    }
    return await oidc.finish(**arguments)


async def sign_in(oidc: OidcClient, **changes: Any) -> SignedIn:
    started = await oidc.start(REDIRECT_URI)
    return await finish(oidc, started, await authorize(started), **changes)


async def refused_sign_in(oidc: OidcClient, detail: str, **changes: Any) -> None:
    with pytest.raises(Unauthorized) as caught:
        await sign_in(oidc, **changes)
    assert caught.value.detail == detail


async def test_a_sign_in_gives_the_principal_with_the_mapped_roles_name_and_email(
    oidc: OidcClient, idp: Idp
) -> None:
    started = await oidc.start(REDIRECT_URI)
    url = urlsplit(started.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{idp.issuer}/authorize"
    query = dict(parse_qsl(url.query))
    assert query == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile email",
        "state": started.state,
        "nonce": started.nonce,
        "code_challenge": s256(started.verifier),
        "code_challenge_method": "S256",
    }
    assert len(started.verifier) >= 43 and len(started.state) >= 32 and len(started.nonce) >= 32

    signed_in = await finish(oidc, started, await authorize(started))
    principal = signed_in.principal
    assert principal.subject == "kc-staff-1"
    assert principal.roles == {Role.ombudsperson_staff}  # offline_access ignored
    assert principal.department is None
    assert (signed_in.name, signed_in.email) == ("Ada Lovelace", "ada@city.example")
    assert signed_in.id_token.count(".") == 2
    # The code was exchanged with the verifier (PKCE) and the client's secret (basic).
    (request,) = idp.token_requests
    assert request["code_verifier"] == started.verifier
    assert request["redirect_uri"] == REDIRECT_URI
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert request["authorization"] == f"Basic {basic}"
    assert "client_secret" not in request

    # A second sign-in: other state, nonce and verifier; discovery was fetched once.
    again = await oidc.start(REDIRECT_URI)
    assert {again.state, again.nonce, again.verifier}.isdisjoint(
        {started.state, started.nonce, started.verifier}
    )
    assert idp.hits["/.well-known/openid-configuration"] == 1


async def test_a_respondent_signs_in_with_the_department_and_a_username_when_no_name(
    oidc: OidcClient, idp: Idp
) -> None:
    idp.next_user = {
        "sub": "kc-housing-7",
        "preferred_username": "housing.clerk",
        "roles": ["respondent"],
        "department": "Housing",
    }
    signed_in = await sign_in(oidc)
    assert signed_in.principal.roles == {Role.respondent}
    assert signed_in.principal.department == "Housing"
    assert (signed_in.name, signed_in.email) == ("housing.clerk", None)


async def test_a_wrong_or_missing_state_is_refused_before_the_code_is_exchanged(
    oidc: OidcClient, idp: Idp
) -> None:
    started = await oidc.start(REDIRECT_URI)
    params = await authorize(started)
    detail = (
        "This sign-in was not started from this browser, or has been used already; sign in again."
    )
    for query in ({**params, "state": "x" * 43}, {"code": params["code"]}):
        with pytest.raises(Unauthorized) as caught:
            await finish(oidc, started, query)
        assert caught.value.detail == detail
    with pytest.raises(Unauthorized):
        await finish(oidc, started, params, expected_state="another-browser's-state")
    assert idp.token_requests == []


async def test_a_replayed_code_is_refused(oidc: OidcClient, idp: Idp) -> None:
    started = await oidc.start(REDIRECT_URI)
    params = await authorize(started)
    await finish(oidc, started, params)
    with pytest.raises(Unauthorized) as caught:
        await finish(oidc, started, params)
    assert caught.value.detail == "The identity provider refused the sign-in (invalid_grant)."
    assert len(idp.token_requests) == 2


async def test_the_provider_refuses_a_wrong_code_verifier(oidc: OidcClient, idp: Idp) -> None:
    await refused_sign_in(
        oidc, "The identity provider refused the sign-in (invalid_grant).", verifier="v" * 64
    )
    assert idp.token_requests[0]["code_verifier"] == "v" * 64


async def test_an_access_token_for_another_audience_is_refused(oidc: OidcClient, idp: Idp) -> None:
    idp.access_audience = "another-api"
    await refused_sign_in(oidc, "The access token is not valid or has expired.")


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"id_audience": "another-client"}, "The ID token is not valid or has expired."),
        ({"id_audience": [CLIENT_ID, "x"]}, None),  # azp names this client: accepted
        ({"id_nonce": "a-nonce-this-sign-in-never-sent"}, "nonce"),
        ({"id_key": STRANGER_KEY}, "The ID token is not valid or has expired."),
        ({"id_expires_in": -3600}, "The ID token is not valid or has expired."),
        ({"id_sub": "kc-someone-else"}, "The ID token and the access token name different people."),
    ],
)
async def test_a_defective_id_token_is_refused(
    change: dict[str, Any], detail: str | None, oidc: OidcClient, idp: Idp
) -> None:
    for name, value in change.items():
        setattr(idp, name, value)
    if detail is None:
        assert (await sign_in(oidc)).principal.subject == "kc-staff-1"
    elif detail == "nonce":
        await refused_sign_in(oidc, "The ID token does not answer this sign-in (nonce).")
    else:
        await refused_sign_in(oidc, detail)


async def test_an_id_token_for_another_sign_in_is_refused(oidc: OidcClient) -> None:
    """The session's nonce, not the one the provider echoes, decides."""
    await refused_sign_in(
        oidc, "The ID token does not answer this sign-in (nonce).", nonce="n" * 43
    )


async def test_an_error_from_the_provider_is_refused_naming_only_a_known_code(
    oidc: OidcClient, idp: Idp
) -> None:
    idp.deny = True
    started = await oidc.start(REDIRECT_URI)
    params = await authorize(started)
    assert params == {"error": "access_denied", "state": started.state}
    with pytest.raises(Unauthorized) as caught:
        await finish(oidc, started, params)
    assert caught.value.detail == "The identity provider did not sign you in (access_denied)."
    forged = {"error": "<b>call 555-0100</b>", "error_description": "x", "state": started.state}
    with pytest.raises(Unauthorized) as caught:
        await finish(oidc, started, forged)
    assert caught.value.detail == "The identity provider did not sign you in."
    assert idp.token_requests == []


@pytest.mark.parametrize("roles", [["offline_access", "uma_authorization"], ["complainant"], []])
async def test_tokens_with_no_ombuds_role_are_refused(
    roles: list[str], oidc: OidcClient, idp: Idp
) -> None:
    idp.next_user = {**idp.next_user, "roles": list(roles)}
    await refused_sign_in(oidc, "The access token carries no ombuds role.")


async def test_a_public_client_signs_in_with_pkce_alone(idp_settings: Settings, idp: Idp) -> None:
    idp.client_secret = None
    settings = idp_settings.model_copy(update={"oidc_client_secret": None})
    signed_in = await sign_in(OidcClient(settings, Verifier(settings)))
    assert signed_in.principal.roles == {Role.ombudsperson_staff}
    (request,) = idp.token_requests
    assert request["client_id"] == CLIENT_ID and request["authorization"] == ""


async def test_a_wrong_client_secret_is_refused(idp_settings: Settings) -> None:
    settings = idp_settings.model_copy(update={"oidc_client_secret": SecretStr("not-it")})
    await refused_sign_in(
        OidcClient(settings, Verifier(settings)),
        "The identity provider refused the sign-in (invalid_client).",
    )


async def test_logout_url(oidc: OidcClient, idp: Idp) -> None:
    url = await oidc.logout_url(POST_LOGOUT_URI, id_token_hint="the.id.token")
    assert url is not None
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{idp.issuer}/logout"
    assert dict(parse_qsl(parts.query)) == {
        "client_id": CLIENT_ID,
        "post_logout_redirect_uri": POST_LOGOUT_URI,
        "id_token_hint": "the.id.token",
    }
    plain = await oidc.logout_url(POST_LOGOUT_URI)
    assert plain is not None and "id_token_hint" not in plain


async def test_no_logout_url_when_the_provider_has_no_end_session(
    oidc: OidcClient, idp: Idp
) -> None:
    idp.discovery = {"end_session_endpoint": None}
    assert await oidc.logout_url(POST_LOGOUT_URI) is None


@pytest.mark.parametrize(
    "discovery",
    [
        {"issuer": "http://127.0.0.1:1/another-realm"},
        {"token_endpoint": None},
        {"code_challenge_methods_supported": ["plain"]},
        {"padding": "x" * (64 * 1024)},  # larger than OMBUDS_JWKS_MAX_BYTES
    ],
)
async def test_a_discovery_document_the_sign_in_cannot_use_is_not_kept(
    discovery: dict[str, Any], oidc: OidcClient, idp: Idp
) -> None:
    idp.discovery = dict(discovery)
    with pytest.raises(ServiceUnavailable):
        await oidc.start(REDIRECT_URI)
    idp.discovery = {}
    assert (await sign_in(oidc)).principal.subject == "kc-staff-1"  # fetched again, then kept
    assert idp.hits["/.well-known/openid-configuration"] == 2


async def test_outside_development_a_plain_http_provider_is_never_reached(
    idp_settings: Settings, idp: Idp
) -> None:
    settings = idp_settings.model_copy(update={"environment": "production"})
    oidc = OidcClient(settings, Verifier(settings))
    with pytest.raises(ServiceUnavailable):
        await oidc.start(REDIRECT_URI)
    assert idp.hits == {}


def _problems(**values: Any) -> list[str]:
    try:
        Settings(**values)
    except ValidationError as exc:
        return field_problems(exc)
    return []


def test_the_sign_in_needs_the_provider_configured() -> None:
    assert _problems(oidc_client_id=CLIENT_ID) == [
        "OMBUDS_OIDC_CLIENT_ID: needs OMBUDS_OIDC_ISSUER and OMBUDS_OIDC_JWKS_URL"
    ]
    assert _problems(oidc_client_secret=CLIENT_SECRET) == [
        "OMBUDS_OIDC_CLIENT_SECRET: needs OMBUDS_OIDC_CLIENT_ID"
    ]
    provider = {
        "oidc_issuer": "http://127.0.0.1:8080/realms/city",
        "oidc_jwks_url": "http://127.0.0.1:8080/realms/city/certs",
    }
    assert _problems(oidc_client_id=CLIENT_ID, **provider) == []  # development
    assert _problems(oidc_client_id=CLIENT_ID, oidc_scopes="profile email", **provider) == [
        "OMBUDS_OIDC_SCOPES: must include openid"
    ]
    production = _problems(environment="production", oidc_client_id=CLIENT_ID, **provider)
    assert "OMBUDS_OIDC_ISSUER: the issuer URL must be https outside development" in production
