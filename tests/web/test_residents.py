"""The residents' pages over HTTP: filing, the receipt shown once, following a case, and what
keeps them safe (CSRF, the session cookie, no-store, the policy, no receipt in a URL or a log).

A browser's view (keyboard, axe, right-to-left, reflow) is in test_residents_browser.py; here the
pages are read as HTML documents (tests/web/page.py), with the expected values written by hand.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from http.cookies import SimpleCookie
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.web.session import COOKIE, seal, unseal
from tests.conftest import TokenFactory
from tests.web.page import Page

HTML = {"Accept": "text/html,application/xhtml+xml"}


def _client(app: Any) -> httpx.AsyncClient:
    # https: the session cookie is Secure outside development, as a browser would keep it.
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver", headers=HTML
    )


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(app) as c:
        yield c


def token_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the form carries no CSRF token"
    return found.group(1)


def filing(token: str, **overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf_token": token,
        "track": "ombudsperson",
        "summary": "Eviction without a hearing",
        "description": "The housing department evicted my family without hearing us.",
        "rights": ["adequate_housing"],
        "grounds": ["disability"],
        "remedy_sought": "Hear us before any decision.",
        "language": "fr",
        "respondent": "other",
        "respondent_other": "Housing Department",
        "incident_date_from": "2026-10-01",
        "incident_location": "Riverside estate",
        "contact_email": "ana@example.org",
        "contact_preferred_channel": "email",
        "char_sex_gender": "woman",
        "char_age_band": "prefer_not_to_say",
        "person_0_name": "Officer Brown",
        "person_0_role_in_report": "official concerned",
    }
    form.update(overrides)
    return form


async def file_through_form(browser: httpx.AsyncClient, **overrides: Any) -> dict[str, str]:
    """A filing through the form; the reference and receipt as the confirmation page shows."""
    token = token_of((await browser.get("/file")).text)
    response = await browser.post("/file", data=filing(token, **overrides))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/filed"
    page = Page.parse((await browser.get("/filed")).text)
    return {
        "reference": page.by_id("reference").text(),
        "receipt": page.by_id("receipt").text(),
    }


def count(db: Any) -> int:
    return int(db.execute("SELECT count(*) AS n FROM complaints").fetchone()["n"])


# --- The pages and their headers -------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/file", "/follow", "/privacy", "/accessibility", "/statistics"]
)
async def test_every_page_is_served_with_its_policy_and_loads_nothing_from_elsewhere(
    browser: httpx.AsyncClient, path: str
) -> None:
    response = await browser.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    assert "script-src" not in policy  # no script at all: default-src 'none' forbids it
    assert response.headers["referrer-policy"] == "no-referrer"
    if path in ("/", "/privacy", "/accessibility"):
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["vary"] == "Accept-Language, Cookie"
    elif path != "/statistics":
        assert response.headers["cache-control"] == "no-store"
    page = Page.parse(response.text)
    assert page.doctype.lower() == "doctype html"
    assert page.one("html").attrs["lang"] == "en"
    assert page.all("script") == []
    for element in page.root.iter():
        for attribute in ("src", "href", "action"):
            value = element.attrs.get(attribute)
            if value is not None:
                assert value.startswith(("/", "#")), f"{element.tag} {attribute}={value}"
    # One main landmark with one h1, and the skip link to it first.
    assert len(page.all("main")) == 1 and len(page.all("h1")) == 1
    assert page.all("a")[0].attrs == {"class": "skip-link", "href": "#main"}


async def test_the_start_page_says_filing_is_free_and_may_be_anonymous(
    browser: httpx.AsyncClient,
) -> None:
    page = Page.parse((await browser.get("/")).text)
    text = page.one("main").text()
    assert "Filing a complaint is free." in text
    assert "You may file without giving your name." in text
    assert "independent oversight body" in text
    links = page.links()
    assert links["/file?track=ombudsperson"] == "File a complaint about your rights"
    assert links["/file?track=anti_corruption"] == "Report corruption confidentially"


async def test_a_track_chosen_on_the_start_page_is_chosen_in_the_form(
    browser: httpx.AsyncClient,
) -> None:
    page = Page.parse((await browser.get("/file?track=anti_corruption")).text)
    assert "checked" in page.by_id("track-1").attrs
    assert "checked" not in page.by_id("track-0").attrs
    page = Page.parse((await browser.get("/file")).text)
    assert "checked" in page.by_id("track-0").attrs


# --- Languages -------------------------------------------------------------------------------


async def test_the_language_follows_accept_language_and_arabic_is_right_to_left(
    browser: httpx.AsyncClient,
) -> None:
    html = Page.parse((await browser.get("/", headers={"Accept-Language": "ar-MA, fr;q=0.5"})).text)
    assert (html.one("html").attrs["lang"], html.one("html").attrs["dir"]) == ("ar", "rtl")
    html = Page.parse((await browser.get("/", headers={"Accept-Language": "de, es;q=0.8"})).text)
    assert (html.one("html").attrs["lang"], html.one("html").attrs["dir"]) == ("es", "ltr")
    html = Page.parse((await browser.get("/", headers={"Accept-Language": "de"})).text)
    assert html.one("html").attrs["lang"] == "en"


async def test_a_chosen_language_persists_over_accept_language(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/language?set=fr&next=/file")
    assert response.status_code == 303
    assert response.headers["location"] == "/file"
    cookie = SimpleCookie(response.headers["set-cookie"])["lang"]
    assert cookie.value == "fr" and cookie["httponly"] and cookie["max-age"] == "31536000"
    page = Page.parse((await browser.get("/file", headers={"Accept-Language": "es"})).text)
    assert page.one("html").attrs["lang"] == "fr"
    assert page.one("h1").text() == "Déposer une plainte"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "\\\\evil"])
async def test_the_language_switch_never_sends_the_reader_elsewhere(
    browser: httpx.AsyncClient, target: str
) -> None:
    response = await browser.get("/language", params={"set": "es", "next": target})
    assert response.headers["location"] == "/"


# --- Filing ----------------------------------------------------------------------------------


async def test_filing_through_the_form_stores_what_the_api_would(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory, db: Any
) -> None:
    filed = await file_through_form(browser)
    assert re.fullmatch(r"HRC-\d{4}-\d{6}", filed["reference"])
    assert re.fullmatch(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", filed["receipt"])
    row = db.execute("SELECT id FROM complaints WHERE reference = %s", [filed["reference"]])
    cid = row.fetchone()["id"]
    staff = auth("ombudsperson_staff")
    case = (await client.get(f"/v1/complaints/{cid}", headers=staff)).json()
    assert case["summary"] == "Eviction without a hearing"
    assert case["rights_affected"] == ["adequate_housing"]
    assert case["discrimination_grounds"] == ["disability"]
    assert case["respondent"] == "Housing Department"
    assert case["incident"] == {
        "date_from": "2026-10-01",
        "date_to": None,
        "location": "Riverside estate",
    }
    assert case["language"] == "fr"
    assert case["anonymous"] is False
    assert case["contact"]["email"] == "ana@example.org"
    assert case["named_persons"] == [
        {"name": "Officer Brown", "role_in_report": "official concerned"}
    ]


async def test_the_receipt_is_shown_once_and_never_in_an_address(
    browser: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = token_of((await browser.get("/file")).text)
    response = await browser.post("/file", data=filing(token))
    assert response.headers["cache-control"] == "no-store"
    cookie = SimpleCookie(response.headers["set-cookie"])[COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "strict"
    assert cookie["path"] == "/"
    shown = await browser.get("/filed")
    assert shown.headers["cache-control"] == "no-store"
    receipt = Page.parse(shown.text).by_id("receipt").text()
    again = await browser.get("/filed")
    assert again.status_code == 303 and again.headers["location"] == "/case"
    assert receipt not in again.text
    # Not in the cookie in clear, not in a log line.
    assert receipt not in response.headers["set-cookie"]
    assert all(receipt not in record.getMessage() for record in caplog.records)


async def test_an_anonymous_filing_without_contact_is_anonymous(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory, db: Any
) -> None:
    overrides = {"contact_email": "", "contact_preferred_channel": "email", "person_0_name": ""}
    overrides["person_0_role_in_report"] = ""
    filed = await file_through_form(browser, **overrides)
    cid = db.execute("SELECT id FROM complaints WHERE reference = %s", [filed["reference"]])
    case = await client.get(
        f"/v1/complaints/{cid.fetchone()['id']}", headers=auth("ombudsperson_staff")
    )
    assert case.json()["anonymous"] is True
    assert case.json()["contact"] is None


async def test_i_dont_know_files_a_complaint_without_rights(
    browser: httpx.AsyncClient, db: Any
) -> None:
    filed = await file_through_form(browser, rights=["unknown"])
    row = db.execute(
        "SELECT rights_affected FROM complaints WHERE reference = %s", [filed["reference"]]
    ).fetchone()
    assert row["rights_affected"] == []


@pytest.mark.parametrize(
    ("rights", "says"),
    [
        ([], "Rights affected: Choose the rights you think are affected, or “I don't know”."),
        (["unknown", "health"], "Rights affected: Choose rights or “I don't know”, not both."),
    ],
)
async def test_rights_or_i_dont_know_one_or_the_other(
    browser: httpx.AsyncClient, db: Any, rights: list[str], says: str
) -> None:
    before = count(db)
    token = token_of((await browser.get("/file")).text)
    response = await browser.post("/file", data=filing(token, rights=rights))
    assert response.status_code == 422
    summary = Page.parse(response.text).by_id("error-summary-title").parent
    assert summary is not None
    assert [(a.attrs["href"], a.text()) for a in summary.iter("a")] == [("#rights-0", says)]
    assert count(db) == before


async def test_a_refused_form_says_what_is_wrong_by_field_and_keeps_the_input(
    browser: httpx.AsyncClient, db: Any
) -> None:
    before = count(db)
    token = token_of((await browser.get("/file")).text)
    form = filing(token, summary="No", description="", incident_date_from="2999-01-01")
    response = await browser.post("/file", data=form)
    assert response.status_code == 422
    assert response.headers["cache-control"] == "no-store"
    page = Page.parse(response.text)
    assert page.one("title").text().startswith("Error:")
    summary = page.by_id("error-summary-title").parent
    assert summary is not None and summary.attrs["tabindex"] == "-1"
    assert "autofocus" in summary.attrs  # the focus moves to the summary, without a script
    assert [(a.attrs["href"], a.text()) for a in summary.iter("a")] == [
        ("#summary", "In a sentence: Write at least 3 characters."),
        ("#description", "What happened: Fill this in."),
        ("#incident_date_from", "When it happened (from): The date cannot be in the future."),
    ]
    field = page.by_id("summary")
    assert field.attrs["aria-invalid"] == "true"
    assert field.attrs["aria-describedby"] == "summary-hint summary-error"
    assert page.by_id("summary-error").text() == "Error: Write at least 3 characters."
    assert field.attrs["value"] == "No"  # what was typed is kept
    assert page.by_id("remedy_sought").text() == "Hear us before any decision."
    assert "checked" in page.by_id("rights-16").attrs  # adequate_housing, the 17th right
    assert page.by_id("rights-16").attrs["value"] == "adequate_housing"
    assert count(db) == before


async def test_field_errors_are_in_the_readers_language(browser: httpx.AsyncClient) -> None:
    token = token_of((await browser.get("/file")).text)
    response = await browser.post(
        "/file", data=filing(token, summary="No"), headers={"Accept-Language": "fr"}
    )
    page = Page.parse(response.text)
    assert page.one("html").attrs["lang"] == "fr"
    assert page.by_id("summary-error").text() == "Erreur : Écrivez au moins 3 caractères."


async def test_a_form_without_its_token_files_nothing_and_keeps_the_input(
    browser: httpx.AsyncClient, db: Any
) -> None:
    before = count(db)
    await browser.get("/file")
    for token in ("", "forged-token"):
        response = await browser.post("/file", data=filing(token))
        assert response.status_code == 400
        page = Page.parse(response.text)
        summary = page.by_id("error-summary-title").parent
        assert summary is not None
        assert "was not sent" in summary.text()
        assert page.by_id("summary").attrs["value"] == "Eviction without a hearing"
    assert count(db) == before


async def test_a_token_from_another_session_is_refused(app: Any, db: Any) -> None:
    async with _client(app) as mine, _client(app) as theirs:
        token = token_of((await theirs.get("/file")).text)
        await mine.get("/file")
        response = await mine.post("/file", data=filing(token))
        assert response.status_code == 400
    assert count(db) == 0


async def test_files_go_with_the_complaint_or_nothing_is_filed(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory, db: Any
) -> None:
    token = token_of((await browser.get("/file")).text)
    before = count(db)
    # A file whose content is not what its type says: refused, and the complaint is not filed.
    bad = {"files": ("minutes.pdf", b"this is not a PDF", "application/pdf")}
    response = await browser.post("/file", data=filing(token), files=bad)
    assert response.status_code == 422
    page = Page.parse(response.text)
    assert page.by_id("files-error").text() == (
        "Error: minutes.pdf: This kind of file is not accepted, or the file is not what its "
        "name says."
    )
    assert count(db) == before
    good = {"files": ("notice.txt", b"Eviction notice of 2 October.", "text/plain")}
    response = await browser.post("/file", data=filing(token), files=good)
    assert response.status_code == 303
    assert count(db) == before + 1
    cid = db.execute("SELECT id FROM complaints ORDER BY received_at DESC LIMIT 1").fetchone()["id"]
    files = await client.get(
        f"/v1/complaints/{cid}/attachments", headers=auth("ombudsperson_staff")
    )
    assert [(f["filename"], f["size_bytes"]) for f in files.json()["attachments"]] == [
        ("notice.txt", 29)
    ]


# --- Following a case ------------------------------------------------------------------------


async def follow(browser: httpx.AsyncClient, filed: dict[str, str]) -> httpx.Response:
    token = token_of((await browser.get("/follow")).text)
    return await browser.post("/follow", data={"csrf_token": token, **filed})


async def test_a_wrong_receipt_opens_nothing_and_is_not_shown_again(app: Any) -> None:
    async with _client(app) as first:
        filed = await file_through_form(first)
    async with _client(app) as other:
        wrong = {"reference": filed["reference"], "receipt": "AAAA-BBBB-CCCC-DDDD"}
        response = await follow(other, wrong)
        assert response.status_code == 401
        page = Page.parse(response.text)
        assert page.by_id("reference").attrs["value"] == filed["reference"]
        assert page.by_id("receipt").attrs["value"] == ""
        assert "AAAA-BBBB" not in response.text
        assert (await other.get("/case")).headers["location"] == "/follow"


async def test_the_receipt_opens_the_case_in_a_new_session(app: Any, settings: Settings) -> None:
    async with _client(app) as first:
        filed = await file_through_form(first)
    async with _client(app) as other:
        await other.get("/follow")
        before = unseal(settings, other.cookies[COOKIE])
        response = await follow(other, filed)
        assert response.status_code == 303 and response.headers["location"] == "/case"
        after = unseal(settings, other.cookies[COOKIE])
        assert before is not None and after is not None
        assert after.csrf != before.csrf  # a session of its own after the login: no fixation
        case = await other.get("/case")
        assert case.status_code == 200 and case.headers["cache-control"] == "no-store"
        page = Page.parse(case.text)
        assert page.one("h1").text() == f"Your case {filed['reference']}"
        assert page.all("span")[0].text() == "Received" or "Received" in page.one("main").text()


async def test_the_case_page_follows_the_work_of_the_office(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory, db: Any
) -> None:
    filed = await file_through_form(browser)
    cid = str(
        db.execute(
            "SELECT id FROM complaints WHERE reference = %s", [filed["reference"]]
        ).fetchone()["id"]
    )
    page = Page.parse((await browser.get("/case")).text)
    status = page.by_id("main").iter("h2")[0].text()
    assert status == "Where it stands: Received"
    # The resident writes; staff answer through the API; the page shows both, in order.
    token = token_of((await browser.get("/case")).text)
    sent = await browser.post("/case/messages", data={"csrf_token": token, "body": "Any news?"})
    assert sent.status_code == 303 and sent.headers["location"] == "/case?done=message#messages"
    staff = auth("ombudsperson_staff")
    reply = await client.post(
        f"/v1/complaints/{cid}/messages", json={"body": "We are on it."}, headers=staff
    )
    assert reply.status_code == 201
    etag = (await client.get(f"/v1/complaints/{cid}", headers=staff)).headers["etag"]
    moved = await client.post(
        f"/v1/complaints/{cid}/transitions",
        json={"action": "acknowledge"},
        headers={**staff, "If-Match": etag},
    )
    assert moved.status_code == 200
    page = Page.parse((await browser.get("/case?done=message")).text)
    assert page.one("main").iter("p")[0].text() == "Your message was sent."
    thread = [
        li.text() for li in page.by_id("main").iter("li") if "message" in li.attrs.get("class", "")
    ]
    assert [re.sub(r" on \w+ \d+, \d{4} ", " | ", t) for t in thread] == [
        "You wrote | Any news?",
        "The office wrote | We are on it.",
    ]
    assert "Where it stands: Receipt confirmed" in page.one("main").text()
    timeline = [li.text() for li in page.all("ol")[-1].iter("li")]
    assert [re.sub(r"^\w+ \d+, \d{4} ", "", t) for t in timeline] == [
        "We confirmed receipt",
        "You filed the complaint",
    ]


async def test_withdrawing_asks_first_and_then_withdraws(
    browser: httpx.AsyncClient, db: Any
) -> None:
    filed = await file_through_form(browser)
    confirm = Page.parse((await browser.get("/case/withdraw")).text)
    assert confirm.one("h1").text() == "Withdraw your complaint?"
    token = token_of((await browser.get("/case/withdraw")).text)
    version = confirm.root.iter("input")[1].attrs["value"]
    response = await browser.post(
        "/case/withdraw", data={"csrf_token": token, "version": version, "reason": "Solved."}
    )
    assert response.status_code == 303
    row = db.execute(
        "SELECT status FROM complaints WHERE reference = %s", [filed["reference"]]
    ).fetchone()
    assert row["status"] == "withdrawn"
    page = Page.parse((await browser.get("/case")).text)
    assert "Where it stands: Withdrawn" in page.one("main").text()
    assert "/case/withdraw" not in page.links()
    # A finished case is not offered withdrawal again.
    assert (await browser.get("/case/withdraw")).headers["location"] == "/case"


async def test_a_stale_withdrawal_is_refused_with_the_case_shown(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser)
    token = token_of((await browser.get("/case")).text)
    response = await browser.post("/case/withdraw", data={"csrf_token": token, "version": "7"})
    assert response.status_code == 412
    assert "Where it stands: Received" in Page.parse(response.text).one("main").text()
    assert db.execute("SELECT status FROM complaints").fetchone()["status"] == "submitted"


async def test_export_and_erasure_from_the_case_page(browser: httpx.AsyncClient) -> None:
    filed = await file_through_form(browser)
    token = token_of((await browser.get("/case")).text)
    download = await browser.post("/case/export", data={"csrf_token": token})
    assert download.status_code == 200
    assert download.headers["content-disposition"] == (
        f'attachment; filename="{filed["reference"]}-my-data.json"'
    )
    assert download.json()["complaint"]["reference"] == filed["reference"]
    asked = await browser.post("/case/erasure", data={"csrf_token": token})
    assert asked.headers["location"] == "/case?done=erasure#your-data"
    text = Page.parse((await browser.get("/case")).text).one("main").text()
    assert "Your request to erase your data is being handled." in text
    again = await browser.post("/case/erasure", data={"csrf_token": token})
    assert again.status_code == 409  # one pending request at a time, as the API says


async def test_signing_out_closes_the_case(browser: httpx.AsyncClient) -> None:
    await file_through_form(browser)
    token = token_of((await browser.get("/case")).text)
    out = await browser.post("/logout", data={"csrf_token": token})
    assert out.headers["location"] == "/follow?notice=signed_out"
    assert (await browser.get("/case")).headers["location"] == "/follow"


async def test_an_expired_session_asks_to_sign_in_again(
    browser: httpx.AsyncClient, settings: Settings, db: Any
) -> None:
    await file_through_form(browser)
    session = unseal(settings, browser.cookies[COOKIE])
    assert session is not None and session.until is not None and session.since is not None
    assert (await browser.get("/case")).status_code == 200
    # Idle past OMBUDS_RECEIPT_TOKEN_TTL_SECONDS, or active but past OMBUDS_PAGE_SESSION_HOURS.
    idle = replace(session, until=time.time() - 1)
    hours = settings.page_session_hours * 3600
    too_long = replace(session, since=time.time() - hours - 1, until=time.time() + 600)
    for ended in (idle, too_long):
        browser.cookies.clear()
        browser.cookies.set(COOKIE, seal(settings, ended), "testserver.local")
        response = await browser.get("/case")
        assert response.headers["location"] == "/follow?notice=expired"
    browser.cookies.clear()
    browser.cookies.set(COOKIE, seal(settings, session.renewed(600)), "testserver.local")
    assert (await browser.get("/case")).status_code == 200
    page = Page.parse((await browser.get("/follow?notice=expired")).text)
    assert "you were signed out after a time without activity" in page.one("main").text()


async def test_a_message_on_a_finished_case_is_refused_in_words(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser)
    db.execute("UPDATE complaints SET status = 'closed'")
    token = token_of((await browser.get("/case")).text)
    response = await browser.post("/case/messages", data={"csrf_token": token, "body": "Hello?"})
    assert response.status_code == 409
    summary = Page.parse(response.text).by_id("error-summary-title").parent
    assert summary is not None and "no longer possible" in summary.text()


async def test_the_confidential_track_offers_a_retaliation_report(
    browser: httpx.AsyncClient, db: Any
) -> None:
    first = await file_through_form(browser, track="anti_corruption")
    page = Page.parse((await browser.get("/case")).text)
    assert page.links()["/case/retaliation"] == "Report retaliation for your report"
    token = token_of((await browser.get("/case/retaliation")).text)
    response = await browser.post(
        "/case/retaliation",
        data={
            "csrf_token": token,
            "description": "I was moved to another post after my report.",
            "rights": ["work"],
            "measures": ["legal_aid"],
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/filed"
    shown = Page.parse((await browser.get("/filed")).text)
    assert shown.by_id("reference").text() != first["reference"]
    row = db.execute(
        "SELECT priority, track FROM complaints WHERE reference = %s",
        [shown.by_id("reference").text()],
    ).fetchone()
    assert (row["priority"], row["track"]) == (True, "anti_corruption")


async def test_a_retaliation_report_takes_rights_or_i_dont_know(
    browser: httpx.AsyncClient, db: Any
) -> None:
    await file_through_form(browser, track="anti_corruption")
    token = token_of((await browser.get("/case/retaliation")).text)
    report = {"csrf_token": token, "description": "My contract was not renewed after it."}
    neither = await browser.post("/case/retaliation", data=report)
    assert neither.status_code == 422
    page = Page.parse(neither.text)
    assert page.by_id("rights-error").text() == (
        "Error: Choose the rights you think are affected, or “I don't know”."
    )
    fieldset = page.by_id("rights-0").ancestors()[2]
    assert fieldset.tag == "fieldset" and fieldset.attrs["aria-invalid"] == "true"
    assert count(db) == 1
    known = await browser.post("/case/retaliation", data={**report, "rights": ["unknown"]})
    assert known.status_code == 303
    reference = Page.parse((await browser.get("/filed")).text).by_id("reference").text()
    row = db.execute(
        "SELECT rights_affected FROM complaints WHERE reference = %s", [reference]
    ).fetchone()
    assert row["rights_affected"] == []


async def test_the_ombudsperson_track_offers_no_retaliation_report(
    browser: httpx.AsyncClient,
) -> None:
    await file_through_form(browser)
    assert "/case/retaliation" not in Page.parse((await browser.get("/case")).text).links()
    assert (await browser.get("/case/retaliation")).headers["location"] == "/case"


# --- Refusals a person reads ---------------------------------------------------------------


async def test_an_unknown_page_is_a_page_for_people_and_a_problem_for_programs(
    browser: httpx.AsyncClient,
) -> None:
    page = await browser.get("/no-such-page", headers={"Accept-Language": "es"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert Page.parse(page.text).one("html").attrs["lang"] == "es"
    program = await browser.get("/no-such-page", headers={"Accept": "application/json"})
    assert program.headers["content-type"] == "application/problem+json"
    api = await browser.get("/v1/no-such-route")
    assert api.headers["content-type"] == "application/problem+json"


async def test_a_body_too_large_is_a_page_in_words(browser: httpx.AsyncClient) -> None:
    token = token_of((await browser.get("/file")).text)
    response = await browser.post(
        "/file", data=filing(token, description="x" * 300_000), headers=HTML
    )
    assert response.status_code == 413
    page = Page.parse(response.text)
    assert page.one("h1").text() == "What you sent is too large"


async def test_too_many_filings_from_one_address_is_a_page_in_words(
    settings: Settings, db: Any
) -> None:
    braked = create_app(settings.model_copy(update={"rate_limit_intake_per_minute": 1}))
    async with braked.router.lifespan_context(braked), _client(braked) as browser:
        await file_through_form(browser)
        token = token_of((await browser.get("/file")).text)
        response = await browser.post("/file", data=filing(token))
        assert response.status_code == 429
        assert response.headers["retry-after"].isdigit()
        assert Page.parse(response.text).one("h1").text() == "Too many attempts"
    assert count(db) == 1


async def test_minutes_are_approved_or_corrected_from_the_case_page(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, auth: TokenFactory, db: Any
) -> None:
    await file_through_form(browser, track="anti_corruption")
    cid = str(db.execute("SELECT id FROM complaints").fetchone()["id"])
    officer = auth("oversight_officer")
    ids = []
    for transcript in ("The reporter describes the tender.", "The reporter names a witness."):
        made = await client.post(
            f"/v1/complaints/{cid}/records",
            json={"kind": "meeting", "held_at": "2026-11-02T10:00:00Z", "transcript": transcript},
            headers=officer,
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    page = Page.parse((await browser.get("/case")).text)
    assert page.by_id(f"record-{ids[0]}").text() == "Minutes of November 2, 2026"
    token = token_of((await browser.get("/case")).text)
    # Corrections without saying what: refused on that record's own field.
    refused = await browser.post(
        f"/case/records/{ids[1]}", data={"csrf_token": token, "answer": "correct"}
    )
    assert refused.status_code == 422
    page = Page.parse(refused.text)
    assert page.by_id(f"corrections-{ids[1]}").attrs["aria-invalid"] == "true"
    assert "aria-invalid" not in page.by_id(f"corrections-{ids[0]}").attrs
    approved = await browser.post(
        f"/case/records/{ids[0]}", data={"csrf_token": token, "answer": "approve"}
    )
    assert approved.headers["location"] == "/case?done=record#records"
    corrected = await browser.post(
        f"/case/records/{ids[1]}",
        data={"csrf_token": token, "answer": "correct", "corrections": "The witness is Ms Diaz."},
    )
    assert corrected.status_code == 303
    seen = (await client.get(f"/v1/complaints/{cid}/records", headers=officer)).json()["records"]
    assert [(r["status"], r["reporter_comment"]) for r in seen] == [
        ("approved", None),
        ("corrected", "The witness is Ms Diaz."),
    ]
    text = Page.parse((await browser.get("/case")).text).one("main").text()
    assert "You approved these minutes." in text
    assert "You asked for corrections: The witness is Ms Diaz." in text


# Every page, and who may open it: everyone, or the holder of a case's receipt (the page then
# acts through the /v1 route's own gate: tests/kit/test_route_matrix.py covers those).
PAGES: dict[tuple[str, str], str] = {
    ("GET", "/"): "public",
    ("GET", "/file"): "public",
    ("POST", "/file"): "public",
    ("GET", "/filed"): "public",
    ("GET", "/follow"): "public",
    ("POST", "/follow"): "public",
    ("POST", "/logout"): "public",
    ("GET", "/language"): "public",
    ("GET", "/privacy"): "public",
    ("GET", "/accessibility"): "public",
    ("GET", "/statistics"): "public",
    ("GET", "/statistics/releases/{release_id}"): "public",
    ("GET", "/unsubscribe/{token}"): "public",
    ("POST", "/unsubscribe/{token}"): "public",
    ("GET", "/case"): "receipt",
    ("POST", "/case/messages"): "receipt",
    ("POST", "/case/records/{record_id}"): "receipt",
    ("GET", "/case/withdraw"): "receipt",
    ("POST", "/case/withdraw"): "receipt",
    ("POST", "/case/export"): "receipt",
    ("POST", "/case/erasure"): "receipt",
    ("POST", "/case/emails"): "receipt",
    ("GET", "/case/retaliation"): "receipt",
    ("POST", "/case/retaliation"): "receipt",
}


def test_every_page_is_in_the_table(app: Any) -> None:
    from fastapi.routing import APIRoute

    def walk(routes: Any) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for route in routes:
            if isinstance(route, APIRoute) and not route.include_in_schema:
                # The console's pages have their table (tests/web/test_console.py).
                if not route.path.startswith(("/docs", "/v1/", "/metrics", "/console", "/portal")):
                    found |= {(m, route.path) for m in route.methods or ()}
            elif hasattr(route, "original_router"):
                found |= walk(route.original_router.routes)
        return found

    assert walk(app.routes) == set(PAGES)


@pytest.mark.parametrize(
    ("method", "path"), [key for key, who in PAGES.items() if who == "receipt"]
)
async def test_a_case_page_without_a_receipt_login_opens_nothing(
    browser: httpx.AsyncClient, db: Any, method: str, path: str
) -> None:
    await browser.get("/file")  # a session, with its form token, but no case
    token = token_of((await browser.get("/file")).text)
    data = {"csrf_token": token, "body": "Hello", "answer": "approve", "version": "1"}
    target = path.replace("{record_id}", "1")
    response = await browser.request(method, target, data=data if method == "POST" else None)
    if path == "/case/messages":
        # What was written is kept on the sign-in page (see the test of a session ending).
        assert response.status_code == 401
        assert Page.parse(response.text).by_id("draft").text() == "Hello"
    else:
        assert response.status_code == 303
        assert response.headers["location"] == "/follow"
    assert count(db) == 0
    assert db.execute("SELECT count(*) AS n FROM messages").fetchone()["n"] == 0


async def test_a_message_typed_while_the_session_ended_is_kept(
    browser: httpx.AsyncClient, settings: Settings, db: Any
) -> None:
    filed = await file_through_form(browser)
    token = token_of((await browser.get("/case")).text)
    # The login runs out while the resident writes (the form token is still the session's).
    session = unseal(settings, browser.cookies[COOKIE])
    assert session is not None
    browser.cookies.clear()
    stale = replace(session, until=time.time() - 1)
    browser.cookies.set(COOKIE, seal(settings, stale), "testserver.local")
    written = "A long account of what happened at the second meeting."
    response = await browser.post("/case/messages", data={"csrf_token": token, "body": written})
    assert response.status_code == 401
    page = Page.parse(response.text)
    assert page.by_id("draft").text() == written
    assert "it is kept below" in page.one("main").text()
    # Signing in again puts it back in the message box; nothing is sent until the resident sends.
    again = await browser.post(
        "/follow", data={"csrf_token": token_of(response.text), **filed, "draft": written}
    )
    assert again.status_code == 200
    page = Page.parse(again.text)
    assert page.by_id("body").text() == written
    assert "Your message was kept: check it below and send it." in page.one("main").text()
    assert db.execute("SELECT count(*) AS n FROM messages").fetchone()["n"] == 0
    sent = await browser.post(
        "/case/messages", data={"csrf_token": token_of(again.text), "body": written}
    )
    assert sent.status_code == 303
    assert db.execute("SELECT count(*) AS n FROM messages").fetchone()["n"] == 1


async def test_an_empty_message_is_asked_for_in_words(browser: httpx.AsyncClient, db: Any) -> None:
    await file_through_form(browser)
    token = token_of((await browser.get("/case")).text)
    response = await browser.post("/case/messages", data={"csrf_token": token, "body": "  "})
    assert response.status_code == 422
    page = Page.parse(response.text)
    summary = page.by_id("error-summary-title").parent
    assert summary is not None
    assert [(a.attrs["href"], a.text()) for a in summary.iter("a")] == [
        ("#body", "Your message: Fill this in.")
    ]
    assert db.execute("SELECT count(*) AS n FROM messages").fetchone()["n"] == 0


async def test_the_form_names_the_file_types_by_their_extensions(
    browser: httpx.AsyncClient,
) -> None:
    hint = Page.parse((await browser.get("/file")).text).by_id("files-hint").text()
    assert hint.startswith(
        "Up to 3 files of up to 256 kB each "
        "(.docx, .jpeg, .jpg, .mp3, .odt, .oga, .ogg, .opus, .pdf, .png, .txt, .webp)."
    )


async def test_the_pages_act_with_the_principal_a_receipt_token_carries(
    browser: httpx.AsyncClient, client: httpx.AsyncClient, app: Any, settings: Settings
) -> None:
    filed = await file_through_form(browser)
    session = unseal(settings, browser.cookies[COOKIE])
    assert session is not None
    login = await client.post("/v1/auth/receipt", json=filed)
    from_token = await app.state.verifier.verify(login.json()["access_token"])
    assert session.login(settings) == from_token
    assert from_token.subject == f"receipt:{filed['reference']}"
