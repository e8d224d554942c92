"""SQL of the messages room."""

from __future__ import annotations

from app.kit.notify import complainant_cte, recipients_cte, staff_sql
from app.kit.sql import compose
from app.kit.trail import audit_cte

POST = compose(
    """
WITH m AS (
  INSERT INTO messages (complaint_id, kind, body, author_subject, author_role)
  VALUES (%(id)s, %(kind)s, %(body)s, %(actor_subject)s, %(actor_role)s)
  RETURNING id, kind, body, author_subject, author_role, created_at
),
{audit},
{told}
SELECT m.id, m.kind, m.body, m.author_role,
       CASE WHEN %(staff)s THEN m.author_subject END AS author_subject, m.created_at
FROM m
""",
    audit=audit_cte("m", "'message.' || m.kind", "message", "m.id"),
    # Who is told: the complainant of a message from the office (not if anonymous), the case's
    # handler (if any) of one from the complainant; an internal note tells nobody.
    told=",\n".join(
        (
            complainant_cte(
                "complaints",
                "'message_from_office'",
                name="complainant_told",
                when="complaints.id = %(id)s AND %(kind)s = 'to_complainant'",
            ),
            recipients_cte(
                "handler_told",
                "'message_from_complainant'",
                "complaints",
                "complaints.id",
                staff_sql("complaints.handler_subject"),
                when=(
                    "complaints.id = %(id)s AND %(kind)s = 'from_complainant' "
                    "AND complaints.handler_subject IS NOT NULL"
                ),
            ),
        )
    ),
)

# Who sees what is decided here: internal notes only ever for staff who may read them, authors'
# subjects only for staff.
SELECT = """
SELECT m.id, m.kind, m.body, m.author_role,
       CASE WHEN %(staff)s THEN m.author_subject END AS author_subject, m.created_at
FROM messages m
WHERE m.complaint_id = %(id)s AND (m.kind <> 'internal_note' OR %(internal)s) {extra}
ORDER BY m.id
LIMIT %(limit)s
"""
AFTER = "AND m.id > %(after)s"
ONE = "AND m.id = %(message_id)s"
