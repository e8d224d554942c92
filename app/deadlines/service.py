"""What is due or overdue, for staff: per track, per handler, every kind of deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter

from app.deadlines import queries
from app.deadlines.schemas import Deadline, DeadlinePage, DeadlineQuery
from app.kit.access import visibility
from app.kit.pagination import decode_cursor, encode_cursor
from app.kit.principals import Principal
from app.kit.sql import Conn, compose, conditions

_START = (datetime(1970, 1, 1, tzinfo=UTC), "", "")
_CURSOR: TypeAdapter[tuple[datetime, str, str]] = TypeAdapter(tuple[datetime, str, str])


async def list_deadlines(
    conn: Conn, principal: Principal, query: DeadlineQuery, limit: int, stale_months: int
) -> DeadlinePage:
    visible, params = visibility(principal)
    filters = []
    if query.track is not None:
        filters.append(queries.TRACK)
        params["track"] = query.track.value
    if query.handler is not None:
        filters.append(queries.HANDLER)
        params["handler"] = principal.subject if query.handler == "me" else query.handler
    now = datetime.now(UTC)
    until = now if query.overdue else now + timedelta(days=query.within_days)
    after = decode_cursor(query.cursor, _CURSOR) if query.cursor else _START
    sql = compose(
        queries.deadlines_sql(tuple(query.kind or queries.KINDS)),
        visible=visible,
        filters=conditions(filters),
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
            "stale_months": stale_months,
        },
    )
    rows = await cur.fetchall()
    items = [Deadline.model_validate(r) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(last["due_at"], last["kind"], last["item_key"])
    return DeadlinePage(items=items, next_cursor=next_cursor)
