"""SQL text and typed rows.

Queries are constants. Where one must vary (a visibility condition, chosen filters, a table
name), it is composed with `psycopg.sql` from constant fragments and identifiers, never from
input, and the composed text is cached: the hot paths compose nothing per request.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

Conn = AsyncConnection[dict[str, Any]]
Params = dict[str, Any]

M = TypeVar("M")


@cache
def compose(template: str, /, **fragments: str) -> str:
    """`template` with each `{name}` replaced by the constant SQL fragment of that name."""
    parts = {name: sql.SQL(text) for name, text in fragments.items()}
    return sql.SQL(template).format(**parts).as_string()


def identifier(name: str) -> str:
    """A table or column name, quoted."""
    return sql.Identifier(name).as_string()


def literal(value: str) -> str:
    """A constant string of this code as an SQL literal, quoted."""
    return sql.Literal(value).as_string()


def conditions(fragments: list[str]) -> str:
    """Optional filters (constant fragments), each as ` AND <fragment>`."""
    return "".join(f" AND {fragment}" for fragment in fragments)


async def one(conn: Conn, query: str, params: Params, model: type[M]) -> M | None:
    """The first row of `query` as a `model` (a dataclass or pydantic model), or None."""
    cur = conn.cursor(row_factory=class_row(model))
    await cur.execute(query, params)
    return await cur.fetchone()


async def all_rows(conn: Conn, query: str, params: Params, model: type[M]) -> list[M]:
    cur = conn.cursor(row_factory=class_row(model))
    await cur.execute(query, params)
    return await cur.fetchall()
