"""SQL of the records room. Sharing and answering a record show on the reporter's timeline."""

from __future__ import annotations

CREATE = """
WITH r AS (
  INSERT INTO report_records (complaint_id, kind, held_at, transcript, status, recorded_by)
  VALUES (%(id)s, %(kind)s, %(held_at)s, %(transcript)s, 'awaiting_reporter', %(actor_subject)s)
  RETURNING *
),
entry AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, reason, visible_to_complainant)
  SELECT r.complaint_id, %(actor_subject)s, %(actor_role)s, 'record_shared', %(status)s,
         %(status)s, 'Please check the record of the ' || replace(r.kind, '_', ' ')
         || ' and approve or correct it.', true
  FROM r
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'record.create', 'complaint', r.complaint_id::text
  FROM r
)
SELECT * FROM r
"""

RESPOND = """
WITH r AS (
  UPDATE report_records
  SET status = %(new_status)s, reporter_comment = %(comment)s, responded_at = now()
  WHERE id = %(record_id)s AND complaint_id = %(id)s AND status = 'awaiting_reporter'
  RETURNING *
),
entry AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, reason, visible_to_complainant)
  SELECT r.complaint_id, %(actor_subject)s, %(actor_role)s,
         CASE r.status WHEN 'approved' THEN 'record_approved' ELSE 'record_corrected' END,
         %(status)s, %(status)s, r.reporter_comment, true
  FROM r
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'record.' || r.status, 'complaint',
         r.complaint_id::text
  FROM r
)
SELECT * FROM r
"""

LIST = "SELECT * FROM report_records WHERE complaint_id = %(id)s ORDER BY id"
ONE = "SELECT status FROM report_records WHERE id = %(record_id)s AND complaint_id = %(id)s"
