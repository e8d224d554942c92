"""The console over HTTP: the development sign-in, the inbox and its filters, lookup by
reference, search, and the case page's forms (the workflow, assignment, messages and notes),
with the expected values written by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import TokenFactory, complaint_body
from tests.web.console import (
    browser_client,
    case_page,
    main_text,
    section_text,
    send,
    sign_in,
)


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


async def _file(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/v1/complaints", json=complaint_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_the_console_asks_to_sign_in_and_comes_back(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/console?unassigned=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/sign-in?next=/console?unassigned=1"


async def test_a_case_from_the_inbox_to_acknowledged(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = await _file(client, summary="Ramp removed at the library")
    await sign_in(browser, "ana", "ombudsperson", name="Ana Ortiz")
    inbox = await browser.get("/console?unassigned=1")
    assert inbox.status_code == 200
    assert filed["reference"] in main_text(inbox.text)
    found = await browser.get(f"/console/find?reference={filed['reference'].lower()}")
    assert found.status_code == 303
    assert found.headers["location"] == f"/console/cases/{filed['id']}"
    page = await case_page(browser, filed["id"])
    assert "Ramp removed at the library" in main_text(page.text)
    moved = await send(browser, filed["id"], "form-transition-acknowledge")
    assert moved.status_code == 303, moved.text
    again = await case_page(browser, filed["id"])
    assert "Acknowledged" in section_text(again.text, "timeline")
    assert "Ana Ortiz" in section_text(again.text, "timeline")


async def test_a_message_and_a_note_are_kept_apart(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = await _file(client)
    await sign_in(browser, "bo", "ombudsperson_staff", name="Bo Lind")
    sent = await send(browser, filed["id"], "form-message", {"body": "We have your file."})
    assert sent.status_code == 303, sent.text
    noted = await send(browser, filed["id"], "form-note", {"body": "Call the library first."})
    assert noted.status_code == 303, noted.text
    page = (await case_page(browser, filed["id"])).text
    thread = section_text(page, "messages")
    assert "We have your file." in thread
    assert "Call the library first." in thread
    # The complainant sees the message and never the note.
    login = await client.post(
        "/v1/auth/receipt", json={"reference": filed["reference"], "receipt": filed["receipt"]}
    )
    token = login.json()["access_token"]
    seen = await client.get(
        f"/v1/complaints/{filed['id']}/messages", headers={"Authorization": f"Bearer {token}"}
    )
    bodies = [m["body"] for m in seen.json()["items"]]
    assert bodies == ["We have your file."]


async def test_an_empty_message_is_refused_next_to_its_field(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = await _file(client)
    await sign_in(browser, "bo", "ombudsperson_staff")
    sent = await send(browser, filed["id"], "form-message", {"body": "   "})
    assert sent.status_code == 422
    assert 'id="message-body-error"' in sent.text


async def test_a_guard_says_what_is_missing(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory
) -> None:
    filed = await _file(client)
    await sign_in(browser, "ana", "ombudsperson")
    for action in ("acknowledge", "start_assessment", "open_investigation"):
        moved = await send(browser, filed["id"], f"form-transition-{action}")
        assert moved.status_code == 303, moved.text
    refused = await send(browser, filed["id"], "form-transition-issue_findings")
    assert refused.status_code == 409
    assert (
        "Issue the findings is not possible yet. It needs: the findings are written; at least "
        "one investigation step is recorded." in main_text(refused.text)
    )


# Every console page, and who opens it: anyone (signing in), the offices' staff, or a department.
# Each acts through the /v1 route's own gate (tests/kit/test_route_matrix.py covers those).
CONSOLE_PAGES: dict[tuple[str, str], str] = {
    ("GET", "/console/sign-in"): "anyone",
    ("POST", "/console/sign-in"): "anyone",
    ("GET", "/console/callback"): "anyone",
    ("POST", "/console/sign-out"): "anyone",
    ("GET", "/console"): "staff",
    ("GET", "/console/find"): "staff",
    ("GET", "/console/search"): "staff",
    ("GET", "/console/cases/{case_id}"): "staff",
    ("POST", "/console/cases/{case_id}/do/{name}"): "staff",
    ("GET", "/console/cases/{case_id}/files/{attachment_id}"): "staff",
    ("GET", "/console/cases/{case_id}/identity-requests/{request_id}/identity"): "staff",
    ("GET", "/console/inquiries/new"): "staff",
    ("POST", "/console/inquiries/new"): "staff",
    ("GET", "/console/deadlines"): "staff",
    ("GET", "/console/preferences"): "staff",
    ("POST", "/console/preferences"): "staff",
    ("GET", "/portal"): "department",
    ("GET", "/portal/requests/{request_id}"): "department",
    ("POST", "/portal/requests/{request_id}/answer"): "department",
    ("GET", "/portal/remedies/{remedy_id}"): "department",
    ("POST", "/portal/remedies/{remedy_id}/response"): "department",
    ("POST", "/portal/remedies/{remedy_id}/reports"): "department",
}


def test_every_console_page_is_in_the_table(app: Any) -> None:
    from fastapi.routing import APIRoute

    def walk(routes: Any) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for route in routes:
            if isinstance(route, APIRoute) and route.path.startswith(("/console", "/portal")):
                found |= {(m, route.path) for m in route.methods or ()}
            elif hasattr(route, "original_router"):
                found |= walk(route.original_router.routes)
        return found

    assert walk(app.routes) == set(CONSOLE_PAGES)


def _concrete(path: str) -> str:
    return (
        path.replace("{case_id}", "6f1c2a4e-0000-4000-8000-000000000001")
        .replace("{name}", "message")
        .replace("{request_id}", "1")
        .replace("{remedy_id}", "1")
        .replace("{attachment_id}", "6f1c2a4e-0000-4000-8000-000000000002")
        .replace("{inquiry_id}", "1")
    )


@pytest.mark.parametrize(
    ("method", "path"), [k for k, who in CONSOLE_PAGES.items() if who != "anyone"]
)
async def test_a_page_without_a_sign_in_sends_to_the_sign_in(
    browser: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await browser.request(method, _concrete(path))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/sign-in?next=")


@pytest.mark.parametrize(
    ("method", "path"), [k for k, who in CONSOLE_PAGES.items() if who == "staff"]
)
async def test_a_department_is_sent_to_its_portal(
    browser: httpx.AsyncClient, method: str, path: str
) -> None:
    await sign_in(browser, "housing-1", "respondent", department="Housing")
    response = await browser.request(method, _concrete(path))
    assert response.status_code == 303
    assert response.headers["location"] == "/portal"


@pytest.mark.parametrize(
    ("method", "path"), [k for k, who in CONSOLE_PAGES.items() if who == "department"]
)
async def test_staff_are_sent_to_the_console_from_the_portal(
    browser: httpx.AsyncClient, method: str, path: str
) -> None:
    await sign_in(browser, "ana", "ombudsperson_staff")
    response = await browser.request(method, _concrete(path))
    assert response.status_code == 303
    assert response.headers["location"] == "/console"


async def test_the_development_sign_in_is_refused_in_production(app: Any, settings: Any) -> None:
    from app.main import create_app

    production = create_app(
        settings.model_copy(update={"environment": "production", "trusted_proxies": "none"})
    )
    async with browser_client(production) as b:
        page = await b.get("/console/sign-in")
        assert "Sign-in is not configured" in main_text(page.text)
        assert 'name="subject"' not in page.text
        sent = await b.post("/console/sign-in", data={"subject": "x", "role": "ombudsperson"})
        assert sent.status_code == 404


async def test_staff_classify_and_step_away_and_then_find_nothing(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = await _file(client, summary="Interpreter refused at the clinic", language="fr")
    await sign_in(browser, "gil", "ombudsperson_staff", name="Gil Staff")
    page = (await case_page(browser, filed["id"])).text
    handling = section_text(page, "handling")
    # Staff classify and may declare a conflict; who else is kept away is the head's to read.
    assert "Classification" in handling
    assert "Declare a conflict of interest" in handling
    assert "Kept away from this case" not in handling
    assert "Keep someone away from this case" not in handling
    assert "Who handles the case" not in handling
    assert "French" in section_text(page, "overview")
    classified = await send(
        browser,
        filed["id"],
        "form-classify",
        {"rights": ["health", "equality_non_discrimination"], "grounds": ["language"]},
    )
    assert classified.status_code == 303, classified.text
    overview = section_text((await case_page(browser, filed["id"])).text, "overview")
    assert "Equality and non-discrimination" in overview and "Health" in overview
    assert "Language" in overview
    stepped = await send(browser, filed["id"], "form-recuse", {"reason": "My cousin filed it."})
    assert stepped.status_code == 303
    assert stepped.headers["location"] == "/console?done=recused"
    inbox = await browser.get(stepped.headers["location"])
    assert "Your conflict of interest is recorded" in main_text(inbox.text)
    assert filed["reference"] not in main_text(inbox.text)
    assert (await browser.get(f"/console/cases/{filed['id']}")).status_code == 404
    found = await browser.get("/console/search?q=interpreter")
    assert filed["reference"] not in main_text(found.text)
    missing = await browser.get(f"/console/find?reference={filed['reference']}")
    assert missing.status_code == 404
    assert "No case with this reference is within your reach." in main_text(missing.text)


async def test_a_head_assigns_from_the_directory_and_sees_who_is_kept_away(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, app: Any
) -> None:
    filed = await _file(client)
    async with browser_client(app) as other:
        await sign_in(other, "hana", "ombudsperson_staff", name="Hana Haddad")
        await sign_in(other, "ivo", "ombudsperson_staff", name="Ivo Petrov")
        await send(other, filed["id"], "form-recuse", {"reason": "I know the family."})
    await sign_in(browser, "jo", "ombudsperson", name="Jo Head")
    page = (await case_page(browser, filed["id"])).text
    handling = section_text(page, "handling")
    assert "Ivo Petrov: declared a conflict of interest (I know the family.)" in handling
    # Ivo is kept away, so the form does not offer him.
    assert 'value="ivo"' not in page
    assert 'value="hana"' in page
    assigned = await send(browser, filed["id"], "form-assign", {"handler": "hana"})
    assert assigned.status_code == 303, assigned.text
    again = (await case_page(browser, filed["id"])).text
    assert "Handled by: Hana Haddad" in main_text(again)


async def test_the_inbox_shows_open_cases_unless_asked_for_finished_ones(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, db: Any
) -> None:
    from tests.conftest import set_status

    open_case = await _file(client, summary="Open: broken lift at the town hall")
    done_case = await _file(client, summary="Closed: bins not collected")
    set_status(db, done_case["id"], "closed")
    await sign_in(browser, "ana", "ombudsperson")
    default = main_text((await browser.get("/console")).text)
    assert open_case["reference"] in default
    assert done_case["reference"] not in default
    every = main_text((await browser.get("/console?status=any")).text)
    assert open_case["reference"] in every and done_case["reference"] in every
    closed = main_text((await browser.get("/console?status=closed")).text)
    assert done_case["reference"] in closed and open_case["reference"] not in closed


async def test_an_email_that_could_not_be_delivered_is_said_on_the_case(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, db: Any
) -> None:
    filed = await _file(client)
    await sign_in(browser, "kim", "ombudsperson_staff", name="Kim Lee")
    quiet = section_text((await case_page(browser, filed["id"])).text, "overview")
    assert "could not be delivered" not in quiet
    for recipient, status in (
        ("complainant", "dead"),
        ("staff:kim", "dead"),
        ("department:Housing", "sent"),
    ):
        db.execute(
            "INSERT INTO notifications (kind, complaint_id, recipient, status, last_error) "
            "VALUES ('acknowledged', %s, %s, %s, 'SMTP 550 5.1.1')",
            (filed["id"], recipient, status),
        )
    overview = section_text((await case_page(browser, filed["id"])).text, "overview")
    assert "An email to the complainant could not be delivered" in overview
    assert "reach them another way." in overview
    assert "An email to Kim Lee could not be delivered" in overview
    assert "Housing could not be delivered" not in overview
