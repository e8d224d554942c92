"""SQL of protection measures."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte

_OUT = "m.id, m.measure, m.status, m.note, m.decided_at, m.created_at"

ADD = compose(
    """
WITH m AS (
  INSERT INTO protection_measures (complaint_id, measure, status)
  VALUES (%(id)s, %(measure)s, 'requested') RETURNING *
),
{audit}
SELECT {out} FROM m
""",
    out=_OUT,
    audit=audit_cte("m", "'protection.request'", "complaint", "%(id)s"),
)

DECIDE = compose(
    """
WITH m AS (
  UPDATE protection_measures
  SET status = %(decision)s, note = %(note)s, decided_by = %(actor_subject)s, decided_at = now()
  WHERE id = %(measure_id)s AND complaint_id = %(id)s AND status = 'requested'
  RETURNING *
),
{audit}
SELECT {out} FROM m
""",
    out=_OUT,
    audit=audit_cte("m", "'protection.' || %(decision)s", "complaint", "%(id)s"),
)

LIST = compose(
    "SELECT {out} FROM protection_measures m WHERE m.complaint_id = %(id)s ORDER BY m.id",
    out=_OUT,
)
STATUS = (
    "SELECT status FROM protection_measures WHERE id = %(measure_id)s AND complaint_id = %(id)s"
)
