"""Test fixtures: a real PostgreSQL, migrated once; the app over HTTP; tokens for any role.

Without DATABASE_URL the embedded PostgreSQL under ./var is used (as `make run` does); with it,
that server. Either way the suite creates its own databases there (the role needs CREATEDB) and
drops them at the end, so the database DATABASE_URL names is never written to.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fcntl
import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from app import migrate
from app import models as app_models
from app.auth.tokens import issue
from app.config import Settings
from app.db import libpq_url, start_embedded_postgres, with_database
from app.kit.permissions import Role
from app.main import create_app

# Every table the schema has, from the models themselves: a new table is cleaned with no list to
# keep by hand.
TABLES = tuple(table.name for table in app_models.metadata.sorted_tables)
# After each test: every row goes, and every identity counts from 1 again. In one round trip, in
# replica mode so that neither foreign keys nor the audit trail's append-only trigger fire (the
# suite's role owns the database). DELETE costs under a millisecond on the few rows a test
# writes; TRUNCATE, which recreates every table's files, cost about 56 ms a test.
_IDENTITIES = [
    (table.name, column.name)
    for table in app_models.metadata.sorted_tables
    for column in table.columns
    if column.identity is not None
]
CLEAN = sql.SQL("; ").join(
    [sql.SQL("SET LOCAL session_replication_role = replica")]
    + [sql.SQL("DELETE FROM {}").format(sql.Identifier(table)) for table in TABLES]
    + [
        sql.SQL("SELECT setval(pg_get_serial_sequence({}, {}), 1, false)").format(
            sql.Literal(table), sql.Literal(column)
        )
        for table, column in _IDENTITIES
    ]
)


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return libpq_url(url)
    var_dir = Settings().var_dir
    var_dir.mkdir(parents=True, exist_ok=True)
    # Parallel workers (pytest-xdist) start the one embedded server in turn.
    with open(var_dir / "embedded.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return start_embedded_postgres(var_dir)


def create_database(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def server_url() -> str:
    return _server_url()


def _schema_fingerprint() -> str:
    """What the migrations would build: a template is reused only while they are unchanged."""
    digest = hashlib.sha256()
    for path in sorted((Path(migrate.ROOT) / "migrations").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _template(server_url: str) -> str:
    """A database migrated once, to copy from (CREATE DATABASE ... TEMPLATE takes a tenth of a
    second; migrating takes seconds): shared by the parallel workers and the mutation runs."""
    name = f"ombuds_template_{_schema_fingerprint()}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(72180)")  # one process builds it, the others wait
        try:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                building = f"{name}_building"
                url = create_database(server_url, building)
                migrate.upgrade(url)
                conn.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(building), sql.Identifier(name)
                    )
                )
        finally:
            conn.execute("SELECT pg_advisory_unlock(72180)")
    return name


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    # One database per process: each pytest-xdist worker has its own, copied from the template.
    template = _template(server_url)
    name = f"ombuds_test_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    yield with_database(server_url, name)
    drop_database(server_url, name)


TEST_SECRETS = {
    "jwt_secret": "test-secret-" + "x" * 40,
    "receipt_key": "test-receipt-key-" + "y" * 40,
    "audit_key": "test-audit-key-" + "z" * 40,
    # Two identity keys, as after a rotation: `test2` seals, `test1` still opens.
    "identity_keys": "test2:"
    + base64.b64encode(b"2" * 32).decode()
    + ";test1:"
    + base64.b64encode(b"1" * 32).decode(),
}


# The municipal departments the test city configures (statistics name only these).
DEPARTMENTS = ["Housing", "Police", "Social Services", "Education"]


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        db_pool_min=1,
        db_pool_max=8,
        attachments_dir=tmp_path_factory.mktemp("attachments"),
        # Emails of any worker round (no SMTP host: written as files) stay out of ./var.
        mailbox_dir=tmp_path_factory.mktemp("mail"),
        attachment_max_bytes=256 * 1024,
        # The suite files hundreds of complaints from one address; test_ratelimit.py brakes.
        rate_limit_intake_per_minute=1_000_000,
        rate_limit_receipt_per_minute=1_000_000,
        rate_limit_writes_per_minute=1_000_000,
        rate_limit_uploads_per_minute=1_000_000,
        departments=DEPARTMENTS,
        **TEST_SECRETS,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


# The problem types each refusal may carry, by status: every error response in every test is
# checked against this (one problem+json shape for every error, its type fitting its status).
PROBLEM_TYPES = {
    400: {"bad-request", "cors-refused"},
    401: {"unauthorized"},
    403: {"forbidden"},
    404: {"not-found", "not-released"},
    405: {"http-405"},
    408: {"request-timeout"},
    409: {
        "conflict",
        "invalid-transition",
        "guard-failed",
        "privacy-budget-exhausted",
        "release-exists",
        "period-not-closed",
    },
    412: {"precondition-failed"},
    413: {"payload-too-large"},
    415: {"unsupported-media-type"},
    422: {"validation-error"},
    428: {"precondition-required"},
    429: {"too-many-requests"},
    431: {"headers-too-large"},
    500: {"internal-error"},
    503: {"unavailable"},
}


async def check_problem(response: httpx.Response) -> None:
    """Every refusal is RFC 9457 problem+json whose type fits its status; a 422 names each
    offending field."""
    if response.status_code < 400:
        return
    await response.aread()
    where = (response.request.method, response.request.url.path, response.status_code)
    assert response.headers["content-type"] == "application/problem+json", where
    problem = response.json()
    assert problem["status"] == response.status_code, where
    slug = problem["type"].removeprefix("https://ombuds.dev/problems/")
    assert slug in PROBLEM_TYPES[response.status_code], (where, slug)
    assert problem["title"], where
    assert isinstance(problem.get("detail"), str) and problem["detail"].strip(), (where, problem)
    if response.status_code == 422:
        assert problem["errors"], (where, problem)
        for error in problem["errors"]:
            # each names its field, says what is wrong, and gives a machine-readable type
            assert set(error) == {"field", "message", "type"}, (where, error)
            assert all(isinstance(v, str) and v for v in error.values()), (where, error)
            assert re.fullmatch(r"[a-z][a-z_.]*", error["type"]), (where, error)


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        event_hooks={"response": [check_problem]},
    ) as c:
        yield c


def refused(
    response: httpx.Response,
    status: int,
    problem: str,
    *,
    field: str | None = None,
    says: str | None = None,
    detail: str | None = None,
) -> dict[str, Any]:
    """A refusal as a test expects it: the status, the problem type, for invalid input the field
    it names, and a phrase of what it says (in the detail or a field's message) or the whole
    detail, word for word."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["type"] == f"https://ombuds.dev/problems/{problem}", body
    if detail is not None:
        assert body["detail"] == detail, body
    if field is not None:
        assert field in {e["field"] for e in body["errors"]}, body
    if says is not None:
        messages = [body.get("detail") or "", *(e["message"] for e in body.get("errors") or [])]
        assert any(says in m for m in messages), body
    return body


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A direct connection, for arranging state and checking what was stored."""
    from psycopg.rows import dict_row

    with psycopg.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture(autouse=True)
def _clean(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "database_url" in request.fixturenames:
        url = request.getfixturevalue("database_url")
        with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
            conn.execute(CLEAN)


def process_env(settings: Settings, database_url: str, **extra: str) -> dict[str, str]:
    """The environment for an `ombuds` subprocess (server or worker) on the test database."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "OMBUDS_ENVIRONMENT": "test",
        "OMBUDS_JWT_SECRET": settings.jwt_secret.get_secret_value(),
        "OMBUDS_RECEIPT_KEY": settings.receipt_key.get_secret_value(),
        "OMBUDS_IDENTITY_KEYS": settings.identity_keys.get_secret_value(),
        "OMBUDS_AUDIT_KEY": settings.audit_key.get_secret_value(),
        "OMBUDS_DB_POOL_MIN": "1",
        "OMBUDS_DB_POOL_MAX": "4",
        "OMBUDS_MAILBOX_DIR": str(settings.mailbox_dir),
        **extra,
    }


TokenFactory = Callable[..., dict[str, str]]


@pytest.fixture
def auth(settings: Settings) -> TokenFactory:
    """auth("ombudsperson_staff") -> headers with a bearer token for that role."""

    def make(
        *roles: str, sub: str | None = None, department: str | None = None, ttl: int = 600
    ) -> dict[str, str]:
        token = issue(
            settings,
            subject=sub or f"user-{uuid.uuid4().hex[:8]}",
            roles=[Role(r) for r in roles],
            ttl_seconds=ttl,
            department=department,
        )
        return {"Authorization": f"Bearer {token}"}

    return make


def complaint_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "track": "ombudsperson",
        "summary": "Eviction without a hearing",
        "description": "The housing department evicted my family without hearing us first.",
        "rights_affected": ["adequate_housing", "good_administration"],
        "discrimination_grounds": ["disability"],
        "respondent": "Housing Department",
        "incident": {"date_from": "2026-10-01", "location": "Riverside"},
        "remedy_sought": "Suspend the eviction and hear us.",
        "language": "en",
    }
    body.update(overrides)
    return body


@pytest.fixture
def file_complaint(client: httpx.AsyncClient) -> Callable[..., Any]:
    async def file(headers: dict[str, str] | None = None, **overrides: Any) -> dict[str, Any]:
        response = await client.post(
            "/v1/complaints", json=complaint_body(**overrides), headers=headers or {}
        )
        assert response.status_code == 201, response.text
        return response.json()

    return file


@pytest.fixture
def receipt_headers(client: httpx.AsyncClient) -> Callable[..., Any]:
    async def login(filed: dict[str, Any]) -> dict[str, str]:
        response = await client.post(
            "/v1/auth/receipt", json={"reference": filed["reference"], "receipt": filed["receipt"]}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return login


async def act(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    cid: str,
    action: str,
    reason: str | None = None,
) -> None:
    """Apply a workflow action through the API (with the ETag it needs, and a reason and a
    competent body where the action asks for them)."""
    etag = (await client.get(f"/v1/complaints/{cid}", headers=headers)).headers["etag"]
    body: dict[str, Any] = {"action": action}
    if reason is not None:
        body["reason"] = reason
    elif action in ("declare_inadmissible", "refer"):
        body["reason"] = "Outside the mandate of the office."
    if action == "refer":
        body["referred_to"] = "National Ombudsperson"
    response = await client.post(
        f"/v1/complaints/{cid}/transitions", json=body, headers={**headers, "If-Match": etag}
    )
    assert response.status_code == 200, response.text


async def eventually(condition: Callable[[], Any], what: str, within: float = 10.0) -> None:
    """Wait until `condition()` (sync or async) holds, failing after `within` seconds: the way
    tests wait for another process or a clock, never a fixed sleep."""
    deadline = time.monotonic() + within
    while True:
        result = condition()
        if hasattr(result, "__await__"):
            result = await result
        if result:
            return
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def publish_due(
    database_url: str, settings: Settings, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Fold what changed, then publish every statistics release due, as the worker does; the
    releases published, in order."""
    from psycopg.rows import dict_row

    from app.statistics import releases

    await fold_all(database_url)
    published = []
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        for period in await releases.due(conn, settings, now):
            published.append(await releases.publish(conn, settings, period, now=now))
    return published


async def fold_all(database_url: str, batch: int = 100) -> int:
    """Fold every noted change into the statistics, as the worker does; how many."""
    from psycopg.rows import dict_row

    from app.crypto import Sealer
    from app.statistics.folding import fold

    sealer = Sealer.from_settings(Settings(**TEST_SECRETS))
    total = 0
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        while n := await fold(conn, sealer, batch):
            total += n
        # The folder skips changes another transaction holds (SKIP LOCKED): a count that comes
        # back short says so here, with what was left, rather than as a puzzling total.
        cur = await conn.execute("SELECT count(*) AS n FROM stat_changes")
        left = await cur.fetchone()
        assert left is not None and left["n"] == 0, f"{left} changes left unfolded (locked?)"
    return total


def set_status(db: psycopg.Connection[Any], complaint_id: str, status: str) -> None:
    """Arrange a complaint in a given state (test setup only; the API never writes status)."""
    db.execute("UPDATE complaints SET status = %s WHERE id = %s", (status, complaint_id))


def tables_holding(db: psycopg.Connection[Any], needle: str) -> dict[str, int]:
    """Every table of the schema, scanned whole row by row (each row as text, every column),
    with the number of rows in which `needle` occurs; only tables where it does."""
    names = [
        r["tablename"]
        for r in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    found: dict[str, int] = {}
    for name in names:
        query = sql.SQL("SELECT count(*) AS n FROM {t} WHERE strpos({t}::text, %s) > 0").format(
            t=sql.Identifier(name)
        )
        row = db.execute(query, (needle,)).fetchone()
        if row and row["n"]:
            found[name] = row["n"]
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(
    settings: Settings,
    database_url: str,
    *flags: str,
    env: dict[str, str] | None = None,
    **stderr: Any,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real `ombuds serve` on a loopback port, on the test database: (base URL, process);
    `env` adds or overrides settings."""
    port = free_port()
    env = process_env(
        settings,
        database_url,
        **{
            "OMBUDS_ATTACHMENTS_DIR": str(settings.attachments_dir),
            "OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "1000000",
            "OMBUDS_RATE_LIMIT_RECEIPT_PER_MINUTE": "1000000",
            "OMBUDS_RATE_LIMIT_WRITES_PER_MINUTE": "1000000",
            "OMBUDS_RATE_LIMIT_UPLOADS_PER_MINUTE": "1000000",
            **(env or {}),
        },
    )
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), *flags]
    proc = subprocess.Popen(command, env=env, **stderr)  # noqa: S603 (our own server)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not become ready")
            time.sleep(0.1)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def live_server(database_url: str, settings: Settings) -> Iterator[str]:
    """A real `ombuds serve` on a loopback port, on the test database; its base URL."""
    with serving(settings, database_url, "--log-level", "warning") as (base, _):
        yield base


# Arranging a case for what a test is about (the API does the writing; `set_status` only stands
# in for the transitions that would lead there).
FINDINGS = {
    "outcome": "violation_found",
    "public_summary": "A breach was found.",
    "internal_reasoning": "The file shows no hearing.",
}


def remedy_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "form": "compensation",
        "department": "housing",
        "description": "Pay moving costs.",
        "response_due_at": "2099-01-01T00:00:00+00:00",
    }
    return {**body, **overrides}


async def write_findings(
    client: httpx.AsyncClient,
    db: psycopg.Connection[Any],
    headers: dict[str, str],
    complaint_id: str,
    **overrides: Any,
) -> None:
    """Findings written during an investigation, then issued (the case in `findings_issued`)."""
    set_status(db, complaint_id, "under_investigation")
    response = await client.put(
        f"/v1/complaints/{complaint_id}/findings", json={**FINDINGS, **overrides}, headers=headers
    )
    assert response.status_code == 200, response.text
    set_status(db, complaint_id, "findings_issued")


async def recommend(
    client: httpx.AsyncClient, headers: dict[str, str], complaint_id: str, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/complaints/{complaint_id}/remedies", json=remedy_body(**overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def role_headers(auth: TokenFactory, role: Role, owner: str = "owner") -> dict[str, str]:
    """A token for `role`: a resident is `owner` (who filed the test's complaint), a department
    is housing."""
    return auth(
        role.value,
        sub=owner if role is Role.resident else None,
        department="housing" if role is Role.respondent else None,
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The template goes at the end of a run (in the process that ran the workers), so nothing
    is left on the server; `make mutation`, which runs the suite many times, keeps it."""
    if hasattr(session.config, "workerinput") or os.environ.get("OMBUDS_KEEP_TEST_TEMPLATE"):
        return
    with contextlib.suppress(psycopg.Error):
        server = _server_url()
        drop_database(server, f"ombuds_template_{_schema_fingerprint()}")
