"""SQL of the findings room."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte, timeline_cte
from app.statistics.changes import changed

# What a reader sees of the findings (alias `f`): the reasoning and who drafted them, staff only.
_OUT = """f.complaint_id, f.outcome, f.rights_affected, f.public_summary,
       CASE WHEN %(staff)s THEN f.internal_reasoning END AS internal_reasoning,
       CASE WHEN %(staff)s THEN f.drafted_by END AS drafted_by,
       f.updated_at, f.issued_at, f.communicated_at"""

# A new draft supersedes an earlier issue (after a reopening): it must be issued and communicated
# again.
UPSERT = compose(
    """
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
{audit},
{event}
SELECT {out} FROM f
""",
    out=_OUT,
    audit=audit_cte("f", "'findings.draft'", "complaint", "complaint_id"),
    event=changed(
        "event", "findings.drafted", "f JOIN complaints c ON c.id = f.complaint_id", "c.id"
    ),
)

# The complainant learns of findings once they are issued, not while drafted.
GET = compose(
    "SELECT {out} FROM findings f WHERE f.complaint_id = %(id)s "
    "AND (f.issued_at IS NOT NULL OR %(staff)s)",
    out=_OUT,
)

# Communicating the decision: recorded on the findings, counted as feedback on the complaint, and
# shown on the complainant's timeline.
COMMUNICATE = compose(
    """
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
{entry},
{audit},
{event}
SELECT {out} FROM f
""",
    out=_OUT,
    entry=timeline_cte("c", "c.id", "'communicate_decision'", "c.status", reason="%(reason)s"),
    audit=audit_cte("f", "'findings.communicate'", "complaint", "complaint_id"),
    event=changed("event", "decision.communicated", "c", "c.id"),
)
