"""SQL of the mediation room."""

from __future__ import annotations

RECORD = """
WITH m AS (
  INSERT INTO mediation_attempts (complaint_id, result, terms, notes, mediator, recorded_by)
  VALUES (%(id)s, %(result)s, %(terms)s, %(notes)s, %(mediator)s, %(actor_subject)s)
  RETURNING *
),
entry AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, reason, visible_to_complainant)
  SELECT m.complaint_id, %(actor_subject)s, %(actor_role)s, 'mediation_' || m.result,
         %(status)s, %(status)s, %(public_note)s, true
  FROM m
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'mediation.' || m.result, 'complaint',
         m.complaint_id::text
  FROM m
)
SELECT * FROM m
"""

LIST = "SELECT * FROM mediation_attempts WHERE complaint_id = %(id)s ORDER BY id"
