"""Brakes on the public routes: token buckets in PostgreSQL, shared by every process, keyed by
client address (IPv6 by /64) or, for a complainant's or resident's writes, by actor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from app.config import ConfigurationError, Settings, load_settings
from app.kit.errors import TooManyRequests
from app.main import create_app
from app.ratelimit import Limit, address_key, take
from tests.conftest import complaint_body, refused, serving, tables_holding

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


async def _take(conn: Any, limit: Limit, key: str) -> str:
    try:
        await take(conn, limit, key)
    except TooManyRequests as exc:
        return f"429 after {exc.headers['Retry-After']} s"
    return "ok"


async def test_a_bucket_holds_a_minute_of_requests_and_refills(database_url: str, db: Any) -> None:
    six = Limit("intake", 6)  # one token every 10 s
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        first = [await _take(conn, six, "192.0.2.1") for _ in range(7)]
        assert first == ["ok"] * 6 + ["429 after 10 s"]
        assert await _take(conn, six, "192.0.2.2") == "ok"  # another address, another bucket
        assert await _take(conn, Limit("receipt", 6), "192.0.2.1") == "ok"  # another limit
        # 10.5 s later one token is back (the bucket's clock moved back instead of waiting).
        db.execute(
            "UPDATE rate_buckets SET at = at - interval '10.5 seconds' "
            "WHERE scope = 'intake' AND key = '192.0.2.1'"
        )
        assert [await _take(conn, six, "192.0.2.1") for _ in range(2)] == [
            "ok",
            "429 after 10 s",
        ]
        # A whole minute refills the bucket, and never beyond its capacity.
        db.execute("UPDATE rate_buckets SET at = at - interval '1 hour'")
        again = [await _take(conn, six, "192.0.2.1") for _ in range(7)]
        assert again == ["ok"] * 6 + ["429 after 10 s"]
        for _ in range(100):
            assert await _take(conn, Limit("intake", 0), "192.0.2.1") == "ok"  # 0: off


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:198.51.100.9", "198.51.100.9"),
        ("testclient", "testclient"),
        ("", "unknown"),
    ],
)
def test_clients_are_keyed_by_address_and_ipv6_by_64(address: str, key: str) -> None:
    assert address_key(address) == key


async def _client_at(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://t")


@pytest.fixture
async def braked(settings: Settings) -> AsyncIterator[Any]:
    app = create_app(
        settings.model_copy(
            update={
                "rate_limit_intake_per_minute": 3,
                "rate_limit_receipt_per_minute": 5,
                "rate_limit_writes_per_minute": 4,
                "rate_limit_uploads_per_minute": 2,
            }
        )
    )
    async with app.router.lifespan_context(app):
        yield app


async def test_receipt_guessing_and_intake_flooding_are_braked(braked: Any, db: Any) -> None:
    async with await _client_at(braked, "203.0.113.7") as c:
        codes = [
            (await c.post("/v1/complaints", json=complaint_body())).status_code for _ in range(4)
        ]
        guesses = [
            await c.post(
                "/v1/auth/receipt", json={"reference": "HRC-2026-000001", "receipt": "A" * 32}
            )
            for _ in range(6)
        ]
        # A body that is not even valid spends a token too.
        malformed = await c.post(
            "/v1/complaints", content=b"{", headers={"content-type": "application/json"}
        )
    assert codes == [201, 201, 201, 429]
    assert [g.status_code for g in guesses] == [401] * 5 + [429]
    refused(guesses[-1], 429, "too-many-requests")
    assert int(guesses[-1].headers["retry-after"]) >= 1
    refused(malformed, 429, "too-many-requests")
    async with await _client_at(braked, "198.51.100.9") as c:
        elsewhere = (await c.post("/v1/complaints", json=complaint_body())).status_code
    assert elsewhere == 201
    assert db.execute("SELECT count(*) AS n FROM complaints").fetchone()["n"] == 4
    # The buckets hold keyed hashes: no address is stored, in them or anywhere else.
    assert db.execute("SELECT count(*) AS n FROM rate_buckets").fetchone()["n"] == 3
    assert tables_holding(db, "203.0.113.7") == {}
    assert tables_holding(db, "198.51.100.9") == {}


async def test_one_ipv6_64_is_one_client(braked: Any) -> None:
    codes = []
    for host in ("2001:db8:7::1", "2001:db8:7::2", "2001:db8:7:0:ffff::3", "2001:db8:7::4"):
        async with await _client_at(braked, host) as c:
            codes.append((await c.post("/v1/complaints", json=complaint_body())).status_code)
    async with await _client_at(braked, "2001:db8:8::1") as c:  # the next /64
        codes.append((await c.post("/v1/complaints", json=complaint_body())).status_code)
    assert codes == [201, 201, 201, 429, 201]


async def test_retaliation_reports_are_braked_like_filings(braked: Any) -> None:
    async with await _client_at(braked, "203.0.113.20") as c:
        filed = (
            await c.post("/v1/complaints", json=complaint_body(track="anti_corruption"))
        ).json()
        login = await c.post(
            "/v1/auth/receipt", json={"reference": filed["reference"], "receipt": filed["receipt"]}
        )
        mine = {"Authorization": f"Bearer {login.json()['access_token']}"}
        report = {"description": "I was moved to another post.", "rights_affected": ["work"]}
        codes = [
            (
                await c.post(f"/v1/complaints/{filed['id']}/retaliation", json=report, headers=mine)
            ).status_code
            for _ in range(3)
        ]
    # The filing took one of the address's three tokens; two reports go through.
    assert codes == [201, 201, 429]


async def test_a_complainants_writes_and_uploads_are_braked_per_actor(braked: Any) -> None:
    async with await _client_at(braked, "203.0.113.30") as c:
        filed = (await c.post("/v1/complaints", json=complaint_body())).json()
        login = await c.post(
            "/v1/auth/receipt", json={"reference": filed["reference"], "receipt": filed["receipt"]}
        )
        mine = {"Authorization": f"Bearer {login.json()['access_token']}"}
        files = f"/v1/complaints/{filed['id']}/attachments"
        uploads = [
            await c.post(
                files,
                content=PDF,
                params={"filename": f"letter{i}.pdf", "attach_to": "complaint"},
                headers={**mine, "content-type": "application/pdf"},
            )
            for i in range(3)
        ]
        # Reading is not braked.
        reads = [
            (await c.get(f"/v1/complaints/{filed['id']}", headers=mine)).status_code
            for _ in range(6)
        ]
    assert [u.status_code for u in uploads] == [201, 201, 429]
    refused(uploads[-1], 429, "too-many-requests")
    assert reads == [200] * 6
    # From another address the same receipt holder is the same actor: the writes budget (4, of
    # which the three uploads took three) is spent after one message.
    async with await _client_at(braked, "198.51.100.30") as c:
        messages = [
            (
                await c.post(
                    f"/v1/complaints/{filed['id']}/messages",
                    json={"body": "Any news?"},
                    headers=mine,
                )
            ).status_code
            for _ in range(2)
        ]
    assert messages == [201, 429]


async def test_staff_writes_are_not_braked(braked: Any, auth: Any) -> None:
    async with await _client_at(braked, "203.0.113.40") as c:
        filed = (await c.post("/v1/complaints", json=complaint_body())).json()
        staff = auth("ombudsperson_staff")
        codes = [
            (
                await c.post(
                    f"/v1/complaints/{filed['id']}/messages",
                    json={"body": "Please send the letter.", "internal": True},
                    headers=staff,
                )
            ).status_code
            for _ in range(8)
        ]
    assert codes == [201] * 8


def test_two_server_processes_share_the_buckets(settings: Settings, database_url: str) -> None:
    """A replica is no way around a limit: filings alternate between two servers on one database,
    and the third of each address's budget of three is refused wherever it lands."""
    env = {"OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "3"}
    with (
        serving(settings, database_url, env=env) as (one, _),
        serving(settings, database_url, env=env) as (two, _),
    ):
        codes = [
            httpx.post(f"{base}/v1/complaints", json=complaint_body(), timeout=10).status_code
            for base in (one, two, one, two)
        ]
    assert codes == [201, 201, 201, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(
    settings: Settings, database_url: str
) -> None:
    def file_from(base: str, client: str) -> int:
        headers = {"X-Forwarded-For": client}
        return httpx.post(
            f"{base}/v1/complaints", json=complaint_body(), headers=headers, timeout=10
        ).status_code

    trusted = {"OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "2", "OMBUDS_TRUSTED_PROXIES": "127.0.0.1"}
    with serving(settings, database_url, env=trusted) as (base, _):
        behind = [file_from(base, client) for client in ("192.0.2.1", "192.0.2.2", "192.0.2.3")]
    # A proxy that is not trusted cannot choose the client: everyone is the proxy.
    untrusted = {"OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "2", "OMBUDS_TRUSTED_PROXIES": "none"}
    with serving(settings, database_url, env=untrusted) as (base, _):
        spoofed = [file_from(base, client) for client in ("192.0.2.4", "192.0.2.5", "192.0.2.6")]
    assert behind == [201, 201, 201]
    assert spoofed == [201, 201, 429]


@pytest.mark.parametrize(
    ("environment", "proxies", "problem"),
    [
        ("production", None, "OMBUDS_TRUSTED_PROXIES: must be set in production"),
        ("production", "*", "OMBUDS_TRUSTED_PROXIES: `*` lets any client choose its address"),
        ("test", "*", "OMBUDS_TRUSTED_PROXIES: `*` lets any client choose its address"),
        ("production", "10.0.0.5, proxy.local", "OMBUDS_TRUSTED_PROXIES: 'proxy.local' is not"),
        ("production", "none", None),
        ("production", "10.0.0.5, 10.1.0.0/16, fd00::/8", None),
        ("development", None, None),
        ("development", "*", None),
    ],
)
def test_the_proxy_set_up_is_checked_at_start(
    monkeypatch: pytest.MonkeyPatch, environment: str, proxies: str | None, problem: str | None
) -> None:
    monkeypatch.setenv("OMBUDS_ENVIRONMENT", environment)
    if environment == "production":
        for name in ("JWT_SECRET", "RECEIPT_KEY", "AUDIT_KEY"):
            monkeypatch.setenv(f"OMBUDS_{name}", name.lower() * 8)
        monkeypatch.setenv(
            "OMBUDS_IDENTITY_KEYS", "k1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="
        )
    if proxies is None:
        monkeypatch.delenv("OMBUDS_TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("OMBUDS_TRUSTED_PROXIES", proxies)
    if problem is None:
        load_settings()
        return
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_what_uvicorn_is_told_to_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.9.9.9")
    assert Settings(trusted_proxies="none").forwarded_allow_ips() == ""
    assert (
        Settings(trusted_proxies=" 10.0.0.5,10.0.0.6 ").forwarded_allow_ips() == "10.0.0.5,10.0.0.6"
    )
    assert Settings().forwarded_allow_ips() == "10.9.9.9"  # uvicorn's own variable, as before
    monkeypatch.delenv("FORWARDED_ALLOW_IPS")
    assert Settings().forwarded_allow_ips() == "127.0.0.1"
