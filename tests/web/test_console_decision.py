"""The case page's decision, follow-up and records sections over HTTP: findings written and
communicated, remedies recommended, answered by the department and assessed, files attached and
downloaded, legal holds, erasure requests and redactions; each refusal next to its form. The
expected texts are written by hand."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import httpx
import pytest

from tests.conftest import TokenFactory, complaint_body, eventually
from tests.web.console import browser_client, case_page, main_text, section_text, send, sign_in


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


@pytest.fixture
async def other(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second person's browser."""
    async with browser_client(app) as c:
        yield c


async def _file(client: httpx.AsyncClient, **overrides: Any) -> str:
    response = await client.post("/v1/complaints", json=complaint_body(**overrides))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _investigating(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory, cid: str
) -> None:
    """Through the workflow's forms to under investigation, with one step recorded (API)."""
    for action in ("acknowledge", "start_assessment", "open_investigation"):
        moved = await send(browser, cid, f"form-transition-{action}")
        assert moved.status_code == 303, moved.text
    head = auth("ombudsperson", sub="carl")
    plan = await client.put(
        f"/v1/complaints/{cid}/investigation",
        json={"plan": "Read the eviction file; hear the tenant."},
        headers=head,
    )
    assert plan.status_code == 200, plan.text
    step = await client.post(
        f"/v1/complaints/{cid}/investigation/steps",
        json={"kind": "interview", "summary": "Spoke with the tenant."},
        headers=head,
    )
    assert step.status_code == 201, step.text


FINDINGS = {
    "outcome": "violation_found",
    "rights": "adequate_housing",
    "public_summary": "The eviction breached your right to be heard.",
    "internal_reasoning": "No hearing is on file before the eviction order.",
}


async def test_findings_remedies_and_their_follow_up(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory
) -> None:
    cid = await _file(client)
    await sign_in(browser, "ana", "ombudsperson", name="Ana Ortiz")
    page = (await case_page(browser, cid)).text
    # Nothing to decide on a new case: no findings form yet, no remedies form.
    assert "No findings are written yet." in section_text(page, "findings")
    assert 'id="form-findings"' not in page
    assert 'id="form-remedy"' not in page
    await _investigating(browser, client, auth, cid)

    # An empty summary is refused next to its field.
    refused = await send(browser, cid, "form-findings", {**FINDINGS, "public_summary": " "})
    assert refused.status_code == 422
    assert 'id="findings-public_summary-error"' in refused.text
    # What was typed is kept.
    assert "No hearing is on file before the eviction order." in refused.text

    written = await send(browser, cid, "form-findings", FINDINGS)
    assert written.status_code == 303, written.text
    assert written.headers["location"] == f"/console/cases/{cid}?done=findings#findings"
    page = (await browser.get(written.headers["location"])).text
    assert "The findings are saved." in main_text(page)
    shown = section_text(page, "findings")
    assert "Violation found" in shown
    assert "Adequate housing" in shown
    assert "Draft, not issued yet." in shown
    assert "The eviction breached your right to be heard." in shown
    assert "No hearing is on file before the eviction order." in shown
    assert "Ana Ortiz" in shown
    assert 'id="form-communicate"' not in page  # not issued yet

    issued = await send(browser, cid, "form-transition-issue_findings")
    assert issued.status_code == 303, issued.text
    page = (await case_page(browser, cid)).text
    assert "not yet communicated to the complainant" in section_text(page, "findings")
    told = await send(browser, cid, "form-communicate", {"channel": "email", "note": "Sent."})
    assert told.status_code == 303, told.text
    page = (await case_page(browser, cid)).text
    assert "and communicated to the complainant on" in section_text(page, "findings")
    assert 'id="form-communicate"' not in page
    assert "Decision communicated" in section_text(page, "timeline")

    # Remedies: a missing description is refused next to its field.
    remedy = {
        "form": "compensation",
        "department": "Housing",
        "description": "Pay the family's moving costs.",
        "response_due_at": "2099-01-31",
    }
    refused = await send(browser, cid, "form-remedy", {**remedy, "description": ""})
    assert refused.status_code == 422
    assert 'id="remedy-description-error"' in refused.text
    for fields in (
        remedy,
        {
            "form": "guarantee_of_non_repetition",
            "department": "Housing",
            "description": "Hear tenants before any eviction.",
            "response_due_at": "2099-02-28",
            "implementation_due_at": "2099-06-30",
        },
    ):
        done = await send(browser, cid, "form-remedy", fields)
        assert done.status_code == 303, done.text
    page = (await case_page(browser, cid)).text
    remedies = section_text(page, "remedies")
    assert "These remedies are drafts" in remedies
    assert "Compensation, recommended to Housing" in remedies
    assert "Guarantee of non-repetition, recommended to Housing" in remedies
    assert "January 31, 2099" in remedies
    assert "June 30, 2099" in remedies
    assert 'id="form-assess-' not in page  # assessed during follow-up only

    moved = await send(browser, cid, "form-transition-recommend_remedies")
    assert moved.status_code == 303, moved.text
    # The department answers and reports, through its API.
    housing = auth("respondent", department="Housing")
    listed = await client.get("/v1/remedies", headers=housing)
    first, second = (x["id"] for x in listed.json()["items"])
    answered = await client.post(
        f"/v1/remedies/{first}/response", json={"response": "accepted"}, headers=housing
    )
    assert answered.status_code == 200, answered.text
    reported = await client.post(
        f"/v1/remedies/{first}/reports",
        json={
            "kind": "implemented",
            "text": "The costs were paid.",
            "evidence": "Bank transfer of 1,200 EUR.",
        },
        headers=housing,
    )
    assert reported.status_code == 200, reported.text

    page = (await case_page(browser, cid)).text
    assert f'id="form-assess-{first}"' in page
    assert f'id="form-assess-{second}"' in page
    refused = await send(browser, cid, f"form-assess-{first}", {"assessment": ""})
    assert refused.status_code == 422
    assert f'id="assess-{first}-assessment-error"' in refused.text
    assessed = await send(
        browser, cid, f"form-assess-{first}", {"assessment": "implemented", "note": "Checked."}
    )
    assert assessed.status_code == 303, assessed.text
    page = (await browser.get(assessed.headers["location"])).text
    assert "The assessment of the remedy is saved." in main_text(page)
    remedies = section_text(page, "remedies")
    assert "These remedies are drafts" not in remedies
    assert "Accepted by the department" in remedies
    assert "The costs were paid." in remedies
    assert "Evidence: Bank transfer of 1,200 EUR." in remedies
    assert "Checked." in remedies
    first_remedy = section_text(page, f"remedy-{first}")
    assert "The office's assessment Implemented (" in first_remedy
    second_remedy = section_text(page, f"remedy-{second}")
    assert "No answer yet." in second_remedy
    assert "Not assessed yet." in second_remedy
    assert "No reports from the department yet." in second_remedy


async def test_a_file_is_attached_and_downloaded(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    cid = await _file(client)
    await sign_in(browser, "ana", "ombudsperson", name="Ana Ortiz")
    page = (await case_page(browser, cid)).text
    assert "No files." in section_text(page, "files")
    assert 'enctype="multipart/form-data"' in page

    # No file chosen: refused next to the field.
    refused = await send(browser, cid, "form-upload", {})
    assert refused.status_code == 422
    assert 'id="upload-file-error"' in refused.text
    # Not what its name says: refused next to the form, in the residents' pages' words.
    refused = await send(
        browser, cid, "form-upload", files={"file": ("scan.pdf", b"MZ\x90\x00", "application/pdf")}
    )
    assert refused.status_code == 415
    assert (
        "scan.pdf: This kind of file is not accepted, or the file is not what its name says."
        in section_text(refused.text, "files")
    )

    data = b"Letter from the housing office, 3 March.\n"
    sent = await send(
        browser, cid, "form-upload", files={"file": ("letter.txt", data, "text/plain")}
    )
    assert sent.status_code == 303, sent.text
    page = (await browser.get(sent.headers["location"])).text
    assert "The file is attached to the case." in main_text(page)
    files = section_text(page, "files")
    assert "letter.txt" in files
    assert "Ana Ortiz" in files
    assert "1 kB" in files
    link = re.search(rf'href="(/console/cases/{cid}/files/[0-9a-f-]+)"', page)
    assert link is not None
    got = await browser.get(link.group(1))
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-type"].startswith("text/plain")
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''letter.txt"
    assert got.headers["cache-control"] == "private, no-store"
    # Another case's address for this file: not within reach.
    cid2 = await _file(client)
    wrong = await browser.get(link.group(1).replace(cid, cid2))
    assert wrong.status_code == 404
    malformed = await browser.get(f"/console/cases/{cid}/files/letter.txt")
    assert malformed.status_code == 404


async def test_legal_hold_erasure_and_redaction(
    browser: httpx.AsyncClient, other: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    cid = await _file(client)
    await sign_in(browser, "ana", "ombudsperson", name="Ana Ortiz")
    page = (await case_page(browser, cid)).text
    kept = section_text(page, "retention")
    assert "The case is open: it is kept while it is handled." in kept
    assert "Legal hold None." in kept
    assert "No erasure requests." in kept

    refused = await send(browser, cid, "form-hold", {"reason": "Short"})
    assert refused.status_code == 422
    assert 'id="hold-reason-error"' in refused.text
    held = await send(
        browser, cid, "form-hold", {"reason": "Appeal pending before the administrative court."}
    )
    assert held.status_code == 303, held.text
    page = (await browser.get(held.headers["location"])).text
    assert "The legal hold is set." in main_text(page)
    kept = section_text(page, "retention")
    assert "by Ana Ortiz: the case is kept past its retention date and is not erased." in kept
    assert "Appeal pending before the administrative court." in kept
    assert 'id="form-hold"' not in page
    assert "Legal hold set" in section_text(page, "timeline")
    lifted = await send(browser, cid, "form-release", {"reason": "The court decided the appeal."})
    assert lifted.status_code == 303, lifted.text
    page = (await case_page(browser, cid)).text
    assert "Legal hold None." in section_text(page, "retention")
    assert 'id="form-release"' not in page

    recorded = await send(browser, cid, "form-erasure", {"channel": "written"})
    assert recorded.status_code == 303, recorded.text
    page = (await case_page(browser, cid)).text
    kept = section_text(page, "retention")
    assert "State Pending" in kept
    assert "How it reached the office In writing" in kept
    assert "Recorded by Ana Ortiz" in kept
    # Four eyes: whoever recorded it does not decide it; one request pending at a time.
    assert "You recorded this request, so another head of office decides it." in kept
    assert 'id="form-erasure_decide-' not in page
    assert 'id="form-erasure"' not in page

    await sign_in(other, "bea", "ombudsperson", name="Bea Berg")
    page = (await case_page(other, cid)).text
    found = re.search(r'id="form-erasure_decide-(\d+)"', page)
    assert found is not None
    key = f"erasure_decide-{found.group(1)}"
    reason = "The case file is needed for the pending court case."
    refused = await send(other, cid, f"form-{key}", {"decision": "refuse", "reason": reason})
    assert refused.status_code == 422
    assert "To refuse, choose the ground of art. 17(3) on which the data is kept." in section_text(
        refused.text, "retention"
    )
    assert f'id="{key}-refused"' in refused.text
    decided = await send(
        other,
        cid,
        f"form-{key}",
        {"decision": "refuse", "ground": "legal_claims", "reason": reason},
    )
    assert decided.status_code == 303, decided.text
    page = (await case_page(browser, cid)).text
    kept = section_text(page, "retention")
    assert "State Refused" in kept
    assert "By Bea Berg" not in kept
    assert "by Bea Berg" in kept
    assert "Establishing or defending legal claims (art. 17(3)(e))" in kept
    assert reason in kept

    # Redaction: a text that is not there is refused in the console's words, then removed.
    refused = await send(
        browser,
        cid,
        "form-redact",
        {"field": "description", "remove": "not in it", "reason": "Irrelevant."},
    )
    assert refused.status_code == 422
    assert "This text does not occur in the chosen field" in section_text(refused.text, "retention")
    removed = await send(
        browser,
        cid,
        "form-redact",
        {"field": "description", "remove": "my family", "reason": "Not needed for the case."},
    )
    assert removed.status_code == 303, removed.text
    page = (await case_page(browser, cid)).text
    assert "evicted [removed] without hearing us first" in section_text(page, "overview")


async def test_staff_see_no_head_forms(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    cid = await _file(client)
    await sign_in(browser, "bo", "ombudsperson_staff", name="Bo Lind")
    page = (await case_page(browser, cid)).text
    assert "Legal hold None." in section_text(page, "retention")
    assert 'id="form-hold"' not in page
    assert 'id="form-erasure"' in page
    assert 'id="form-upload"' in page


async def test_a_department_never_opens_the_case_page(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    cid = await _file(client)
    await sign_in(browser, "dept", "respondent", department="Housing")
    for path in (f"/console/cases/{cid}", f"/console/cases/{cid}/files/{cid}"):
        response = await browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/portal"


async def test_an_executed_erasure_removes_the_files_once_committed(
    app: Any, browser: httpx.AsyncClient, other: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    cid = await _file(client)
    await sign_in(browser, "ana", "ombudsperson", name="Ana Ortiz")
    sent = await send(
        browser, cid, "form-upload", files={"file": ("letter.txt", b"A letter.", "text/plain")}
    )
    assert sent.status_code == 303, sent.text
    page = (await case_page(browser, cid)).text
    link = re.search(rf'href="/console/cases/{cid}/files/([0-9a-f-]+)"', page)
    assert link is not None
    file_id = UUID(link.group(1))
    # An erasure waits for a finished case.
    withdrawn = await send(
        browser, cid, "form-transition-withdraw", {"reason": "The complainant withdrew by phone."}
    )
    assert withdrawn.status_code == 303, withdrawn.text
    recorded = await send(browser, cid, "form-erasure", {"channel": "phone"})
    assert recorded.status_code == 303, recorded.text

    await sign_in(other, "bea", "ombudsperson", name="Bea Berg")
    page = (await case_page(other, cid)).text
    found = re.search(r'id="form-erasure_decide-(\d+)"', page)
    assert found is not None
    erased = await send(
        other,
        cid,
        f"form-erasure_decide-{found.group(1)}",
        {"decision": "execute", "reason": "Your personal data was erased as you asked."},
    )
    assert erased.status_code == 303, erased.text
    page = (await case_page(other, cid)).text
    assert "State Erased" in section_text(page, "retention")
    assert "No files." in section_text(page, "files")
    storage = app.state.storage

    async def gone() -> bool:
        try:
            await storage.get(file_id)
        except FileNotFoundError:
            return True
        return False

    await eventually(gone, "the erased file removed from storage")
