"""Investigations, their steps, and the information requests a department answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import refused, set_status

DUE = (datetime.now(UTC) + timedelta(days=14)).isoformat()


def _inv(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/investigation"


async def _investigating(file_complaint: Any, db: Any, **overrides: Any) -> dict[str, Any]:
    filed = await file_complaint(
        contact={"name": "Amina", "email": "amina@example.org"}, **overrides
    )
    set_status(db, filed["id"], "under_investigation")
    return filed


async def test_plan_steps_and_a_department_answer(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await _investigating(file_complaint, db)
    staff = auth("ombudsperson_staff", sub="inv-1")
    no_plan = await client.post(
        f"{_inv(filed['id'])}/steps",
        json={"kind": "interview", "summary": "Met the complainant."},
        headers=staff,
    )
    refused(no_plan, 409, "conflict", says="plan first")
    plan = await client.put(
        _inv(filed["id"]),
        json={"plan": "Ask housing for the eviction file; interview both."},
        headers=staff,
    )
    assert plan.status_code == 200, plan.text
    assert plan.json()["opened_by"] == "inv-1" and plan.json()["steps"] == []
    asked = await client.post(
        f"{_inv(filed['id'])}/steps",
        headers=staff,
        json={
            "kind": "information_request",
            "summary": "Send the eviction file of flat 3C.",
            "details": "The complainant says no hearing was held.",
            "department": "housing",
            "due_at": DUE,
        },
    )
    assert asked.status_code == 201, asked.text
    assert asked.headers["location"] == _inv(filed["id"])
    step = asked.json()["steps"][0]
    assert step["department"] == "housing" and step["overdue"] is False

    housing = auth("respondent", sub="clerk-1", department="housing")
    inbox = await client.get("/v1/information-requests", headers=housing)
    assert inbox.status_code == 200
    [item] = inbox.json()["items"]
    assert item["question"] == "Send the eviction file of flat 3C."
    assert item["complaint_reference"] == filed["reference"]
    assert "Amina" not in inbox.text and "amina@" not in inbox.text
    assert "no hearing" not in inbox.text  # internal details stay internal
    answered = await client.post(
        f"/v1/information-requests/{step['id']}/answer",
        json={"answer": "File attached; the hearing was skipped."},
        headers=housing,
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["answered_at"] is not None
    again = await client.post(
        f"/v1/information-requests/{step['id']}/answer",
        json={"answer": "Second try."},
        headers=housing,
    )
    refused(again, 409, "conflict", says="answered already")
    seen = (await client.get(_inv(filed["id"]), headers=staff)).json()["steps"][0]
    assert seen["answer"] == "File attached; the hearing was skipped."
    assert seen["answered_by"] == "clerk-1"
    open_only = await client.get(
        "/v1/information-requests", params={"open_only": "true"}, headers=housing
    )
    assert open_only.json()["items"] == []


async def test_other_departments_and_roles_see_nothing(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any, receipt_headers: Any
) -> None:
    filed = await _investigating(file_complaint, db)
    staff = auth("ombudsperson_staff")
    await client.put(_inv(filed["id"]), json={"plan": "Ask housing for the file."}, headers=staff)
    step = (
        await client.post(
            f"{_inv(filed['id'])}/steps",
            headers=staff,
            json={
                "kind": "information_request",
                "summary": "Send the file.",
                "department": "housing",
                "due_at": DUE,
            },
        )
    ).json()["steps"][0]
    parks = auth("respondent", department="parks")
    assert (await client.get("/v1/information-requests", headers=parks)).json()["items"] == []
    assert (
        await client.get(f"/v1/information-requests/{step['id']}", headers=parks)
    ).status_code == 404
    assert (
        await client.post(
            f"/v1/information-requests/{step['id']}/answer",
            json={"answer": "Not ours."},
            headers=parks,
        )
    ).status_code == 404
    assert (await client.get("/v1/information-requests", headers=staff)).status_code == 403
    complainant = await receipt_headers(filed)
    assert (await client.get(_inv(filed["id"]), headers=complainant)).status_code == 403
    for role in ("monitor", "admin", "oversight_officer"):
        assert (await client.get(_inv(filed["id"]), headers=auth(role))).status_code == 404
    assert (
        await client.get(_inv(filed["id"]), headers=auth("respondent", department="housing"))
    ).status_code == 404


async def test_anti_corruption_requests_withhold_the_reference(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await _investigating(file_complaint, db, track="anti_corruption")
    officer = auth("oversight_officer")
    await client.put(
        _inv(filed["id"]), json={"plan": "Check the procurement file."}, headers=officer
    )
    await client.post(
        f"{_inv(filed['id'])}/steps",
        headers=officer,
        json={
            "kind": "information_request",
            "summary": "Send tender 2026/14.",
            "department": "procurement",
            "due_at": DUE,
        },
    )
    inbox = await client.get(
        "/v1/information-requests", headers=auth("respondent", department="procurement")
    )
    [item] = inbox.json()["items"]
    assert item["complaint_reference"] is None
    assert filed["reference"] not in inbox.text


async def test_investigation_only_while_open(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    for state in ("under_assessment", "closed"):
        set_status(db, filed["id"], state)
        response = await client.put(
            _inv(filed["id"]), json={"plan": "A plan long enough."}, headers=staff
        )
        refused(response, 409, "conflict", says="No investigation is open")
    assert (await client.get(_inv(filed["id"]), headers=staff)).status_code == 404


@pytest.mark.parametrize(
    "step",
    [
        {"kind": "information_request", "summary": "No department.", "due_at": DUE},
        {"kind": "information_request", "summary": "No due date.", "department": "housing"},
        {
            "kind": "information_request",
            "summary": "Due yesterday.",
            "department": "housing",
            "due_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        },
        {"kind": "interview", "summary": "Has a department.", "department": "housing"},
        {
            "kind": "site_visit",
            "summary": "Tomorrow.",
            "occurred_on": (datetime.now(UTC) + timedelta(days=2)).date().isoformat(),
        },
        {"kind": "rumour", "summary": "Unknown kind."},
        {"kind": "evidence", "summary": "x"},
    ],
)
async def test_bad_steps_are_422(
    step: dict[str, Any], client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await _investigating(file_complaint, db)
    staff = auth("ombudsperson_staff")
    await client.put(_inv(filed["id"]), json={"plan": "A plan long enough."}, headers=staff)
    response = await client.post(f"{_inv(filed['id'])}/steps", json=step, headers=staff)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert db.execute("SELECT count(*) AS n FROM investigation_steps").fetchone()["n"] == 0


async def test_overdue_requests(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await _investigating(file_complaint, db)
    staff = auth("ombudsperson_staff")
    await client.put(_inv(filed["id"]), json={"plan": "A plan long enough."}, headers=staff)
    await client.post(
        f"{_inv(filed['id'])}/steps",
        headers=staff,
        json={
            "kind": "information_request",
            "summary": "Send it.",
            "department": "housing",
            "due_at": DUE,
        },
    )
    db.execute("UPDATE investigation_steps SET due_at = now() - interval '1 day'")
    inbox = await client.get(
        "/v1/information-requests", headers=auth("respondent", department="housing")
    )
    assert inbox.json()["items"][0]["overdue"] is True
    assert (await client.get(_inv(filed["id"]), headers=staff)).json()["steps"][0]["overdue"]


async def test_a_step_without_a_due_date_is_never_overdue(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    """An interview has no due date; the investigation lists it as not overdue (it was once a
    500: the overdue flag came back NULL)."""
    filed = await _investigating(file_complaint, db)
    staff = auth("ombudsperson_staff")
    plan = await client.put(_inv(filed["id"]), json={"plan": "Hear both sides."}, headers=staff)
    assert plan.status_code == 200, plan.text
    step = await client.post(
        f"{_inv(filed['id'])}/steps",
        json={"kind": "interview", "summary": "Heard the neighbour."},
        headers=staff,
    )
    assert step.status_code == 201, step.text
    [interview] = step.json()["steps"]
    assert (interview["kind"], interview["due_at"], interview["overdue"]) == (
        "interview",
        None,
        False,
    )
    read = await client.get(_inv(filed["id"]), headers=staff)
    assert read.status_code == 200
    assert read.json()["steps"][0]["overdue"] is False
