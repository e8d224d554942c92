"""SQL of the investigations room."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte

# Only information requests have a due date: any other step is never overdue (not unknown).
OVERDUE = "coalesce(s.answered_at IS NULL AND s.due_at < now(), false)"

UPSERT_PLAN = compose(
    """
WITH i AS (
  INSERT INTO investigations (complaint_id, plan, opened_by)
  VALUES (%(id)s, %(plan)s, %(actor_subject)s)
  ON CONFLICT (complaint_id) DO UPDATE SET plan = EXCLUDED.plan, updated_at = now()
  RETURNING complaint_id
),
{audit}
SELECT complaint_id FROM i
""",
    audit=audit_cte("i", "'investigation.plan'", "complaint", "complaint_id"),
)

INVESTIGATION = """
SELECT complaint_id, plan, opened_by, opened_at, updated_at
FROM investigations WHERE complaint_id = %(id)s
"""

STEPS = compose(
    """
SELECT s.id, s.kind, s.summary, s.details, s.occurred_on, s.department, s.due_at,
       {overdue} AS overdue, s.answer, s.answered_at, s.answered_by, s.created_by, s.created_at
FROM investigation_steps s WHERE s.complaint_id = %(id)s ORDER BY s.id
""",
    overdue=OVERDUE,
)

ADD_STEP = compose(
    """
WITH s AS (
  INSERT INTO investigation_steps (complaint_id, kind, summary, details, occurred_on,
                                   department, due_at, created_by)
  VALUES (%(id)s, %(kind)s, %(summary)s, %(details)s, %(occurred_on)s, %(department)s,
          %(due_at)s, %(actor_subject)s)
  RETURNING id
),
{audit}
SELECT id FROM s
""",
    audit=audit_cte("s", "'investigation.step.' || %(kind)s", "investigation_step", "s.id"),
)

# A department's view: only what is addressed to it; the complainant is never selected.
REQUESTS = compose(
    """
SELECT s.id, CASE WHEN c.track = 'ombudsperson' THEN c.reference END AS complaint_reference,
       s.summary AS question, s.due_at, {overdue} AS overdue, s.answer, s.answered_at
FROM investigation_steps s
JOIN complaints c ON c.id = s.complaint_id
WHERE s.kind = 'information_request' AND s.department = %(department)s {{extra}}
ORDER BY s.id
LIMIT %(limit)s
""",
    overdue=OVERDUE,
)
AFTER = "AND s.id > %(after)s"
OPEN_ONLY = "AND s.answered_at IS NULL"
ONE = "AND s.id = %(request_id)s"

ANSWER = compose(
    """
WITH s AS (
  UPDATE investigation_steps
  SET answer = %(answer)s, answered_at = now(), answered_by = %(actor_subject)s
  WHERE id = %(request_id)s AND kind = 'information_request'
    AND department = %(department)s AND answered_at IS NULL
  RETURNING id
),
{audit}
SELECT id FROM s
""",
    audit=audit_cte("s", "'information_request.answer'", "investigation_step", "s.id"),
)
