"""RS256 tokens of an OpenID Connect provider (Keycloak-style claims), checked against its JWKS,
served here by a real local HTTP server; and the algorithm-confusion forgeries, refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
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

from app.config import Settings
from app.main import create_app

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
    def __init__(self) -> None:
        self.body = b""
        self.hits = 0
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
            state.hits += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/certs"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
async def oidc_client(
    settings: Settings, jwks_server: tuple[Jwks, str]
) -> AsyncIterator[httpx.AsyncClient]:
    configured = settings.model_copy(
        update={
            "oidc_issuer": ISSUER,
            "oidc_jwks_url": jwks_server[1],
            "jwks_refetch_interval_seconds": 60.0,
            "jwks_max_bytes": 16 * 1024,
        }
    )
    app = create_app(configured)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
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
