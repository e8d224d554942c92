"""Writing a notification: a row in the transaction of the change it tells of (app/notifications
sends it). Every room that causes an email calls this; only the worker reads the rows.

The row names the recipient by role and reference, never by address: `complainant` (the case's
sealed contact, opened by the worker at send time), `staff:<subject>` (the staff directory),
`department:<name>` (the configured department addresses). It holds nothing of the case's
content: the kind says what happened, the email says only that and how to open the case.
"""

from __future__ import annotations

from uuid import UUID

from app.kit.sql import Conn

COMPLAINANT = "complainant"

_INSERT = """
INSERT INTO notifications (kind, complaint_id, recipient, language, dedupe)
VALUES (%(kind)s, %(complaint_id)s, %(recipient)s, %(language)s, %(dedupe)s)
ON CONFLICT (dedupe) DO NOTHING
"""


def staff(subject: str) -> str:
    return f"staff:{subject}"


def department(name: str) -> str:
    return f"department:{name}"


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
