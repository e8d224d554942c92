"""SQL of the mediation room."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte, timeline_cte

# What a reader sees of an attempt (alias `m`): notes and the mediator, staff only.
_OUT = """m.id, m.result, m.terms, CASE WHEN %(staff)s THEN m.notes END AS notes,
       CASE WHEN %(staff)s THEN m.mediator END AS mediator, m.recorded_at"""

RECORD = compose(
    """
WITH m AS (
  INSERT INTO mediation_attempts (complaint_id, result, terms, notes, mediator, recorded_by)
  VALUES (%(id)s, %(result)s, %(terms)s, %(notes)s, %(mediator)s, %(actor_subject)s)
  RETURNING *
),
{entry},
{audit}
SELECT {out} FROM m
""",
    out=_OUT,
    entry=timeline_cte(
        "m", "m.complaint_id", "'mediation_' || m.result", "%(status)s", reason="%(public_note)s"
    ),
    audit=audit_cte("m", "'mediation.' || m.result", "complaint", "m.complaint_id"),
)

LIST = compose(
    "SELECT {out} FROM mediation_attempts m WHERE m.complaint_id = %(id)s ORDER BY m.id",
    out=_OUT,
)
