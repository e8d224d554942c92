"""The staff directory: kept at each console sign-in, read to show people instead of ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.kit.sql import Conn
from app.staff import queries as q


@dataclass(frozen=True)
class Member:
    subject: str
    name: str | None
    email: str | None
    roles: tuple[str, ...]
    department: str | None

    @property
    def shown(self) -> str:
        """What a page shows for this person: the name, else the subject."""
        return self.name or self.subject


def _member(row: Mapping[str, object]) -> Member:
    roles = row["roles"]
    return Member(
        subject=str(row["subject"]),
        name=row["name"] if isinstance(row["name"], str) else None,
        email=row["email"] if isinstance(row["email"], str) else None,
        roles=tuple(str(r) for r in roles) if isinstance(roles, list) else (),
        department=row["department"] if isinstance(row["department"], str) else None,
    )


def _clean(value: str | None, limit: int = 200) -> str | None:
    """A claim as the directory keeps it: trimmed, bounded, None when empty."""
    if value is None:
        return None
    value = " ".join(value.split())[:limit]
    return value or None


async def remember(
    conn: Conn,
    *,
    subject: str,
    name: str | None,
    email: str | None,
    roles: Iterable[str],
    department: str | None,
    language: str | None = None,
) -> None:
    """A sign-in: who they are as the provider says, and the language they use the console in
    (their emails are written in it)."""
    params = {
        "subject": subject,
        "name": _clean(name),
        "email": _clean(email, 320),
        "roles": sorted(set(roles)),
        "department": department,
        "language": language,
    }
    await conn.execute(q.REMEMBER, params)


async def set_member(
    conn: Conn, *, subject: str, name: str | None, email: str | None, roles: Iterable[str]
) -> Member:
    params = {
        "subject": subject,
        "name": _clean(name),
        "email": _clean(email, 320),
        "roles": sorted(set(roles)),
    }
    row = await (await conn.execute(q.SET, params)).fetchone()
    assert row is not None
    return _member(row)


async def names(conn: Conn, subjects: Iterable[str]) -> dict[str, str]:
    """subject -> name, for the subjects the directory knows by name."""
    wanted = sorted({s for s in subjects if s})
    if not wanted:
        return {}
    cur = await conn.execute(q.NAMES, {"subjects": wanted})
    return {str(r["subject"]): str(r["name"]) for r in await cur.fetchall()}


async def with_roles(conn: Conn, roles: Iterable[str]) -> list[Member]:
    cur = await conn.execute(q.OF_ROLES, {"roles": sorted(set(roles))})
    return [_member(r) for r in await cur.fetchall()]


async def one(conn: Conn, subject: str) -> Member | None:
    row = await (await conn.execute(q.ONE, {"subject": subject})).fetchone()
    return _member(row) if row else None
