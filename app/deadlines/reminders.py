"""Reminders before a deadline, and the heads' daily digest of what is overdue: notification rows
the worker writes from the deadlines the service keeps (the deadlines view's own SQL), sent like
every other notification (app/notifications).

Each reminder is written once per deadline and recipient, ever: its dedupe key names the deadline
(kind, item, due date) and the recipient, and the table keeps at most one row per key, so workers
running at once, or a worker that looks again every few minutes, write it once. A deadline that
moves (an extension) is a new deadline, reminded again. A digest is once per head and day.

Who is reminded: the case's handler, or, while nobody is assigned, the heads of the track (those
who assign its cases) who are not recused from it; and the department a request or remedy is
addressed to. A deadline already past is not reminded: it is overdue, and the heads' digest lists
it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from app.config import Settings
from app.deadlines import queries
from app.kit.access import visibility
from app.kit.notify import department, staff
from app.kit.permissions import PERMISSIONS, STAFF_TRACKS, Permission, Role
from app.kit.principals import Principal
from app.kit.sql import Conn, compose

# The deadlines staff are reminded of, and those a department is.
STAFF_DEADLINES = (
    "acknowledgement",
    "feedback",
    "decision",
    "information_request",
    "remedy_response",
)
DEPARTMENT_DEADLINES = ("information_request", "remedy_response", "remedy_implementation")
_REMINDED = tuple(k for k in queries.KINDS if k in STAFF_DEADLINES + DEPARTMENT_DEADLINES)

# The heads of a track: the roles that assign its cases.
HEADS: dict[str, tuple[str, ...]] = {
    track.value: tuple(
        sorted(
            role.value
            for role, tracks in STAFF_TRACKS.items()
            if track in tracks and Permission.complaint_assign in PERMISSIONS[role]
        )
    )
    for track in sorted({t for tracks in STAFF_TRACKS.values() for t in tracks})
}

PAGE = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DIGEST_LINES = 50  # items listed in a digest; the rest are counted


@dataclass(frozen=True)
class Overdue:
    """One line of a digest: a staff email may name the case's reference."""

    complaint_id: UUID
    reference: str
    deadline: str
    due_at: datetime


_HEADS = """
SELECT subject, roles, emails_off FROM staff
WHERE roles && %(roles)s::text[] AND email IS NOT NULL
"""

_RECUSED = """
SELECT complaint_id, subject FROM recusals WHERE complaint_id = ANY(%(ids)s::uuid[])
"""

_INSERT = """
INSERT INTO notifications (kind, complaint_id, recipient, dedupe, deadline, due_at)
SELECT * FROM unnest(%(kinds)s::text[], %(ids)s::uuid[], %(recipients)s::text[],
                     %(dedupes)s::text[], %(deadlines)s::text[], %(dues)s::timestamptz[])
ON CONFLICT (dedupe) DO NOTHING
"""


async def _heads(conn: Conn) -> dict[str, list[str]]:
    """Per track, the subjects of its heads in the staff directory (with an address)."""
    every = sorted({r for roles in HEADS.values() for r in roles})
    cur = await conn.execute(_HEADS, {"roles": every})
    found: dict[str, list[str]] = {track: [] for track in HEADS}
    for row in await cur.fetchall():
        for track, roles in HEADS.items():
            if set(row["roles"]) & set(roles):
                found[track].append(row["subject"])
    return found


def _dedupe(row: dict[str, Any], recipient: str) -> str:
    return f"reminder:{row['kind']}:{row['item_key']}:{row['due_at'].isoformat()}:{recipient}"


async def remind(conn: Conn, settings: Settings, now: datetime) -> int:
    """Write the reminders of every deadline due from `now` to `now` plus OMBUDS_REMINDER_DAYS;
    how many rows were new."""
    tells_staff = settings.tells("deadline_reminder")
    tells_departments = settings.tells("department_reminder")
    if not (tells_staff or tells_departments):
        return 0
    heads = await _heads(conn) if tells_staff else {}
    sql = compose(queries.deadlines_sql(_REMINDED), visible="true", filters="")
    after: tuple[datetime, str, str] = (now, "", "")
    written = 0
    while True:
        cur = await conn.execute(
            sql,
            {
                "until": now + timedelta(days=settings.reminder_days),
                "after_due": after[0],
                "after_kind": after[1],
                "after_key": after[2],
                "limit": PAGE,
            },
        )
        rows = await cur.fetchall()
        if not rows:
            return written
        unassigned = [r["complaint_id"] for r in rows if r["handler"] is None]
        recused: set[tuple[UUID, str]] = set()
        if unassigned and tells_staff:
            found = await conn.execute(_RECUSED, {"ids": unassigned})
            recused = {(r["complaint_id"], r["subject"]) for r in await found.fetchall()}
        told: list[tuple[str, dict[str, Any], str]] = []  # (kind, deadline, recipient)
        for row in rows:
            if tells_staff and row["kind"] in STAFF_DEADLINES:
                if row["handler"] is not None:
                    told.append(("deadline_reminder", row, staff(row["handler"])))
                else:
                    told += [
                        ("deadline_reminder", row, staff(head))
                        for head in heads.get(row["track"], [])
                        if (row["complaint_id"], head) not in recused
                    ]
            if tells_departments and row["kind"] in DEPARTMENT_DEADLINES and row["department"]:
                told.append(("department_reminder", row, department(row["department"])))
        if told:
            batch = {
                "kinds": [kind for kind, _, _ in told],
                "ids": [row["complaint_id"] for _, row, _ in told],
                "recipients": [to for _, _, to in told],
                "dedupes": [_dedupe(row, to) for _, row, to in told],
                "deadlines": [row["kind"] for _, row, _ in told],
                "dues": [row["due_at"] for _, row, _ in told],
            }
            written += (await conn.execute(_INSERT, batch)).rowcount
        if len(rows) < PAGE:
            return written
        last = rows[-1]
        after = (last["due_at"], last["kind"], last["item_key"])


def _principal(subject: str, roles: list[str]) -> Principal:
    known = {r.value for r in Role}
    return Principal(subject=subject, roles=frozenset(Role(r) for r in roles if r in known))


async def overdue_for(
    conn: Conn, subject: str, roles: list[str], stale_months: int, now: datetime, limit: int
) -> list[Overdue]:
    """What is overdue on the cases this staff member may see (their track, not recused), the
    oldest first, at most `limit`."""
    principal = _principal(subject, roles)
    visible, params = visibility(principal)
    cur = await conn.execute(
        compose(queries.deadlines_sql(queries.KINDS), visible=visible, filters=""),
        {
            **params,
            "until": now,
            "after_due": _EPOCH,
            "after_kind": "",
            "after_key": "",
            "limit": limit,
            "stale_months": stale_months,
        },
    )
    return [
        Overdue(r["complaint_id"], r["reference"], r["kind"], r["due_at"])
        for r in await cur.fetchall()
    ]


_DIGEST = """
INSERT INTO notifications (kind, recipient, dedupe)
VALUES ('overdue_digest', %(recipient)s, %(dedupe)s)
ON CONFLICT (dedupe) DO NOTHING
"""


async def digest(conn: Conn, settings: Settings, now: datetime) -> int:
    """From OMBUDS_DIGEST_HOUR_UTC each day, one digest per head of office with something
    overdue on their track (its lines are read when it is sent); how many rows were new."""
    if not settings.tells("overdue_digest") or now.hour < settings.digest_hour_utc:
        return 0
    every = sorted({r for roles in HEADS.values() for r in roles})
    cur = await conn.execute(_HEADS, {"roles": every})
    written = 0
    for head in await cur.fetchall():
        if "overdue_digest" in head["emails_off"]:
            continue
        if not await overdue_for(
            conn, head["subject"], head["roles"], settings.stale_after_months, now, 1
        ):
            continue
        recipient = staff(head["subject"])
        params = {"recipient": recipient, "dedupe": f"digest:{now.date().isoformat()}:{recipient}"}
        written += (await conn.execute(_DIGEST, params)).rowcount
    return written
