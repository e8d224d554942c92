"""The console's sign-in at the identity provider over HTTP, through the app: the redirect to the
provider, the callback that signs in, the refusals (a page, and no session), the idle limit, and
sign-out at the provider. The provider is the test one (tests/idp.py)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.idp import CLIENT_ID, Idp
from tests.idp import idp as idp  # the provider's fixtures, for this module
from tests.idp import idp_settings as idp_settings
from tests.web.console import browser_client, main_text, token_of

CALLBACK = "https://testserver/console/callback"
SIGNED_OUT = "https://testserver/console/sign-in?notice=signed_out"


@pytest.fixture
async def console(idp_settings: Settings, idp: Idp) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the app whose console signs in at the test provider."""
    idp.redirect_uris = {CALLBACK}
    idp.post_logout_uris = {SIGNED_OUT}
    app = create_app(idp_settings)
    async with app.router.lifespan_context(app), browser_client(app) as browser:
        yield browser


async def to_provider(console: httpx.AsyncClient, idp: Idp) -> str:
    """GET /console/sign-in, then the provider: the callback's path and query it redirects to."""
    start = await console.get("/console/sign-in")
    assert start.status_code == 303, start.text
    assert start.headers["location"].startswith(f"{idp.issuer}/authorize?")
    async with httpx.AsyncClient(trust_env=False) as outside:
        at_provider = await outside.get(start.headers["location"])
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return f"{back.path}?{back.query}"


async def signed_out(console: httpx.AsyncClient) -> None:
    """No console session: the console sends the browser to the sign-in."""
    response = await console.get("/console")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/sign-in?next=/console"


async def test_sign_in_at_the_provider(console: httpx.AsyncClient, idp: Idp) -> None:
    callback = await to_provider(console, idp)
    done = await console.get(callback)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/console"
    assert "ombuds_session" in done.cookies
    home = await console.get("/console")
    assert home.status_code == 200, home.text
    assert "Ada Lovelace" in home.text
    (request,) = idp.token_requests
    assert request["redirect_uri"] == CALLBACK and len(request["code_verifier"]) >= 43


async def refused_page(console: httpx.AsyncClient, callback: str, says: str) -> None:
    response = await console.get(callback)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert says in main_text(response.text)
    await signed_out(console)


async def test_a_wrong_state_is_refused(console: httpx.AsyncClient, idp: Idp) -> None:
    callback = await to_provider(console, idp)
    query = dict(parse_qsl(urlsplit(callback).query))
    forged = f"/console/callback?code={query['code']}&state={'s' * 43}"
    await refused_page(console, forged, "sign in again")
    assert idp.token_requests == []


async def test_a_replayed_code_is_refused(console: httpx.AsyncClient, idp: Idp) -> None:
    callback = await to_provider(console, idp)
    # The callback arrives twice before the first is answered (the session cookie still holds
    # the sign-in under way): the second exchange of the code is refused by the provider.
    cookies = dict(console.cookies)
    assert (await console.get(callback)).status_code == 303
    console.cookies.clear()
    console.cookies.update(cookies)
    await refused_page(console, callback, "invalid_grant")
    assert len(idp.token_requests) == 2


async def test_a_token_for_another_audience_is_refused(
    console: httpx.AsyncClient,
    idp: Idp,
) -> None:
    idp.access_audience = "another-api"
    await refused_page(console, await to_provider(console, idp), "not valid")


async def test_an_unknown_role_is_refused(console: httpx.AsyncClient, idp: Idp) -> None:
    idp.next_user = {**idp.next_user, "roles": ["offline_access", "city_librarian"]}
    await refused_page(console, await to_provider(console, idp), "no ombuds role")


async def test_an_idle_session_goes_back_to_the_sign_in(
    console: httpx.AsyncClient,
    idp: Idp,
    idp_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (await console.get(await to_provider(console, idp))).status_code == 303
    assert (await console.get("/console")).status_code == 200
    idle = idp_settings.console_idle_minutes * 60
    later = time.time() + idle + 5
    monkeypatch.setattr("app.web.session.time.time", lambda: later)
    response = await console.get("/console")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/sign-in?notice=expired&next=/console"


async def test_sign_out_ends_the_session_and_continues_at_the_provider(
    console: httpx.AsyncClient,
    idp: Idp,
) -> None:
    assert (await console.get(await to_provider(console, idp))).status_code == 303
    home = await console.get("/console")
    out = await console.post("/console/sign-out", data={"csrf_token": token_of(home.text)})
    assert out.status_code == 303, out.text
    target = urlsplit(out.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{idp.issuer}/logout"
    assert dict(parse_qsl(target.query)) == {
        "client_id": CLIENT_ID,
        "post_logout_redirect_uri": SIGNED_OUT,
    }
    await signed_out(console)
    async with httpx.AsyncClient(trust_env=False) as outside:
        at_provider = await outside.get(out.headers["location"])
    assert at_provider.status_code == 302
    assert at_provider.headers["location"] == SIGNED_OUT


async def test_a_provider_out_of_reach_is_said_in_words_and_sign_out_still_ends(
    idp_settings: Settings, idp: Idp
) -> None:
    from tests.conftest import free_port

    # Nobody listens there: the provider is out of reach before its discovery was ever read.
    gone = f"http://127.0.0.1:{free_port()}"
    settings = idp_settings.model_copy(
        update={"oidc_issuer": gone, "oidc_jwks_url": f"{gone}/jwks"}
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app), browser_client(app) as browser:
        page = await browser.get("/console/sign-in")
        assert page.status_code == 503
        assert "The city's sign-in service cannot be reached just now." in main_text(page.text)
        from app.web.session import COOKIE, unseal

        await browser.get("/console/sign-in?notice=expired")
        session = unseal(settings, browser.cookies[COOKIE])
        assert session is not None
        out = await browser.post("/console/sign-out", data={"csrf_token": session.csrf})
        assert out.status_code == 303
        assert out.headers["location"] == "/console/sign-in?notice=signed_out"


async def test_the_pages_may_continue_a_form_at_the_provider_only(
    console: httpx.AsyncClient, idp: Idp, app: Any
) -> None:
    # Signing out is a form whose redirect ends at the provider: browsers apply form-action to
    # it, so the console's pages name the provider's origin there; without a provider, only
    # the service itself.
    with_provider = (await console.get("/console/sign-in?notice=expired")).headers
    assert f"form-action 'self' {idp.issuer};" in with_provider["content-security-policy"]
    async with browser_client(app) as plain:
        without = (await plain.get("/console/sign-in")).headers
    assert "form-action 'self';" in without["content-security-policy"]


async def test_the_console_language_is_remembered_for_the_emails(
    console: httpx.AsyncClient, idp: Idp, db: Any
) -> None:
    console.cookies.set("lang", "fr")
    done = await console.get(await to_provider(console, idp))
    assert done.status_code == 303, done.text
    row = db.execute("SELECT language FROM staff WHERE name = 'Ada Lovelace'").fetchone()
    assert row == {"language": "fr"}
