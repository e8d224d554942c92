"""SQL of retention: legal holds and the purge."""

from __future__ import annotations

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
entry AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, reason, visible_to_complainant)
  SELECT id, %(actor_subject)s, %(actor_role)s, %(event)s, status, status, %(reason)s, false
  FROM c
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'complaint.' || %(event)s, 'complaint', id::text
  FROM c
)
SELECT * FROM c
"""
SET_HOLD = _CHANGE.format(
    assignments="legal_hold_reason = %(reason)s, legal_hold_by = %(actor_subject)s, "
    "legal_hold_at = now()",
    condition="legal_hold_at IS NULL",
)
LIFT_HOLD = _CHANGE.format(
    assignments="legal_hold_reason = NULL, legal_hold_by = NULL, legal_hold_at = NULL",
    condition="legal_hold_at IS NOT NULL",
)

# Expired, not held, and counted by the statistics already (no event waiting to be folded):
# the statistics keep counting a purged case, since only its facts row goes with it.
EXPIRED = """
SELECT c.id FROM complaints c
WHERE c.retention_until < now() AND c.legal_hold_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.complaint_id = c.id)
ORDER BY c.retention_until
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""
FILES = "SELECT id FROM attachments WHERE complaint_id = ANY(%(ids)s)"
PURGE = """
WITH facts AS (DELETE FROM stat_facts WHERE complaint_id = ANY(%(ids)s)),
gone AS (DELETE FROM complaints WHERE id = ANY(%(ids)s) RETURNING id)
INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
SELECT 'ombuds', 'system', 'complaint.purge', 'complaint', id::text FROM gone
"""

# Which of these files still belong to an attachment.
KNOWN_FILES = "SELECT id FROM attachments WHERE id = ANY(%(ids)s)"
