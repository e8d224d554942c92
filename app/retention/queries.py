"""SQL of retention: legal holds and the purge."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte, timeline_cte

HOLD = """
SELECT c.legal_hold_reason, c.legal_hold_by, c.legal_hold_at, c.retention_until, c.finished_at
FROM complaints c WHERE c.id = %(id)s
"""

# Setting or lifting a hold: the complaint, a staff-only timeline entry, the audit entry.
_CHANGE = """
WITH c AS (
  UPDATE complaints SET {assignments}, version = version + 1, updated_at = now()
  WHERE id = %(id)s AND {condition}
  RETURNING id, status, legal_hold_reason, legal_hold_by, legal_hold_at, retention_until,
            finished_at
),
{trail}
SELECT * FROM c
"""
_TRAIL = ",\n".join(
    (
        timeline_cte("c", "id", "%(event)s", "status", reason="%(reason)s", visible="false"),
        audit_cte("c", "'complaint.' || %(event)s", "complaint", "id"),
    )
)
SET_HOLD = compose(
    _CHANGE,
    assignments="legal_hold_reason = %(reason)s, legal_hold_by = %(actor_subject)s, "
    "legal_hold_at = now()",
    condition="legal_hold_at IS NULL",
    trail=_TRAIL,
)
LIFT_HOLD = compose(
    _CHANGE,
    assignments="legal_hold_reason = NULL, legal_hold_by = NULL, legal_hold_at = NULL",
    condition="legal_hold_at IS NOT NULL",
    trail=_TRAIL,
)

# Expired, not held, and counted by the statistics already (no event waiting to be folded):
# the statistics keep counting a purged case, since only its facts row goes with it.
EXPIRED = """
SELECT c.id FROM complaints c
WHERE c.retention_until < now() AND c.legal_hold_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM stat_changes e WHERE e.complaint_id = c.id)
ORDER BY c.retention_until
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""
FILES = "SELECT id FROM attachments WHERE complaint_id = ANY(%(ids)s)"
PURGE = compose(
    """
WITH facts AS (DELETE FROM stat_facts WHERE complaint_id = ANY(%(ids)s)),
gone AS (DELETE FROM complaints WHERE id = ANY(%(ids)s) RETURNING id),
{audit}
SELECT count(*) AS purged FROM gone
""",
    audit=audit_cte("gone", "'complaint.purge'", "complaint", "id"),
)

# Which of these files still belong to an attachment.
KNOWN_FILES = "SELECT id FROM attachments WHERE id = ANY(%(ids)s)"
