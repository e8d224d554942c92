"""What the browser tests of the residents' pages share: Debian's Chromium driven by Playwright
(its own browser download is never used), axe-core for WCAG 2.2 A and AA, and what a person
using a keyboard, a phone or a zoomed screen needs from a page, measured in the browser.

The statistics pages' own browser test keeps its set-up (tests/web/test_statistics_browser.py);
this module holds the same few constants and adds the keyboard, reflow and target checks.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from axe_playwright_python.async_playwright import Axe
from PIL import Image
from playwright.async_api import BrowserContext, ConsoleMessage, Page

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright's own download is never used
HAS_CHROMIUM = CHROMIUM.exists()
NO_CHROMIUM = (
    "NOT TESTED IN A BROWSER: the residents' pages need Debian's Chromium at /usr/bin/chromium "
    "(apt-get install -y chromium; `make test` installs it when run as root)"
)
# WCAG 2.2 at levels A and AA, as axe-core tags its rules (2.2 added AA rules only).
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# WCAG 2.5.8 (Target Size, Minimum): 24 by 24 CSS pixels.
MIN_TARGET = 24
# Bytes, each: what a screenshot aims at, and what the longest page (the filing form, over 6,000
# pixels high) may take.
SCREENSHOT_AIM = 150_000
MAX_SCREENSHOT = 250_000


class Watched:
    """One person's browser: a context, one tab, and what went wrong in it (`complaints`): console
    errors and warnings, page errors, and a failed load of anything but the page itself (a
    refused page answers with its status, 422 or 404, which the console reports too: only its
    stylesheet or icon failing would be a defect)."""

    def __init__(self, base: str, context: BrowserContext, page: Page) -> None:
        self.base, self.context, self.page = base, context, page
        self.complaints: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.complaints.append(str(e)))
        page.on(
            "response",
            lambda r: (
                self.complaints.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )

    def _console(self, message: ConsoleMessage) -> None:
        failed = "Failed to load resource: the server responded with a status of"
        if message.type in ("error", "warning") and not message.text.startswith(failed):
            self.complaints.append(message.text)


async def axe_violations(axe: Axe, page: Page) -> tuple[int, str]:
    """The number of WCAG 2.2 A/AA violations axe-core finds on the page, and its report."""
    results = await axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    return results.violations_count, results.generate_report()


def small_png(png: bytes, aim: int = SCREENSHOT_AIM) -> bytes:
    """A screenshot in a palette, without dithering: text stays crisp and the file small enough
    to keep in the repository. 64 colours, down to 32 while over the aim (at 16 the buttons'
    green and the links' blue merge into greys)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    for colours in (64, 48, 32):
        out = io.BytesIO()
        image.quantize(
            colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        ).save(out, "PNG", optimize=True)
        if out.tell() <= aim:
            break
    return out.getvalue()


# The focused element's focus indicator against the same element unfocused: a copy of it, put
# beside it without its name, id or autofocus (so it joins no radio group and takes no focus),
# matches every rule the element matches except :focus and :focus-visible.
_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const look = (e) => {
    const s = getComputedStyle(e);
    return {outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
            style: s.outlineStyle, width: parseFloat(s.outlineWidth),
            colour: s.outlineColor, shadow: s.boxShadow, background: s.backgroundColor};
  };
  const focused = look(el);
  const copy = el.cloneNode(false);
  for (const a of ["name", "id", "autofocus", "form"]) copy.removeAttribute(a);
  el.after(copy);
  const plain = look(copy);
  copy.remove();
  const r = el.getBoundingClientRect();
  const describe = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.getAttribute("href") ? `[href="${el.getAttribute("href")}"]` : "") +
    (el.type ? `[type=${el.type}]` : "");
  return {describe, focused, plain, width: r.width, height: r.height};
}"""


def _transparent(colour: str) -> bool:
    return colour == "transparent" or re.fullmatch(r"rgba\(.*,\s*0(\.0*)?\)", colour) is not None


async def focus_shown(page: Page) -> str:
    """The focused element, described; fails unless it shows a focus indicator of its own
    (an outline or a shadow that the element does not have unfocused, and that can be seen)."""
    seen: dict[str, Any] | None = await page.evaluate(_FOCUS)
    assert seen is not None, "nothing has the focus"
    focused, plain = seen["focused"], seen["plain"]
    outline = (
        focused["style"] != "none"
        and focused["width"] > 0
        and not _transparent(focused["colour"])
        and focused["outline"] != plain["outline"]
    )
    shadow = focused["shadow"] != "none" and focused["shadow"] != plain["shadow"]
    assert outline or shadow, f"no visible focus on {seen['describe']}: {focused} vs {plain}"
    return str(seen["describe"])


async def is_focused(page: Page, selector: str) -> bool:
    return bool(
        await page.evaluate(
            "s => document.activeElement !== null && document.activeElement.matches(s)", selector
        )
    )


async def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 150) -> int:
    """Press Tab (Shift+Tab backwards) until the element matching `selector` has the focus,
    checking at every stop that the focus can be seen; the number of presses."""
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, limit + 1):
        await page.keyboard.press(key)
        await focus_shown(page)
        if await is_focused(page, selector):
            return presses
    raise AssertionError(f"{selector} is not reached by {key} within {limit} presses")


async def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    return int(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


_WIDE = """() => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 0.5 || r.left < -0.5) {
      if (el.closest(".visually-hidden, .skip-link")) continue;
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "");
      out.push(`${name} ${r.left.toFixed(0)}..${r.right.toFixed(0)}`);
    }
  }
  return out.slice(0, 12);
}"""


async def too_wide(page: Page) -> list[str]:
    """The first elements that reach beyond the window's sides, with their extent."""
    found: list[str] = await page.evaluate(_WIDE)
    return found


# Controls a person aims at: form fields and buttons, links styled as buttons, and the links of
# navigation lists (not links inside a sentence, which WCAG 2.5.8 exempts).
TARGETS = (
    "input:not([type=hidden]), select, textarea, button, a.button, .skip-link:focus, "
    ".languages a, .site-nav a, .contents a, .error-summary a, .site-footer li > a, "
    ".inline-list a, .choices a"
)

_SMALL = """([selector, min]) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not rendered
    if (el.closest(".visually-hidden")) continue;
    if (r.width < min - 0.01 || r.height < min - 0.01) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (el.getAttribute("href") ? `[href="${el.getAttribute("href")}"]` : "");
      out.push(`${name} ${r.width.toFixed(1)}x${r.height.toFixed(1)}`);
    }
  }
  return out;
}"""


async def small_targets(page: Page) -> list[str]:
    """The controls smaller than 24 by 24 CSS pixels, each with its size."""
    found: list[str] = await page.evaluate(_SMALL, [TARGETS, MIN_TARGET])
    return found
