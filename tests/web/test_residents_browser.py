"""The residents' pages in a real browser: Debian's Chromium driven by Playwright against a real
`ombuds serve`, as a person reaches them.

- Every page, in every shipped language and in each state a person meets (a form refused with
  its errors, a case with messages and minutes to approve), passes axe-core's WCAG 2.2 A and AA
  rules; in English and Arabic it also reflows at 320 CSS pixels and at 200% zoom with no
  sideways scrolling, and its controls are at least 24 by 24 pixels.
- Filing works with the keyboard alone (the focus always visible, and on the error summary
  after a refused send) and without JavaScript; following a case works from another browser.
- Arabic is laid out right to left.

`make screenshots` (OMBUDS_SCREENSHOTS=docs/screenshots) keeps a picture of each page in English
and Arabic; without the variable no picture is taken.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import (
    Browser,
    Page,
    ViewportSize,
    async_playwright,
)

from app.config import Settings
from app.kit.notify import COMPLAINANT
from app.notifications.links import unsubscribe_token
from tests.conftest import DEPARTMENTS, TokenFactory, complaint_body, serving
from tests.web.browser import (
    CHROMIUM,
    HAS_CHROMIUM,
    MAX_SCREENSHOT,
    NO_CHROMIUM,
    Watched,
    axe_violations,
    focus_shown,
    is_focused,
    sideways_overflow,
    small_png,
    small_targets,
    tab_to,
    too_wide,
)
from tests.web.test_case_emails import queued

if not HAS_CHROMIUM:
    warnings.warn(NO_CHROMIUM, stacklevel=1)
pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason=NO_CHROMIUM)

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "fr", "es", "ar"]
# Measured at phone and zoom widths, and photographed: a left-to-right and a right-to-left one.
MEASURED = ("en", "ar")
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# A phone held upright (WCAG 1.4.10's 320 CSS px), and 1280 px at 200% zoom (zoom divides the
# CSS pixels of the window; device_scale_factor would not).
NARROW: list[ViewportSize] = [{"width": 320, "height": 640}, {"width": 640, "height": 450}]
RECEIPT = re.compile(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}")
REFERENCE = re.compile(r"HRC-\d{4}-\d{6}")
RUN_TOGETHER = re.compile(r"[a-z)”][.,;:!?][A-Za-z0-9“]")


@pytest.fixture(scope="module")
def server(settings: Settings, database_url: str) -> Iterator[str]:
    """A real `ombuds serve`, with the test city's departments (the form offers them as a list)."""
    env = {"OMBUDS_DEPARTMENTS": json.dumps(DEPARTMENTS)}
    with serving(settings, database_url, "--log-level", "warning", env=env) as (base, _):
        yield base


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def staff(server: str, auth: TokenFactory) -> Any:
    """The office's side, through the API of the served app: a reply and minutes to approve."""

    async def act(reference: str, db: Any, *, minutes: bool = False) -> str:
        row = db.execute("SELECT id FROM complaints WHERE reference = %s", [reference])
        cid = str(row.fetchone()["id"])
        headers = auth("ombudsperson_staff")
        async with httpx.AsyncClient(base_url=server, headers=headers) as api:
            reply = await api.post(
                f"/v1/complaints/{cid}/messages",
                json={"body": "Thank you. We have asked the housing department for its file."},
            )
            assert reply.status_code == 201, reply.text
            if minutes:
                record = await api.post(
                    f"/v1/complaints/{cid}/records",
                    json={
                        "kind": "meeting",
                        "held_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
                        "transcript": "The complainant explained that the notice came without "
                        "any hearing, and that the family has nowhere else to go.",
                    },
                )
                assert record.status_code == 201, record.text
        return cid

    return act


class Reader(Watched):
    """One person's browser: a context in their language, one tab, and what its console says."""

    @classmethod
    async def open(cls, browser: Browser, base: str, lang: str, **options: Any) -> Reader:
        context = await browser.new_context(viewport=DESKTOP, **options)
        reader = cls(base, context, await context.new_page())
        # The language switch every page offers: the choice is kept in a cookie.
        await reader.page.goto(f"{base}/language?set={lang}&next=/")
        assert await reader.page.get_attribute("html", "lang") == lang
        return reader

    async def go(self, path: str, status: int = 200) -> None:
        response = await self.page.goto(self.base + path)
        assert response is not None and response.status == status, (path, response)

    async def send(self, button: str, status: int = 200) -> None:
        """Press a form's button (a click) and land on the page it leads to."""
        async with self.page.expect_navigation() as navigation:
            await self.page.click(button)
        response = await navigation.value
        assert response is not None and response.status == status, (button, response.status)

    async def text(self, selector: str) -> str:
        return " ".join((await self.page.inner_text(selector)).split())


async def file_by_mouse(
    reader: Reader, track: str = "ombudsperson", email: str = ""
) -> dict[str, str]:
    """A filing through the form (filled and sent with the mouse): the reference and receipt;
    with `email`, the office emails about the case."""
    await reader.go(f"/file?track={track}")
    page = reader.page
    if email:
        await page.fill("#contact_email", email)
    await page.fill("#summary", "Eviction without a hearing")
    await page.fill("#description", "The housing department evicted my family without hearing us.")
    await page.check("input[name=rights][value=adequate_housing]")
    await page.fill("#remedy_sought", "Hear us before any decision.")
    await reader.send("form[action='/file'] button[type=submit]")
    assert page.url == reader.base + "/filed"
    return {"reference": await reader.text("#reference"), "receipt": await reader.text("#receipt")}


# --- Every page: axe, reflow, target sizes, pictures ------------------------------------------


def screenshots_folder() -> Path | None:
    if "OMBUDS_SCREENSHOTS" not in os.environ:
        return None
    folder = ROOT / os.environ["OMBUDS_SCREENSHOTS"]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def check(axe: Axe, reader: Reader, lang: str, name: str, photo: bool = True) -> None:
    """The page as it is now: nothing refused by its policy, no axe violation; in the measured
    languages, no sideways scrolling and no small target at narrow widths, and its picture
    (`photo`: a state that looks much like one already shown is checked, not kept)."""
    page = reader.page
    where = f"{name} in {lang} ({page.url})"
    assert reader.complaints == [], where
    count, report = await axe_violations(axe, page)
    assert count == 0, f"{where}\n{report}"
    reader.complaints.clear()  # what axe itself may say is not the page's
    if lang == "en":
        # Sentences that run together ("days.We", "findings;5"): the templates drop the line
        # break after a tag (trim_blocks), so a space must be written out between two texts.
        text = await page.inner_text("body")
        assert RUN_TOGETHER.findall(text) == [], where
    if lang not in MEASURED:
        return
    for size in [DESKTOP, *NARROW]:
        await page.set_viewport_size(size)
        at = f"{where} at {size['width']} px"
        if await sideways_overflow(page) > 0:
            raise AssertionError(f"{at}: the page scrolls sideways: {await too_wide(page)}")
        small = await small_targets(page)
        assert small == [], f"{at}: targets under 24 by 24 px: {small}"
    await page.set_viewport_size(DESKTOP)
    folder = screenshots_folder()
    if folder is not None and photo:
        png = await page.screenshot(full_page=True)
        path = folder / f"{name}-{lang}.png"
        path.write_bytes(small_png(png))
        assert path.stat().st_size <= MAX_SCREENSHOT, path


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_page_in_every_state_passes_axe_and_reflows(
    browser: Browser,
    server: str,
    staff: Any,
    db: Any,
    settings: Settings,
    database_url: str,
    lang: str,
) -> None:
    axe = Axe()
    # Three quarters of the pixels (the CSS pixels are the same): a picture in the documentation
    # is shown scaled down anyway, and text drawn at that size is sharper than a shrunk image.
    reader = await Reader.open(browser, server, lang, device_scale_factor=0.75)
    page = reader.page
    try:
        await check(axe, reader, lang, "start")
        await reader.go("/file")
        await check(axe, reader, lang, "file")
        # Sent empty: the error summary, and each field's error by the field.
        await reader.send("form[action='/file'] button[type=submit]", 422)
        assert await page.locator(".error-summary li").count() >= 3
        # Pictured on a phone only (the whole form at desktop width is the picture above).
        await check(axe, reader, lang, "file-errors", photo=False)
        folder = screenshots_folder()
        if folder is not None and lang in MEASURED:
            await page.set_viewport_size(NARROW[0])
            await page.evaluate("window.scrollTo(0, 0)")
            png = await page.screenshot(full_page=False, scale="css")
            (folder / f"file-errors-phone-{lang}.png").write_bytes(small_png(png))
            await page.set_viewport_size(DESKTOP)

        filed = await file_by_mouse(reader)
        await check(axe, reader, lang, "filed")
        # The case with a thread (the resident's message and the office's reply) and minutes
        # awaiting approval.
        await reader.go("/case")
        await page.fill("#body", "Is there any news about my case?")
        await reader.send("form[action='/case/messages'] button[type=submit]")
        await staff(filed["reference"], db, minutes=True)
        await reader.go("/case")
        assert await page.locator(".message").count() == 2
        assert await page.locator("#records ~ .record form").count() == 1
        await check(axe, reader, lang, "case")
        # A message refused: the error summary on the case page.
        await reader.send("form[action='/case/messages'] button[type=submit]", 422)
        await check(axe, reader, lang, "case-errors")
        await reader.go("/case/withdraw")
        await check(axe, reader, lang, "withdraw")
        # The case filed without an email says so in its part "Emails about your case" (seen in
        # the case's picture); one filed with an email offers to stop them, then to restart.
        await reader.go("/case")
        assert await page.locator("#emails").count() == 1
        assert await page.locator("form[action='/case/emails']").count() == 0
        mailed = await file_by_mouse(reader, email="amina@example.org")
        await reader.go("/case")
        assert await page.locator("form[action='/case/emails'] button[value=off]").count() == 1
        await check(axe, reader, lang, "case-emails-on", photo=False)
        await reader.send("form[action='/case/emails'] button[value=off]")
        assert page.url.endswith("/case?done=emails_off#emails")
        assert await page.locator("form[action='/case/emails'] button[value=on]").count() == 1
        await check(axe, reader, lang, "case-emails-off", photo=False)
        # On the confidential track, the reporter may ask for emails that say more, and back.
        await file_by_mouse(reader, track="anti_corruption", email="amina@example.org")
        await reader.go("/case")
        await check(axe, reader, lang, "case-emails-neutral", photo=False)
        await reader.send("form[action='/case/emails'] button[name=detailed][value=on]")
        assert page.url.endswith("/case?done=emails_detailed#emails")
        assert await page.locator("button[name=detailed][value=off]").count() == 1
        await check(axe, reader, lang, "case-emails-detailed", photo=False)
        # The link in an email: what it stops, asked; then stopped; a link that does not work.
        row = db.execute("SELECT id FROM complaints WHERE reference = %s", [mailed["reference"]])
        notice = await queued(database_url, "acknowledged", str(row.fetchone()["id"]), COMPLAINANT)
        await reader.go(f"/unsubscribe/{unsubscribe_token(settings, notice)}")
        await check(axe, reader, lang, "unsubscribe")
        await reader.send("form[action^='/unsubscribe/'] button[type=submit]")
        assert await page.locator("form[action^='/unsubscribe/']").count() == 0
        await check(axe, reader, lang, "unsubscribe-stopped", photo=False)
        await reader.go("/unsubscribe/1.forged", 404)
        await check(axe, reader, lang, "unsubscribe-unknown", photo=False)

        await reader.go("/follow")
        await check(axe, reader, lang, "follow")
        await page.fill("#reference", filed["reference"])
        await page.fill("#receipt", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
        await reader.send("form[action='/follow'] button[type=submit]", 401)
        await check(axe, reader, lang, "follow-error")
        await reader.go("/follow?notice=expired")
        await check(axe, reader, lang, "follow-expired", photo=False)

        # The confidential track: a retaliation report, and that form refused.
        await file_by_mouse(reader, track="anti_corruption")
        await reader.go("/case/retaliation")
        await check(axe, reader, lang, "retaliation")
        await reader.send("form[action='/case/retaliation'] button[type=submit]", 422)
        await check(axe, reader, lang, "retaliation-errors", photo=False)

        for path, name, status in [
            ("/privacy", "privacy", 200),
            ("/accessibility", "accessibility", 200),
            ("/no-such-page", "not-found", 404),
            ("/statistics", "statistics", 200),
        ]:
            await reader.go(path, status)
            await check(axe, reader, lang, name)
    finally:
        await reader.context.close()


# --- The keyboard alone ---------------------------------------------------------------------


async def type_into(page: Page, selector: str, text: str) -> None:
    """Tab to a field and type, as a person would."""
    await tab_to(page, selector)
    await page.keyboard.type(text)


async def test_filing_with_the_keyboard_alone(browser: Browser, server: str) -> None:
    reader = await Reader.open(browser, server, "en")
    page = reader.page
    try:
        # The first Tab reaches the skip link, visible when focused; the keyboard then goes on
        # to the start page's button.
        await page.keyboard.press("Tab")
        assert await is_focused(page, ".skip-link")
        await focus_shown(page)
        box = await page.locator(".skip-link").bounding_box()
        assert box is not None and box["y"] >= 0
        await tab_to(page, "main a.button[href='/file']")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url == server + "/file"

        # Sent as it stands: refused, and the focus is on the error summary.
        await tab_to(page, "form button[type=submit]")
        async with page.expect_navigation() as navigation:
            await page.keyboard.press("Enter")
        refused = await navigation.value
        assert refused is not None and refused.status == 422
        assert await is_focused(page, ".error-summary")
        await focus_shown(page)
        # Its first link puts the focus in the field; the fields are then filled in turn.
        await tab_to(page, ".error-summary a[href='#summary']")
        await page.keyboard.press("Enter")
        assert page.url.endswith("#summary")
        assert await is_focused(page, "#summary")
        await page.keyboard.type("Refused a place at the day centre")
        await type_into(page, "#description", "The social services refused my son a place.")
        # Shift+Tab goes back to the summary, and Tab forward again.
        await page.keyboard.press("Shift+Tab")
        assert await is_focused(page, "#summary")
        await tab_to(page, "input[name=rights][value=education]")
        await page.keyboard.press("Space")
        await tab_to(page, "input[name=grounds][value=disability]")
        await page.keyboard.press("Space")
        await type_into(page, "#remedy_sought", "A place for my son from next month.")
        assert await page.is_checked("input[name=rights][value=education]")
        assert await page.is_checked("input[name=grounds][value=disability]")
        await tab_to(page, "form button[type=submit]")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert page.url == server + "/filed"
        assert REFERENCE.fullmatch(await reader.text("#reference"))
        assert RECEIPT.fullmatch(await reader.text("#receipt"))
        # From the confirmation, the keyboard opens the case.
        await tab_to(page, "main a.button[href='/case']")
        async with page.expect_navigation():
            await page.keyboard.press("Enter")
        assert "Refused a place at the day centre" in await reader.text("main")
        assert reader.complaints == []
    finally:
        await reader.context.close()


# --- Without JavaScript ---------------------------------------------------------------------


async def test_filing_works_without_javascript(browser: Browser, server: str, db: Any) -> None:
    reader = await Reader.open(browser, server, "en", java_script_enabled=False)
    try:
        filed = await file_by_mouse(reader)
        assert REFERENCE.fullmatch(filed["reference"])
        assert RECEIPT.fullmatch(filed["receipt"])
        row = db.execute(
            "SELECT status FROM complaints WHERE reference = %s", [filed["reference"]]
        ).fetchone()
        assert row["status"] == "submitted"
    finally:
        await reader.context.close()


async def test_following_a_case_from_another_browser(
    browser: Browser, server: str, staff: Any, db: Any
) -> None:
    async with httpx.AsyncClient(base_url=server) as api:
        response = await api.post("/v1/complaints", json=complaint_body())
        assert response.status_code == 201, response.text
        filed = response.json()
    reader = await Reader.open(browser, server, "en", java_script_enabled=False)
    page = reader.page
    try:
        await reader.go("/follow")
        await page.fill("#reference", filed["reference"])
        await page.fill("#receipt", filed["receipt"].lower().replace("-", ""))
        await reader.send("form[action='/follow'] button[type=submit]")
        assert page.url == server + "/case"
        assert "Where it stands: Received" in await reader.text("main")

        await page.fill("#body", "Has the department answered?")
        await reader.send("form[action='/case/messages'] button[type=submit]")
        assert "Your message was sent." in await reader.text("main")
        await staff(filed["reference"], db)
        await page.reload()
        thread = await page.locator(".message").all_inner_texts()
        assert [" ".join(t.split()).split(" on ")[0] for t in thread] == [
            "You wrote",
            "The office wrote",
        ]
        assert "We have asked the housing department for its file." in thread[1]

        # Withdrawing asks first: "No, keep it" changes nothing; "Yes" withdraws.
        await reader.send("a[href='/case/withdraw']")
        assert await reader.text("h1") == "Withdraw your complaint?"
        await reader.send("a.button[href='/case']")
        assert "Where it stands: Received" in await reader.text("main")
        await reader.send("a[href='/case/withdraw']")
        await page.fill("#reason", "The department answered me.")
        await reader.send("form[action='/case/withdraw'] button[type=submit]")
        assert "Where it stands: Withdrawn" in await reader.text("main")
        assert await page.locator("a[href='/case/withdraw']").count() == 0
        status = db.execute(
            "SELECT status FROM complaints WHERE reference = %s", [filed["reference"]]
        ).fetchone()["status"]
        assert status == "withdrawn"
    finally:
        await reader.context.close()


# --- Right to left --------------------------------------------------------------------------


async def test_arabic_is_laid_out_right_to_left(browser: Browser, server: str) -> None:
    reader = await Reader.open(browser, server, "ar")
    page = reader.page
    try:
        await reader.go("/file")
        assert await page.get_attribute("html", "dir") == "rtl"
        assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        header = await page.locator(".site-header .header-row").bounding_box()
        name = await page.locator(".site-name").bounding_box()
        languages = await page.locator(".languages").bounding_box()
        assert header and name and languages
        # The site's name at the start of the header: on the right; the languages on the left.
        assert name["x"] + name["width"] > header["x"] + header["width"] - 40
        assert name["x"] > languages["x"] + languages["width"]
        # A checkbox stands to the right of its label.
        box = await page.locator("#rights-0").bounding_box()
        label = await page.locator("label[for='rights-0']").bounding_box()
        assert box and label
        assert box["x"] >= label["x"] + label["width"]
        # A field's error bar is at its start: on the right.
        await reader.send("form[action='/file'] button[type=submit]", 422)
        field = page.locator(".field-error").first
        side = await field.evaluate(
            "e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]"
        )
        assert side == ["5px", "0px"]
        # What a person wrote in English reads left to right inside the Arabic page: its last
        # character (the question mark) stands to the right of its first.
        await file_by_mouse(reader)
        await reader.go("/case")
        await page.fill("#body", "Is there any news?")
        await reader.send("form[action='/case/messages'] button[type=submit]")
        ends = await page.locator(".message .body").evaluate(
            """e => {
              const text = e.firstChild, range = document.createRange();
              const x = i => { range.setStart(text, i); range.setEnd(text, i + 1);
                               return range.getBoundingClientRect().x; };
              return [x(0), x(text.length - 1)];
            }"""
        )
        assert ends[1] > ends[0], ends
    finally:
        await reader.context.close()
