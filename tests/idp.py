"""A small OpenID provider for tests, on 127.0.0.1 in a background thread: discovery, the
authorization endpoint (no login form: it signs in `idp.next_user`), the token endpoint (each code
once, PKCE S256, the client's secret, the redirect URI), its JWKS and end_session.

What a test may change on the provider before the flow: `next_user`, `deny` (the authorization
endpoint answers error=access_denied), `access_audience` (the access token's `aud`),
`id_audience` (the ID token's `aud`), `id_nonce`, `id_sub`, `id_key` (sign the ID token with a
key the JWKS does not publish), `id_expires_in`, `discovery` (fields of the discovery document
replaced or, as None, removed). What it received is kept: `authorize_requests`, `token_requests`,
`logouts`, `hits` by path.

`idp` and `idp_settings` are the fixtures (imported by `tests/auth/conftest.py`).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from pydantic import SecretStr

from app.config import Settings

CLIENT_ID = "ombuds-console"
CLIENT_SECRET = "console-secret-" + "c" * 32
API_AUDIENCE = "ombuds-api"
REDIRECT_URI = "http://testserver/console/callback"
POST_LOGOUT_URI = "http://testserver/console/signed-out"
KID = "idp-k1"

STAFF = {
    "sub": "kc-staff-1",
    "name": "Ada Lovelace",
    "preferred_username": "ada",
    "email": "ada@city.example",
    "roles": ["ombudsperson_staff", "offline_access"],
    "department": None,
}


def _private_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


# Made once per process (a 2048-bit key takes a moment): the provider's key, and a stranger's.
KEY = _private_pem()
STRANGER_KEY = _private_pem()


def _public_jwk(private_pem: bytes, kid: str) -> dict[str, Any]:
    public = (
        serialization.load_pem_private_key(private_pem, password=None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return {**jwk.construct(public, algorithm="RS256").to_dict(), "kid": kid, "use": "sig"}


def s256(verifier: str) -> str:
    """RFC 7636 4.2, written out here rather than taken from the client's library."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    user: dict[str, Any]


class Idp:
    def __init__(self) -> None:
        self.issuer = ""  # set once the server listens
        self.client_id = CLIENT_ID
        self.client_secret: str | None = CLIENT_SECRET
        self.redirect_uris = {REDIRECT_URI}
        self.post_logout_uris = {POST_LOGOUT_URI}
        self.next_user: dict[str, Any] = copy.deepcopy(STAFF)
        self.deny = False
        self.access_audience = API_AUDIENCE
        self.id_audience: str | list[str] | None = None  # None: the client id
        self.id_nonce: str | None = None  # None: the nonce of the authorization request
        self.id_sub: str | None = None  # None: the user's sub
        self.id_key = KEY
        self.id_expires_in = 300
        self.discovery: dict[str, Any] = {}
        self.codes: dict[str, Grant] = {}
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.logouts: list[dict[str, str]] = []
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return self.issuer + path

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "issuer": self.issuer,
            "authorization_endpoint": self.url("/authorize"),
            "token_endpoint": self.url("/token"),
            "jwks_uri": self.url("/jwks"),
            "end_session_endpoint": self.url("/logout"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "none"],
        }
        for name, value in self.discovery.items():
            if value is None:
                document.pop(name, None)
            else:
                document[name] = value
        return document

    def jwks(self) -> dict[str, Any]:
        return {"keys": [_public_jwk(KEY, KID)]}

    # The endpoints: (status, headers, body) for a request's query or form.

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.authorize_requests.append(query)
        # A client or a redirect URI the provider does not know is never redirected to.
        if query.get("client_id") != self.client_id:
            return 400, {}, b"unknown client"
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            return 400, {}, b"redirect_uri not registered"
        back: dict[str, str] = {}
        if "state" in query:
            back["state"] = query["state"]
        if (
            query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
            or "openid" not in query.get("scope", "").split()
        ):
            return _redirect(redirect_uri, {"error": "invalid_request", **back})
        if self.deny:
            return _redirect(redirect_uri, {"error": "access_denied", **back})
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = Grant(
                client_id=query["client_id"],
                redirect_uri=redirect_uri,
                challenge=query["code_challenge"],
                nonce=query.get("nonce"),
                user=copy.deepcopy(self.next_user),
            )
        return _redirect(redirect_uri, {"code": code, **back})

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, bytes]:
        self.token_requests.append({**form, "authorization": authorization or ""})
        client_id = self._client(form, authorization)
        if client_id is None:
            return 401, json.dumps({"error": "invalid_client"}).encode()
        if form.get("grant_type") != "authorization_code":
            return _error("unsupported_grant_type")
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # each code once
        if grant is None or grant.client_id != client_id:
            return _error("invalid_grant")
        if form.get("redirect_uri") != grant.redirect_uri:
            return _error("invalid_grant")
        if s256(form.get("code_verifier", "")) != grant.challenge:
            return _error("invalid_grant")
        user = grant.user
        now = int(time.time())
        access_claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.access_audience,
            "sub": user["sub"],
            "azp": client_id,
            "iat": now,
            "exp": now + 300,
            "realm_access": {"roles": list(user.get("roles") or [])},
        }
        if user.get("department") is not None:
            access_claims["department"] = user["department"]
        access_token = jwt.encode(access_claims, KEY, algorithm="RS256", headers={"kid": KID})
        id_claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.id_audience if self.id_audience is not None else client_id,
            "sub": self.id_sub or user["sub"],
            "azp": client_id,
            "iat": now,
            "exp": now + self.id_expires_in,
            "nonce": self.id_nonce if self.id_nonce is not None else grant.nonce,
        }
        for claim in ("name", "preferred_username", "email"):
            if user.get(claim) is not None:
                id_claims[claim] = user[claim]
        id_token = jwt.encode(
            id_claims,
            self.id_key,
            algorithm="RS256",
            headers={"kid": KID},
            access_token=access_token,
        )
        body = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
            "scope": "openid profile email",
        }
        return 200, json.dumps(body).encode()

    def _client(self, form: dict[str, str], authorization: str | None) -> str | None:
        """client_secret_basic for a confidential client; a public one names itself."""
        if self.client_secret is None:
            return form.get("client_id") if form.get("client_id") == self.client_id else None
        if not authorization or not authorization.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
        except ValueError:
            return None
        client_id, _, secret = decoded.partition(":")
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            return None
        return client_id

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.logouts.append(query)
        target = query.get("post_logout_redirect_uri")
        if target in self.post_logout_uris and query.get("client_id") == self.client_id:
            return _redirect(target, {})
        return 200, {"Content-Type": "text/plain"}, b"signed out"


def _redirect(uri: str, params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    location = f"{uri}?{urlencode(params)}" if params else uri
    return 302, {"Location": location}, b""


def _error(code: str) -> tuple[int, bytes]:
    return 400, json.dumps({"error": code}).encode()


def serve(idp: Idp) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            query = dict(parse_qsl(urlsplit(self.path).query))
            self._hit(path)
            if path == "/.well-known/openid-configuration":
                self._answer(200, {"Content-Type": "application/json"}, idp.document())
            elif path == "/jwks":
                self._answer(200, {"Content-Type": "application/json"}, idp.jwks())
            elif path == "/authorize":
                self._answer(*idp.authorize(query))
            elif path == "/logout":
                self._answer(*idp.logout(query))
            else:
                self._answer(404, {}, b"not found")

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            self._hit(path)
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            if path != "/token":
                self._answer(404, {}, b"not found")
                return
            status, body = idp.token(form, self.headers.get("Authorization"))
            headers = {"Content-Type": "application/json", "Cache-Control": "no-store"}
            self._answer(status, headers, body)

        def _hit(self, path: str) -> None:
            with idp.lock:
                idp.hits[path] = idp.hits.get(path, 0) + 1

        def _answer(self, status: int, headers: dict[str, str], body: Any) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    idp.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def idp() -> Iterator[Idp]:
    provider = Idp()
    server = serve(provider)
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def idp_settings(settings: Settings, idp: Idp) -> Settings:
    """The suite's settings, signing the console in at the test provider. Development: the
    provider is plain http on 127.0.0.1, which the outbound rule allows only there (`test`
    is treated as production: https and public addresses only)."""
    return settings.model_copy(
        update={
            "environment": "development",
            "oidc_issuer": idp.issuer,
            "oidc_jwks_url": idp.url("/jwks"),
            "oidc_audience": API_AUDIENCE,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": SecretStr(CLIENT_SECRET),
        }
    )
