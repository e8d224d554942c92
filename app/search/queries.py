"""The search room's SQL: one statement finds the hits within reach and writes their snippets."""

from __future__ import annotations

from app.kit.sql import compose, literal
from app.search.models import CONFIGS, FALLBACK, config_of

# A complaint's vector was built with its own language's configuration, and the query may be in
# any language: the query is parsed with every configuration and the results ORed, so one GIN
# index lookup finds a French word stemmed as French in a French case, an English one as English,
# and any exact word through `simple`.
QUERY = " || ".join(
    f"websearch_to_tsquery({literal(cfg)}::regconfig, %(q)s)"
    for cfg in [*CONFIGS.values(), FALLBACK]
)

# Messages the caller may read: internal notes only with `message.internal`.
_READABLE = "(%(internal)s OR m.kind <> 'internal_note')"

# The cases the words are in, by period of receipt, newest period first: from `period_1` on (30
# days before the cursor, or now), from `period_2` (180 days before) to it, then all before. Each
# period asks the words' GIN index and the track's index on received_at for the same rows (a
# BitmapAnd), so only that period's hits are read from the table and sorted; the next period is
# read only when the ones before did not fill a page (UNION ALL under a LIMIT reads its branches
# in turn: an Append runs them in order when not in parallel, which service.SETTINGS turns off,
# and each is sorted, so the first rows are the newest). Their messages likewise, through
# `messages.complaint_received_at` (their case's received_at, kept by the trigger: migration
# 0033).
PERIODS = (
    ("c.received_at >= %(period_1)s", "m.complaint_received_at >= %(period_1)s"),
    (
        "c.received_at >= %(period_2)s AND c.received_at < %(period_1)s",
        "m.complaint_received_at >= %(period_2)s AND m.complaint_received_at < %(period_1)s",
    ),
    ("c.received_at < %(period_2)s", "m.complaint_received_at < %(period_2)s"),
)


def _period(cases: str, messages: str) -> str:
    """One period's cases (`cases`: the condition on c.received_at; `messages`: the same on
    m.complaint_received_at), newest first, up to a page."""
    return compose(
        """(SELECT c.id, c.received_at FROM complaints c
     WHERE c.search @@ ({query}) AND {cases} AND ({{visible}}) {{filters}}
     UNION
     -- From the messages found to their cases, one lookup each (OFFSET 0: not a join the
     -- planner would answer by reading every case of the period).
     SELECT c.id, c.received_at
     FROM (SELECT DISTINCT m.complaint_id FROM messages m
           WHERE m.search @@ ({query}) AND {messages} AND {readable}) mc
     CROSS JOIN LATERAL (
       SELECT c.id, c.received_at FROM complaints c
       WHERE c.id = mc.complaint_id AND {cases} AND ({{visible}}) {{filters}} OFFSET 0) c
     ORDER BY received_at DESC, id DESC LIMIT %(limit)s)""",
        query=QUERY,
        cases=cases,
        messages=messages,
        readable=_READABLE,
    )


SEARCH = compose(
    """
WITH q AS (SELECT {query} AS query),
-- How many of the caller's %(sample)s newest cases hold the words in their own text: a word that
-- frequent (at least %(walk_from)s of them) is likely to fill a page among the newest %(walk)s.
sampled AS MATERIALIZED (
  SELECT count(*) AS n FROM (
    SELECT c.search FROM complaints c
    WHERE c.track = %(walk_track)s AND ({{visible}}) {{filters}}
    ORDER BY c.received_at DESC, c.id DESC LIMIT %(sample)s
  ) s WHERE s.search @@ ({query})
),
-- Then the walk: the caller's newest cases in order (one track's index gives them so), each
-- checked against its vector, then its messages', until a page is found or %(walk)s cases are
-- read. A word found in many cases is found at the top, whatever the size of the table. (OFFSET 0
-- keeps the messages' check a lookup per case: without it the planner may read every message
-- the words match first.)
walked AS MATERIALIZED (
  SELECT w.id, w.received_at FROM (
    SELECT c.id, c.received_at, c.search FROM complaints c
    WHERE c.track = %(walk_track)s AND ({{visible}}) {{filters}}
    ORDER BY c.received_at DESC, c.id DESC LIMIT %(walk)s
  ) w
  WHERE (SELECT n FROM sampled) >= %(walk_from)s
    AND (w.search @@ ({query})
         OR EXISTS (SELECT 1 FROM messages m
                    WHERE m.complaint_id = w.id AND m.search @@ ({query}) AND {readable}
                    OFFSET 0))
  ORDER BY w.received_at DESC, w.id DESC LIMIT %(limit)s
),
-- Then, when the walk found less than a page (or was not made), the periods (PERIODS, newest
-- first).
found AS (
  SELECT id, received_at FROM walked
  UNION
  SELECT id, received_at FROM (
    {periods}
    LIMIT %(limit)s
  ) p WHERE (SELECT count(*) FROM walked) < %(limit)s
),
page AS (
  SELECT c.id, c.reference, c.track, c.status, c.received_at, c.language, c.summary,
    c.description, c.search
  FROM complaints c
  WHERE c.id IN (SELECT id FROM found ORDER BY received_at DESC, id DESC LIMIT %(limit)s)
)
-- The field matched and its snippet, for the page's cases only.
SELECT c.id, c.reference, c.track, c.status, c.received_at, hit.field,
  ts_headline({config}, hit.body, q.query, %(headline)s) AS snippet
FROM page c CROSS JOIN q
CROSS JOIN LATERAL (
  SELECT f.field, f.body FROM (
    SELECT 1 AS rank, 'summary' AS field, c.summary AS body
    WHERE to_tsvector({config}, c.summary) @@ q.query
    UNION ALL
    SELECT 2, 'description', c.description WHERE to_tsvector({config}, c.description) @@ q.query
    UNION ALL
    (SELECT 3 + (m.kind = 'internal_note')::int,
       CASE WHEN m.kind = 'internal_note' THEN 'internal_note' ELSE 'message' END, m.body
     FROM messages m
     WHERE m.complaint_id = c.id AND m.search @@ q.query AND {readable}
     ORDER BY m.kind = 'internal_note', m.id LIMIT 1)
    UNION ALL
    -- Words spread over the summary and the description match neither alone.
    SELECT 9, 'description', c.summary || ' ' || c.description WHERE c.search @@ q.query
  ) f ORDER BY f.rank LIMIT 1
) hit
ORDER BY c.received_at DESC, c.id DESC
""",
    query=QUERY,
    readable=_READABLE,
    config=config_of("c.language"),
    periods="\n    UNION ALL\n    ".join(_period(*p) for p in PERIODS),
)

CURSOR = "(c.received_at, c.id) < (%(cursor_at)s, %(cursor_id)s)"

# Short snippets, the matched words between «» (plain text: no HTML is ever produced).
HEADLINE = 'StartSel=«, StopSel=», MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'
