"""SQL of the hearings room. Every change writes the hearing, a timeline entry the complainant
sees (date, place, outcome; never the minutes) and an audit entry, in one statement."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte, timeline_cte

# What a reader sees of a hearing (alias `h`): who takes part and the minutes, staff only.
_OUT = """h.id, h.scheduled_at, h.mode, h.location, h.online_url, h.status, h.outcome,
       CASE WHEN %(staff)s THEN h.participants END AS participants,
       CASE WHEN %(staff)s THEN h.minutes END AS minutes, h.updated_at"""

_TRAIL = ",\n".join(
    (
        timeline_cte("h", "h.complaint_id", "%(event)s", "%(status)s", reason="%(note)s"),
        audit_cte("h", "'hearing.' || %(event)s", "hearing", "h.id"),
    )
)
_WRITE = """
WITH h AS ({change}),
{trail}
SELECT {out} FROM h
"""

CREATE = compose(
    _WRITE,
    change="""
  INSERT INTO hearings (complaint_id, scheduled_at, mode, location, online_url, participants,
                        status, created_by)
  VALUES (%(id)s, %(scheduled_at)s, %(mode)s, %(location)s, %(online_url)s, %(participants)s,
          'scheduled', %(actor_subject)s)
  RETURNING *""",
    trail=_TRAIL,
    out=_OUT,
)


def _change(assignments: str) -> str:
    """UPDATE a still-scheduled hearing of the complaint (no row back: not found or not pending)."""
    return compose(
        _WRITE,
        change=compose(
            """
  UPDATE hearings SET {assignments}, updated_at = now()
  WHERE id = %(hearing_id)s AND complaint_id = %(id)s AND status = 'scheduled'
  RETURNING *""",
            assignments=assignments,
        ),
        trail=_TRAIL,
        out=_OUT,
    )


RESCHEDULE = _change("scheduled_at = %(scheduled_at)s")
CANCEL = _change("status = 'cancelled'")
RECORD = _change("status = 'held', minutes = %(minutes)s, outcome = %(outcome)s")

LIST = compose(
    "SELECT {out} FROM hearings h WHERE h.complaint_id = %(id)s ORDER BY h.scheduled_at, h.id",
    out=_OUT,
)
STATUS = "SELECT status FROM hearings WHERE id = %(hearing_id)s AND complaint_id = %(id)s"
