"""SQL of data-subject requests."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte
from app.outbox.events import complaint_fields, enqueue

RECORD = compose(
    """
WITH r AS (
  INSERT INTO erasure_requests (complaint_id, due_at, channel, recorded_by, status)
  SELECT %(id)s, now() + interval '1 month', %(channel)s, %(actor_subject)s, 'pending'
  WHERE NOT EXISTS (SELECT 1 FROM erasure_requests
                    WHERE complaint_id = %(id)s AND status = 'pending')
  RETURNING *
),
{audit}
SELECT *, false AS overdue FROM r
""",
    audit=audit_cte("r", "'erasure.record'", "erasure_request", "id"),
)
LIST = """
SELECT *, (status = 'pending' AND due_at < now()) AS overdue FROM erasure_requests
WHERE complaint_id = %(id)s ORDER BY id
"""
PENDING = """
SELECT r.*, c.status AS complaint_status, c.legal_hold_at
FROM erasure_requests r JOIN complaints c ON c.id = r.complaint_id
WHERE r.id = %(rid)s AND r.complaint_id = %(id)s
FOR UPDATE OF r, c
"""
DECIDE = compose(
    """
WITH r AS (
  UPDATE erasure_requests
  SET status = %(status)s, ground = %(ground)s, decision_reason = %(reason)s,
      decided_by = %(actor_subject)s, decided_at = now()
  WHERE id = %(rid)s AND status = 'pending'
  RETURNING *
),
{audit}
SELECT *, false AS overdue FROM r
""",
    audit=audit_cte("r", "'erasure.' || %(status)s", "erasure_request", "id"),
)
FILES = "SELECT id FROM attachments WHERE complaint_id = %(id)s"
ERASED = "[erased]"
# Irreversible: the personal data of the case goes; its codes, dates and decisions stay (the
# office's record, and the statistics). Each statement touches one table of the case.
ERASE = [
    "DELETE FROM complainant_contacts WHERE complaint_id = %(id)s",
    "DELETE FROM named_persons WHERE complaint_id = %(id)s",
    "DELETE FROM complainant_characteristics WHERE complaint_id = %(id)s",
    "DELETE FROM attachments WHERE complaint_id = %(id)s",
    "UPDATE messages SET body = %(erased)s WHERE complaint_id = %(id)s",
    "UPDATE timeline_entries SET reason = %(erased)s "
    "WHERE complaint_id = %(id)s AND reason IS NOT NULL",
    "UPDATE report_records SET transcript = %(erased)s, reporter_comment = "
    "CASE WHEN reporter_comment IS NULL THEN NULL ELSE %(erased)s END WHERE complaint_id = %(id)s",
    "UPDATE hearings SET participants = '[]', "
    "location = CASE WHEN location IS NULL THEN NULL ELSE %(erased)s END, "
    "minutes = CASE WHEN minutes IS NULL THEN NULL ELSE %(erased)s END, "
    "outcome = CASE WHEN outcome IS NULL THEN NULL ELSE %(erased)s END "
    "WHERE complaint_id = %(id)s",
    "UPDATE mediation_attempts SET terms = CASE WHEN terms IS NULL THEN NULL ELSE %(erased)s END, "
    "notes = CASE WHEN notes IS NULL THEN NULL ELSE %(erased)s END WHERE complaint_id = %(id)s",
    "UPDATE investigations SET plan = %(erased)s WHERE complaint_id = %(id)s",
    "UPDATE investigation_steps SET summary = %(erased)s, details = NULL, "
    "answer = CASE WHEN answer IS NULL THEN NULL ELSE %(erased)s END WHERE complaint_id = %(id)s",
    "UPDATE findings SET public_summary = %(erased)s, internal_reasoning = %(erased)s "
    "WHERE complaint_id = %(id)s",
    "UPDATE remedies SET description = %(erased)s WHERE complaint_id = %(id)s",
]
ERASE_COMPLAINT = compose(
    """
WITH c AS (
  UPDATE complaints SET
    summary = %(erased)s, description = %(erased)s, remedy_sought = %(erased)s,
    incident_location = NULL, incident_from = NULL, incident_to = NULL,
    complainant_subject = NULL, anonymous = true, version = version + 1, updated_at = now()
  WHERE id = %(id)s
  RETURNING *
),
{audit},
{event}
SELECT id FROM c
""",
    audit=audit_cte("c", "'complaint.erase'", "complaint", "id"),
    event=enqueue("event", "complaint.erased", "c", "c.id", complaint_fields("c")),
)
