"""Attacks across the API: someone else's case, writable-looking fields, leaks in errors and
logs, and the security headers."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.conftest import set_status

SUBRESOURCES = [
    "",
    "/timeline",
    "/messages",
    "/attachments",
    "/findings",
    "/remedies",
    "/hearings",
    "/mediation-attempts",
    "/records",
    "/protection-measures",
]


async def test_another_complainant_reaches_nothing_of_a_case(
    client: httpx.AsyncClient, file_complaint: Any, receipt_headers: Any, auth: Any
) -> None:
    victim = await file_complaint(contact={"name": "Amina", "email": "amina@example.org"})
    staff = auth("ombudsperson_staff")
    await client.post(
        f"/v1/complaints/{victim['id']}/messages", json={"body": "Hello."}, headers=staff
    )
    mallory = await receipt_headers(await file_complaint())
    for path in SUBRESOURCES:
        response = await client.get(f"/v1/complaints/{victim['id']}{path}", headers=mallory)
        assert response.status_code == 404, path
        assert victim["reference"] not in response.text and "Amina" not in response.text
    writes = [
        ("/messages", {"body": "Hi"}),
        ("/retaliation", {"description": "x" * 20, "rights_affected": ["work"]}),
        ("/transitions", {"action": "withdraw"}),
    ]
    for path, body in writes:
        response = await client.post(
            f"/v1/complaints/{victim['id']}{path}",
            json=body,
            headers={**mallory, "If-Match": '"v1"'},
        )
        assert response.status_code == 404, path
    # A random id answers exactly like an existing one out of reach.
    unknown = await client.get(
        "/v1/complaints/01a212c5-f091-7c3f-9609-d143ddcc031d", headers=mallory
    )
    mine = await client.get(f"/v1/complaints/{victim['id']}", headers=mallory)
    assert unknown.json()["detail"] == mine.json()["detail"]


@pytest.mark.parametrize(
    "field",
    [
        "status",
        "track",
        "handler_subject",
        "reference",
        "id",
        "version",
        "receipt_hash",
        "complainant_subject",
    ],
)
async def test_writable_looking_fields_are_refused(
    field: str, client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "under_investigation")
    staff = auth("ombudsperson_staff")
    attempts = [
        ("POST", "/messages", {"body": "Hello.", field: "x"}),
        ("POST", "/transitions", {"action": "give_feedback", "reason": "r", field: "x"}),
        ("PUT", "/investigation", {"plan": "A plan long enough.", field: "x"}),
        (
            "POST",
            "/hearings",
            {
                "scheduled_at": "2099-01-01T10:00:00+00:00",
                "mode": "online",
                "online_url": "https://meet.example.org/x",
                "participants": [{"role": "complainant"}],
                field: "x",
            },
        ),
    ]
    for method, path, body in attempts:
        response = await client.request(
            method,
            f"/v1/complaints/{filed['id']}{path}",
            json=body,
            headers={**staff, "If-Match": '"v1"'},
        )
        assert response.status_code == 422, (path, response.text)
        assert f"body.{field}" in {e["field"] for e in response.json()["errors"]}
    row = db.execute("SELECT status, version FROM complaints").fetchone()
    assert row == {"status": "under_investigation", "version": 1}


async def test_security_headers_on_every_kind_of_answer(
    client: httpx.AsyncClient, auth: Any
) -> None:
    answers = [
        await client.get("/healthz"),
        await client.get("/v1/complaints"),
        await client.post("/v1/complaints", json={}),
        await client.get("/v1/complaints", headers=auth("ombudsperson_staff")),
    ]
    for response in answers:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "server" not in response.headers or "uvicorn" not in response.headers["server"]


async def test_no_personal_data_in_error_bodies_or_logs(
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_email = "amina.private@example.org"
    filed = await file_complaint(contact={"name": "Amina Private", "email": secret_email})
    bad = await client.post(
        "/v1/complaints", json={"summary": "x", "contact": {"email": "not-an-email-amina.private"}}
    )
    assert bad.status_code == 422 and "amina.private" not in bad.text
    # A seal that does not open is an unexpected error: logged with frames, not with data.
    db.execute("UPDATE complainant_contacts SET sealed = decode(repeat('00', 40), 'hex')")
    broken = await client.get(f"/v1/complaints/{filed['id']}", headers=auth("ombudsperson_staff"))
    assert broken.status_code == 500
    for text in (broken.text, caplog.text):
        assert secret_email not in text and "Amina Private" not in text
    assert "SELECT" not in broken.text.upper() and "Traceback" not in broken.text
