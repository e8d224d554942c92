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
    "SELECT seq, hash, {columns} FROM audit_entries WHERE seq IS NOT NULL ORDER BY seq",
    columns=_COLUMNS,
)

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
