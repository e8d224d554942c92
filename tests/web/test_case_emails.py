"""The emails about a case, from the residents' side, over HTTP: the case page's part (on, off,
or no email to send to) and its form, and the one-click link in every email (RFC 8058) that
stops them, with the expected words written by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from app.config import Settings
from app.kit.notify import COMPLAINANT, notify, staff
from app.notifications.links import unsubscribe_token
from tests.web.console import browser_client, sign_in
from tests.web.page import Page
from tests.web.test_residents import file_through_form, follow, token_of

# The filing form of these tests gives an email, chosen as the way to be reached: without it; with
# it, but another way preferred.
NO_EMAIL = {"contact_email": "", "contact_preferred_channel": "email"}
BY_PHONE = {"contact_preferred_channel": "phone", "contact_phone": "+34 600 000 000"}


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


def emails_part(html: str) -> str:
    """What the case page's part "Emails about your case" says, up to the next heading."""
    heading = Page.parse(html).by_id("emails")
    assert heading.parent is not None
    said: list[str] = []
    inside = False
    for child in heading.parent.children:
        if isinstance(child, str):
            continue
        if child.tag == "h2":
            if inside:
                break
            inside = child.attrs.get("id") == "emails"
        if inside:
            said.append(child.text())
    return " ".join(said)


def buttons(html: str) -> list[tuple[str, str]]:
    """The buttons of the emails' form: (the value sent, the words on it)."""
    return [
        (b.attrs.get("value", ""), b.text())
        for b in Page.parse(html).all("button")
        if b.attrs.get("name") == "emails"
    ]


def updates(db: Any) -> bool | None:
    row = db.execute("SELECT email_updates FROM complaints").fetchone()
    return None if row is None else row["email_updates"]


def audited(db: Any) -> list[str]:
    rows = db.execute(
        "SELECT action FROM audit_entries WHERE action LIKE 'notification.%' ORDER BY id"
    )
    return [r["action"] for r in rows.fetchall()]


ON_WORDS = (
    "Emails about your case We email you when there is an update on your case. The emails never "
    "say what your case is about: you read it here, after signing in. Stop the emails"
)
OFF_WORDS = (
    "Emails about your case We do not email you when there is an update on your case. This page "
    "shows every update. The emails never say what your case is about. Send me the emails again"
)
UNAVAILABLE_WORDS = (
    "Emails about your case No email address was given with your complaint, so we do not email "
    "you about it. This page shows every update."
)


async def test_the_emails_are_stopped_and_restarted_from_the_case_page(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser)
    page = await browser.get("/case")
    assert emails_part(page.text) == ON_WORDS
    assert buttons(page.text) == [("off", "Stop the emails")]
    assert updates(db) is True
    stop = await browser.post(
        "/case/emails", data={"csrf_token": token_of(page.text), "emails": "off"}
    )
    assert stop.status_code == 303
    assert stop.headers["location"] == "/case?done=emails_off#emails"
    assert updates(db) is False
    page = await browser.get("/case?done=emails_off")
    main = Page.parse(page.text).one("main")
    assert main.iter("p")[0].text() == "We will no longer email you about your case."
    assert emails_part(page.text) == OFF_WORDS
    assert buttons(page.text) == [("on", "Send me the emails again")]
    again = await browser.post(
        "/case/emails", data={"csrf_token": token_of(page.text), "emails": "on"}
    )
    assert again.status_code == 303
    assert again.headers["location"] == "/case?done=emails_on#emails"
    assert updates(db) is True
    page = await browser.get("/case?done=emails_on")
    main = Page.parse(page.text).one("main")
    assert main.iter("p")[0].text() == "We will email you when there is an update on your case."
    assert emails_part(page.text) == ON_WORDS
    # Each choice is in the audit trail, as the API's.
    assert audited(db) == ["notification.case_emails_off", "notification.case_emails_on"]
    # The page's contents link to the part.
    assert Page.parse(page.text).links()["#emails"] == "Emails about your case"


async def test_an_email_given_with_another_way_preferred_starts_off(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser, **BY_PHONE)
    page = await browser.get("/case")
    assert emails_part(page.text) == OFF_WORDS
    assert updates(db) is False
    token = token_of(page.text)
    turned = await browser.post("/case/emails", data={"csrf_token": token, "emails": "on"})
    assert turned.headers["location"] == "/case?done=emails_on#emails"
    assert updates(db) is True


async def test_a_case_without_an_email_says_so_and_cannot_turn_them_on(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser, **NO_EMAIL)
    page = await browser.get("/case")
    assert emails_part(page.text) == UNAVAILABLE_WORDS
    assert buttons(page.text) == []
    assert updates(db) is None
    # A form sent anyway (an old page, a crafted post) is refused in words, on the case page.
    refused = await browser.post(
        "/case/emails", data={"csrf_token": token_of(page.text), "emails": "on"}
    )
    assert refused.status_code == 409
    summary = Page.parse(refused.text).by_id("error-summary-title").parent
    assert summary is not None
    assert summary.text() == (
        "There is a problem No email address was given with your complaint, so we cannot email "
        "you about it."
    )
    assert updates(db) is None
    assert audited(db) == []


async def test_a_stale_form_changes_nothing_and_says_so(
    browser: httpx.AsyncClient, db: Any
) -> None:
    filed = await file_through_form(browser)
    old = token_of((await browser.get("/case")).text)
    # Signing in again starts a session of its own: the page opened before holds a token that
    # is no longer the session's.
    assert (await follow(browser, filed)).status_code == 303
    response = await browser.post("/case/emails", data={"csrf_token": old, "emails": "off"})
    assert response.status_code == 400
    summary = Page.parse(response.text).by_id("error-summary-title").parent
    assert summary is not None
    assert summary.text() == (
        "There is a problem This form was open for a long time or came from another page, so "
        "it was not sent. Check it and send it again."
    )
    assert updates(db) is True
    assert audited(db) == []


async def test_a_choice_the_form_does_not_offer_is_refused(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser)
    token = token_of((await browser.get("/case")).text)
    for sent in ({"emails": "maybe"}, {}):
        response = await browser.post("/case/emails", data={"csrf_token": token, **sent})
        assert response.status_code == 422
        summary = Page.parse(response.text).by_id("error-summary-title").parent
        assert summary is not None
        assert [a.attrs["href"] for a in summary.iter("a")] == ["#emails"]
    assert updates(db) is True


# --- The one-click link in an email ------------------------------------------------------------


async def queued(database_url: str, kind: str, complaint_id: str | None, recipient: str) -> int:
    """One notification row, as the rooms queue them; its id."""
    async with await psycopg.AsyncConnection.connect(
        database_url, autocommit=True, row_factory=dict_row
    ) as conn:
        await notify(conn, kind, UUID(complaint_id) if complaint_id else None, recipient)
        cur = await conn.execute("SELECT max(id) AS id FROM notifications")
        row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


def case_id(db: Any) -> str:
    return str(db.execute("SELECT id FROM complaints").fetchone()["id"])


def off_for(db: Any, subject: str) -> list[str]:
    row = db.execute("SELECT emails_off FROM staff WHERE subject = %s", [subject]).fetchone()
    return list(row["emails_off"])


def said(response: httpx.Response) -> str:
    return Page.parse(response.text).one("main").text()


async def test_the_link_asks_first_and_its_button_stops_the_case_emails(
    app: Any, browser: httpx.AsyncClient, db: Any, settings: Settings, database_url: str
) -> None:
    await file_through_form(browser)
    notice = await queued(database_url, "acknowledged", case_id(db), COMPLAINANT)
    link = f"/unsubscribe/{unsubscribe_token(settings, notice)}"
    # From the email, in a browser that never signed in.
    async with browser_client(app) as reader:
        # Opening the link (a person, or a mail scanner) changes nothing.
        asked = await reader.get(link)
        assert asked.status_code == 200
        assert said(asked) == (
            "Stop the emails about your case? You will no longer be emailed when there is an "
            "update on your case. You can still follow it with your receipt, and turn the emails "
            "back on from your case's page. Stop the emails"
        )
        assert updates(db) is True
        form = Page.parse(asked.text).one("form")
        assert form.attrs["action"] == link
        stopped = await reader.post(link, data={"List-Unsubscribe": "One-Click"})
        assert stopped.status_code == 200
        assert said(stopped) == (
            "The emails are stopped You will no longer be emailed about your case. To turn the "
            "emails back on, sign in to your case with your receipt. Follow your case"
        )
    assert updates(db) is False
    # In the audit trail, by whoever held the link (the public: nobody signed in).
    trail = db.execute(
        "SELECT actor_role, object_type FROM audit_entries WHERE action LIKE 'notification.%'"
    ).fetchall()
    assert audited(db) == ["notification.one_click_stop"]
    assert [(r["actor_role"], r["object_type"]) for r in trail] == [("public", "complaint")]
    # The case page says so, and offers them again.
    assert emails_part((await browser.get("/case")).text) == OFF_WORDS


async def test_the_link_in_a_staff_email_stops_that_kind(
    app: Any, browser: httpx.AsyncClient, db: Any, settings: Settings, database_url: str
) -> None:
    await file_through_form(browser)
    async with browser_client(app) as console:
        await sign_in(console, "ana", "ombudsperson_staff", name="Ana Ortiz")
    notice = await queued(database_url, "deadline_reminder", case_id(db), staff("ana"))
    link = f"/unsubscribe/{unsubscribe_token(settings, notice)}"
    async with browser_client(app) as reader:
        asked = await reader.get(link)
        assert asked.status_code == 200
        assert said(asked) == (
            "Stop this kind of email? You will no longer receive emails of this kind. You can "
            "turn them back on in the console, under your email preferences. Stop the emails"
        )
        assert off_for(db, "ana") == []
        stopped = await reader.post(link, data={"List-Unsubscribe": "One-Click"})
        assert stopped.status_code == 200
        assert said(stopped) == (
            "The emails are stopped You will no longer receive emails of this kind. You can turn "
            "them back on in the console, under your email preferences."
        )
        assert off_for(db, "ana") == ["deadline_reminder"]
        # Twice is once.
        assert (await reader.post(link, data={"List-Unsubscribe": "One-Click"})).status_code == 200
    assert off_for(db, "ana") == ["deadline_reminder"]
    assert updates(db) is True  # the complainant's emails are theirs
    trail = db.execute(
        "SELECT action, object_type, object_id FROM audit_entries "
        "WHERE action LIKE 'notification.%' ORDER BY id"
    ).fetchall()
    assert [(r["action"], r["object_type"], r["object_id"]) for r in trail] == [
        ("notification.one_click_stop", "staff", "ana"),  # once: the second post changed nothing
    ]


async def test_a_mail_program_stops_them_with_one_post_and_no_cookie(
    app: Any, browser: httpx.AsyncClient, db: Any, settings: Settings, database_url: str
) -> None:
    """RFC 8058: the mail program posts `List-Unsubscribe=One-Click` to the link on its own,
    with no cookie, no form token and no page opened first."""
    await file_through_form(browser)
    notice = await queued(database_url, "message_from_office", case_id(db), COMPLAINANT)
    token = unsubscribe_token(settings, notice)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as mailer:
        response = await mailer.post(
            f"/unsubscribe/{token}",
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 200
        assert not mailer.cookies
    assert updates(db) is False


async def test_a_link_this_service_did_not_sign_is_a_page_in_words(
    app: Any, browser: httpx.AsyncClient, db: Any, settings: Settings, database_url: str
) -> None:
    await file_through_form(browser)
    notice = await queued(database_url, "acknowledged", case_id(db), COMPLAINANT)
    real = unsubscribe_token(settings, notice)
    # The other notification's number with this one's signature; a signature altered; a cut link.
    forged = [
        f"{notice + 1}.{real.partition('.')[2]}",
        real[:-2] + ("AA" if not real.endswith("AA") else "BB"),
        str(notice),
        "not-a-link",
    ]
    words = (
        "This link does not work The link is not complete, or the case it was about no longer "
        "exists. Copy the whole link from the email, or sign in to your case with your receipt. "
        "Follow your case"
    )
    async with browser_client(app) as reader:
        for token in forged:
            for method in ("GET", "POST"):
                response = await reader.request(
                    method,
                    f"/unsubscribe/{token}",
                    data={"List-Unsubscribe": "One-Click"} if method == "POST" else None,
                )
                assert response.status_code == 404, (token, method)
                assert said(response) == words, (token, method)
    assert updates(db) is True
    # A link whose case is gone (purged with its notifications) is the same page.
    db.execute("DELETE FROM notifications")
    async with browser_client(app) as reader:
        gone = await reader.post(f"/unsubscribe/{real}", data={"List-Unsubscribe": "One-Click"})
    assert gone.status_code == 404
    assert said(gone) == words


NEUTRAL_WORDS = (
    "For your protection, your emails say only that there is an update, from the office: not "
    "which office, not what happened, not your case's reference. You may ask for emails that say "
    "these; anyone who can read your mailbox, an employer for instance, could then see them. "
    "Say in my emails which office and what happened"
)
DETAILED_WORDS = (
    "Your emails name the office, your case's reference and what happened. Anyone who can read "
    "your mailbox can see them. Keep my emails neutral"
)


def detailed(db: Any) -> bool:
    return bool(db.execute("SELECT email_detailed FROM complaints").fetchone()["email_detailed"])


async def test_a_reporter_asks_for_emails_that_say_more_and_back(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser, track="anti_corruption")
    page = await browser.get("/case")
    assert emails_part(page.text) == f"{ON_WORDS} {NEUTRAL_WORDS}"
    asked = await browser.post(
        "/case/emails",
        data={"csrf_token": token_of(page.text), "emails": "on", "detailed": "on"},
    )
    assert asked.status_code == 303
    assert asked.headers["location"] == "/case?done=emails_detailed#emails"
    assert detailed(db) is True and updates(db) is True
    page = await browser.get("/case?done=emails_detailed")
    main = Page.parse(page.text).one("main")
    assert main.iter("p")[0].text() == (
        "Your emails will name the office, your case's reference and what happened."
    )
    assert emails_part(page.text) == f"{ON_WORDS} {DETAILED_WORDS}"
    back = await browser.post(
        "/case/emails",
        data={"csrf_token": token_of(page.text), "emails": "on", "detailed": "off"},
    )
    assert back.headers["location"] == "/case?done=emails_neutral#emails"
    assert detailed(db) is False
    assert audited(db) == [
        "notification.case_emails_on",
        "notification.detailed",
        "notification.case_emails_on",
        "notification.neutral",
    ]


async def test_the_other_tracks_case_page_offers_no_such_choice(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser)
    page = await browser.get("/case")
    assert emails_part(page.text) == ON_WORDS
    refused = await browser.post(
        "/case/emails",
        data={"csrf_token": token_of(page.text), "emails": "on", "detailed": "on"},
    )
    assert refused.status_code == 409
    assert "Your emails already name the office, your case&#39;s reference" in refused.text
    assert detailed(db) is False
