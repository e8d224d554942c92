"""RS256 tokens of an OpenID Connect provider (Keycloak-style claims), checked against its JWKS,
served here by a real local HTTP server; the algorithm-confusion forgeries, refused; one fetch
for every request that waits on a slow provider, and a provider that failed left alone for a
while; and a JWKS outside development only over https, never from a special-purpose address."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from pydantic import ValidationError

from app.auth.jwks import JwksCache, jwks_target
from app.config import Settings, field_problems
from app.main import create_app
from tests.conftest import eventually, refused

ISSUER = "https://idp.example.org/realms/city"


def _keypair() -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public


KEYS = {"k1": _keypair(), "k2": _keypair()}


def _jwk(kid: str) -> dict[str, Any]:
    return {**jwk.construct(KEYS[kid][1], algorithm="RS256").to_dict(), "kid": kid, "use": "sig"}


class Jwks:
    """What the provider serves: its keys, and how it answers (slowly, with an error)."""

    def __init__(self) -> None:
        self.body = b""
        self.hits = 0
        self.delay = 0.0  # seconds before answering
        self.drip = False  # the document a byte at a time, one every 0.2 s
        self.status = 200
        self.released = threading.Event()  # set when the test ends: no answer waits longer
        self.lock = threading.Lock()
        self.publish("k1")

    def publish(self, *kids: str, padding: int = 0) -> None:
        document: dict[str, Any] = {"keys": [_jwk(k) for k in kids]}
        if padding:
            document["padding"] = "x" * padding
        self.body = json.dumps(document).encode()


@pytest.fixture
def jwks_server() -> Iterator[tuple[Jwks, str]]:
    state = Jwks()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.hits += 1
            if state.delay:
                state.released.wait(state.delay)
            if state.status != 200:
                self.send_error(state.status)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            if not state.drip:
                self.wfile.write(state.body)
                return
            for byte in state.body:
                if state.released.wait(0.2):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/certs"
    finally:
        state.released.set()
        server.shutdown()
        server.server_close()


@contextlib.asynccontextmanager
async def provider_app(
    settings: Settings, url: str, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """The app trusting the provider whose JWKS is at `url`. Development unless told otherwise:
    the test provider is plain http on 127.0.0.1. Not validated again (model_copy), so a
    setting the configuration refuses shows what the fetch itself does with it."""
    configured = settings.model_copy(
        update={
            "environment": "development",
            "oidc_issuer": ISSUER,
            "oidc_jwks_url": url,
            "jwks_refetch_interval_seconds": 60.0,
            "jwks_max_bytes": 16 * 1024,
            **overrides,
        }
    )
    app = create_app(configured)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client, app


@pytest.fixture
async def oidc_client(
    settings: Settings, jwks_server: tuple[Jwks, str]
) -> AsyncIterator[httpx.AsyncClient]:
    async with provider_app(settings, jwks_server[1]) as (client, _):
        yield client


def _token(kid: str = "k1", *, roles: list[str] | None = None, **changes: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": "ombuds-api",
        "sub": "kc-user-1",
        "iat": now,
        "exp": now + 300,
        "realm_access": {"roles": roles or ["ombudsperson_staff", "offline_access"]},
    }
    claims.update(changes)
    return jwt.encode(claims, KEYS[kid][0], algorithm="RS256", headers={"kid": kid})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_provider_token_is_accepted(
    oidc_client: httpx.AsyncClient, jwks_server: tuple[Jwks, str]
) -> None:
    response = await oidc_client.get("/v1/complaints", headers=_bearer(_token()))
    assert response.status_code == 200, response.text
    again = await oidc_client.get("/v1/complaints", headers=_bearer(_token()))
    assert again.status_code == 200
    assert jwks_server[0].hits == 1  # cached
    respondent = _token(roles=["respondent"], department="housing")
    inbox = await oidc_client.get("/v1/information-requests", headers=_bearer(respondent))
    assert inbox.status_code == 200


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://evil.example.org"},
        {"aud": "someone-else"},
        {"exp": int(time.time()) - 3600},
        {"roles": ["offline_access"]},
        {"roles": ["complainant"]},
        {"roles": ["respondent"]},
    ],
)
async def test_defective_provider_tokens_are_401(
    changes: dict[str, Any], oidc_client: httpx.AsyncClient
) -> None:
    # Not popped from `changes`: the parameter is shared by every run of this test in a process.
    claims = {k: v for k, v in changes.items() if k != "roles"}
    response = await oidc_client.get(
        "/v1/complaints", headers=_bearer(_token(roles=changes.get("roles"), **claims))
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_kid_refetches_once_then_stays_quiet(
    oidc_client: httpx.AsyncClient, jwks_server: tuple[Jwks, str]
) -> None:
    state, _ = jwks_server
    assert (await oidc_client.get("/v1/complaints", headers=_bearer(_token()))).status_code == 200
    assert state.hits == 1
    stranger = await oidc_client.get("/v1/complaints", headers=_bearer(_token("k2")))
    assert stranger.status_code == 401 and state.hits == 2  # one refetch
    for _ in range(5):
        await oidc_client.get("/v1/complaints", headers=_bearer(_token("k2")))
    assert state.hits == 2  # rate-limited: no hammering of the provider


async def test_rotated_key_is_picked_up(
    oidc_client: httpx.AsyncClient, jwks_server: tuple[Jwks, str]
) -> None:
    state, _ = jwks_server
    assert (await oidc_client.get("/v1/complaints", headers=_bearer(_token()))).status_code == 200
    state.publish("k1", "k2")
    rotated = await oidc_client.get("/v1/complaints", headers=_bearer(_token("k2")))
    assert rotated.status_code == 200 and state.hits == 2


async def test_oversized_jwks_is_not_trusted(
    oidc_client: httpx.AsyncClient, jwks_server: tuple[Jwks, str]
) -> None:
    jwks_server[0].publish("k1", padding=64 * 1024)
    response = await oidc_client.get("/v1/complaints", headers=_bearer(_token()))
    assert response.status_code == 401


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _hs256_with(secret: bytes) -> str:
    """Signed by hand: jose itself refuses to use a public key as an HMAC secret."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "ombuds-api",
        "sub": "mallory",
        "iat": now,
        "exp": now + 300,
        "realm_access": {"roles": ["oversight_head"]},
        "roles": ["oversight_head"],
    }
    header = {"alg": "HS256", "typ": "JWT", "kid": "k1"}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


@pytest.mark.parametrize("form", ["pem", "der", "jwk"])
async def test_hs256_signed_with_the_public_key_is_refused(
    form: str, oidc_client: httpx.AsyncClient
) -> None:
    public_pem = KEYS["k1"][1]
    secret = {
        "pem": public_pem,
        "der": serialization.load_pem_public_key(public_pem).public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "jwk": json.dumps(_jwk("k1")).encode(),
    }[form]
    response = await oidc_client.get("/v1/complaints", headers=_bearer(_hs256_with(secret)))
    assert response.status_code == 401


async def _burst(client: httpx.AsyncClient, token: str, n: int = 6) -> tuple[list[int], float]:
    """`n` requests at once: their statuses, and how long until the last one was answered."""
    started = time.monotonic()
    responses = await asyncio.gather(
        *(client.get("/v1/complaints", headers=_bearer(token)) for _ in range(n))
    )
    return [r.status_code for r in responses], time.monotonic() - started


def _expire(app: Any) -> None:
    """As if OMBUDS_JWKS_CACHE_SECONDS had passed since the keys were fetched."""
    app.state.verifier.jwks.fetched_at = float("-inf")


async def test_requests_waiting_on_a_slow_provider_share_one_fetch(
    settings: Settings, jwks_server: tuple[Jwks, str]
) -> None:
    state, url = jwks_server
    async with provider_app(settings, url) as (client, app):
        assert (await client.get("/v1/complaints", headers=_bearer(_token()))).status_code == 200
        assert state.hits == 1
        _expire(app)
        state.delay = 1.0  # the provider takes a second to answer
        statuses, elapsed = await _burst(client, _token())
    assert statuses == [200] * 6
    assert state.hits == 2  # one fetch for the six requests
    assert 0.9 <= elapsed < 1.8  # one fetch's time: not one fetch each in turn (6 s)


async def test_after_a_failed_fetch_the_keys_held_serve_and_the_provider_is_left_alone(
    settings: Settings, jwks_server: tuple[Jwks, str]
) -> None:
    state, url = jwks_server
    async with provider_app(settings, url) as (client, app):
        assert (await client.get("/v1/complaints", headers=_bearer(_token()))).status_code == 200
        _expire(app)
        state.delay, state.status = 1.0, 500  # slow, then an error
        statuses, elapsed = await _burst(client, _token())
        assert statuses == [200] * 6  # the keys held still work while the provider is down
        assert state.hits == 2 and elapsed < 1.8
        # Within the backoff (a second after the first failure) nobody asks the provider.
        state.delay = 0.0
        statuses, elapsed = await _burst(client, _token())
        assert statuses == [200] * 6 and state.hits == 2 and elapsed < 0.9
        stranger = await client.get("/v1/complaints", headers=_bearer(_token("k2")))
        refused(
            stranger, 401, "unauthorized", detail="The access token was not signed by a known key."
        )
        assert state.hits == 2
        # Once the backoff is over, the next request fetches again.
        state.status = 200

        async def fetched_again() -> bool:
            await client.get("/v1/complaints", headers=_bearer(_token()))
            return state.hits == 3

        await eventually(fetched_again, "the backoff to end", within=5)


async def test_with_no_keys_and_the_provider_down_requests_are_refused_at_once(
    settings: Settings, jwks_server: tuple[Jwks, str]
) -> None:
    state, url = jwks_server
    state.status = 503
    async with provider_app(settings, url) as (client, _):
        first = await client.get("/v1/complaints", headers=_bearer(_token()))
        refused(
            first, 401, "unauthorized", detail="The access token was not signed by a known key."
        )
        assert state.hits == 1
        statuses, elapsed = await _burst(client, _token())
    assert statuses == [401] * 6 and state.hits == 1 and elapsed < 0.9


@pytest.mark.parametrize("how", ["silent", "drip"])
async def test_a_provider_that_hangs_costs_one_timeout(
    how: str, settings: Settings, jwks_server: tuple[Jwks, str]
) -> None:
    state, url = jwks_server
    if how == "silent":
        state.delay = 30.0  # answers only when the test ends
    else:
        state.drip = True  # a byte now and then: no single read ever times out
    async with provider_app(settings, url, jwks_timeout_seconds=0.5) as (client, _):
        statuses, elapsed = await _burst(client, _token())
    assert statuses == [401] * 6 and state.hits == 1
    assert elapsed < 1.5  # the timeout (0.5 s), once, for all six


async def test_the_backoff_doubles_up_to_a_minute_and_starts_over_after_a_success(
    jwks_server: tuple[Jwks, str],
) -> None:
    state, url = jwks_server
    now = 1000.0
    cache = JwksCache(
        url,
        target=jwks_target("development"),
        ttl_seconds=300,
        timeout_seconds=3,
        max_bytes=16 * 1024,
        refetch_interval_seconds=10,
        clock=lambda: now,
    )
    state.status = 500
    assert await cache.key("k1") is None and state.hits == 1
    for wait in (1, 2, 4, 8, 16, 32, 60, 60, 60):
        failed_at, hits = now, state.hits
        now = failed_at + wait - 0.01
        assert await cache.key("k1") is None and state.hits == hits  # still backing off
        now = failed_at + wait
        assert await cache.key("k1") is None and state.hits == hits + 1  # tried, failed again
    state.status = 200
    now += 60
    assert (await cache.key("k1") or {}).get("kid") == "k1"
    hits = state.hits
    now += 301  # the keys are due again, and the provider fails: the first wait is 1 s again
    state.status = 500
    assert (await cache.key("k1") or {}).get("kid") == "k1" and state.hits == hits + 1
    now += 0.99
    assert (await cache.key("k1") or {}).get("kid") == "k1" and state.hits == hits + 1
    now += 0.01
    assert (await cache.key("k1") or {}).get("kid") == "k1" and state.hits == hits + 2


async def test_outside_development_a_plain_http_jwks_is_never_fetched(
    settings: Settings, jwks_server: tuple[Jwks, str]
) -> None:
    state, url = jwks_server
    async with provider_app(settings, url, environment="production") as (client, _):
        response = await client.get("/v1/complaints", headers=_bearer(_token()))
    refused(response, 401, "unauthorized", detail="The access token was not signed by a known key.")
    assert state.hits == 0


async def test_a_jwks_host_that_resolves_to_a_special_purpose_address_is_never_fetched(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    loop = asyncio.get_running_loop()

    async def metadata(host: str, port: int, **_: Any) -> list[Any]:
        assert host == "idp.example.org"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]

    monkeypatch.setattr(loop, "getaddrinfo", metadata)
    url = "https://idp.example.org/realms/city/protocol/openid-connect/certs"
    with caplog.at_level(logging.WARNING, logger="ombuds.jwks"):
        async with provider_app(settings, url, environment="production") as (client, _):
            response = await client.get("/v1/complaints", headers=_bearer(_token()))
    refused(response, 401, "unauthorized", detail="The access token was not signed by a known key.")
    assert caplog.messages == [
        "JWKS fetch failed (refused: the JWKS host resolves to a special-purpose address "
        "(169.254.169.254, 169.254.0.0/16 link local)); next try in 1 s"
    ]


def _problems(**values: Any) -> list[str]:
    try:
        Settings(**values)
    except ValidationError as exc:
        return field_problems(exc)
    return []


_PRODUCTION = {
    "environment": "production",
    "jwt_secret": "s" * 40,
    "receipt_key": "r" * 40,
    "audit_key": "a" * 40,
    "identity_keys": "prod1:" + base64.b64encode(b"p" * 32).decode(),
    "oidc_issuer": ISSUER,
}


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (
            "http://169.254.169.254/latest/meta-data/jwks",
            "OMBUDS_OIDC_JWKS_URL: the JWKS URL must be https outside development",
        ),
        (
            "http://idp.example.org/certs",
            "OMBUDS_OIDC_JWKS_URL: the JWKS URL must be https outside development",
        ),
        (
            "https://169.254.169.254/certs",
            "OMBUDS_OIDC_JWKS_URL: the JWKS URL points at a special-purpose address "
            "(169.254.0.0/16 link local)",
        ),
        (
            "https://[2002:a9fe:a9fe::]/certs",
            "OMBUDS_OIDC_JWKS_URL: the JWKS URL points at a special-purpose address "
            "(2002::/16 6to4)",
        ),
        (
            "https://[fec0::1]/certs",
            "OMBUDS_OIDC_JWKS_URL: the JWKS URL points at a special-purpose address "
            "(fec0::/10 site local)",
        ),
        (
            "https://localhost:8443/certs",
            "OMBUDS_OIDC_JWKS_URL: the JWKS URL points at this machine (localhost)",
        ),
    ],
)
def test_outside_development_the_jwks_url_is_https_to_a_public_host(url: str, problem: str) -> None:
    assert problem in _problems(**_PRODUCTION, oidc_jwks_url=url)


def test_a_jwks_url_the_rules_allow_loads() -> None:
    good = "https://idp.example.org/realms/city/protocol/openid-connect/certs"
    assert not [p for p in _problems(**_PRODUCTION, oidc_jwks_url=good) if "JWKS" in p]
    # In development, a provider on this machine over http (a local Keycloak) is fine.
    assert _problems(oidc_issuer=ISSUER, oidc_jwks_url="http://127.0.0.1:8080/certs") == []


def test_a_provider_on_the_citys_own_network_is_allowed_when_declared_and_only_over_https() -> None:
    internal = "https://10.20.0.5:8443/realms/city/protocol/openid-connect/certs"
    refused = "the JWKS URL points at a special-purpose address (10.0.0.0/8 private use)"
    assert [p for p in _problems(**_PRODUCTION, oidc_jwks_url=internal) if refused in p]
    declared = {**_PRODUCTION, "oidc_allow_private": True}
    assert not [p for p in _problems(**declared, oidc_jwks_url=internal) if "JWKS" in p]
    plain = _problems(**declared, oidc_jwks_url="http://10.20.0.5:8080/certs")
    assert "OMBUDS_OIDC_JWKS_URL: the JWKS URL must be https outside development" in plain
