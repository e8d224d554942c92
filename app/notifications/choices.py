"""Who wants the emails: a complainant's choice for their case, a staff member's for themselves,
and the one-click link (RFC 8058) that stops them from an email. Each choice is recorded in the
audit trail; none is a change to the case (its version, and its activity, stay as they were)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from app.kit.access import reach
from app.kit.errors import Conflict
from app.kit.notify import STAFF_KINDS
from app.kit.principals import PUBLIC, Principal
from app.kit.sql import Conn
from app.kit.trail import audit
from app.notifications.schemas import CaseEmails, EmailPreferences

_CASE = "SELECT email_updates, email_detailed, track FROM complaints WHERE id = %(id)s"
_SET_CASE = """
UPDATE complaints SET email_updates = %(on)s,
  email_detailed = coalesce(%(detailed)s::boolean, email_detailed)
WHERE id = %(id)s AND email_updates IS NOT NULL
RETURNING email_updates, email_detailed, track
"""
CONFIDENTIAL = "anti_corruption"
_ONE_CLICK = "notification.one_click_stop"
_PREFERENCES = "SELECT emails_off FROM staff WHERE subject = %(subject)s"
# A member the directory does not know yet (an API-only token) is entered with their roles.
_SET_PREFERENCES = """
INSERT INTO staff (subject, roles, emails_off) VALUES (%(subject)s, %(roles)s, %(off)s)
ON CONFLICT (subject) DO UPDATE SET emails_off = EXCLUDED.emails_off
RETURNING emails_off
"""
# The one-click link: what the notification it names stops.
_NOTIFICATION = "SELECT kind, complaint_id, recipient FROM notifications WHERE id = %(id)s"
_STOP_CASE = "UPDATE complaints SET email_updates = false WHERE id = %(id)s AND email_updates"
_STOP_STAFF_KIND = """
UPDATE staff SET emails_off = array_append(emails_off, %(kind)s)
WHERE subject = %(subject)s AND NOT (%(kind)s = ANY(emails_off))
"""


def _state(row: dict[str, Any]) -> CaseEmails:
    value = row["email_updates"]
    return CaseEmails(
        emails="unavailable" if value is None else "on" if value else "off",
        detailed=row["email_detailed"] if row["track"] == CONFIDENTIAL else None,
    )


async def case_emails(conn: Conn, principal: Principal, complaint_id: UUID) -> CaseEmails:
    await reach(conn, principal, complaint_id)
    row = await (await conn.execute(_CASE, {"id": complaint_id})).fetchone()
    assert row is not None  # reached just above
    return _state(row)


async def set_case_emails(
    conn: Conn, principal: Principal, complaint_id: UUID, on: bool, detailed: bool | None = None
) -> CaseEmails:
    case = await reach(conn, principal, complaint_id)
    if detailed is not None and case.track != CONFIDENTIAL:
        raise Conflict(
            "Only the confidential track's emails can be made to say more: this case's emails "
            "already name the office, the reference and what happened."
        )
    params = {"id": complaint_id, "on": on, "detailed": detailed}
    row = await (await conn.execute(_SET_CASE, params)).fetchone()
    if row is None:
        raise Conflict(
            "No email address was given with this complaint: the office cannot email about it."
        )
    action = "notification.case_emails_on" if on else "notification.case_emails_off"
    await audit(conn, case.actor(principal), action, "complaint", complaint_id)
    if detailed is not None:
        kind = "detailed" if detailed else "neutral"
        await audit(conn, case.actor(principal), f"notification.{kind}", "complaint", complaint_id)
    return _state(row)


def _preferences(off: list[str]) -> EmailPreferences:
    return EmailPreferences(
        off=[k for k in STAFF_KINDS if k in off],  # type: ignore[misc]
        kinds=list(STAFF_KINDS),  # type: ignore[arg-type]
    )


async def preferences(conn: Conn, principal: Principal) -> EmailPreferences:
    row = await (await conn.execute(_PREFERENCES, {"subject": principal.subject})).fetchone()
    return _preferences(list(row["emails_off"]) if row else [])


async def set_preferences(conn: Conn, principal: Principal, off: Sequence[str]) -> EmailPreferences:
    params: dict[str, Any] = {
        "subject": principal.subject,
        "roles": sorted(r.value for r in principal.roles),
        "off": [k for k in STAFF_KINDS if k in off],
    }
    row = await (await conn.execute(_SET_PREFERENCES, params)).fetchone()
    assert row is not None
    await audit(conn, principal.actor, "notification.preferences", "staff", principal.subject)
    return _preferences(list(row["emails_off"]))


async def stop(conn: Conn, notification_id: int) -> str | None:
    """What the one-click link of this notification stops, now stopped: `case` (the
    complainant's emails about the case) or `kind` (that kind, for the staff member); None when
    the notification is gone (its case purged) or is not one a link stops."""
    row = await (await conn.execute(_NOTIFICATION, {"id": notification_id})).fetchone()
    if row is None:
        return None
    role, _, name = str(row["recipient"]).partition(":")
    # Whoever clicked is known only by the link: the trail names the public, when it changed
    # something (a mail program may post twice).
    if role == "complainant" and row["complaint_id"] is not None:
        cur = await conn.execute(_STOP_CASE, {"id": row["complaint_id"]})
        if cur.rowcount:
            await audit(conn, PUBLIC, _ONE_CLICK, "complaint", row["complaint_id"])
        return "case"
    if role == "staff" and row["kind"] in STAFF_KINDS:
        cur = await conn.execute(_STOP_STAFF_KIND, {"subject": name, "kind": row["kind"]})
        if cur.rowcount:
            await audit(conn, PUBLIC, _ONE_CLICK, "staff", name)
        return "kind"
    return None
