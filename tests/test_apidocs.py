"""The interactive API docs (app/apidocs.py): Swagger UI from this origin only, under a policy of
its own, and the setting that turns the docs and the published contract off.
tests/test_apidocs_browser.py runs the page in Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from html.parser import HTMLParser

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.conftest import TEST_SECRETS, check_problem, refused

JAVASCRIPT = {"text/javascript", "application/javascript"}  # RFC 9239, and the older name
ASSETS = {
    "/docs/assets/swagger-ui.css": {"text/css"},
    "/docs/assets/favicon.png": {"image/png"},
    "/docs/assets/swagger-ui-bundle.js": JAVASCRIPT,
    "/docs/assets/init.js": JAVASCRIPT,
}


class Page(HTMLParser):
    """What a page loads (script src, link href), and anything inline a strict policy refuses."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self._in_script = True
            if found.get("src") is None:
                self.inline.append("<script> without src")
            else:
                self.loads.append(str(found["src"]))
        elif tag == "link":
            self.loads.append(str(found.get("href")))
        elif tag == "style":
            self.inline.append("<style>")
        if "style" in found or any(name.startswith("on") for name in found):
            self.inline.append(f"<{tag}> with an inline style or handler")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append("script text")


def directives(policy: str) -> dict[str, list[str]]:
    parsed = [part.split() for part in policy.split(";") if part.strip()]
    return {words[0]: words[1:] for words in parsed}


async def test_the_docs_page_loads_files_of_this_origin_only_and_nothing_inline(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    parsed = Page()
    parsed.feed(page.text)
    assert parsed.inline == []
    assert sorted(parsed.loads) == sorted(ASSETS)
    for path in parsed.loads:
        assert path.startswith("/") and not path.startswith("//"), path
        asset = await client.get(path)
        assert asset.status_code == 200, path
        assert asset.headers["content-type"].split(";")[0] in ASSETS[path], path
    # The files are what they say: Swagger UI, started by our script on our contract.
    assert "SwaggerUIBundle" in (await client.get("/docs/assets/swagger-ui-bundle.js")).text
    init = (await client.get("/docs/assets/init.js")).text
    assert 'url: "/openapi.json"' in init
    assert "validatorUrl: null" in init


async def test_the_docs_have_a_strict_policy_of_their_own_and_the_other_headers(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/docs", "/docs/assets/init.js", "/docs/assets/swagger-ui.css"):
        response = await client.get(path)
        policy = directives(response.headers["content-security-policy"])
        assert policy == {
            "default-src": ["'none'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'none'"],
            "base-uri": ["'none'"],
        }, path
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["strict-transport-security"].startswith("max-age=")
    # The API keeps its own policy, which loads nothing.
    api = await client.get("/v1/taxonomy")
    assert directives(api.headers["content-security-policy"])["default-src"] == ["'none'"]
    assert "script-src" not in directives(api.headers["content-security-policy"])


async def test_only_the_docs_files_are_served_and_redoc_is_gone(client: httpx.AsyncClient) -> None:
    refused(await client.get("/redoc"), 404, "not-found")
    refused(await client.get("/docs/oauth2-redirect"), 404, "not-found")
    refused(await client.get("/docs/assets/nothing.js"), 404, "not-found")
    # Nothing beside the assets' directory, however the path is spelt.
    refused(await client.get("/docs/assets/..%2fapidocs.py"), 404, "not-found")
    refused(await client.get("/docs/assets/%2e%2e/apidocs.py"), 404, "not-found")
    # The docs are no operations of the contract.
    document = (await client.get("/openapi.json")).json()
    assert [path for path in document["paths"] if not path.startswith("/v1/")] == [
        "/healthz",
        "/readyz",
    ]


@pytest.fixture
async def docs_off(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"api_docs": False}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            event_hooks={"response": [check_problem]},
        ) as c:
            yield c


async def test_turned_off_the_docs_and_the_contract_are_not_found(
    docs_off: httpx.AsyncClient,
) -> None:
    for path in ("/docs", "/docs/assets/init.js", "/docs/assets/swagger-ui-bundle.js"):
        refused(await docs_off.get(path), 404, "not-found")
    refused(await docs_off.get("/redoc"), 404, "not-found")
    refused(await docs_off.get("/openapi.json"), 404, "not-found")
    # The app still holds its contract and enforces it (app/contract.py): only not published.
    assert (await docs_off.get("/v1/taxonomy")).status_code == 200
    refused(await docs_off.get("/v1/taxonomy", params={"x": "1"}), 422, "validation-error")


def test_the_setting_is_on_by_default_and_read_as_ombuds_api_docs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OMBUDS_API_DOCS", raising=False)
    assert Settings(environment="test", **TEST_SECRETS).api_docs is True
    monkeypatch.setenv("OMBUDS_API_DOCS", "false")
    assert Settings(environment="test", **TEST_SECRETS).api_docs is False
