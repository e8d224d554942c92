"""Every kind of notification, sent through a real SMTP server: it reaches its recipient and
nobody else, says what happened in its own words (written here by hand), and holds nothing of
the case; on the confidential track the complainant's email says only that there is an update."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.kit.notify import KINDS
from app.staff.service import set_member
from tests.notifications.test_sending import (
    HOUSING,
    Inbox,
    assert_content_free,
    everything,
    file,
    send,
    via,
)
from tests.notifications.test_sending import pool as pool  # a fixture
from tests.notifications.test_sending import smtp as smtp  # a fixture

DUE = datetime(2031, 3, 14, 12, tzinfo=UTC)
# kind -> (recipient, the line the email says it with, on the ombudsperson track).
EXPECTED: dict[str, tuple[str, str]] = {
    "filing_received": ("complainant", "The office received your case."),
    "acknowledged": ("complainant", "The office acknowledged receipt of your case."),
    "feedback_given": ("complainant", "The office has news on how your case is handled."),
    "message_from_office": ("complainant", "The office sent you a message."),
    "hearing_scheduled": ("complainant", "A hearing was scheduled."),
    "hearing_changed": ("complainant", "A hearing was changed."),
    "hearing_cancelled": ("complainant", "A hearing was cancelled."),
    "decision_communicated": (
        "complainant",
        "The office has communicated a decision on your case.",
    ),
    "remedy_outcome": ("complainant", "The office recorded the outcome of a remedy on your case."),
    "identity_notice": ("complainant", "There is an update on your case"),
    "erasure_answered": (
        "complainant",
        "The office answered your request about your personal data.",
    ),
    "assigned": ("staff:hana", "A case was assigned to you."),
    "message_from_complainant": ("staff:hana", "The complainant sent a message on the case."),
    "deadline_reminder": (
        "staff:hana",
        "A deadline on the case is due on March 14, 2031: acknowledgement.",
    ),
    "overdue_digest": ("staff:hana", "These deadlines have passed on cases you may see:"),
    "information_request": (
        "department:Housing",
        "The office asks your department for information on a case.",
    ),
    "remedy_recommended": (
        "department:Housing",
        "The office recommends a remedy to your department.",
    ),
    "department_reminder": (
        "department:Housing",
        "Something the office asked of your department is due on March 14, 2031: acknowledgement.",
    ),
}
ADDRESS = {
    "complainant": ["resident-7@example.org"],
    "staff:hana": ["hana@city.example"],
    "department:Housing": HOUSING,
}


def test_every_kind_is_tested_here() -> None:
    assert sorted(EXPECTED) == sorted(KINDS)


@pytest.mark.parametrize("track", ["ombudsperson", "anti_corruption"])
@pytest.mark.parametrize("kind", sorted(EXPECTED))
async def test_each_kind_reaches_its_recipient_only_and_says_what_happened(
    client: httpx.AsyncClient,
    db: Any,
    pool: Any,
    settings: Settings,
    smtp: tuple[Inbox, int],
    kind: str,
    track: str,
) -> None:
    inbox, port = smtp
    filed = await file(client, db, track=track)
    # Something overdue for the digest to list: the case's acknowledgement.
    db.execute(
        "UPDATE complaints SET acknowledge_by = '2025-05-02T00:00:00Z' WHERE id = %s",
        (filed["id"],),
    )
    async with pool.connection() as conn:
        head = "ombudsperson" if track == "ombudsperson" else "oversight_head"
        await set_member(
            conn, subject="hana", name="Hana Haddad", email="hana@city.example", roles=[head]
        )
    recipient, line = EXPECTED[kind]
    db.execute(
        "INSERT INTO notifications (kind, complaint_id, recipient, deadline, due_at) "
        "VALUES (%s, %s, %s, %s, %s)",
        (
            kind,
            None if kind == "overdue_digest" else filed["id"],
            recipient,
            "acknowledgement" if kind.endswith("reminder") else None,
            DUE if kind.endswith("reminder") else None,
        ),
    )

    outcome = await send(pool, via(settings, port))

    assert (outcome.sent, outcome.dead, outcome.withheld) == (1, 0, 0)
    ((to, raw),) = inbox.received
    assert to == ADDRESS[recipient]
    text = everything(raw)
    assert_content_free(text, filed)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_content()  # type: ignore[attr-defined]
    confidential = track == "anti_corruption"
    if recipient == "complainant" and confidential:
        # Only that there is an update, with "the office": no kind, no reference, no track.
        assert body.startswith("There is an update on your case with the office.")
        if kind != "identity_notice":
            assert line not in body
        for word in ("corruption", "anti", "confidential", "hearing", "decision", "remedy"):
            assert word not in text.lower(), word
        assert filed["reference"] not in text
    else:
        assert line in body
    if recipient.startswith("department") and confidential:
        assert filed["reference"] not in text  # as the portal withholds it
    if recipient.startswith("staff"):
        assert filed["reference"] in text  # staff open the case by its reference
