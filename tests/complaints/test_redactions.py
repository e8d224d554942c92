"""Removing personal data found manifestly irrelevant, with the removal on record (art. 17)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import refused

NEIGHBOUR = "my neighbour Jana Novak (born 1971) who has HIV"


async def test_irrelevant_data_is_removed_and_recorded(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint(
        description=f"The official took a bribe; {NEIGHBOUR} saw it. Ask {NEIGHBOUR}."
    )
    staff = auth("ombudsperson_staff", sub="redactor")
    response = await client.post(
        f"/v1/complaints/{filed['id']}/redactions",
        headers=staff,
        json={
            "field": "description",
            "remove": NEIGHBOUR,
            "reason": "Health data of a third party, irrelevant to the report.",
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["occurrences"] == 2 and response.headers["etag"] == '"v2"'
    description = db.execute("SELECT description FROM complaints").fetchone()["description"]
    assert description == "The official took a bribe; [removed] saw it. Ask [removed]."
    record = db.execute("SELECT * FROM redactions").fetchone()
    assert record["field"] == "description" and record["redacted_by"] == "redactor"
    assert "Jana" not in str(record) and "HIV" not in str(record)
    audit = db.execute("SELECT action FROM audit_entries WHERE action = 'complaint.redact'")
    assert len(audit.fetchall()) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"field": "description", "remove": "not in the text", "reason": "Irrelevant."},
        {"field": "reference", "remove": "HRC", "reason": "Irrelevant."},
        {"field": "incident_location", "remove": "Elsewhere", "reason": "Irrelevant."},
    ],
)
async def test_bad_redactions_are_422(
    body: dict[str, Any], client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    response = await client.post(
        f"/v1/complaints/{filed['id']}/redactions", json=body, headers=auth("ombudsperson_staff")
    )
    problem = refused(response, 422, "validation-error")
    assert problem["errors"][0]["field"] in {"body.field", "body.remove"}
    assert db.execute("SELECT version FROM complaints").fetchone()["version"] == 1
