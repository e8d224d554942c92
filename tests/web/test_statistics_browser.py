"""The statistics pages in a real browser: Chromium (Debian's, at /usr/bin/chromium) driven by
Playwright against a real `ombuds serve`, checked with axe-core for WCAG 2.1 A and AA, and
photographed: `make screenshots` (OMBUDS_SCREENSHOTS=docs) keeps the README's pictures, otherwise
they go to the test's temporary directory.

Nothing is skipped: without Chromium the test fails and says how to install it.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from axe_playwright_python.async_playwright import Axe
from PIL import Image
from playwright.async_api import Page, async_playwright

from app.config import Settings
from tests.conftest import serving

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright's own download is never used
HAS_CHROMIUM = CHROMIUM.exists()
ROOT = Path(__file__).resolve().parents[2]
MAX_SCREENSHOT = 400_000  # bytes
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
YEAR = "/statistics/releases/15"
PAGES = [
    ("/statistics", 200),
    (YEAR, 200),
    (YEAR + "?track=anti_corruption", 200),
    ("/statistics/releases/1?track=ombudsperson", 200),
    ("/statistics/releases/999", 404),
    (YEAR + "?track=nobody", 422),
]


async def open_everything(page: Page) -> None:
    """Unfold every details element as a person would, so axe sees the tables inside."""
    for summary in await page.locator("details > summary").all():
        await summary.click()


async def axe_violations(axe: Axe, page: Page) -> tuple[int, str]:
    results = await axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    return results.violations_count, results.generate_report()


def small_png(png: bytes) -> bytes:
    """The screenshot in a 32-colour palette: text and bars stay crisp, the file small enough
    to keep in the repository."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    for colours in (32, 16):
        out = io.BytesIO()
        image.quantize(
            colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        ).save(out, "PNG", optimize=True)
        if out.tell() <= MAX_SCREENSHOT:
            break
    return out.getvalue()


def save(png: bytes, folder: Path, charts_at: float) -> list[int]:
    """The README's two pictures: the top of a yearly release, and its first charts (from
    `charts_at`, in the screenshot's pixels); their sizes in bytes."""
    image = Image.open(io.BytesIO(png))
    top = int(charts_at)
    sizes = []
    for name, box in (
        ("release-page.png", (0, 0, image.width, min(image.height, 1250))),
        ("release-charts.png", (0, top, image.width, min(image.height, top + 1150))),
    ):
        out = io.BytesIO()
        image.crop(box).save(out, "PNG")
        path = folder / name
        path.write_bytes(small_png(out.getvalue()))
        sizes.append(path.stat().st_size)
    return sizes


async def test_the_pages_pass_axe_in_chromium_and_the_screenshot_is_taken(
    published: Any, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    assert HAS_CHROMIUM, "The browser test needs Chromium: apt-get install -y chromium"
    axe = Axe()
    with serving(settings, database_url, "--log-level", "warning") as (base, _):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
            try:
                context = await browser.new_context(viewport={"width": 1280, "height": 900})
                page = await context.new_page()
                complaints: list[str] = []
                page.on(
                    "console",
                    lambda m: complaints.append(m.text) if m.type in ("error", "warning") else None,
                )
                page.on("pageerror", lambda e: complaints.append(str(e)))
                for path, status in PAGES:
                    complaints.clear()
                    response = await page.goto(base + path)
                    assert response is not None and response.status == status, path
                    # The stylesheet and icon loaded under the page's policy: the console
                    # reports nothing refused (an error page reports its own status only).
                    own = f"Failed to load resource: the server responded with a status of {status}"
                    assert [c for c in complaints if not c.startswith(own)] == [], path
                    await open_everything(page)
                    count, report = await axe_violations(axe, page)
                    assert count == 0, f"{path}\n{report}"
                header = await page.evaluate(
                    "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
                )
                assert header == "rgb(20, 33, 61)"

                # Narrow screens (a phone held upright): the same rules hold.
                await page.set_viewport_size({"width": 360, "height": 740})
                await page.goto(base + YEAR)
                await open_everything(page)
                count, report = await axe_violations(axe, page)
                assert count == 0, f"{YEAR} at 360 px\n{report}"
                overflow = await page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, "the page scrolls sideways on a narrow screen"
                await context.close()

                # Without JavaScript at all: the keyboard reaches the content through the skip
                # link, and the page is what the screenshot shows.
                # Three quarters of the pixels: a documentation page shows the picture scaled
                # down anyway, and text drawn at that size stays sharper than a shrunk image.
                plain = await browser.new_context(
                    java_script_enabled=False,
                    viewport={"width": 1280, "height": 900},
                    device_scale_factor=0.75,
                )
                page = await plain.new_page()
                await page.goto(base + YEAR)
                png = await page.screenshot(full_page=True)
                charts_at = 0.75 * await page.evaluate(
                    "document.getElementById('breakdowns').getBoundingClientRect().top"
                )
                await page.keyboard.press("Tab")
                skip = page.locator(".skip-link")
                assert await skip.evaluate("e => e === document.activeElement") is True
                box = await skip.bounding_box()
                assert box is not None and box["y"] >= 0, "the skip link shows when focused"
                await page.keyboard.press("Enter")
                assert page.url.endswith("#main")
                assert await page.evaluate("document.activeElement.id") == "main"
                await plain.close()
            finally:
                await browser.close()
    folder = (
        ROOT / os.environ["OMBUDS_SCREENSHOTS"] if "OMBUDS_SCREENSHOTS" in os.environ else tmp_path
    )
    assert all(size <= MAX_SCREENSHOT for size in save(png, folder, charts_at))
