"""What is due or overdue, for staff: per track, per handler, every kind of deadline."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta

from app.auth.principals import Principal
from app.complaints import queries as complaint_queries
from app.complaints.service import require
from app.db import Conn
from app.deadlines import queries
from app.deadlines.schemas import Deadline, DeadlinePage, DeadlineQuery
from app.errors import Unprocessable

_START = (datetime(1970, 1, 1, tzinfo=UTC), "", "")


def _encode(due: datetime, kind: str, key: str) -> str:
    raw = json.dumps([due.isoformat(), kind, key]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, str, str]:
    try:
        due, kind, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(due), str(kind), str(key)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise Unprocessable(
            "The cursor is not one this API issued.",
            [{"field": "query.cursor", "message": "invalid cursor", "type": "value_error"}],
        ) from exc


async def list_deadlines(
    conn: Conn, principal: Principal, query: DeadlineQuery, limit: int
) -> DeadlinePage:
    require(principal, "deadline.read", "The deadlines view")
    visible, params = complaint_queries.visibility(principal)
    filters = []
    if query.track is not None:
        filters.append("c.track = %(track)s")
        params["track"] = query.track.value
    if query.handler is not None:
        filters.append("c.handler_subject = %(handler)s")
        params["handler"] = principal.subject if query.handler == "me" else query.handler
    now = datetime.now(UTC)
    until = now if query.overdue else now + timedelta(days=query.within_days)
    after = _decode(query.cursor) if query.cursor else _START
    sql = queries.deadlines_sql(list(query.kind or queries.KINDS)).format(
        visible=visible, filters="".join(f" AND {f}" for f in filters)
    )
    cur = await conn.execute(
        sql,
        {
            **params,
            "until": until,
            "after_due": after[0],
            "after_kind": after[1],
            "after_key": after[2],
            "limit": limit + 1,
        },
    )
    rows = await cur.fetchall()
    items = [Deadline(**r) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = _encode(last["due_at"], last["kind"], last["item_key"])
    return DeadlinePage(items=items, next_cursor=next_cursor)
