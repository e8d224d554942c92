"""Helpers for the console's tests: a browser-like client, the development sign-in, sending one
of the case page's forms as the page would (its token, the case's version, its key)."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import httpx

from tests.web.page import Page

HTML = {"Accept": "text/html,application/xhtml+xml"}


def browser_client(app: Any) -> httpx.AsyncClient:
    # https: the session cookie is Secure outside development, as a browser would keep it.
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver", headers=HTML
    )


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page carries no form token"
    return found.group(1)


async def sign_in(
    browser: httpx.AsyncClient,
    subject: str,
    role: str,
    *,
    name: str | None = None,
    department: str | None = None,
) -> None:
    """The development sign-in, as a person fills it in."""
    page = await browser.get("/console/sign-in")
    assert page.status_code == 200, page.text
    form = {"csrf_token": token_of(page.text), "subject": subject, "role": role}
    if name:
        form["name"] = name
    if department:
        form["department"] = department
    done = await browser.post("/console/sign-in", data=form)
    assert done.status_code == 303, done.text


async def case_page(browser: httpx.AsyncClient, case_id: str) -> httpx.Response:
    response = await browser.get(f"/console/cases/{case_id}")
    assert response.status_code == 200, response.text
    return response


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The hidden fields of one form of a page (token, version, key, action...)."""
    found = re.search(rf'<form id="{re.escape(form_id)}"(.*?)</form>', html, re.S)
    assert found is not None, f"no form {form_id} on the page"
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', found.group(1))
    return {name: html_lib.unescape(value) for name, value in pairs}


async def send(
    browser: httpx.AsyncClient,
    case_id: str,
    form_id: str,
    fields: dict[str, Any] | None = None,
    files: Any = None,
) -> httpx.Response:
    """Send the case page's form `form_id` (as shown now: its hidden fields) with `fields`."""
    html = (await case_page(browser, case_id)).text
    hidden = form_fields(html, form_id)
    action = re.search(rf'<form id="{re.escape(form_id)}"[^>]*action="([^"]+)"', html)
    assert action is not None
    return await browser.post(action.group(1), data={**hidden, **(fields or {})}, files=files)


def main_text(html: str) -> str:
    """What the page's main content says, as a screen reader reads it."""
    return Page.parse(html).one("main").text()


def section_text(html: str, section: str) -> str:
    """What one section of the case page says."""
    return Page.parse(html).by_id(section).text()
