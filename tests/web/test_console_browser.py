"""The console in a real browser: Debian's Chromium driven by Playwright against a real
`ombuds serve`, as the office's staff and a municipal department reach it.

- A case goes from intake to closure in the console with the keyboard alone (Tab, Shift+Tab,
  Enter, Space, arrows and typing; never a click): the head of office acknowledges, assigns,
  assesses and investigates; a department answers the office's question in its portal from its
  own browser; a hearing is held, findings written, issued and communicated, two remedies
  recommended and assessed, and the case closed. Each step checks what the page then shows.
- Every console page, in each state a person meets (a refused form with its error summary and
  the field's error), passes axe-core's WCAG 2.2 A and AA rules, in English, French, Spanish and
  Arabic (right to left); in English and Arabic the inbox, a case page and the portal reflow at
  320 CSS px with no sideways scrolling, and their controls are at least 24 by 24 px.
- A staff member who stepped away from a case, and the other track's staff, find it neither in
  the inbox, nor by search, nor by its reference; its page is 404 for them.

`make screenshots` (OMBUDS_SCREENSHOTS=docs/screenshots) keeps console-*.png pictures; without
the variable no picture is taken.
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
from tests.conftest import DEPARTMENTS, TokenFactory, complaint_body, serving
from tests.web.browser import (
    CHROMIUM,
    HAS_CHROMIUM,
    MAX_SCREENSHOT,
    NO_CHROMIUM,
    Watched,
    axe_violations,
    sideways_overflow,
    small_png,
    small_targets,
    tab_to,
    too_wide,
)

if not HAS_CHROMIUM:
    warnings.warn(NO_CHROMIUM, stacklevel=1)
pytestmark = pytest.mark.skipif(not HAS_CHROMIUM, reason=NO_CHROMIUM)

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "fr", "es", "ar"]
MEASURED = ("en", "ar")
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 320, "height": 640}
# The case page is long: the keyboard may need many presses between two of its forms.
FAR = 400
DEPARTMENT = DEPARTMENTS[0]  # "Housing"
# A picture's height at most, in CSS px.
TALLEST = 2400
# The pictures kept (OMBUDS_SCREENSHOTS): docs/screenshots/<name>.png.
PICTURES = frozenset(
    {
        "console-inbox-en",
        "console-case-en",
        "console-portal-en",
        "console-deadlines-en",
        "console-preferences-en",
        "console-case-ar",
    }
)
ROLES = ["ombudsperson_staff", "ombudsperson", "oversight_officer", "oversight_head", "respondent"]


def screenshots_folder() -> Path | None:
    folder = os.environ.get("OMBUDS_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder) if Path(folder).is_absolute() else ROOT / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def server(settings: Settings, database_url: str) -> Iterator[str]:
    """A real `ombuds serve` with the test city's departments (the forms offer them)."""
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


class Person(Watched):
    """One person's browser: a context in their language, one tab, what its console says."""

    @classmethod
    async def open(cls, browser: Browser, base: str, lang: str = "en", **options: Any) -> Person:
        # en-US: the browser's own date fields take month, day, year (typed below).
        context = await browser.new_context(viewport=DESKTOP, locale="en-US", **options)
        person = cls(base, context, await context.new_page())
        await person.page.goto(f"{base}/language?set={lang}&next=/console/sign-in")
        assert await person.page.get_attribute("html", "lang") == lang
        return person

    async def go(self, path: str, status: int = 200) -> None:
        response = await self.page.goto(self.base + path)
        assert response is not None and response.status == status, (
            path,
            response and response.status,
        )

    async def text(self, selector: str) -> str:
        return " ".join((await self.page.inner_text(selector)).split())

    async def close(self) -> None:
        await self.context.close()


# --- The keyboard -------------------------------------------------------------------------


async def press(page: Page, selector: str, *, status: int = 200, far: int = FAR) -> None:
    """Tab to a button or a link and press Enter; land on the page it leads to."""
    await tab_to(page, selector, limit=far)
    async with page.expect_navigation() as navigation:
        await page.keyboard.press("Enter")
    response = await navigation.value
    assert response is not None and response.status == status, (selector, response.status)


async def type_into(page: Page, selector: str, text: str, *, far: int = FAR) -> None:
    await tab_to(page, selector, limit=far)
    await page.keyboard.type(text)


async def choose(page: Page, selector: str, value: str, *, far: int = FAR) -> None:
    """Tab to a list and move through its options with the arrow keys to `value`."""
    await tab_to(page, selector, limit=far)
    values: list[str] = await page.eval_on_selector(
        selector, "s => [...s.options].map(o => o.value)"
    )
    target = values.index(value)
    for _ in range(len(values)):
        current = await page.eval_on_selector(selector, "s => s.selectedIndex")
        if current == target:
            break
        await page.keyboard.press("ArrowDown" if current < target else "ArrowUp")
    assert await page.input_value(selector) == value


async def type_day(page: Page, selector: str, day: datetime, *, far: int = FAR) -> None:
    """A date field, typed as the browser's own field takes it (en-US: month, day, year)."""
    await tab_to(page, selector, limit=far)
    await page.keyboard.type(day.strftime("%m%d%Y"))
    assert await page.input_value(selector) == day.strftime("%Y-%m-%d")


async def type_moment(page: Page, selector: str, at: datetime, *, far: int = FAR) -> None:
    """A date-and-time field: month, day, year; Tab to the time; hours, minutes, AM or PM."""
    await tab_to(page, selector, limit=far)
    await page.keyboard.type(at.strftime("%m%d%Y"))
    await page.keyboard.press("Tab")
    await page.keyboard.type(at.strftime("%I%M") + at.strftime("%p")[0])
    assert await page.input_value(selector) == at.strftime("%Y-%m-%dT%H:%M")


async def to_section(page: Page, name: str) -> None:
    """The page's contents list, by keyboard: Enter on a section's link moves the keyboard's
    starting point there (the next Tab lands inside the section)."""
    link = f".contents a[href='#{name}']"
    try:
        await tab_to(page, link, backwards=True, limit=FAR)
    except AssertionError:
        await tab_to(page, link, limit=FAR)
    await page.keyboard.press("Enter")
    # The address reaches Playwright as an event: on a loaded machine it may come a moment later.
    await page.wait_for_url(re.compile(f"#{re.escape(name)}$"), timeout=5000)
    assert page.url.endswith(f"#{name}")


async def sign_in(
    person: Person, subject: str, role: str, *, name: str = "", department: str = ""
) -> None:
    """The development sign-in, with the keyboard: user id, name, a role among the radio
    buttons (arrow keys), a department from its list."""
    page = person.page
    await person.go("/console/sign-in")
    await type_into(page, "#subject", subject)
    if name:
        await type_into(page, "#name", name)
    # Tab reaches the group on its first button; the arrow keys move and check.
    await tab_to(page, "input[name=role]")
    await page.keyboard.press("Space")
    for _ in range(ROLES.index(role)):
        await page.keyboard.press("ArrowDown")
    assert await page.is_checked(f"input[name=role][value={role}]")
    if department:
        await choose(page, "#department", department)
    await press(page, "form[action='/console/sign-in'] button[type=submit]")
    assert "/console/sign-in" not in page.url


# --- Arranging cases through the API -------------------------------------------------------


async def file_case(base: str, **overrides: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base) as api:
        response = await api.post("/v1/complaints", json=complaint_body(**overrides))
        assert response.status_code == 201, response.text
        return dict(response.json())


async def api_transition(base: str, headers: dict[str, str], case_id: str, action: str) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers) as api:
        case = await api.get(f"/v1/complaints/{case_id}")
        assert case.status_code == 200, case.text
        moved = await api.post(
            f"/v1/complaints/{case_id}/transitions",
            json={"action": action},
            headers={"If-Match": case.headers["etag"]},
        )
        assert moved.status_code == 200, moved.text


class Office:
    """The office's side through the API of the served app, to put a case in a state."""

    def __init__(self, base: str, auth: TokenFactory) -> None:
        self.base = base
        self.headers = auth("ombudsperson", sub="arranger")

    async def call(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        async with httpx.AsyncClient(base_url=self.base, headers=self.headers) as api:
            extra = {}
            if "/transitions" in path or path.endswith("/handler"):
                case = await api.get(path.rsplit("/", 1)[0])
                extra = {"If-Match": case.headers["etag"]}
            response = await api.request(method, path, json=body, headers=extra)
            assert response.status_code == status, (path, response.text)
            return response.json() if response.content else None

    async def move(self, case_id: str, *actions: str) -> None:
        for action in actions:
            await self.call("POST", f"/v1/complaints/{case_id}/transitions", {"action": action})

    async def investigating(self, **overrides: Any) -> dict[str, Any]:
        """A case under investigation, with a plan, a step and a question to Housing."""
        filed = await file_case(self.base, **overrides)
        case = f"/v1/complaints/{filed['id']}"
        await self.move(filed["id"], "acknowledge", "start_assessment", "open_investigation")
        await self.call(
            "PUT", f"{case}/investigation", {"plan": "Ask the department for its file."}
        )
        step = {"kind": "interview", "summary": "Heard the complainant by phone."}
        await self.call("POST", f"{case}/investigation/steps", step, 201)
        due = (datetime.now(UTC) + timedelta(days=10)).isoformat()
        question = {
            "kind": "information_request",
            "summary": "Send us the eviction file, please.",
            "department": DEPARTMENT,
            "due_at": due,
        }
        await self.call("POST", f"{case}/investigation/steps", question, 201)
        return filed

    async def following_up(self, **overrides: Any) -> dict[str, Any]:
        """A case in remedy follow-up: findings issued and communicated, a remedy to Housing."""
        filed = await self.investigating(**overrides)
        case = f"/v1/complaints/{filed['id']}"
        findings = {
            "outcome": "violation_found",
            "public_summary": "The eviction breached your right to be heard.",
            "internal_reasoning": "No hearing is on file.",
        }
        await self.call("PUT", f"{case}/findings", findings)
        await self.move(filed["id"], "issue_findings")
        await self.call("POST", f"{case}/findings/communication", {"channel": "portal"})
        remedy = {
            "form": "restitution",
            "department": DEPARTMENT,
            "description": "Suspend the eviction and hear the family.",
            "response_due_at": (datetime.now(UTC) + timedelta(days=20)).isoformat(),
        }
        await self.call("POST", f"{case}/remedies", remedy, 201)
        await self.move(filed["id"], "recommend_remedies")
        return filed


# --- What every page must pass ---------------------------------------------------------------


async def check(
    axe: Axe, person: Person, lang: str, where: str, *, measure: bool = False, photo: str = ""
) -> None:
    """axe-core's WCAG 2.2 A and AA rules; in English and Arabic, when `measure`, no sideways
    scrolling at 320 CSS px and no control under 24 by 24 px; a picture when asked for."""
    page = person.page
    count, report = await axe_violations(axe, page)
    assert count == 0, f"{where} ({lang}): {report}"
    if lang == "ar":
        assert await page.get_attribute("html", "dir") == "rtl", where
    if measure and lang in MEASURED:
        for size in (DESKTOP, PHONE):
            await page.set_viewport_size(size)
            at = f"{where} ({lang}) at {size['width']} px"
            if await sideways_overflow(page) > 0:
                raise AssertionError(f"{at}: the page scrolls sideways: {await too_wide(page)}")
            small = await small_targets(page)
            assert small == [], f"{at}: targets under 24 by 24 px: {small}"
        await page.set_viewport_size(DESKTOP)
    folder = screenshots_folder()
    if folder is not None and f"{photo}-{lang}" in PICTURES:
        path = folder / f"{photo}-{lang}.png"
        # A long page (the case page is many screens high) is pictured from its top.
        high = await page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": DESKTOP["width"], "height": min(high, TALLEST)}
        png = await page.screenshot(full_page=True, clip=clip)  # type: ignore[arg-type]
        path.write_bytes(small_png(png))
        assert path.stat().st_size <= MAX_SCREENSHOT, path


# --- A case from intake to closure, with the keyboard alone ---------------------------------


async def case_facts(person: Person) -> str:
    return await person.text(".case-facts")


async def move(page: Page, action: str) -> None:
    """A workflow step: its form's button, in the "Next steps" section."""
    await to_section(page, "workflow")
    await press(page, f"#form-transition-{action} button[type=submit]")
    assert "The case moved on." in " ".join((await page.inner_text(".notice")).split())


async def test_a_case_from_intake_to_closure_with_the_keyboard_alone(
    browser: Browser, server: str
) -> None:
    filed = await file_case(server, summary="Ramp removed at the Riverside library")
    case_path = f"/console/cases/{filed['id']}"
    axe = Axe()
    # The staff member signs in once, so the directory knows them (and offers them).
    bo = await Person.open(browser, server)
    await sign_in(bo, "bo", "ombudsperson_staff", name="Bo Lind")
    assert bo.page.url == server + "/console"
    await bo.close()

    head = await Person.open(browser, server)
    page = head.page
    dept: Person | None = None
    try:
        await sign_in(head, "ana", "ombudsperson", name="Ana Ortiz")
        assert page.url == server + "/console"
        assert "Signed in as Ana Ortiz" in await head.text(".site-nav")
        # The inbox lists the new case; the keyboard opens it.
        assert filed["reference"] in await head.text("main")
        await press(page, f"table.cases a[href='{case_path}']")
        assert filed["reference"] in await head.text("h1")
        assert "Submitted" in await case_facts(head)
        await check(axe, head, "en", "case received")

        await move(page, "acknowledge")
        assert "Acknowledged" in await case_facts(head)
        await check(axe, head, "en", "case acknowledged")

        # Assigned to Bo, chosen from the list by the arrow keys.
        await to_section(page, "handling")
        await choose(page, "#assign-handler", "bo")
        await press(page, "#form-assign button[type=submit]")
        assert "The handler is set." in await head.text(".notice")
        assert "Handled by: Bo Lind" in await case_facts(head)

        await move(page, "start_assessment")
        assert "Under assessment" in await case_facts(head)
        await check(axe, head, "en", "case under assessment")
        await move(page, "open_investigation")
        assert "Under investigation" in await case_facts(head)

        # The plan, then a step of the investigation.
        await to_section(page, "investigation")
        await type_into(page, "#plan-plan", "Ask the library and the housing department.")
        await press(page, "#form-plan button[type=submit]")
        assert "Ask the library and the housing department." in await head.text("#investigation")
        await to_section(page, "investigation")
        await choose(page, "#step-kind", "site_visit")
        await type_into(page, "#step-summary", "Visited the library: the ramp is gone.")
        await press(page, "#form-step button[type=submit]")
        assert "Visited the library: the ramp is gone." in await head.text("#investigation")

        # A question to the housing department, due in two weeks.
        await to_section(page, "investigation")
        await choose(page, "#information_request-department", DEPARTMENT)
        await type_into(
            page, "#information_request-summary", "Who decided to remove the ramp, and when?"
        )
        due = (datetime.now(UTC) + timedelta(days=14)).replace(hour=10, minute=30)
        await type_moment(page, "#information_request-due_at", due)
        await press(page, "#form-information_request button[type=submit]")
        section = await head.text("#investigation")
        assert "Who decided to remove the ramp, and when?" in section
        assert "Not answered yet." in section
        await check(axe, head, "en", "case under investigation")

        # The department, in its own browser: the portal lists the question; it answers.
        dept = await Person.open(browser, server)
        await sign_in(dept, "housing-clerk", "respondent", name="Hal Dept", department=DEPARTMENT)
        assert dept.page.url == server + "/portal"
        assert "Who decided to remove the ramp, and when?" in await dept.text("main")
        await press(dept.page, "a[href^='/portal/requests/']")
        assert filed["reference"] in await dept.text("main")
        await type_into(
            dept.page, "#answer-answer", "The works service removed it on 2 October by mistake."
        )
        await press(dept.page, "#form-answer button[type=submit]")
        assert "Your answer is sent to the office." in await dept.text("main")
        assert "The works service removed it on 2 October by mistake." in await dept.text("main")
        assert dept.complaints == []

        # Back at the office: the answer is on the case.
        await head.go(case_path)
        assert "The works service removed it on 2 October by mistake." in await head.text(
            "#investigation"
        )

        # A hearing: scheduled, the case moved to it, held, concluded.
        await to_section(page, "hearings")
        when = (datetime.now(UTC) + timedelta(days=7)).replace(hour=14, minute=0)
        await type_moment(page, "#hearing-scheduled_at", when)
        await choose(page, "#hearing-mode", "in_person")
        await type_into(page, "#hearing-location", "Office of the ombudsperson, room 2")
        await choose(page, "#hearing-participant_role_0", "complainant")
        await type_into(page, "#hearing-participant_name_0", "The complainant")
        await press(page, "#form-hearing button[type=submit]")
        assert "Office of the ombudsperson, room 2" in await head.text("#hearings")
        await move(page, "schedule_hearing")
        assert "Hearing" in await case_facts(head)
        await check(axe, head, "en", "case at a hearing")
        await to_section(page, "hearings")
        await type_into(
            page,
            "form[id^='form-hearing_held-'] textarea[name=minutes]",
            "The complainant and the library's director were heard.",
        )
        await type_into(
            page,
            "form[id^='form-hearing_held-'] textarea[name=outcome]",
            "The library will restore the ramp.",
        )
        await press(page, "form[id^='form-hearing_held-'] button[type=submit]")
        assert "The library will restore the ramp." in await head.text("#hearings")
        await move(page, "conclude_hearing")
        assert "Under investigation" in await case_facts(head)

        # Findings: written, issued (the case's decision), communicated.
        await to_section(page, "findings")
        await choose(page, "#findings-outcome", "violation_found")
        await type_into(
            page, "#findings-public_summary", "Removing the ramp breached your right of access."
        )
        await type_into(page, "#findings-internal_reasoning", "No assessment preceded the works.")
        await press(page, "#form-findings button[type=submit]")
        assert "Removing the ramp breached your right of access." in await head.text("#findings")
        await move(page, "issue_findings")
        assert "Findings issued" in await case_facts(head)
        await to_section(page, "findings")
        await press(page, "#form-communicate button[type=submit]")
        assert "communicated to the complainant" in await head.text("#findings")
        await check(axe, head, "en", "case with findings issued")

        # Two remedies for the housing department, then recommended.
        for form, description in (
            ("restitution", "Restore the ramp within a month."),
            ("guarantee_of_non_repetition", "Assess accessibility before any works."),
        ):
            await to_section(page, "remedies")
            await choose(page, "#remedy-form", form)
            await choose(page, "#remedy-department", DEPARTMENT)
            await type_into(page, "#remedy-description", description)
            await type_day(page, "#remedy-response_due_at", datetime.now(UTC) + timedelta(days=30))
            await press(page, "#form-remedy button[type=submit]")
            assert description in await head.text("#remedies")
        await move(page, "recommend_remedies")
        assert "Remedy follow-up" in await case_facts(head)
        await check(axe, head, "en", "case in remedy follow-up")

        # Each remedy assessed, then the case closed.
        forms = await page.eval_on_selector_all(
            "form[id^='form-assess-']", "fs => fs.map(f => f.id)"
        )
        assert len(forms) == 2, forms
        for form in forms:
            await to_section(page, "remedies")
            await choose(page, f"#{form} select[name=assessment]", "implemented")
            await press(page, f"#{form} button[type=submit]")
            assert "Implemented" in await head.text("#remedies")
        await move(page, "close")
        assert "Closed" in await case_facts(head)
        await check(axe, head, "en", "case closed")
        assert head.complaints == []
    finally:
        await head.close()
        if dept is not None:
            await dept.close()


# --- Every page, every state, every language ------------------------------------------------


async def refuse(page: Page, button: str, status: int = 422) -> None:
    """A form sent as it stands (a click: the keyboard's own test is above)."""
    async with page.expect_navigation() as navigation:
        await page.click(button)
    response = await navigation.value
    assert response is not None and response.status == status, (button, response.status)
    assert await page.locator(".error-summary").count() == 1
    assert await page.locator(".error-message").count() >= 1


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_console_page_in_every_state_passes_axe(
    browser: Browser, server: str, auth: TokenFactory, lang: str
) -> None:
    axe = Axe()
    office = Office(server, auth)
    word = "Westbrook"
    investigating = await office.investigating(summary=f"Ramp removed at the {word} library")
    following = await office.following_up()
    await file_case(server, summary="No bus shelter at the school stop")
    options = {"device_scale_factor": 0.75}
    staff = await Person.open(browser, server, lang, **options)
    head = await Person.open(browser, server, lang, **options)
    dept = await Person.open(browser, server, lang, **options)
    page = staff.page
    try:
        # The sign-in: blank, and refused with its errors.
        await check(axe, staff, lang, "sign-in")
        await refuse(page, "form[action='/console/sign-in'] button[type=submit]")
        await check(axe, staff, lang, "sign-in refused")
        await sign_in(staff, "cy", "ombudsperson_staff", name="Cy Staff")

        # The inbox: with rows, filtered, empty, a reference not found.
        await staff.go("/console")
        assert investigating["reference"] in await staff.text("main")
        await check(axe, staff, lang, "inbox", measure=True, photo="console-inbox")
        await staff.go("/console?status=under_investigation&unassigned=1")
        assert investigating["reference"] in await staff.text("main")
        await check(axe, staff, lang, "inbox filtered")
        await staff.go("/console?received_to=2000-01-01")
        assert await page.locator("table.cases").count() == 0
        await check(axe, staff, lang, "inbox empty")
        await staff.go("/console/find?reference=HRC-2000-000001", 404)
        assert await page.locator("#reference-error").count() == 1
        await check(axe, staff, lang, "reference not found")

        # Search: results, and nothing found.
        await staff.go(f"/console/search?q={word}")
        assert investigating["reference"] in await staff.text("main")
        await check(axe, staff, lang, "search results")
        await staff.go("/console/search?q=qwxzvbnonesuch")
        assert await page.locator("ol.results").count() == 0
        await check(axe, staff, lang, "search nothing found")

        # A case page under investigation (with the department's question), in remedy
        # follow-up, and with a refused form (its error summary and the field's error).
        await staff.go(f"/console/cases/{investigating['id']}")
        await check(axe, staff, lang, "case", measure=True, photo="console-case")
        await refuse(page, "#form-step button[type=submit]")
        assert await page.locator("#step-summary[aria-invalid=true]").count() == 1
        await check(axe, staff, lang, "case with a refused form", measure=True)
        await staff.go(f"/console/cases/{following['id']}")
        await check(axe, staff, lang, "case in remedy follow-up", measure=True)

        # The deadlines dashboard, for staff and for the head of office (the workload).
        await staff.go("/console/deadlines")
        await check(axe, staff, lang, "deadlines (staff)", photo="console-deadlines")
        await sign_in(head, "di", "ombudsperson", name="Di Head")
        await head.go("/console/deadlines")
        await check(axe, head, lang, "deadlines (head)", measure=True)

        # Email preferences: the four kinds, one unticked and saved (the notice).
        await head.go("/console/preferences")
        await check(axe, head, lang, "preferences", measure=True, photo="console-preferences")
        await head.page.uncheck("#preferences-receive-3")
        async with head.page.expect_navigation() as navigation:
            await head.page.click("#form-preferences button[type=submit]")
        saved = await navigation.value
        assert saved is not None and saved.url.endswith("/console/preferences?done=saved")
        assert not await head.page.is_checked("#preferences-receive-3")
        await check(axe, head, lang, "preferences saved", measure=True)

        # The department's portal: the list, a request and a remedy, each refused once.
        await sign_in(dept, "clerk", "respondent", name="Hal Clerk", department=DEPARTMENT)
        await dept.go("/portal")
        await check(axe, dept, lang, "portal", measure=True, photo="console-portal")
        request = await dept.page.get_attribute("a[href^='/portal/requests/']", "href")
        remedy = await dept.page.get_attribute("a[href^='/portal/remedies/']", "href")
        assert request and remedy
        await dept.go(request)
        await check(axe, dept, lang, "portal request", measure=True)
        await refuse(dept.page, "#form-answer button[type=submit]")
        await check(axe, dept, lang, "portal request refused", measure=True)
        await dept.go(remedy)
        await check(axe, dept, lang, "portal remedy", measure=True)
        await refuse(dept.page, "#form-respond button[type=submit]")
        await check(axe, dept, lang, "portal remedy refused", measure=True)
        for person in (staff, head, dept):
            assert person.complaints == [], person.complaints
    finally:
        for person in (staff, head, dept):
            await person.close()


# --- Who may not see a case -----------------------------------------------------------------


async def finds(person: Person, filed: dict[str, Any], word: str) -> list[bool]:
    """Whether the person finds the case: in the inbox, by search, by reference, by its page."""
    page = person.page
    await person.go("/console")
    inbox = await page.locator(f"a[href='/console/cases/{filed['id']}']").count() > 0
    await person.go(f"/console/search?q={word}")
    search = await page.locator(f"a[href='/console/cases/{filed['id']}']").count() > 0
    response = await page.goto(f"{person.base}/console/find?reference={filed['reference']}")
    assert response is not None
    found = page.url.endswith(f"/console/cases/{filed['id']}")
    assert found == (response.status == 200), (response.status, page.url)
    opened = await page.goto(f"{person.base}/console/cases/{filed['id']}")
    assert opened is not None and opened.status in (200, 404), opened
    return [inbox, search, found, opened.status == 200]


async def test_a_recused_member_and_the_other_track_find_nothing(
    browser: Browser, server: str
) -> None:
    word = "Xylophonehall"
    filed = await file_case(server, summary=f"Concert {word} closed to wheelchair users")
    axe = Axe()
    people = []
    try:
        # Another of the office's staff finds it every way: the checks below can fail.
        fay = await Person.open(browser, server)
        people.append(fay)
        await sign_in(fay, "fay", "ombudsperson_staff", name="Fay Staff")
        assert await finds(fay, filed, word) == [True, True, True, True]

        # Ed declares a conflict of interest on the case page; Ike is kept away by the head of
        # office. Then the case is gone for both.
        ed = await Person.open(browser, server)
        people.append(ed)
        await sign_in(ed, "ed", "ombudsperson_staff", name="Ed Staff")
        await ed.go(f"/console/cases/{filed['id']}")
        await ed.page.fill("#recuse-reason", "My sister runs the concert hall.")
        async with ed.page.expect_navigation():
            await ed.page.click("#form-recuse button[type=submit]")
        ike = await Person.open(browser, server)
        people.append(ike)
        await sign_in(ike, "ike", "ombudsperson_staff", name="Ike Staff")
        assert await finds(ike, filed, word) == [True, True, True, True]
        head = await Person.open(browser, server)
        people.append(head)
        await sign_in(head, "gil", "ombudsperson", name="Gil Head")
        await head.go(f"/console/cases/{filed['id']}")
        await head.page.fill("#exclude-subject", "ike")
        await head.page.fill("#exclude-reason", "He advised the concert hall last year.")
        async with head.page.expect_navigation():
            await head.page.click("#form-exclude button[type=submit]")
        handling = await head.text("#handling")
        assert "Ed Staff" in handling and "Ike Staff" in handling, handling
        assert await finds(ike, filed, word) == [False, False, False, False]
        assert await finds(ed, filed, word) == [False, False, False, False]
        # What he meets instead passes axe too: the reference not found, the page 404.
        await ed.go(f"/console/find?reference={filed['reference']}", 404)
        assert "No case with this reference is within your reach." in await ed.text("main")
        await check(axe, ed, "en", "reference out of reach")
        await ed.go(f"/console/cases/{filed['id']}", 404)
        await check(axe, ed, "en", "case out of reach")

        # The anti-corruption track's officer never sees the ombudsperson's cases.
        olga = await Person.open(browser, server)
        people.append(olga)
        await sign_in(olga, "olga", "oversight_officer", name="Olga Officer")
        assert await finds(olga, filed, word) == [False, False, False, False]
        for person in people:
            assert person.complaints == [], person.complaints
    finally:
        for person in people:
            await person.close()


# --- Right to left --------------------------------------------------------------------------


async def test_the_console_in_arabic_is_laid_out_right_to_left(
    browser: Browser, server: str
) -> None:
    filed = await file_case(server, description="The ramp was removed without any notice.")
    person = await Person.open(browser, server, "ar")
    page = person.page
    try:
        await sign_in(person, "hana", "ombudsperson", name="Hana")
        await person.go(f"/console/cases/{filed['id']}")
        assert await page.get_attribute("html", "dir") == "rtl"
        assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        # The way back to the inbox stands at the right, at the start of the line.
        main = await page.locator("main .wrap, main").first.bounding_box()
        back = await page.locator(".breadcrumbs a").bounding_box()
        assert main and back
        assert back["x"] > main["x"] + main["width"] / 2, (back, main)
        # What the complainant wrote in English reads left to right inside the Arabic page:
        # its full stop stands to the right of its first letter.
        ends = await page.locator("#overview .description").first.evaluate(
            """e => {
              const text = e.firstChild, range = document.createRange();
              const x = i => { range.setStart(text, i); range.setEnd(text, i + 1);
                               return range.getBoundingClientRect().x; };
              return [x(0), x(text.length - 1)];
            }"""
        )
        assert ends[1] > ends[0], ends
        assert person.complaints == []
    finally:
        await person.close()
