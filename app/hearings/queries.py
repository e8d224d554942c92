"""SQL of the hearings room. Every change writes the hearing, a timeline entry the complainant
sees (date, place, outcome; never the minutes) and an audit entry, in one statement."""

from __future__ import annotations

_TIMELINE_AND_AUDIT = """
entry AS (
  INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, from_status,
                                to_status, reason, visible_to_complainant)
  SELECT h.complaint_id, %(actor_subject)s, %(actor_role)s, %(event)s, %(status)s, %(status)s,
         %(note)s, true
  FROM h
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'hearing.' || %(event)s, 'hearing', h.id::text FROM h
)
SELECT h.* FROM h
"""

CREATE = (
    """
WITH h AS (
  INSERT INTO hearings (complaint_id, scheduled_at, mode, location, online_url, participants,
                        status, created_by)
  VALUES (%(id)s, %(scheduled_at)s, %(mode)s, %(location)s, %(online_url)s, %(participants)s,
          'scheduled', %(actor_subject)s)
  RETURNING *
),"""
    + _TIMELINE_AND_AUDIT
)


def change(assignments: str) -> str:
    """UPDATE a still-scheduled hearing of the complaint (no row back: not found or not pending)."""
    return (
        f"""
WITH h AS (
  UPDATE hearings SET {assignments}, updated_at = now()
  WHERE id = %(hearing_id)s AND complaint_id = %(id)s AND status = 'scheduled'
  RETURNING *
),"""
        + _TIMELINE_AND_AUDIT
    )


RESCHEDULE = change("scheduled_at = %(scheduled_at)s")
CANCEL = change("status = 'cancelled'")
RECORD = change("status = 'held', minutes = %(minutes)s, outcome = %(outcome)s")

LIST = "SELECT * FROM hearings WHERE complaint_id = %(id)s ORDER BY scheduled_at, id"
EXISTS = "SELECT status FROM hearings WHERE id = %(hearing_id)s AND complaint_id = %(id)s"
