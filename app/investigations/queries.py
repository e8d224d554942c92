"""SQL of the investigations room."""

from __future__ import annotations

OVERDUE = "(s.answered_at IS NULL AND s.due_at < now())"

UPSERT_PLAN = """
WITH i AS (
  INSERT INTO investigations (complaint_id, plan, opened_by)
  VALUES (%(id)s, %(plan)s, %(actor_subject)s)
  ON CONFLICT (complaint_id) DO UPDATE SET plan = EXCLUDED.plan, updated_at = now()
  RETURNING complaint_id
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'investigation.plan', 'complaint',
         complaint_id::text
  FROM i
)
SELECT complaint_id FROM i
"""

INVESTIGATION = """
SELECT complaint_id, plan, opened_by, opened_at, updated_at
FROM investigations WHERE complaint_id = %(id)s
"""

STEPS = f"""
SELECT s.id, s.kind, s.summary, s.details, s.occurred_on, s.department, s.due_at,
       {OVERDUE} AS overdue, s.answer, s.answered_at, s.answered_by, s.created_by, s.created_at
FROM investigation_steps s WHERE s.complaint_id = %(id)s ORDER BY s.id
"""

ADD_STEP = """
WITH s AS (
  INSERT INTO investigation_steps (complaint_id, kind, summary, details, occurred_on,
                                   department, due_at, created_by)
  VALUES (%(id)s, %(kind)s, %(summary)s, %(details)s, %(occurred_on)s, %(department)s,
          %(due_at)s, %(actor_subject)s)
  RETURNING id
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'investigation.step.' || %(kind)s,
         'investigation_step', s.id::text
  FROM s
)
SELECT id FROM s
"""

# A department's view: only what is addressed to it; the complainant is never selected.
REQUESTS = f"""
SELECT s.id, CASE WHEN c.track = 'ombudsperson' THEN c.reference END AS complaint_reference,
       s.summary AS question, s.due_at, {OVERDUE} AS overdue, s.answer, s.answered_at
FROM investigation_steps s
JOIN complaints c ON c.id = s.complaint_id
WHERE s.kind = 'information_request' AND s.department = %(department)s {{extra}}
ORDER BY s.id
LIMIT %(limit)s
"""

ANSWER = """
WITH s AS (
  UPDATE investigation_steps
  SET answer = %(answer)s, answered_at = now(), answered_by = %(actor_subject)s
  WHERE id = %(request_id)s AND kind = 'information_request'
    AND department = %(department)s AND answered_at IS NULL
  RETURNING id
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'information_request.answer',
         'investigation_step', s.id::text
  FROM s
)
SELECT id FROM s
"""
