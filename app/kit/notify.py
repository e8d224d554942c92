"""Writing a notification: a row in the transaction of the change it tells of (app/notifications
sends it). Every room that causes an email calls this; only the worker reads the rows.

The row names the recipient by role and reference, never by address: `complainant` (the case's
sealed contact, opened by the worker at send time), `staff:<subject>` (the staff directory),
`department:<name>` (the configured department addresses). It holds nothing of the case's
content: the kind says what happened, the email says only that and how to open the case.
"""

from __future__ import annotations

from uuid import UUID

from app.kit.sql import Conn, compose

COMPLAINANT = "complainant"

_INSERT = """
INSERT INTO notifications (kind, complaint_id, recipient, language, dedupe)
VALUES (%(kind)s, %(complaint_id)s, %(recipient)s, %(language)s, %(dedupe)s)
ON CONFLICT (dedupe) DO NOTHING
"""


def staff(subject: str) -> str:
    return f"staff:{subject}"


def staff_sql(column: str) -> str:
    """The recipient `staff(subject)` as SQL, for a CTE that tells staff by a column."""
    return f"'staff:' || {column}"


def department(name: str) -> str:
    return f"department:{name}"


def department_sql(column: str) -> str:
    """The recipient `department(name)` as SQL, for a CTE that tells departments by a column."""
    return f"'department:' || {column}"


async def notify(
    conn: Conn,
    kind: str,
    complaint_id: UUID | None,
    recipient: str,
    *,
    language: str = "en",
    dedupe: str | None = None,
) -> None:
    """Queue one email. With `dedupe`, at most one row ever has that key (a reminder per
    deadline and recipient): a second call, from this worker or another, writes nothing."""
    await conn.execute(
        _INSERT,
        {
            "kind": kind,
            "complaint_id": complaint_id,
            "recipient": recipient,
            "language": language,
            "dedupe": dedupe,
        },
    )


# The complainant is told in the case's language when the emails are written in it, else in
# English. An anonymous case is never told (the flag is set at filing and by an erasure): whether
# a case that is not anonymous has an address at all is the sender's to find, when it unseals.
_LANGUAGE = "CASE WHEN {c}.language IN ('en', 'fr', 'es', 'ar') THEN {c}.language ELSE 'en' END"

_COMPLAINANT_CTE = """{name} AS (
  INSERT INTO notifications (kind, complaint_id, recipient, language)
  SELECT {kind}, {source}.id, 'complainant', {language}
  FROM {source}
  WHERE NOT {source}.anonymous AND ({when})
)"""

_INSERT_COMPLAINANT = compose(
    """
INSERT INTO notifications (kind, complaint_id, recipient, language)
SELECT %(kind)s, c.id, 'complainant', {language}
FROM complaints c
WHERE c.id = %(complaint_id)s AND NOT c.anonymous
""",
    language=_LANGUAGE.format(c="c"),
)

_RECIPIENTS_CTE = """{name} AS (
  INSERT INTO notifications (kind, complaint_id, recipient)
  SELECT DISTINCT {kind}, {complaint}, {recipient}
  FROM {source}
  WHERE {when}
)"""


def recipients_cte(
    name: str, kind: str, source: str, complaint: str, recipient: str, *, when: str = "true"
) -> str:
    """A CTE telling staff or departments (`recipient` is SQL: `staff_sql`, `department_sql`),
    once each, from the rows of `source` (SQL: a CTE, or a join) where `when` holds."""
    return _RECIPIENTS_CTE.format(
        name=name, kind=kind, complaint=complaint, recipient=recipient, source=source, when=when
    )


def complainant_cte(source: str, kind: str, *, name: str = "told", when: str = "true") -> str:
    """A CTE telling the complainant, for a statement that writes the complaint as `source` (a
    CTE returning its `id`, `anonymous` and `language`): `kind` is SQL (a literal or a
    parameter), and nothing is written for an anonymous case or when `when` is false."""
    return _COMPLAINANT_CTE.format(
        name=name, kind=kind, source=source, language=_LANGUAGE.format(c=source), when=when
    )


async def notify_complainant(conn: Conn, kind: str, complaint_id: UUID) -> None:
    """Queue one email to the complainant of this case, in its language; nothing for an
    anonymous case. One statement, reading the complaint row only (never its sealed contact)."""
    await conn.execute(_INSERT_COMPLAINANT, {"kind": kind, "complaint_id": complaint_id})
