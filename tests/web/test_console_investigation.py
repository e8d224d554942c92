"""The case page's investigation sections over HTTP, through the console as staff use it: the
investigation plan and its steps, information requests to departments and their answers,
hearings (scheduled, moved, held, cancelled), mediation attempts and records of meetings; each
form's refusal next to the form. Expected texts are written by hand."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from itertools import pairwise
from typing import Any

import httpx
import pytest

from tests.conftest import TokenFactory, complaint_body
from tests.web.console import browser_client, case_page, section_text, send, sign_in


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


async def _file(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/v1/complaints", json=complaint_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _investigating(client: httpx.AsyncClient, browser: httpx.AsyncClient) -> dict[str, Any]:
    """A case filed, then moved to under_investigation by a head of office, through the page."""
    filed = await _file(client)
    await sign_in(browser, "ana", "ombudsperson", name="Ana Ortiz")
    for action in ("acknowledge", "start_assessment", "open_investigation"):
        moved = await send(browser, filed["id"], f"form-transition-{action}")
        assert moved.status_code == 303, moved.text
    return filed


async def _ok(
    browser: httpx.AsyncClient, response: httpx.Response, case_id: str, notice: str
) -> str:
    """A form sent: back to the case page, which says what was done; the page as shown then."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(f"/console/cases/{case_id}?done="), location
    page = await browser.get(location)
    assert page.status_code == 200, page.text
    assert f'<p class="notice" role="status">{notice}</p>' in page.text
    return page.text


async def _complainant(client: httpx.AsyncClient, filed: dict[str, Any]) -> dict[str, str]:
    login = await client.post(
        "/v1/auth/receipt", json={"reference": filed["reference"], "receipt": filed["receipt"]}
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def test_before_an_investigation_the_section_offers_no_form(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = await _file(client)
    await sign_in(browser, "bo", "ombudsperson_staff", name="Bo Lind")
    page = (await case_page(browser, filed["id"])).text
    assert section_text(page, "investigation") == (
        "Investigation Plan No investigation plan is recorded yet. Steps No steps recorded. "
        "Information requests to departments No information requests sent."
    )
    for form in ("form-plan", "form-step", "form-information_request", "form-hearing"):
        assert f'id="{form}"' not in page
    assert section_text(page, "hearings") == "Hearings No hearings scheduled."
    assert section_text(page, "mediation") == "Mediation No mediation attempts recorded."
    # Records may be written in any state (an oral report comes before any investigation).
    assert 'id="form-record"' in page


async def test_the_plan_a_step_and_an_information_request_answered_by_the_department(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory
) -> None:
    filed = await _investigating(client, browser)
    case_id = filed["id"]
    page = (await case_page(browser, case_id)).text
    # No step before the plan: its forms are not offered yet, and the page says why.
    assert 'id="form-step"' not in page
    assert "Record the plan first: steps and information requests come after it." in (
        section_text(page, "investigation")
    )

    short = await send(browser, case_id, "form-plan", {"plan": "Too short"})
    assert short.status_code == 422
    assert 'id="plan-plan-error"' in short.text
    assert "Write at least 10 characters." in section_text(short.text, "investigation")

    page = await _ok(
        browser,
        await send(
            browser, case_id, "form-plan", {"plan": "Visit the housing office; hear both sides."}
        ),
        case_id,
        "The investigation plan is saved.",
    )
    text = section_text(page, "investigation")
    assert "Visit the housing office; hear both sides." in text
    assert "by Ana Ortiz" in text
    assert "Revise the plan" in text

    empty = await send(browser, case_id, "form-step", {"kind": "interview", "summary": " "})
    assert empty.status_code == 422
    assert 'id="step-summary-error"' in empty.text
    await _ok(
        browser,
        await send(
            browser,
            case_id,
            "form-step",
            {
                "kind": "site_visit",
                "summary": "Visited the building at Riverside.",
                "occurred_on": "2026-11-20",
                "details": "The caretaker let us in.",
            },
        ),
        case_id,
        "The investigation step is recorded.",
    )

    # An information request: the question is required; the due date must be in the future.
    empty = await send(
        browser,
        case_id,
        "form-information_request",
        {"department": "Housing", "summary": "", "due_at": "2030-05-14T09:30"},
    )
    assert empty.status_code == 422
    assert 'id="information_request-summary-error"' in empty.text
    past = await send(
        browser,
        case_id,
        "form-information_request",
        {"department": "Housing", "summary": "When did you decide?", "due_at": "2020-01-01T09:00"},
    )
    assert past.status_code == 422
    assert 'id="information_request-refused"' in past.text
    await _ok(
        browser,
        await send(
            browser,
            case_id,
            "form-information_request",
            {
                "department": "Housing",
                "summary": "When was the eviction decided, and by whom?",
                "due_at": "2030-05-14T09:30",
                "details": "Ask again by phone if late.",
            },
        ),
        case_id,
        "The information request is sent to the department.",
    )
    text = section_text((await case_page(browser, case_id)).text, "investigation")
    assert (
        "Site visit · on November 20, 2026 Visited the building at Riverside. "
        "The caretaker let us in. Recorded by Ana Ortiz" in text
    )
    assert (
        "Housing · due May 14, 2030 at 09:30 UTC Question: When was the eviction decided, and "
        "by whom? Internal notes: Ask again by phone if late. Sent by Ana Ortiz" in text
    )
    assert "Not answered yet." in text

    # The department answers through its own route; the page then shows the answer.
    housing = auth("respondent", department="Housing")
    asked = await client.get("/v1/information-requests", headers=housing)
    assert asked.status_code == 200, asked.text
    [request] = asked.json()["items"]
    assert request["question"] == "When was the eviction decided, and by whom?"
    answered = await client.post(
        f"/v1/information-requests/{request['id']}/answer",
        json={"answer": "On 30 September, by the deputy director."},
        headers=housing,
    )
    assert answered.status_code == 200, answered.text
    text = section_text((await case_page(browser, case_id)).text, "investigation")
    assert "The department answered on" in text
    assert "On 30 September, by the deputy director." in text
    assert "Not answered yet." not in text


def _headings_in_order(html: str) -> None:
    """In these sections, headings go down one level at a time (h2, h3, h4)."""
    for name in ("investigation", "hearings", "mediation", "records"):
        found = re.search(rf'<section id="{name}"(.*?)</section>', html, re.S)
        assert found is not None, name
        levels = [int(n) for n in re.findall(r"<h([1-6])", found.group(1))]
        assert levels[0] == 2, (name, levels)
        assert all(b <= a + 1 for a, b in pairwise(levels)), (name, levels)


def _hearing_ids(html: str) -> list[str]:
    return re.findall(r'<form id="form-reschedule-(\d+)"', html)


async def test_a_hearing_scheduled_moved_and_held_and_another_cancelled(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = await _investigating(client, browser)
    case_id = filed["id"]
    # Nobody taking part: refused next to the participants.
    nobody = await send(
        browser,
        case_id,
        "form-hearing",
        {"scheduled_at": "2030-06-03T10:00", "mode": "in_person", "location": "Room 4"},
    )
    assert nobody.status_code == 422
    assert 'id="hearing-participants-error"' in nobody.text
    await _ok(
        browser,
        await send(
            browser,
            case_id,
            "form-hearing",
            {
                "scheduled_at": "2030-06-03T10:00",
                "mode": "hybrid",
                "location": "Room 4, City Hall",
                "online_url": "https://meet.example.org/room4",
                "participant_role_0": "complainant",
                "participant_name_0": "Maria Pérez",
                "participant_needs_0": "Sign language interpretation",
                "participant_role_1": "respondent",
            },
        ),
        case_id,
        "The hearing is scheduled.",
    )
    page = (await case_page(browser, case_id)).text
    [hid] = _hearing_ids(page)
    assert section_text(page, "hearings").startswith(
        "Hearings Hearing on June 3, 2030 at 10:00 UTC Scheduled How In person and online "
        "Where Room 4, City Hall Online link https://meet.example.org/room4 Taking part "
        "Complainant: Maria Pérez (needs: Sign language interpretation) Department concerned"
    )

    no_reason = await send(
        browser, case_id, f"form-reschedule-{hid}", {"scheduled_at": "2030-06-10T14:30"}
    )
    assert no_reason.status_code == 422
    assert f'id="reschedule-{hid}-reason-error"' in no_reason.text
    assert f'id="reschedule-{hid}-reason"' in no_reason.text
    await _ok(
        browser,
        await send(
            browser,
            case_id,
            f"form-reschedule-{hid}",
            {"scheduled_at": "2030-06-10T14:30", "reason": "The room is taken that day."},
        ),
        case_id,
        "The hearing is moved.",
    )
    page = (await case_page(browser, case_id)).text
    assert "Hearing on June 10, 2030 at 14:30 UTC Scheduled" in section_text(page, "hearings")
    # The form to move it again shows the new time.
    assert f'id="reschedule-{hid}-scheduled_at" name="scheduled_at" type="datetime-local" ' in (
        page
    )
    assert 'value="2030-06-10T14:30"' in page

    short = await send(
        browser, case_id, f"form-hearing_held-{hid}", {"minutes": "Short", "outcome": "Fine"}
    )
    assert short.status_code == 422
    assert f'id="hearing_held-{hid}-minutes-error"' in short.text
    await _ok(
        browser,
        await send(
            browser,
            case_id,
            f"form-hearing_held-{hid}",
            {
                "minutes": "Heard the complainant and the department's deputy director.",
                "outcome": "The department will review the eviction.",
            },
        ),
        case_id,
        "The hearing is recorded as held.",
    )
    page = (await case_page(browser, case_id)).text
    text = section_text(page, "hearings")
    assert "Hearing on June 10, 2030 at 14:30 UTC Held" in text
    assert "Outcome, as the complainant is told The department will review the eviction." in text
    assert "Minutes (internal) Heard the complainant and the department's deputy director." in text
    # A held hearing changes no more: its forms are gone.
    assert f'id="form-reschedule-{hid}"' not in page
    assert f'id="form-cancel_hearing-{hid}"' not in page

    # A second hearing, cancelled with a reason.
    await _ok(
        browser,
        await send(
            browser,
            case_id,
            "form-hearing",
            {
                "scheduled_at": "2030-07-01T09:00",
                "mode": "online",
                "online_url": "https://meet.example.org/second",
                "participant_role_0": "witness",
            },
        ),
        case_id,
        "The hearing is scheduled.",
    )
    [second] = _hearing_ids((await case_page(browser, case_id)).text)
    no_reason = await send(browser, case_id, f"form-cancel_hearing-{second}", {"reason": ""})
    assert no_reason.status_code == 422
    assert f'id="cancel_hearing-{second}-reason-error"' in no_reason.text
    await _ok(
        browser,
        await send(
            browser, case_id, f"form-cancel_hearing-{second}", {"reason": "The witness moved away."}
        ),
        case_id,
        "The hearing is cancelled.",
    )
    page = (await case_page(browser, case_id)).text
    assert "Hearing on July 1, 2030 at 09:00 UTC Cancelled How Online" in section_text(
        page, "hearings"
    )
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    _headings_in_order(page)
    # The complainant's timeline tells of each change.
    timeline = section_text(page, "timeline")
    for said in ("Hearing scheduled", "Hearing moved", "Hearing held", "Hearing cancelled"):
        assert said in timeline


async def test_a_mediation_attempt_and_a_record_the_reporter_corrects(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = await _investigating(client, browser)
    case_id = filed["id"]
    page = (await case_page(browser, case_id)).text
    assert 'id="form-mediation"' not in page  # results are recorded during mediation
    moved = await send(browser, case_id, "form-transition-start_mediation")
    assert moved.status_code == 303, moved.text

    no_result = await send(browser, case_id, "form-mediation", {"notes": "Both came."})
    assert no_result.status_code == 422
    assert 'id="mediation-result-error"' in no_result.text
    no_terms = await send(browser, case_id, "form-mediation", {"result": "settled"})
    assert no_terms.status_code == 422
    assert 'id="mediation-refused"' in no_terms.text
    # What was typed is kept: the radio stays chosen.
    assert re.search(r'name="result" type="radio" value="settled" checked', no_terms.text)
    await _ok(
        browser,
        await send(
            browser,
            case_id,
            "form-mediation",
            {
                "result": "failed",
                "notes": "The department would not offer housing.",
                "mediator": "Lena Brandt",
            },
        ),
        case_id,
        "The mediation attempt is recorded.",
    )
    text = section_text((await case_page(browser, case_id)).text, "mediation")
    assert "No settlement · Mediator: Lena Brandt" in text
    assert "Internal notes: The department would not offer housing." in text

    # A record of a meeting: not in the future, minutes required.
    future = await send(
        browser,
        case_id,
        "form-record",
        {"kind": "meeting", "held_at": "2099-01-01T10:00", "transcript": "We met at the office."},
    )
    assert future.status_code == 422
    assert 'id="record-refused"' in future.text
    empty = await send(
        browser, case_id, "form-record", {"kind": "meeting", "held_at": "2026-11-25T15:00"}
    )
    assert empty.status_code == 422
    assert 'id="record-transcript-error"' in empty.text
    await _ok(
        browser,
        await send(
            browser,
            case_id,
            "form-record",
            {
                "kind": "meeting",
                "held_at": "2026-11-25T15:00",
                "transcript": "The complainant described the eviction notice.",
            },
        ),
        case_id,
        "The record is saved and shared with the reporter.",
    )
    text = section_text((await case_page(browser, case_id)).text, "records")
    assert (
        "Meeting · held on November 25, 2026 at 15:00 UTC · Awaiting the reporter "
        "The complainant described the eviction notice. "
        "Waiting for the reporter to approve or correct it." in text
    )

    # The reporter asks for a correction; the page shows it.
    complainant = await _complainant(client, filed)
    records = await client.get(f"/v1/complaints/{case_id}/records", headers=complainant)
    [record] = records.json()["records"]
    corrected = await client.post(
        f"/v1/complaints/{case_id}/records/{record['id']}/response",
        json={"approve": False, "corrections": "The notice came by post, not by hand."},
        headers=complainant,
    )
    assert corrected.status_code == 200, corrected.text
    text = section_text((await case_page(browser, case_id)).text, "records")
    assert "Corrected by the reporter" in text
    assert "The reporter asked for corrections on" in text
    assert "The notice came by post, not by hand." in text


async def test_staff_of_the_other_track_get_404_and_staff_see_the_forms(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, app: Any
) -> None:
    filed = await _investigating(client, browser)
    # The office's staff (not its head) have the same forms.
    async with browser_client(app) as staff:
        await sign_in(staff, "bo", "ombudsperson_staff", name="Bo Lind")
        page = (await case_page(staff, filed["id"])).text
        for form in ("form-plan", "form-hearing", "form-record"):
            assert f'id="{form}"' in page
    async with browser_client(app) as other:
        await sign_in(other, "olga", "oversight_officer")
        refused = await other.get(f"/console/cases/{filed['id']}")
        assert refused.status_code == 404
        assert "Investigation" not in refused.text
