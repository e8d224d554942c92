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

# Every notification, by kind: to whom (the recipient's role), and what sets it off. All are sent
# unless OMBUDS_NOTIFICATIONS_OFF names the kind; a complainant can stop the emails of their case,
# and staff the kinds they do not want (their preferences in the console).
KINDS: dict[str, tuple[str, str]] = {
    "filing_received": ("complainant", "the complaint was filed (never the receipt)"),
    "acknowledged": ("complainant", "the office acknowledged it"),
    "feedback_given": ("complainant", "feedback on the handling was given"),
    "message_from_office": ("complainant", "the office sent a message"),
    "hearing_scheduled": ("complainant", "a hearing was scheduled"),
    "hearing_changed": ("complainant", "a hearing was moved"),
    "hearing_cancelled": ("complainant", "a hearing was cancelled"),
    "decision_communicated": ("complainant", "the decision was communicated"),
    "remedy_outcome": ("complainant", "a remedy's implementation was assessed"),
    "identity_notice": ("complainant", "notice before the reporter's identity is disclosed"),
    "erasure_answered": ("complainant", "a request to erase personal data was answered"),
    "assigned": ("staff", "a case was assigned to them"),
    "message_from_complainant": ("staff", "the complainant wrote on their case"),
    "deadline_reminder": ("staff", "a deadline on their case is due in a few days"),
    "overdue_digest": ("staff", "heads of office, daily: the overdue deadlines of their track"),
    "information_request": ("department", "the office asks the department for information"),
    "remedy_recommended": ("department", "a remedy is addressed to the department"),
    "department_reminder": ("department", "a request or remedy is due in a few days"),
}
# What staff may turn off for themselves (the console's preferences page).
STAFF_KINDS = tuple(k for k, (role, _) in KINDS.items() if role == "staff")

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
# English. Only a case whose emails are on is told (`email_updates`: the complainant gave an
# email and chose it, and has not stopped them); an anonymous case never (an erasure sets both).
EMAIL_LANGUAGES = ("en", "fr", "es", "ar")
_LANGUAGE = "CASE WHEN {c}.language IN ('en', 'fr', 'es', 'ar') THEN {c}.language ELSE 'en' END"


def email_language(language: str | None) -> str:
    """The language a complainant's emails are written in (the case's, when there are emails in
    it)."""
    return language if language in EMAIL_LANGUAGES else "en"


_COMPLAINANT_CTE = """{name} AS (
  INSERT INTO notifications (kind, complaint_id, recipient, language)
  SELECT {kind}, {source}.id, 'complainant', {language}
  FROM {source}
  WHERE NOT {source}.anonymous AND {source}.email_updates AND ({when})
)"""

_INSERT_COMPLAINANT = compose(
    """
INSERT INTO notifications (kind, complaint_id, recipient, language)
SELECT %(kind)s, c.id, 'complainant', {language}
FROM complaints c
WHERE c.id = %(complaint_id)s AND NOT c.anonymous AND c.email_updates
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
    CTE returning its `id`, `anonymous`, `email_updates` and `language`): `kind` is SQL (a
    literal or a parameter), and nothing is written for a case whose emails are off, an
    anonymous case, or when `when` is false."""
    return _COMPLAINANT_CTE.format(
        name=name, kind=kind, source=source, language=_LANGUAGE.format(c=source), when=when
    )


async def notify_complainant(conn: Conn, kind: str, complaint_id: UUID) -> None:
    """Queue one email to the complainant of this case, in its language; nothing for a case whose
    emails are off (or an anonymous one). One statement, reading the complaint row only (never
    its sealed contact)."""
    await conn.execute(_INSERT_COMPLAINANT, {"kind": kind, "complaint_id": complaint_id})
