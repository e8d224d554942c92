"""SQL of the audit trail."""

from __future__ import annotations

from app.kit.sql import compose

FIELDS = (
    "id",
    "at",
    "actor_subject",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "outcome",
)
_COLUMNS = ", ".join(FIELDS)

HEAD = "SELECT seq, hash FROM audit_entries WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
UNSEALED = compose(
    "SELECT {columns} FROM audit_entries WHERE seq IS NULL ORDER BY id LIMIT %(limit)s FOR UPDATE",
    columns=_COLUMNS,
)
SEAL = """
UPDATE audit_entries AS a SET seq = v.seq, hash = v.hash
FROM unnest(%(ids)s::bigint[], %(seqs)s::bigint[], %(hashes)s::bytea[]) AS v(id, seq, hash)
WHERE a.id = v.id
"""


WALK = compose(
    "SELECT seq, hash, {columns} FROM audit_entries WHERE seq > %(after)s ORDER BY seq",
    columns=_COLUMNS,
)
# Where the chain starts: the newest anchor (entries up to it were rolled into it), if any.
ANCHOR = """
SELECT seq, hash, entries, through_at, seal FROM audit_anchors ORDER BY seq DESC LIMIT 1
"""
# The last position of the oldest run of sealed entries that are all past the cutoff and none
# about a complaint still held: what may be rolled into a new anchor.
PRUNABLE = """
SELECT coalesce(
  (SELECT min(e.seq) - 1 FROM audit_entries e
   WHERE e.seq > %(after)s AND (e.at >= %(cutoff)s OR (e.object_type = 'complaint'
     AND EXISTS (SELECT 1 FROM complaints c WHERE c.id::text = e.object_id)))),
  (SELECT max(e.seq) FROM audit_entries e WHERE e.seq > %(after)s),
  %(after)s
) AS through
"""
ENTRY_AT = "SELECT seq, hash, at FROM audit_entries WHERE seq = %(seq)s"
ADD_ANCHOR = """
INSERT INTO audit_anchors (seq, hash, entries, through_at, seal)
VALUES (%(seq)s, %(hash)s, %(entries)s, %(through_at)s, %(seal)s)
"""
DROP_ANCHORED = "DELETE FROM audit_entries WHERE seq <= %(seq)s"

# The trail as the auditor reads it: each entry with its place in the chain, once sealed.
LIST = compose(
    """
SELECT {columns}, seq AS position, encode(hash, 'hex') AS hash FROM audit_entries
WHERE id > %(after)s {{filters}}
ORDER BY id
LIMIT %(limit)s
""",
    columns=_COLUMNS,
)
FILTERS = {
    "action": "action = %(action)s",
    "object_type": "object_type = %(object_type)s",
    "object_id": "object_id = %(object_id)s",
    "actor": "actor_subject = %(actor)s",
}
