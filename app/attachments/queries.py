"""SQL of the attachments room."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte

MESSAGE = "SELECT kind FROM messages WHERE id = %(parent_id)s AND complaint_id = %(id)s"
STEP = "SELECT 1 FROM investigation_steps WHERE id = %(parent_id)s AND complaint_id = %(id)s"

# What a reader sees of a file (alias `a`): who uploaded it, staff only.
_OUT = """a.id, a.parent, a.parent_id, a.filename, a.content_type, a.size_bytes,
       encode(a.sha256, 'hex') AS sha256, a.visible_to_complainant,
       CASE WHEN %(staff)s THEN a.uploaded_by END AS uploaded_by, a.created_at"""

INSERT = compose(
    """
WITH a AS (
  INSERT INTO attachments (id, complaint_id, parent, parent_id, filename, content_type,
                           size_bytes, sha256, visible_to_complainant, uploaded_by, uploaded_role)
  VALUES (%(attachment_id)s, %(id)s, %(parent)s, %(parent_id)s, %(filename)s, %(content_type)s,
          %(size)s, %(sha256)s, %(visible)s, %(actor_subject)s, %(actor_role)s)
  RETURNING *
),
{audit}
SELECT {out} FROM a
""",
    out=_OUT,
    audit=audit_cte("a", "'attachment.upload'", "attachment", "a.id"),
)

# Who sees what is decided here: the complainant only ever selects rows meant for them.
SELECT = compose(
    """
SELECT {out} FROM attachments a
WHERE a.complaint_id = %(id)s AND (a.visible_to_complainant OR %(staff)s) {{extra}}
ORDER BY a.created_at, a.id
""",
    out=_OUT,
)
ONE = "AND a.id = %(attachment_id)s"

# What the complainant's side has attached to a case so far (their quota).
COMPLAINANT_FILES = """
SELECT count(*)::int AS files, coalesce(sum(size_bytes), 0)::bigint AS bytes
FROM attachments WHERE complaint_id = %(id)s AND uploaded_role IN ('complainant', 'resident')
"""
