"""The deadlines dashboard over HTTP: what is overdue comes first and links to its case, "mine"
keeps one's own cases, a head of office sees the workload per handler with their names, a
staff member does not. Expected values written by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import TokenFactory, complaint_body
from tests.web.console import browser_client, main_text, sign_in
from tests.web.page import Page

CAPTION = "Due and overdue"
WORKLOAD = "Workload per handler"


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


async def _file(client: httpx.AsyncClient, summary: str) -> dict[str, Any]:
    response = await client.post("/v1/complaints", json=complaint_body(summary=summary))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _assign(
    client: httpx.AsyncClient, head: dict[str, str], complaint_id: str, handler: str
) -> None:
    etag = (await client.get(f"/v1/complaints/{complaint_id}", headers=head)).headers["etag"]
    response = await client.put(
        f"/v1/complaints/{complaint_id}/handler",
        json={"handler": handler},
        headers={**head, "If-Match": etag},
    )
    assert response.status_code == 200, response.text


@pytest.fixture
async def cases(
    app: Any, client: httpx.AsyncClient, auth: TokenFactory, db: psycopg.Connection[Any]
) -> dict[str, dict[str, Any]]:
    """Three open cases: Hana's, acknowledgement overdue by two days; Bo's and nobody's, due in
    a week. Hana and Bo have signed in to the console once (the staff directory has their
    names)."""
    filed = {
        "bo": await _file(client, "Ramp removed at the library"),
        "hana": await _file(client, "Benefit stopped without notice"),
        "nobody": await _file(client, "Noise from the depot"),
    }
    db.execute(
        "UPDATE complaints SET acknowledge_by = now() - interval '2 days' WHERE id = %s",
        (filed["hana"]["id"],),
    )
    head = auth("ombudsperson", sub="olga")
    await _assign(client, head, filed["hana"]["id"], "hana")
    await _assign(client, head, filed["bo"]["id"], "bo")
    for subject, name in (("hana", "Hana Haddad"), ("bo", "Bo Lind")):
        async with browser_client(app) as someone:
            await sign_in(someone, subject, "ombudsperson_staff", name=name)
    return filed


async def test_the_overdue_acknowledgement_comes_first(
    browser: httpx.AsyncClient, cases: dict[str, dict[str, Any]]
) -> None:
    await sign_in(browser, "bo", "ombudsperson_staff", name="Bo Lind")
    response = await browser.get("/console/deadlines")
    assert response.status_code == 200, response.text
    page = Page.parse(response.text)
    rows = page.table(CAPTION)
    hana, bo, nobody = (cases[k]["reference"] for k in ("hana", "bo", "nobody"))
    # Reference, track, kind, due, handler, department: the overdue one first.
    first = rows[0]
    assert first[0] == hana
    assert first[1:3] == ["Ombudsperson", "Acknowledgement"]
    assert first[3].endswith(" Overdue")
    assert first[4] == "Hana Haddad"
    assert sorted(r[0] for r in rows[1:]) == sorted([bo, nobody])
    assert all(r[2] == "Acknowledgement" and "Overdue" not in r[3] for r in rows[1:])
    assert {r[0]: r[4] for r in rows[1:]} == {bo: "Bo Lind", nobody: "Nobody yet"}
    links = page.links()
    assert links[f"/console/cases/{cases['hana']['id']}"] == hana
    # A staff member sees no workload table.
    assert WORKLOAD not in response.text


async def test_mine_keeps_the_cases_i_handle(
    browser: httpx.AsyncClient, cases: dict[str, dict[str, Any]]
) -> None:
    await sign_in(browser, "bo", "ombudsperson_staff", name="Bo Lind")
    response = await browser.get("/console/deadlines?mine=1")
    assert response.status_code == 200, response.text
    rows = Page.parse(response.text).table(CAPTION)
    assert [r[0] for r in rows] == [cases["bo"]["reference"]]
    overdue = await browser.get("/console/deadlines?kind=feedback&within=7")
    assert overdue.status_code == 200
    assert "Nothing is due or overdue." in overdue.text


async def test_a_head_sees_the_workload_per_handler(
    browser: httpx.AsyncClient, cases: dict[str, dict[str, Any]]
) -> None:
    await sign_in(browser, "olga", "ombudsperson", name="Olga Head")
    response = await browser.get("/console/deadlines")
    assert response.status_code == 200, response.text
    workload = Page.parse(response.text).table(WORKLOAD)
    # Handler, open cases, overdue: who has something overdue first.
    assert workload == [
        ["Hana Haddad", "1", "1"],
        ["Bo Lind", "1", "0"],
        ["Nobody yet", "1", "0"],
    ]


async def test_the_workload_keeps_to_the_heads_reach(
    browser: httpx.AsyncClient,
    cases: dict[str, dict[str, Any]],
) -> None:
    """The anti-corruption track's head counts none of the ombudsperson track's cases."""
    await sign_in(browser, "ines", "oversight_head", name="Ines Ward")
    response = await browser.get("/console/deadlines")
    assert response.status_code == 200, response.text
    text = main_text(response.text)
    assert "Workload per handler" in text
    assert "No open case." in text
    assert "Nothing is due or overdue." in text
    assert cases["hana"]["reference"] not in text


async def test_a_department_is_sent_to_its_portal(browser: httpx.AsyncClient) -> None:
    await sign_in(browser, "clerk", "respondent", department="Housing")
    response = await browser.get("/console/deadlines")
    assert response.status_code == 303
    assert response.headers["location"] == "/portal"


async def test_a_window_not_offered_is_refused_next_to_its_field(
    browser: httpx.AsyncClient,
) -> None:
    await sign_in(browser, "bo", "ombudsperson_staff")
    response = await browser.get("/console/deadlines?within=1000")
    assert response.status_code == 422
    assert 'id="within-error"' in response.text
