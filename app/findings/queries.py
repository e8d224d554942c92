"""SQL of the findings room."""

from __future__ import annotations

from app.outbox.events import complaint_fields, enqueue

# A new draft supersedes an earlier issue (after a reopening): it must be issued and communicated
# again.
UPSERT = f"""
WITH f AS (
  INSERT INTO findings (complaint_id, outcome, rights_affected, public_summary,
                        internal_reasoning, drafted_by)
  VALUES (%(id)s, %(outcome)s, %(rights)s, %(public_summary)s, %(internal_reasoning)s,
          %(actor_subject)s)
  ON CONFLICT (complaint_id) DO UPDATE SET
    outcome = EXCLUDED.outcome, rights_affected = EXCLUDED.rights_affected,
    public_summary = EXCLUDED.public_summary, internal_reasoning = EXCLUDED.internal_reasoning,
    drafted_by = EXCLUDED.drafted_by, updated_at = now(), issued_at = NULL,
    communicated_at = NULL, communicated_by = NULL
  RETURNING *
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'findings.draft', 'complaint', complaint_id::text
  FROM f
),
{
    enqueue(
        "event",
        "findings.drafted",
        "f JOIN complaints c ON c.id = f.complaint_id",
        "c.id",
        complaint_fields("c"),
    )
}
SELECT * FROM f
"""

GET = "SELECT * FROM findings WHERE complaint_id = %(id)s"

# Communicating the decision: recorded on the findings, counted as feedback on the complaint, and
# shown on the complainant's timeline.
COMMUNICATE = f"""
WITH f AS (
  UPDATE findings SET communicated_at = now(), communicated_by = %(actor_subject)s
  WHERE complaint_id = %(id)s AND issued_at IS NOT NULL AND communicated_at IS NULL
  RETURNING *
),
c AS (
  UPDATE complaints
  SET feedback_given_at = coalesce(feedback_given_at, now()), version = version + 1,
      updated_at = now()
  WHERE id = (SELECT complaint_id FROM f)
  RETURNING id, status, track, origin, rights_affected, department, respondent
),
entry AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, reason, visible_to_complainant)
  SELECT c.id, %(actor_subject)s, %(actor_role)s, 'communicate_decision', c.status, c.status,
         %(reason)s, true
  FROM c
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'findings.communicate', 'complaint',
         complaint_id::text
  FROM f
),
{enqueue("event", "decision.communicated", "c", "c.id", complaint_fields("c"))}
SELECT * FROM f
"""
