"""A role x route matrix for the case-work routes, derived from the policy table: outside one's
reach is 404, within reach without the permission 403, otherwise the route does its work."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.kit.permissions import PERMISSIONS, STAFF_TRACKS, Role
from app.taxonomy import Track
from tests.conftest import role_headers, set_status

FINDINGS = {
    "outcome": "violation_found",
    "public_summary": "A breach was found.",
    "internal_reasoning": "The file shows no hearing.",
}

# (method, path under the complaint, body, state to arrange, permission, success status)
ROUTES: list[tuple[str, str, dict[str, Any] | None, str, str, int]] = [
    ("PUT", "/findings", FINDINGS, "under_investigation", "complaint.decide", 200),
    (
        "PUT",
        "/investigation",
        {"plan": "Ask for the file."},
        "under_investigation",
        "investigation.write",
        200,
    ),
    (
        "POST",
        "/recusals",
        {"reason": "A conflict of interest."},
        "acknowledged",
        "complaint.recuse",
        201,
    ),
    ("GET", "/recusals", None, "acknowledged", "complaint.exclude", 200),
    (
        "POST",
        "/mediation-attempts",
        {"result": "failed"},
        "mediation",
        "complaint.investigate",
        201,
    ),
    (
        "POST",
        "/remedies",
        {
            "form": "satisfaction",
            "department": "housing",
            "description": "A public apology.",
            "response_due_at": "2099-01-01T00:00:00+00:00",
        },
        "findings_issued",
        "complaint.decide",
        201,
    ),
    ("GET", "/messages", None, "acknowledged", "message.read", 200),
    ("GET", "/attachments", None, "acknowledged", "attachment.read", 200),
    ("GET", "/legal-hold", None, "closed", "retention.read", 200),
    (
        "PUT",
        "/legal-hold",
        {"reason": "An appeal is pending before the court."},
        "closed",
        "complaint.hold",
        200,
    ),
    ("POST", "/erasure-requests", {"channel": "written"}, "closed", "erasure.handle", 201),
    ("GET", "/erasure-requests", None, "closed", "erasure.handle", 200),
]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.complainant])
@pytest.mark.parametrize(("method", "path", "body", "state", "permission", "success"), ROUTES)
async def test_role_route_matrix(
    role: Role,
    method: str,
    path: str,
    body: Any,
    state: str,
    permission: str,
    success: int,
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
) -> None:
    filed = await file_complaint(headers=auth("resident", sub="owner"))
    if path == "/remedies":  # remedies follow findings of a violation
        set_status(db, filed["id"], "under_investigation")
        await client.put(
            f"/v1/complaints/{filed['id']}/findings",
            json=FINDINGS,
            headers=auth("ombudsperson_staff", sub="setup"),
        )
    set_status(db, filed["id"], state)
    headers = role_headers(auth, role)
    response = await client.request(
        method, f"/v1/complaints/{filed['id']}{path}", json=body, headers=headers
    )
    sees = Track.ombudsperson in STAFF_TRACKS.get(role, set()) or role is Role.resident
    if not sees:
        expected = 404
    elif permission not in PERMISSIONS[role]:
        expected = 403
    else:
        expected = success
    assert response.status_code == expected, (role, method, path, response.text)
    assert expected < 400 or response.headers["content-type"] == "application/problem+json"
