"""A staff member's email preferences in the console, over HTTP: the four kinds as checkboxes
(ticked: received), saved through PUT /v1/me/email-preferences's gate and service, with the
expected words written by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import TokenFactory
from tests.web.console import browser_client, main_text, sign_in, token_of
from tests.web.page import Page

HERE = "/console/preferences"


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


def boxes(html: str) -> list[tuple[str, str, bool]]:
    """The form's checkboxes: (value, label, ticked)."""
    page = Page.parse(html)
    found = []
    for box in page.by_id("form-preferences").iter("input"):
        if box.attrs.get("type") == "checkbox":
            option = page.by_id(box.attrs["id"]).parent
            assert option is not None
            said = next(x for x in option.iter("label") if x.attrs.get("for") == box.attrs["id"])
            found.append((box.attrs["value"], said.text(), "checked" in box.attrs))
    return found


def off_for(db: Any, subject: str) -> list[str] | None:
    row = db.execute("SELECT emails_off FROM staff WHERE subject = %s", [subject]).fetchone()
    return None if row is None else list(row["emails_off"])


async def test_the_page_lists_the_four_kinds_all_received_at_first(
    browser: httpx.AsyncClient,
) -> None:
    await sign_in(browser, "ana", "ombudsperson_staff", name="Ana Ortiz")
    page = await browser.get(HERE)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert boxes(page.text) == [
        ("assigned", "A case is assigned to me", True),
        ("message_from_complainant", "The complainant writes on my case", True),
        ("deadline_reminder", "A deadline on my case is due in a few days", True),
        ("overdue_digest", "Daily digest of overdue deadlines (heads of office)", True),
    ]
    text = main_text(page.text)
    assert text.startswith(
        "Email preferences Choose the emails the office sends you. Untick a kind of email to stop "
        "it; tick it again to receive it again. Every email also has a link to stop its kind. "
        "Email me when"
    )
    # The console's navigation leads here, marked as the page one is on.
    nav = [a for a in Page.parse(page.text).all("a") if a.attrs.get("href") == HERE]
    assert [(a.text(), a.attrs.get("aria-current")) for a in nav] == [("Email preferences", "page")]
    inbox = Page.parse((await browser.get("/console")).text)
    assert [a.text() for a in inbox.all("a") if a.attrs.get("href") == HERE] == [
        "Email preferences"
    ]


async def test_unticked_kinds_are_turned_off_and_ticked_ones_back_on(
    browser: httpx.AsyncClient,
    client: httpx.AsyncClient,
    auth: TokenFactory,
    db: Any,
) -> None:
    await sign_in(browser, "ana", "ombudsperson", name="Ana Ortiz")
    token = token_of((await browser.get(HERE)).text)
    saved = await browser.post(
        HERE, data={"csrf_token": token, "receive": ["assigned", "deadline_reminder"]}
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/console/preferences?done=saved"
    assert off_for(db, "ana") == ["message_from_complainant", "overdue_digest"]
    page = await browser.get(saved.headers["location"])
    assert Page.parse(page.text).one("main").iter("p")[0].text() == (
        "Your email preferences are saved."
    )
    assert [(v, ticked) for v, _, ticked in boxes(page.text)] == [
        ("assigned", True),
        ("message_from_complainant", False),
        ("deadline_reminder", True),
        ("overdue_digest", False),
    ]
    # The API reads the same choice.
    mine = await client.get("/v1/me/email-preferences", headers=auth("ombudsperson", sub="ana"))
    assert mine.json()["off"] == ["message_from_complainant", "overdue_digest"]
    # Nothing ticked: every kind off; everything ticked: every kind on again.
    await browser.post(HERE, data={"csrf_token": token})
    assert off_for(db, "ana") == [
        "assigned",
        "message_from_complainant",
        "deadline_reminder",
        "overdue_digest",
    ]
    everything = ["assigned", "message_from_complainant", "deadline_reminder", "overdue_digest"]
    await browser.post(HERE, data={"csrf_token": token, "receive": everything})
    assert off_for(db, "ana") == []
    actions = db.execute(
        "SELECT count(*) AS n FROM audit_entries WHERE action = 'notification.preferences'"
    ).fetchone()["n"]
    assert actions == 3


async def test_a_value_the_form_does_not_offer_changes_nothing_else(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await sign_in(browser, "bo", "oversight_officer")
    token = token_of((await browser.get(HERE)).text)
    saved = await browser.post(
        HERE, data={"csrf_token": token, "receive": ["assigned", "everything", "overdue_digest"]}
    )
    assert saved.status_code == 303
    assert off_for(db, "bo") == ["message_from_complainant", "deadline_reminder"]


async def test_a_stale_form_changes_nothing_and_says_so(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await sign_in(browser, "ana", "ombudsperson_staff")
    for token in ("", "a-token-of-another-session"):
        response = await browser.post(HERE, data={"csrf_token": token, "receive": ["assigned"]})
        assert response.status_code == 400
        summary = Page.parse(response.text).by_id("error-summary-title").parent
        assert summary is not None
        assert summary.text() == (
            "There is a problem This form was open for a long time or came from another page, "
            "so it was not sent. Check it and send it again."
        )
        # What was ticked is shown as sent, to send again.
        assert [(v, ticked) for v, _, ticked in boxes(response.text)] == [
            ("assigned", True),
            ("message_from_complainant", False),
            ("deadline_reminder", False),
            ("overdue_digest", False),
        ]
    assert off_for(db, "ana") == []
    assert (
        db.execute(
            "SELECT count(*) AS n FROM audit_entries WHERE action = 'notification.preferences'"
        ).fetchone()["n"]
        == 0
    )


@pytest.mark.parametrize(
    "role", ["ombudsperson_staff", "ombudsperson", "oversight_officer", "oversight_head"]
)
async def test_every_staff_role_keeps_its_own_preferences(
    browser: httpx.AsyncClient, db: Any, role: str
) -> None:
    await sign_in(browser, "someone", role)
    token = token_of((await browser.get(HERE)).text)
    saved = await browser.post(HERE, data={"csrf_token": token, "receive": ["assigned"]})
    assert saved.status_code == 303
    assert off_for(db, "someone") == [
        "message_from_complainant",
        "deadline_reminder",
        "overdue_digest",
    ]
