"""SQL of the audit trail."""

from __future__ import annotations

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
UNSEALED = f"""
SELECT {_COLUMNS} FROM audit_entries WHERE seq IS NULL ORDER BY id LIMIT %(limit)s FOR UPDATE
"""
SEAL = """
UPDATE audit_entries AS a SET seq = v.seq, hash = v.hash
FROM unnest(%(ids)s::bigint[], %(seqs)s::bigint[], %(hashes)s::bytea[]) AS v(id, seq, hash)
WHERE a.id = v.id
"""


WALK = f"SELECT seq, hash, {_COLUMNS} FROM audit_entries WHERE seq IS NOT NULL ORDER BY seq"

LIST = f"""
SELECT {_COLUMNS}, seq, hash FROM audit_entries
WHERE id > %(after)s {{filters}}
ORDER BY id
LIMIT %(limit)s
"""
FILTERS = {
    "action": "action = %(action)s",
    "object_type": "object_type = %(object_type)s",
    "object_id": "object_id = %(object_id)s",
    "actor": "actor_subject = %(actor)s",
}
RECORD = """
INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id, outcome)
VALUES (%(actor_subject)s, %(actor_role)s, %(action)s, 'audit_trail', %(object_id)s, %(outcome)s)
"""
