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

# How the search finds the newest cases holding the words (app/search/queries.py; the figures
# in the README, from bench/search.py): words in fewer than PROBE cases and PROBE messages are
# found through their indexes and all sorted; others first among the WALK newest cases of the
# caller's track, read in order (a word in one case in 40 fills a page of 50 there), then through
# the indexes when these did not hold a page. The count and the walk take a few milliseconds; the
# indexes' way grows with the cases found (7 microseconds each at 1,000,000 complaints).
PROBE = 2000
WALK = 2000


async def search(conn: Conn, principal: Principal, query: SearchQuery, limit: int) -> SearchPage:
    visible, params = visibility(principal)
    filters = ""
    if query.cursor:
        params["cursor_at"], params["cursor_id"] = decode_cursor(query.cursor, _CURSOR)
        filters = f" AND {queries.CURSOR}"
    # Planned for these words each time: the plan depends on how many rows they match, which a
    # generic plan (psycopg prepares a statement run five times) cannot know; it took twice as
    # long at 100,000 complaints for a word in one case in 50. And not compiled (JIT): the plan's
    # cost counts the index lookups the walk mostly makes needless, enough for PostgreSQL to spend
    # 40 to 80 ms compiling, at 1,000,000 complaints, a statement that then runs in 3.
    await conn.execute(
        "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
        "set_config('jit', 'off', true)"
    )
    hits = await all_rows(
        conn,
        compose(queries.SEARCH, visible=visible, filters=filters),
        {
            **params,
            "q": query.q,
            "internal": principal.may(Permission.message_internal),
            "headline": queries.HEADLINE,
            "limit": limit + 1,
            **walk(principal),
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


def walk(principal: Principal) -> dict[str, object]:
    """The track whose newest cases are read in order: a caller of one track only (its index
    keeps their order; the cases of several tracks would have to be merged first, so their
    search goes to the words' indexes at once)."""
    if len(principal.tracks) == 1:
        return {"walk_track": next(iter(principal.tracks)).value, "walk": WALK, "probe": PROBE}
    return {"walk_track": None, "walk": 0, "probe": PROBE}
