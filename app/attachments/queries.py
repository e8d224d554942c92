"""SQL of the attachments room."""

from __future__ import annotations

MESSAGE = "SELECT kind FROM messages WHERE id = %(parent_id)s AND complaint_id = %(id)s"
STEP = "SELECT 1 FROM investigation_steps WHERE id = %(parent_id)s AND complaint_id = %(id)s"

INSERT = """
WITH a AS (
  INSERT INTO attachments (id, complaint_id, parent, parent_id, filename, content_type,
                           size_bytes, sha256, visible_to_complainant, uploaded_by, uploaded_role)
  VALUES (%(attachment_id)s, %(id)s, %(parent)s, %(parent_id)s, %(filename)s, %(content_type)s,
          %(size)s, %(sha256)s, %(visible)s, %(actor_subject)s, %(actor_role)s)
  RETURNING *
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(actor_subject)s, %(actor_role)s, 'attachment.upload', 'attachment', a.id::text FROM a
)
SELECT * FROM a
"""

# Who sees what is decided here: the complainant only ever selects rows meant for them.
SELECT = """
SELECT * FROM attachments
WHERE complaint_id = %(id)s AND (visible_to_complainant OR %(staff)s) {extra}
ORDER BY created_at, id
"""

AUDIT_DOWNLOAD = """
INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
VALUES (%(actor_subject)s, %(actor_role)s, 'attachment.download', 'attachment', %(object_id)s)
"""
