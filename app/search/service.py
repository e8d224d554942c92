"""Full-text search within the caller's reach.

Visibility is the list's (`app.kit.access.visibility`: the caller's track, never a case they are
recused from), applied in the same statement as the match, so a case out of reach never yields a
hit nor a snippet. Internal notes are matched only for callers who may read them, and a snippet
taken from one is audited as reading internal notes is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
# in the README, from bench/search.py): first among the WALK newest cases of the caller's track,
# read in order (a word in one case in 40 fills a page of 50 there) when a sample of the newest
# says the words are that frequent; then, when these did not hold a page, through the words'
# indexes one period of receipt at a time, newest first (the last PERIOD_1 before the cursor or
# now, the rest of the last PERIOD_2, everything before), so only the hits of the periods read
# are fetched and sorted.
WALK = 2000
# Whether to walk: the words' hits in the caller's SAMPLE newest cases (their own text only),
# enough to fill a page among WALK at that rate (13 of 500 for a page of 50).
SAMPLE = 500
# The periods of receipt the indexes are asked for in turn (queries.PERIODS), back from the
# cursor (or now): the last 30 days, the rest of the last 180, everything before.
PERIOD_1 = timedelta(days=30)
PERIOD_2 = timedelta(days=180)
# How the statement is planned, for its transaction only (why: in `search`).
SETTINGS = (
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('jit', 'off', true), "
    "set_config('max_parallel_workers_per_gather', '0', true)"
)


async def search(conn: Conn, principal: Principal, query: SearchQuery, limit: int) -> SearchPage:
    visible, params = visibility(principal)
    filters = ""
    top = datetime.now(UTC)
    if query.cursor:
        top, params["cursor_id"] = decode_cursor(query.cursor, _CURSOR)
        params["cursor_at"] = top
        filters = f" AND {queries.CURSOR}"
    # Planned for these words each time: the plan depends on how many rows they match, which a
    # generic plan (psycopg prepares a statement run five times) cannot know; it took twice as
    # long at 100,000 complaints for a word in one case in 50. And not compiled (JIT): the plan's
    # cost counts the index lookups the walk mostly makes needless, enough for PostgreSQL to spend
    # 40 to 80 ms compiling, at 1,000,000 complaints, a statement that then runs in 3.
    # Nor run in parallel: a period's few hits are not worth starting workers for (10 ms at
    # 1,000,000 complaints for a word in no message).
    await conn.execute(SETTINGS)
    hits = await all_rows(
        conn,
        compose(queries.SEARCH, visible=visible, filters=filters),
        {
            **params,
            "q": query.q,
            "internal": principal.may(Permission.message_internal),
            "headline": queries.HEADLINE,
            "limit": limit + 1,
            **walk(principal, limit + 1),
            **periods(top),
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


def walk(principal: Principal, limit: int) -> dict[str, object]:
    """The track whose newest cases are read in order: a caller of one track only (its index
    keeps their order; the cases of several tracks would have to be merged first, so their
    search goes to the words' indexes at once). `limit`: the rows asked for, a page and one.

    The walk is made when the words are in enough of the SAMPLE newest cases to fill `limit`
    among WALK at that rate; otherwise it would mostly read cases for nothing."""
    if len(principal.tracks) == 1:
        track = next(iter(principal.tracks)).value
        walk_from = -(-limit * SAMPLE // WALK) if WALK else 1
        return {"walk_track": track, "walk": WALK, "sample": SAMPLE, "walk_from": walk_from}
    return {"walk_track": None, "walk": 0, "sample": 0, "walk_from": 1}


def periods(top: datetime) -> dict[str, object]:
    """Where the periods the indexes are asked for in turn begin (the first has no end: a case
    received after `top`, a clock's difference, is still in it)."""
    return {"period_1": top - PERIOD_1, "period_2": top - PERIOD_2}
