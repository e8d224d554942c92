"""The API docs in a real browser: Debian's Chromium driven by Playwright (as
tests/web/test_statistics_browser.py does) against a real `ombuds serve`, with every address but
the server's own refused, so the page works offline and under its own Content-Security-Policy.

Nothing is skipped: without Chromium the test fails and says how to install it.
"""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Route, async_playwright

from app.config import Settings
from tests.conftest import serving

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright's own download is never used
HAS_CHROMIUM = CHROMIUM.exists()
# Every violation of the page's policy, as the page itself hears of it (the console says so too).
VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


async def test_swagger_ui_runs_offline_under_its_policy_and_calls_the_api(
    settings: Settings, database_url: str
) -> None:
    assert HAS_CHROMIUM, "The browser test needs Chromium: apt-get install -y chromium"
    with serving(settings, database_url, "--log-level", "warning") as (base, _):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
            try:
                context = await browser.new_context(viewport={"width": 1280, "height": 900})
                elsewhere: list[str] = []

                async def only_the_server(route: Route) -> None:
                    if route.request.url.startswith(base + "/"):
                        await route.continue_()
                    else:
                        elsewhere.append(route.request.url)
                        await route.abort()

                await context.route("**/*", only_the_server)
                page = await context.new_page()
                await page.add_init_script(VIOLATIONS)
                complaints: list[str] = []
                page.on(
                    "console",
                    lambda m: complaints.append(m.text) if m.type in ("error", "warning") else None,
                )
                page.on("pageerror", lambda e: complaints.append(str(e)))

                response = await page.goto(base + "/docs")
                assert response is not None and response.status == 200
                # Swagger UI read the contract and drew its operations, styled by its stylesheet.
                filing = page.get_by_text("File a complaint (no account needed)")
                await filing.wait_for()
                post = page.locator(".opblock-post").first
                background = await post.evaluate("e => getComputedStyle(e).backgroundColor")
                assert background == "rgba(73, 204, 144, 0.1)"

                # Try it out: a call to the API from the page, its answer shown.
                await page.get_by_text("Codes for tracks, rights, discrimination grounds").click()
                await page.get_by_role("button", name="Try it out", exact=True).click()
                await page.get_by_role("button", name="Execute", exact=True).click()
                answer = page.locator(".live-responses-table tbody .response-col_status")
                await answer.wait_for()
                assert (await answer.inner_text()).strip() == "200"
                shown = await page.locator(".live-responses-table").inner_text()
                assert "adequate_housing" in shown

                assert elsewhere == []
                assert await page.evaluate("window.violations") == []
                assert complaints == []
                await context.close()
            finally:
                await browser.close()
