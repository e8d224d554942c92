"""Full-text search within the caller's reach.

Visibility is the list's (`app.kit.access.visibility`: the caller's track, never a case they are
recused from), applied in the same statement as the match, so a case out of reach never yields a
hit nor a snippet. Internal notes are matched only for callers who may read them, and a snippet
taken from one is audited as reading internal notes is.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import TypeAdapter

from app.kit.access import visibility
from app.kit.pagination import decode_cursor, encode_cursor
from app.kit.permissions import Permission
from app.kit.principals import Principal
from app.kit.sql import Conn, all_rows, compose
from app.kit.trail import audit
from app.search import queries
from app.search.schemas import MatchedField, SearchHit, SearchPage, SearchQuery

_CURSOR: TypeAdapter[tuple[datetime, UUID]] = TypeAdapter(tuple[datetime, UUID])


async def search(conn: Conn, principal: Principal, query: SearchQuery, limit: int) -> SearchPage:
    visible, params = visibility(principal)
    filters = ""
    if query.cursor:
        params["cursor_at"], params["cursor_id"] = decode_cursor(query.cursor, _CURSOR)
        filters = f" AND {queries.CURSOR}"
    hits = await all_rows(
        conn,
        compose(queries.SEARCH, visible=visible, filters=filters),
        {
            **params,
            "q": query.q,
            "internal": principal.may(Permission.message_internal),
            "headline": queries.HEADLINE,
            "limit": limit + 1,
        },
        SearchHit,
    )
    page = hits[:limit]
    for hit in page:
        if hit.field is MatchedField.internal_note:
            await audit(conn, principal.actor, "message.read_internal_notes", "complaint", hit.id)
    last = page[-1] if len(hits) > limit else None
    return SearchPage(
        items=page, next_cursor=encode_cursor(last.received_at, last.id) if last else None
    )
