"""The console on the confidential track: identity-reveal requests (asked, decided, the disclosed
identity seen and every look recorded), protection measures against retaliation, and
own-initiative inquiries, over HTTP with the expected values written by hand."""

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

EMAIL = "mara.quist@example.org"
CONTACT = {"name": "Mara Quist", "email": EMAIL, "phone": "+32 470 12 34 56"}
MOTIVATION = "The witness statement must be matched to the reporter's own account."
LEGAL_BASIS = "Criminal procedure code, art. 28"


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


@pytest.fixture
async def other(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second person's browser (the custodian, a colleague)."""
    async with browser_client(app) as c:
        yield c


async def _report(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    body = complaint_body(
        track="anti_corruption",
        summary="Tender for the bridge repair rigged",
        description="The procurement officer gave the tender to his brother-in-law's firm.",
        respondent="Public Works",
        **overrides,
    )
    response = await client.post("/v1/complaints", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _requests(
    client: httpx.AsyncClient, auth: TokenFactory, case_id: str
) -> list[dict[str, Any]]:
    listed = await client.get(
        f"/v1/complaints/{case_id}/identity-requests", headers=auth("oversight_head")
    )
    assert listed.status_code == 200, listed.text
    return list(listed.json()["requests"])


async def test_an_identity_is_asked_granted_seen_and_every_look_recorded(
    browser: httpx.AsyncClient,
    other: httpx.AsyncClient,
    client: httpx.AsyncClient,
    auth: TokenFactory,
    app: Any,
) -> None:
    filed = await _report(client, contact=CONTACT)
    cid = filed["id"]
    alias = (await client.get(f"/v1/complaints/{cid}", headers=auth("oversight_officer"))).json()[
        "reporter"
    ]
    assert alias.startswith("Reporter ")

    await sign_in(browser, "olu", "oversight_officer", name="Olu Adeyemi")
    page = (await case_page(browser, cid)).text
    # The officer knows the reporter by the pseudonym only: the API withholds the contact.
    assert alias in section_text(page, "overview")
    for secret in (EMAIL, "Mara Quist", "470 12 34 56"):
        assert secret not in page
    assert "Nobody has asked to see the reporter's identity." in section_text(page, "identity")
    assert 'id="form-identity_decide' not in page  # an officer does not decide

    asked = await send(
        browser,
        cid,
        "form-identity_ask",
        {"motivation": MOTIVATION, "legal_basis": LEGAL_BASIS},
    )
    assert asked.status_code == 303, asked.text
    assert asked.headers["location"] == f"/console/cases/{cid}?done=identity_asked#identity"
    [request] = await _requests(client, auth, cid)
    assert (request["requested_by"], request["status"]) == ("olu", "pending")
    assert (request["motivation"], request["legal_basis"]) == (MOTIVATION, LEGAL_BASIS)
    rid = request["id"]
    page = (await case_page(browser, cid)).text
    shown = section_text(page, "identity")
    assert "Waiting for the custodian's decision" in shown
    assert "Asked by Olu Adeyemi" in shown
    assert "/identity-requests/" not in page  # nothing to see before a grant

    await sign_in(other, "hana", "oversight_head", name="Hana Berg")
    decided = await send(
        other,
        cid,
        f"form-identity_decide-{rid}",
        {
            "decision": "approved",
            "reason": "Necessary for the criminal investigation.",
            "notify_reporter": "true",
        },
    )
    assert decided.status_code == 303, decided.text
    [request] = await _requests(client, auth, cid)
    assert (request["status"], request["decided_by"]) == ("approved", "hana")
    assert request["notified_at"] is not None and request["no_notice_reason"] is None
    assert request["disclosures"] == []

    page = (await case_page(browser, cid)).text
    link = f"/console/cases/{cid}/identity-requests/{rid}/identity"
    assert f'href="{link}"' in page
    assert "Told in writing on" in section_text(page, "identity")
    seen = await browser.get(link)
    assert seen.status_code == 200, seen.text
    assert seen.headers["cache-control"] == "no-store"
    text = main_text(seen.text)
    for disclosed in (EMAIL, "Mara Quist", "+32 470 12 34 56", alias, MOTIVATION):
        assert disclosed in text
    [request] = await _requests(client, auth, cid)
    assert [(d["seen_by"], d["seen_role"]) for d in request["disclosures"]] == [
        ("olu", "oversight_officer")
    ]
    # The look shows on the case page, by name.
    page = (await case_page(browser, cid)).text
    assert "Who saw the identity: Olu Adeyemi" in section_text(page, "identity")
    # The identity itself is still nowhere on the case page.
    assert EMAIL not in page

    # Another officer has no link, and the service refuses them the identity.
    async with browser_client(app) as third:
        await sign_in(third, "ines", "oversight_officer")
        theirs = (await case_page(third, cid)).text
        assert f'href="{link}"' not in theirs
        refused = await third.get(link)
        assert refused.status_code == 403
        assert EMAIL not in refused.text
    [request] = await _requests(client, auth, cid)
    assert len(request["disclosures"]) == 1


async def test_the_ombudspersons_staff_do_not_reach_a_confidential_case(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = await _report(client, contact=CONTACT)
    ordinary = await client.post("/v1/complaints", json=complaint_body())
    await sign_in(browser, "bo", "ombudsperson_staff")
    page = await browser.get(f"/console/cases/{filed['id']}")
    assert page.status_code == 404
    assert EMAIL not in page.text and "Tender for the bridge" not in page.text
    refused = await browser.get(f"/console/cases/{filed['id']}/identity-requests/1/identity")
    assert refused.status_code == 404
    # On their own track the identity procedure does not exist: no such section.
    mine = (await case_page(browser, ordinary.json()["id"])).text
    assert 'id="identity"' not in mine
    assert 'id="protection"' in mine


async def test_identity_refusals_come_back_next_to_their_forms(
    browser: httpx.AsyncClient,
    other: httpx.AsyncClient,
    client: httpx.AsyncClient,
    auth: TokenFactory,
) -> None:
    filed = await _report(client, contact=CONTACT)
    cid = filed["id"]
    await sign_in(browser, "olu", "oversight_officer")
    short = await send(
        browser, cid, "form-identity_ask", {"motivation": "Needed.", "legal_basis": LEGAL_BASIS}
    )
    assert short.status_code == 422
    assert 'id="identity_ask-motivation-error"' in short.text
    assert LEGAL_BASIS in short.text  # what was typed is kept
    assert await _requests(client, auth, cid) == []

    asked = await send(
        browser, cid, "form-identity_ask", {"motivation": MOTIVATION, "legal_basis": LEGAL_BASIS}
    )
    assert asked.status_code == 303, asked.text
    [request] = await _requests(client, auth, cid)
    key = f"identity_decide-{request['id']}"
    await sign_in(other, "hana", "oversight_head")
    no_choice = await send(other, cid, f"form-{key}", {"reason": "Necessary for the case."})
    assert no_choice.status_code == 422
    assert f'id="{key}-decision-error"' in no_choice.text
    # Not telling the reporter needs the reason why.
    untold = await send(
        other,
        cid,
        f"form-{key}",
        {"decision": "approved", "reason": "Necessary.", "notify_reporter": "false"},
    )
    assert untold.status_code == 422
    assert f'id="{key}-refused"' in untold.text
    [request] = await _requests(client, auth, cid)
    assert request["status"] == "pending"

    # An anonymous report has no identity to ask for: the service says so by the form.
    anonymous = await _report(client)
    refused = await send(
        browser,
        anonymous["id"],
        "form-identity_ask",
        {"motivation": MOTIVATION, "legal_basis": LEGAL_BASIS},
    )
    assert refused.status_code == 409
    assert 'id="identity_ask-refused"' in refused.text
    assert "there is no identity on record" in refused.text


async def test_protection_measures_are_shown_offered_and_decided(
    browser: httpx.AsyncClient,
    client: httpx.AsyncClient,
    auth: TokenFactory,
    receipt_headers: Any,
) -> None:
    original = await _report(client, contact=CONTACT)
    reporter = await receipt_headers(original)
    retaliation = await client.post(
        f"/v1/complaints/{original['id']}/retaliation",
        json={
            "description": "Since my report I was moved to night shifts.",
            "rights_affected": ["work"],
            "measures": ["legal_aid"],
        },
        headers=reporter,
    )
    assert retaliation.status_code == 201, retaliation.text
    cid = retaliation.json()["id"]
    await sign_in(browser, "hana", "oversight_head")
    page = (await case_page(browser, cid)).text
    shown = section_text(page, "protection")
    assert "This case reports retaliation against the reporter of another report." in shown
    assert f'href="/console/cases/{original["id"]}"' in page
    assert "Legal advice and aid" in shown and "Asked for, not decided yet" in shown

    measures_url = f"/v1/complaints/{cid}/protection-measures"
    [measure] = (await client.get(measures_url, headers=auth("oversight_head"))).json()["measures"]
    key = f"measure_decide-{measure['id']}"
    no_note = await send(browser, cid, f"form-{key}", {"decision": "granted"})
    assert no_note.status_code == 422
    assert f'id="{key}-note-error"' in no_note.text
    granted = await send(
        browser, cid, f"form-{key}", {"decision": "granted", "note": "A lawyer is assigned."}
    )
    assert granted.status_code == 303, granted.text
    offered = await send(browser, cid, "form-measure_offer", {"measure": "relocation_support"})
    assert offered.status_code == 303, offered.text
    unknown = await send(browser, cid, "form-measure_offer", {"measure": "a_new_car"})
    assert unknown.status_code == 422
    assert 'id="measure_offer-measure-error"' in unknown.text

    measures = (await client.get(measures_url, headers=auth("oversight_head"))).json()["measures"]
    assert [(m["measure"], m["status"], m["note"]) for m in measures] == [
        ("legal_aid", "granted", "A lawyer is assigned."),
        ("relocation_support", "requested", None),
    ]
    page = (await case_page(browser, cid)).text
    shown = section_text(page, "protection")
    assert "A lawyer is assigned." in shown and "Granted" in shown
    assert "Support to move to another post or place" in shown
    assert f'id="form-{key}"' not in page  # decided: no form any more
    assert f'id="form-measure_decide-{measures[1]["id"]}"' in page


async def test_an_inquiry_is_opened_from_the_inbox(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory
) -> None:
    await sign_in(browser, "ana", "ombudsperson", name="Ana Ortiz")
    inbox = await browser.get("/console")
    assert 'href="/console/inquiries/new"' in inbox.text
    form = await browser.get("/console/inquiries/new")
    assert form.status_code == 200
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    fields = {
        "csrf_token": token,
        "track": "ombudsperson",
        "summary": "Shelters turn away families with children",
        "description": "Several reports in the press of shelters refusing families.",
        "purpose": "Establish whether the shelters' intake rules discriminate.",
        "respondent": "Social Services",
        "language": "en",
    }
    missing = await browser.post("/console/inquiries/new", data=fields)
    assert missing.status_code == 422
    assert 'id="inquiry-rights_affected-error"' in missing.text
    assert "Shelters turn away families with children" in missing.text  # kept
    other_track = await browser.post(
        "/console/inquiries/new",
        data={**fields, "track": "anti_corruption", "rights_affected": "adequate_housing"},
    )
    assert other_track.status_code == 403
    assert 'id="inquiry-track-error"' in other_track.text

    opened = await browser.post(
        "/console/inquiries/new",
        data={**fields, "rights_affected": ["adequate_housing", "social_security"]},
    )
    assert opened.status_code == 303, opened.text
    location = opened.headers["location"]
    assert location.startswith("/console/cases/") and location.endswith("?done=inquiry")
    cid = location.removeprefix("/console/cases/").removesuffix("?done=inquiry")
    case = (await client.get(f"/v1/complaints/{cid}", headers=auth("ombudsperson"))).json()
    assert (case["origin"], case["track"], case["handler"]) == (
        "own_initiative",
        "ombudsperson",
        "ana",
    )
    assert case["rights_affected"] == ["adequate_housing", "social_security"]
    assert case["respondent"] == "Social Services"
    page = await browser.get(location)
    assert page.status_code == 200
    text = main_text(page.text)
    assert "The inquiry is open." in text
    assert "Shelters turn away families with children" in text
    assert "own-initiative inquiry" in section_text(page.text, "overview")


# This part's console pages (tests/web/test_console.py's CONSOLE_PAGES lists them too).
PAGES = [
    ("GET", "/console/inquiries/new"),
    ("POST", "/console/inquiries/new"),
    ("GET", "/console/cases/6f1c2a4e-0000-4000-8000-000000000001/identity-requests/1/identity"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
async def test_these_pages_are_for_signed_in_staff(
    browser: httpx.AsyncClient, other: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await browser.request(method, path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/console/sign-in?next=")
    await sign_in(other, "housing-1", "respondent", department="Housing")
    response = await other.request(method, path)
    assert (response.status_code, response.headers["location"]) == (303, "/portal")
