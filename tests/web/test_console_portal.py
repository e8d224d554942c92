"""The department portal over HTTP: a department sees what is addressed to it and nothing else,
answers an information request, rejects a remedy (refused without reasons, next to the field,
what was typed kept), accepts one and reports its implementation; the office's API then shows
the answer, the response and the report. Expected values written by hand."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import TokenFactory, complaint_body, recommend, set_status, write_findings
from tests.web.console import browser_client, form_fields, main_text, sign_in
from tests.web.page import Page

SOON = (datetime.now(UTC) + timedelta(days=3)).isoformat()
LATER = (datetime.now(UTC) + timedelta(days=60)).isoformat()


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


class World:
    """One complaint with an information request and remedies for Housing, and one of each for
    Police."""

    def __init__(self, complaint: dict[str, Any], staff: dict[str, str]) -> None:
        self.complaint = complaint
        self.staff = staff
        self.requests: dict[str, int] = {}
        self.remedies: dict[str, int] = {}


@pytest.fixture
async def world(
    client: httpx.AsyncClient, auth: TokenFactory, db: psycopg.Connection[Any]
) -> World:
    filed = await client.post("/v1/complaints", json=complaint_body())
    assert filed.status_code == 201, filed.text
    complaint = filed.json()
    cid = complaint["id"]
    staff = auth("ombudsperson_staff", sub="hana")
    w = World(complaint, staff)
    set_status(db, cid, "under_investigation")
    plan = await client.put(
        f"/v1/complaints/{cid}/investigation",
        json={"plan": "Ask the departments for their files."},
        headers=staff,
    )
    assert plan.status_code == 200, plan.text
    for department, question in (
        ("Housing", "Send the eviction file of flat 3C."),
        ("Police", "Was a patrol called to flat 3C?"),
    ):
        step = await client.post(
            f"/v1/complaints/{cid}/investigation/steps",
            json={
                "kind": "information_request",
                "summary": question,
                "department": department,
                "due_at": SOON,
            },
            headers=staff,
        )
        assert step.status_code == 201, step.text
        w.requests[department] = step.json()["steps"][-1]["id"]
    await write_findings(client, db, staff, cid)
    for key, form, department, description in (
        ("restitution", "restitution", "Housing", "Reinstate the family in flat 3C."),
        ("compensation", "compensation", "Housing", "Pay the family's moving costs."),
        ("police", "guarantee_of_non_repetition", "Police", "Train the patrol on evictions."),
    ):
        remedy = await recommend(
            client,
            staff,
            cid,
            form=form,
            department=department,
            description=description,
            response_due_at=SOON,
            implementation_due_at=LATER,
        )
        w.remedies[key] = remedy["id"]
    set_status(db, cid, "remedy_follow_up")
    return w


async def submit(
    browser: httpx.AsyncClient, path: str, form_id: str, fields: dict[str, str]
) -> httpx.Response:
    """Send the form `form_id` of the page at `path` as a person would (its hidden fields)."""
    page = await browser.get(path)
    assert page.status_code == 200, page.text
    action = re.search(rf'<form id="{re.escape(form_id)}"[^>]*action="([^"]+)"', page.text)
    assert action is not None, f"no form {form_id} on {path}"
    hidden = form_fields(page.text, form_id)
    return await browser.post(action.group(1), data={**hidden, **fields})


async def test_a_department_sees_only_what_is_addressed_to_it(
    browser: httpx.AsyncClient, world: World
) -> None:
    await sign_in(browser, "clerk", "respondent", name="Hal Clerk", department="housing")
    # A department's start page is the portal; the inbox sends it there.
    inbox = await browser.get("/console")
    assert inbox.status_code == 303
    assert inbox.headers["location"] == "/portal"
    portal = await browser.get("/portal")
    assert portal.status_code == 200, portal.text
    page = Page.parse(portal.text)
    requests = page.table("Information requests")
    assert [row[:3] for row in requests] == [
        [
            f"Request {world.requests['Housing']}",
            world.complaint["reference"],
            "Send the eviction file of flat 3C.",
        ]
    ]
    assert requests[0][3].startswith("Due soon: ")
    remedies = page.table("Remedies")
    assert [row[1:5] for row in remedies] == [
        [
            "Restitution",
            world.complaint["reference"],
            "Reinstate the family in flat 3C.",
            "Awaiting your response",
        ],
        [
            "Compensation",
            world.complaint["reference"],
            "Pay the family's moving costs.",
            "Awaiting your response",
        ],
    ]
    text = main_text(portal.text)
    assert "Was a patrol called" not in text
    assert "Train the patrol" not in text
    # Nothing of the complaint beyond the reference: not its summary, not its description.
    assert "Eviction without a hearing" not in text
    assert "evicted my family" not in text
    # Another department's request and remedy are not there at all.
    other_request = await browser.get(f"/portal/requests/{world.requests['Police']}")
    assert other_request.status_code == 404
    other_remedy = await browser.get(f"/portal/remedies/{world.remedies['police']}")
    assert other_remedy.status_code == 404


async def test_staff_are_sent_to_their_inbox(browser: httpx.AsyncClient, world: World) -> None:
    await sign_in(browser, "hana", "ombudsperson_staff")
    response = await browser.get("/portal")
    assert response.status_code == 303
    assert response.headers["location"] == "/console"


async def test_the_portal_asks_to_sign_in(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/portal")
    assert response.status_code == 303
    assert response.headers["location"] == "/console/sign-in?next=/portal"


async def test_a_department_answers_an_information_request(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(browser, "clerk", "respondent", department="Housing")
    path = f"/portal/requests/{world.requests['Housing']}"
    empty = await submit(browser, path, "form-answer", {"answer": "  "})
    assert empty.status_code == 422
    assert "Fill this in." in Page.parse(empty.text).by_id("answer-answer-error").text()
    sent = await submit(
        browser, path, "form-answer", {"answer": "The file is attached to our letter of 3 May."}
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{path}?done=answered"
    again = await browser.get(sent.headers["location"])
    text = main_text(again.text)
    assert "Your answer is sent to the office." in text
    assert "The file is attached to our letter of 3 May." in text
    assert 'id="form-answer"' not in again.text  # answered once: no form any more
    # The office sees the answer.
    investigation = await client.get(
        f"/v1/complaints/{world.complaint['id']}/investigation", headers=world.staff
    )
    steps = {s["id"]: s for s in investigation.json()["steps"]}
    assert steps[world.requests["Housing"]]["answer"] == (
        "The file is attached to our letter of 3 May."
    )
    assert steps[world.requests["Police"]]["answer"] is None
    # On the portal it is now answered, after what is still open (nothing here).
    portal = Page.parse((await browser.get("/portal")).text)
    assert portal.table("Information requests")[0][3].startswith("Met on ")


async def test_a_department_rejects_one_remedy_and_implements_another(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(browser, "clerk", "respondent", department="Housing")
    restitution = f"/portal/remedies/{world.remedies['restitution']}"
    # Rejecting without reasons is refused next to the reasons, the choice kept.
    refused = await submit(browser, restitution, "form-respond", {"response": "rejected"})
    assert refused.status_code == 422
    page = Page.parse(refused.text)
    assert page.by_id("respond-reasons-error").text() == (
        "Error: Give your reasons for rejecting this remedy."
    )
    assert "checked" in page.by_id("respond-response-1").attrs  # "We reject this remedy"
    assert page.by_id("respond-response-1").attrs["value"] == "rejected"
    # Too short a reason is refused too, and what was typed stays in the field.
    short = await submit(
        browser, restitution, "form-respond", {"response": "rejected", "reasons": "No"}
    )
    assert short.status_code == 422
    assert Page.parse(short.text).by_id("respond-reasons").text() == "No"
    rejected = await submit(
        browser,
        restitution,
        "form-respond",
        {"response": "rejected", "reasons": "Flat 3C has been sold."},
    )
    assert rejected.status_code == 303, rejected.text
    shown = main_text((await browser.get(restitution)).text)
    assert "Rejected by the department" in shown
    assert "Flat 3C has been sold." in shown

    compensation = f"/portal/remedies/{world.remedies['compensation']}"
    opened = (await browser.get(compensation)).text  # a second tab, left open
    accepted = await submit(browser, compensation, "form-respond", {"response": "accepted"})
    assert accepted.status_code == 303, accepted.text
    # The same form sent again from the tab left open: the service refuses, the page says so.
    stale = await browser.post(
        f"{compensation}/response",
        data={**form_fields(opened, "form-respond"), "response": "rejected", "reasons": "Late."},
    )
    assert stale.status_code == 409
    assert Page.parse(stale.text).by_id("respond-refused").text() == (
        "Error: This cannot be done in the case's present state. The department has answered "
        "already (accepted)."
    )
    # Implementation without evidence: refused next to the evidence, the text kept.
    bare = await submit(
        browser,
        compensation,
        "form-report",
        {"kind": "implemented", "text": "The costs were paid."},
    )
    assert bare.status_code == 422
    page = Page.parse(bare.text)
    assert page.by_id("report-evidence-error").text() == (
        "Error: Describe what shows that the remedy was implemented."
    )
    assert page.by_id("report-text").text() == "The costs were paid."
    reported = await submit(
        browser,
        compensation,
        "form-report",
        {
            "kind": "implemented",
            "text": "The costs were paid.",
            "evidence": "Payment order 2026-118 of 4 June.",
        },
    )
    assert reported.status_code == 303, reported.text
    assert reported.headers["location"] == f"{compensation}?done=reported"
    shown = main_text((await browser.get(reported.headers["location"])).text)
    assert "Your report is sent to the office." in shown
    assert "Payment order 2026-118 of 4 June." in shown
    assert "Accepted; you reported it implemented" in shown

    # The office sees the response, the reasons and the report with its evidence.
    office = await client.get(
        f"/v1/complaints/{world.complaint['id']}/remedies", headers=world.staff
    )
    remedies = {r["id"]: r for r in office.json()["remedies"]}
    first = remedies[world.remedies["restitution"]]
    assert (first["response"], first["response_reasons"]) == ("rejected", "Flat 3C has been sold.")
    second = remedies[world.remedies["compensation"]]
    assert second["response"] == "accepted"
    assert [(r["kind"], r["text"], r["evidence"]) for r in second["reports"]] == [
        ("implemented", "The costs were paid.", "Payment order 2026-118 of 4 June.")
    ]
    # Answered once: the response form is no longer offered.
    assert 'id="form-respond"' not in (await browser.get(compensation)).text


async def test_a_form_from_elsewhere_is_not_sent(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(browser, "clerk", "respondent", department="Housing")
    path = f"/portal/requests/{world.requests['Housing']}"
    forged = await browser.post(f"{path}/answer", data={"answer": "Sent from another site."})
    assert forged.status_code == 400
    assert "Sent from another site." in forged.text  # kept, to send again
    investigation = await client.get(
        f"/v1/complaints/{world.complaint['id']}/investigation", headers=world.staff
    )
    assert all(s["answer"] is None for s in investigation.json()["steps"])


PORTAL_PAGES = [
    ("GET", "/portal"),
    ("GET", "/portal/requests/1"),
    ("POST", "/portal/requests/1/answer"),
    ("GET", "/portal/remedies/1"),
    ("POST", "/portal/remedies/1/response"),
    ("POST", "/portal/remedies/1/reports"),
]


@pytest.mark.parametrize(("method", "path"), PORTAL_PAGES)
async def test_every_portal_page_asks_to_sign_in_and_sends_staff_home(
    app: Any, method: str, path: str
) -> None:
    async with browser_client(app) as anonymous:
        response = await anonymous.request(method, path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/sign-in?next=/portal")
    async with browser_client(app) as staff:
        await sign_in(staff, "hana", "oversight_officer")
        response = await staff.request(method, path)
        assert response.status_code == 303
        assert response.headers["location"] == "/console"
