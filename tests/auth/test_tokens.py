"""Forged and defective tokens are all 401, with a problem body."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest
from jose import jwt

from app.auth.tokens import issue, verify
from app.config import Settings
from app.kit.errors import Unauthorized
from app.kit.permissions import Role


def _claims(settings: Settings, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": "mallory",
        "iat": now,
        "exp": now + 600,
        "roles": ["ombudsperson"],
    }
    for key, value in changes.items():
        if value is None:
            claims.pop(key, None)
        else:
            claims[key] = value
    return claims


def _sign(settings: Settings, claims: dict[str, Any], key: str | None = None) -> str:
    return jwt.encode(claims, key or settings.jwt_secret.get_secret_value(), algorithm="HS256")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def forged(settings: Settings) -> dict[str, str]:
    good = _claims(settings)
    signed = _sign(settings, good)
    head, _, sig = signed.split(".")
    tampered = ".".join([head, _b64({**good, "roles": ["ombudsperson", "admin"]}), sig])
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(good)}.",
        "wrong secret": _sign(settings, good, key="another-secret-of-enough-length-000000"),
        "HS512": jwt.encode(good, settings.jwt_secret.get_secret_value(), algorithm="HS512"),
        "expired": _sign(settings, _claims(settings, exp=int(time.time()) - 3600)),
        "missing exp": _sign(settings, _claims(settings, exp=None)),
        "missing iat": _sign(settings, _claims(settings, iat=None)),
        "missing sub": _sign(settings, _claims(settings, sub=None)),
        "missing aud": _sign(settings, _claims(settings, aud=None)),
        "missing iss": _sign(settings, _claims(settings, iss=None)),
        "wrong aud": _sign(settings, _claims(settings, aud="someone-else")),
        "wrong iss": _sign(settings, _claims(settings, iss="evil")),
        "unknown role": _sign(settings, _claims(settings, roles=["god"])),
        "roles not a list": _sign(settings, _claims(settings, roles="ombudsperson")),
        "no role": _sign(settings, _claims(settings, roles=[])),
        "complainant without cid": _sign(settings, _claims(settings, roles=["complainant"])),
        "complainant plus staff": _sign(
            settings,
            _claims(
                settings,
                roles=["complainant", "ombudsperson"],
                cid="00000000-0000-4000-8000-000000000000",
            ),
        ),
        "respondent without department": _sign(settings, _claims(settings, roles=["respondent"])),
        "tampered payload": tampered,
        "garbage": "a.b.c",
    }


@pytest.mark.parametrize("case", list(forged(Settings())))
async def test_forged_tokens_are_401(
    case: str, client: httpx.AsyncClient, settings: Settings
) -> None:
    token = forged(settings)[case]
    with pytest.raises(Unauthorized):
        verify(settings, token)
    response = await client.get("/v1/complaints", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, case
    assert response.headers["content-type"] == "application/problem+json"


async def test_a_valid_token_round_trips(settings: Settings) -> None:
    token = issue(
        settings, subject="alice", roles=[Role.respondent], ttl_seconds=60, department="housing"
    )
    principal = verify(settings, token)
    assert principal.subject == "alice"
    assert principal.roles == {Role.respondent}
    assert principal.department == "housing"


def test_cli_token_mints_a_verifiable_token(settings: Settings) -> None:
    env = {"OMBUDS_JWT_SECRET": settings.jwt_secret.get_secret_value(), "PATH": ""}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "token",
            "--sub",
            "alice",
            "--role",
            "ombudsperson_staff",
            "--ttl",
            "120",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    principal = verify(settings, out.stdout.strip())
    assert principal.subject == "alice" and principal.roles == {Role.ombudsperson_staff}
    refused = subprocess.run(
        [sys.executable, "-m", "app.cli", "token", "--sub", "x", "--role", "respondent"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert refused.returncode == 2 and "--department" in refused.stderr


def test_production_refuses_default_or_short_secrets() -> None:
    with pytest.raises(ValueError, match="OMBUDS_JWT_SECRET"):
        Settings(environment="production")
    with pytest.raises(ValueError, match="at least"):
        Settings(environment="production", jwt_secret="short", receipt_key="k" * 40)
    with pytest.raises(ValueError, match="OMBUDS_AUDIT_KEY"):
        Settings(environment="production", jwt_secret="s" * 40, receipt_key="k" * 40)
    secrets = {"jwt_secret": "s" * 40, "receipt_key": "k" * 40, "audit_key": "a" * 40}
    with pytest.raises(ValueError, match="must all differ"):
        Settings(environment="production", **{**secrets, "receipt_key": "s" * 40})
    with pytest.raises(ValueError, match="must all differ"):
        Settings(environment="production", **{**secrets, "audit_key": "k" * 40})
    with pytest.raises(ValueError, match="OMBUDS_IDENTITY_KEYS"):
        Settings(environment="production", **secrets)
    key = "prod1:" + base64.b64encode(b"p" * 32).decode()
    ok = Settings(environment="production", identity_keys=key, trusted_proxies="none", **secrets)
    assert ok.environment == "production"
    with pytest.raises(ValueError, match="32 bytes"):
        Settings(identity_keys="short:" + base64.b64encode(b"x" * 16).decode())


def test_inconsistent_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="PAGE_SIZE_DEFAULT"):
        Settings(page_size_default=500, page_size_max=100)
    with pytest.raises(ValueError, match="POOL_MIN"):
        Settings(db_pool_min=10, db_pool_max=2)


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        (None, "This route needs a bearer token."),
        ("Basic YWxpY2U6c2VjcmV0", "This route needs a bearer token."),
        ("Bearer two words", "The access token is not valid."),
    ],
)
async def test_a_route_for_callers_says_what_is_wrong_with_the_authorization(
    client: httpx.AsyncClient, authorization: str | None, detail: str
) -> None:
    from tests.conftest import refused

    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.get("/v1/complaints", headers=headers)
    refused(response, 401, "unauthorized", detail=detail)
    assert response.headers["www-authenticate"] == 'Bearer realm="ombuds"'


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        ("Basic YWxpY2U6c2VjcmV0", "The Authorization header must be `Bearer <token>`."),
        ("Bearer", "The Authorization header must be `Bearer <token>`."),
        ("Bearer   ", "The Authorization header must be `Bearer <token>`."),
        ("Bearer two words", "The access token is not valid."),
        ("bearer a.b.c", "The access token is not valid."),
    ],
)
async def test_filing_with_a_bad_authorization_is_refused_not_made_anonymous(
    client: httpx.AsyncClient, db: Any, authorization: str, detail: str
) -> None:
    from tests.conftest import complaint_body, refused

    response = await client.post(
        "/v1/complaints", json=complaint_body(), headers={"Authorization": authorization}
    )
    refused(response, 401, "unauthorized", detail=detail)
    assert db.execute("SELECT count(*) AS n FROM complaints").fetchone()["n"] == 0
