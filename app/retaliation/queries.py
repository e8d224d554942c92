"""SQL of the retaliation room."""

from __future__ import annotations

ORIGINAL = "SELECT track, reference FROM complaints WHERE id = %(id)s"

LINK = """
UPDATE complaints SET retaliation_against = %(original)s, priority = true
WHERE id = %(id)s
"""

REQUEST_MEASURES = """
INSERT INTO protection_measures (complaint_id, measure, status)
SELECT %(id)s, m, 'requested' FROM unnest(%(measures)s::text[]) AS m
"""

ADD = """
WITH m AS (
  INSERT INTO protection_measures (complaint_id, measure, status)
  VALUES (%(id)s, %(measure)s, 'requested') RETURNING *
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'protection.request', 'complaint', %(id)s::text
  FROM m
)
SELECT * FROM m
"""

DECIDE = """
WITH m AS (
  UPDATE protection_measures
  SET status = %(decision)s, note = %(note)s, decided_by = %(actor_subject)s, decided_at = now()
  WHERE id = %(measure_id)s AND complaint_id = %(id)s AND status = 'requested'
  RETURNING *
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'protection.' || %(decision)s, 'complaint',
         %(id)s::text
  FROM m
)
SELECT * FROM m
"""

LIST = "SELECT * FROM protection_measures WHERE complaint_id = %(id)s ORDER BY id"
EXISTS = (
    "SELECT status FROM protection_measures WHERE id = %(measure_id)s AND complaint_id = %(id)s"
)
