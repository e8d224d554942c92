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

SEARCH = compose(
    """
WITH q AS (SELECT {query} AS query),
-- Whether the words are rare: fewer than %(probe)s cases and %(probe)s messages hold them (a
-- count that stops there, whoever may see them). Then their cases are few enough to sort all,
-- below, and the walk is not needed.
probe AS MATERIALIZED (
  SELECT (SELECT count(*) FROM (SELECT 1 FROM complaints c WHERE c.search @@ ({query})
                                LIMIT %(probe)s) p) < %(probe)s
     AND (SELECT count(*) FROM (SELECT 1 FROM messages m WHERE m.search @@ ({query})
                                LIMIT %(probe)s) p) < %(probe)s AS rare
),
-- Otherwise the walk: the caller's newest cases in order (one track's index gives them so), each
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
  WHERE NOT (SELECT rare FROM probe)
    AND (w.search @@ ({query})
         OR EXISTS (SELECT 1 FROM messages m
                    WHERE m.complaint_id = w.id AND m.search @@ ({query}) AND {readable}
                    OFFSET 0))
  ORDER BY w.received_at DESC, w.id DESC LIMIT %(limit)s
),
found AS (
  SELECT id, received_at FROM walked
  UNION
  SELECT f.id, f.received_at FROM (
    SELECT c.id, c.received_at FROM complaints c
    WHERE c.search @@ ({query}) AND ({{visible}}) {{filters}}
    ORDER BY c.received_at DESC, c.id DESC LIMIT %(limit)s
  ) f WHERE (SELECT count(*) FROM walked) < %(limit)s
  UNION
  SELECT f.id, f.received_at FROM (
    -- From the messages found to their cases, one lookup each (OFFSET 0: not a join the planner
    -- would answer by reading every case of the track).
    SELECT c.id, c.received_at
    FROM (SELECT DISTINCT m.complaint_id FROM messages m
          WHERE m.search @@ ({query}) AND {readable}) mc
    CROSS JOIN LATERAL (SELECT c.id, c.received_at FROM complaints c
                        WHERE c.id = mc.complaint_id AND ({{visible}}) {{filters}} OFFSET 0) c
    ORDER BY c.received_at DESC, c.id DESC LIMIT %(limit)s
  ) f WHERE (SELECT count(*) FROM walked) < %(limit)s
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
)

CURSOR = "(c.received_at, c.id) < (%(cursor_at)s, %(cursor_id)s)"

# Short snippets, the matched words between «» (plain text: no HTML is ever produced).
HEADLINE = 'StartSel=«, StopSel=», MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'
