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
    ("body", "field", "detail"),
    [
        (
            {"field": "description", "remove": "not in the text", "reason": "Irrelevant."},
            "body.remove",
            "The text to remove does not occur in description.",
        ),
        (
            {"field": "reference", "remove": "HRC", "reason": "Irrelevant."},
            "body.field",
            "Invalid fields: body.field.",
        ),
        # The complaint names no place: there is nothing to remove, not even initials.
        (
            {"field": "incident_location", "remove": "XX", "reason": "Irrelevant."},
            "body.remove",
            "The text to remove does not occur in incident_location.",
        ),
    ],
)
async def test_bad_redactions_are_422(
    body: dict[str, Any],
    field: str,
    detail: str,
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
) -> None:
    filed = await file_complaint(incident={"date_from": "2026-10-01"})  # no place named
    response = await client.post(
        f"/v1/complaints/{filed['id']}/redactions", json=body, headers=auth("ombudsperson_staff")
    )
    problem = refused(response, 422, "validation-error", field=field)
    assert problem["detail"] == detail
    if field == "body.remove":
        assert problem["errors"] == [
            {"field": "body.remove", "message": "not found in the field", "type": "value_error"}
        ]
    assert db.execute("SELECT version FROM complaints").fetchone()["version"] == 1
    assert db.execute("SELECT count(*) AS n FROM redactions").fetchone()["n"] == 0
