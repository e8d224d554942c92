"""SQL of the messages room."""

from __future__ import annotations

POST = """
WITH m AS (
  INSERT INTO messages (complaint_id, kind, body, author_subject, author_role)
  VALUES (%(id)s, %(kind)s, %(body)s, %(author_subject)s, %(author_role)s)
  RETURNING id, kind, body, author_subject, author_role, created_at
),
audit AS (
  INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
  SELECT %(author_subject)s, %(author_role)s, 'message.' || m.kind, 'message', m.id::text FROM m
)
SELECT * FROM m
"""

SELECT = """
SELECT m.id, m.kind, m.body, m.author_subject, m.author_role, m.created_at
FROM messages m
WHERE m.complaint_id = %(id)s AND (m.kind <> 'internal_note' OR %(internal)s) {extra}
ORDER BY m.id
LIMIT %(limit)s
"""

AUDIT_READ = """
INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id)
VALUES (%(actor_subject)s, %(actor_role)s, 'message.read_internal_notes', 'complaint', %(id)s)
"""
