"""SQL of the records room. Sharing and answering a record show on the reporter's timeline."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte, timeline_cte

_OUT = """r.id, r.kind, r.held_at, r.transcript, r.status, r.reporter_comment, r.responded_at,
       r.created_at"""

CREATE = compose(
    """
WITH r AS (
  INSERT INTO report_records (complaint_id, kind, held_at, transcript, status, recorded_by)
  VALUES (%(id)s, %(kind)s, %(held_at)s, %(transcript)s, 'awaiting_reporter', %(actor_subject)s)
  RETURNING *
),
{entry},
{audit}
SELECT {out} FROM r
""",
    out=_OUT,
    entry=timeline_cte(
        "r",
        "r.complaint_id",
        "'record_shared'",
        "%(status)s",
        reason="'Please check the record of the ' || replace(r.kind, '_', ' ')"
        " || ' and approve or correct it.'",
    ),
    audit=audit_cte("r", "'record.create'", "complaint", "r.complaint_id"),
)

RESPOND = compose(
    """
WITH r AS (
  UPDATE report_records
  SET status = %(new_status)s, reporter_comment = %(comment)s, responded_at = now()
  WHERE id = %(record_id)s AND complaint_id = %(id)s AND status = 'awaiting_reporter'
  RETURNING *
),
{entry},
{audit}
SELECT {out} FROM r
""",
    out=_OUT,
    entry=timeline_cte(
        "r",
        "r.complaint_id",
        "CASE r.status WHEN 'approved' THEN 'record_approved' ELSE 'record_corrected' END",
        "%(status)s",
        reason="r.reporter_comment",
    ),
    audit=audit_cte("r", "'record.' || r.status", "complaint", "r.complaint_id"),
)

LIST = compose(
    "SELECT {out} FROM report_records r WHERE r.complaint_id = %(id)s ORDER BY r.id", out=_OUT
)
STATUS = "SELECT status FROM report_records WHERE id = %(record_id)s AND complaint_id = %(id)s"
