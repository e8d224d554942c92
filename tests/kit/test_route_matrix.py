"""Every route x every role: who may call it, who gets 403, who gets 404.

The permission each route needs is read from the route itself (the gate it declares with
`allow` / `allow_on_case`), so a new route is in this matrix the moment it exists; the test
fails if a route of openapi/openapi.json has no request below, or declares no permission and is
not listed as public.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from app.kit.access import Gate
from app.kit.permissions import PERMISSIONS, STAFF_TRACKS, Permission, Role
from app.main import create_app
from app.taxonomy import Track
from tests.conftest import complaint_body, role_headers

OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
NO_ID = "999999"
NO_UUID = "00000000-0000-7000-8000-000000000000"
LATER = "2099-01-01T00:00:00+00:00"

# Routes anyone may call, with or without a token.
PUBLIC = {
    ("POST", "/v1/complaints"),
    ("POST", "/v1/auth/receipt"),
    ("GET", "/v1/taxonomy"),
    ("GET", "/v1/workflow"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
}

C = "/v1/complaints/{complaint_id}"
# A request each route would accept from someone allowed to make it (children that do not
# exist are fine: the permission is decided before they are looked up).
REQUESTS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/v1/audit/entries"): {},
    ("GET", "/v1/audit/verification"): {},
    ("GET", "/v1/complaints"): {},
    ("GET", C): {},
    ("GET", f"{C}/attachments"): {},
    ("POST", f"{C}/attachments"): {
        "params": {"filename": "note.txt"},
        "content": b"A note.",
        "headers": {"content-type": "text/plain"},
    },
    ("GET", f"{C}/attachments/{{attachment_id}}"): {},
    ("GET", f"{C}/erasure-requests"): {},
    ("POST", f"{C}/erasure-requests"): {"json": {"channel": "written"}},
    ("POST", f"{C}/erasure-requests/{{request_id}}/decision"): {
        "json": {"decision": "execute", "reason": "Asked for in writing by the person."}
    },
    ("GET", f"{C}/export"): {},
    ("GET", f"{C}/findings"): {},
    ("PUT", f"{C}/findings"): {
        "json": {
            "outcome": "violation_found",
            "public_summary": "A breach was found.",
            "internal_reasoning": "The file shows no hearing.",
        }
    },
    ("POST", f"{C}/findings/communication"): {"json": {"channel": "email"}},
    ("PUT", f"{C}/handler"): {"json": {"handler": "hana"}, "headers": {"if-match": "*"}},
    ("GET", f"{C}/hearings"): {},
    ("POST", f"{C}/hearings"): {
        "json": {
            "scheduled_at": LATER,
            "mode": "online",
            "online_url": "https://meet.example.org/room",
            "participants": [{"role": "complainant"}],
        }
    },
    ("POST", f"{C}/hearings/{{hearing_id}}/cancel"): {"json": {"reason": "Ill."}},
    ("POST", f"{C}/hearings/{{hearing_id}}/record"): {
        "json": {"minutes": "Both sides were heard.", "outcome": "Heard."}
    },
    ("POST", f"{C}/hearings/{{hearing_id}}/reschedule"): {
        "json": {"scheduled_at": LATER, "reason": "Ill."}
    },
    ("GET", f"{C}/identity-requests"): {},
    ("POST", f"{C}/identity-requests"): {
        "json": {
            "motivation": "The witness statement cannot be checked otherwise.",
            "legal_basis": "Court order 12/2026",
        }
    },
    ("POST", f"{C}/identity-requests/{{request_id}}/decision"): {
        "json": {"decision": "refused", "reason": "Not necessary."}
    },
    ("GET", f"{C}/identity-requests/{{request_id}}/identity"): {},
    ("GET", f"{C}/investigation"): {},
    ("PUT", f"{C}/investigation"): {"json": {"plan": "Ask the department for the file."}},
    ("POST", f"{C}/investigation/steps"): {
        "json": {"kind": "interview", "summary": "Heard the neighbour."}
    },
    ("GET", f"{C}/legal-hold"): {},
    ("PUT", f"{C}/legal-hold"): {"json": {"reason": "An appeal is pending before the court."}},
    ("POST", f"{C}/legal-hold/release"): {"json": {"reason": "The appeal was decided."}},
    ("GET", f"{C}/mediation-attempts"): {},
    ("POST", f"{C}/mediation-attempts"): {"json": {"result": "failed"}},
    ("GET", f"{C}/messages"): {},
    ("POST", f"{C}/messages"): {"json": {"body": "Any news?"}},
    ("GET", f"{C}/messages/{{message_id}}"): {},
    ("GET", f"{C}/protection-measures"): {},
    ("POST", f"{C}/protection-measures"): {"json": {"measure": "legal_aid"}},
    ("POST", f"{C}/protection-measures/{{measure_id}}/decision"): {
        "json": {"decision": "granted", "note": "Legal aid arranged."}
    },
    ("GET", f"{C}/records"): {},
    ("POST", f"{C}/records"): {
        "json": {
            "kind": "meeting",
            "held_at": "2026-01-05T10:00:00+00:00",
            "transcript": "We met and talked.",
        }
    },
    ("POST", f"{C}/records/{{record_id}}/response"): {"json": {"approve": True}},
    ("GET", f"{C}/recusals"): {},
    ("POST", f"{C}/recusals"): {"json": {"reason": "My neighbour filed it."}},
    ("POST", f"{C}/redactions"): {
        "json": {"field": "description", "remove": "my family", "reason": "Not relevant."}
    },
    ("GET", f"{C}/remedies"): {},
    ("POST", f"{C}/remedies"): {
        "json": {
            "form": "satisfaction",
            "department": "housing",
            "description": "A public apology.",
            "response_due_at": LATER,
        }
    },
    ("POST", f"{C}/remedies/{{remedy_id}}/assessment"): {"json": {"assessment": "implemented"}},
    ("POST", f"{C}/retaliation"): {
        "json": {"description": "I was moved to another post.", "rights_affected": ["work"]}
    },
    ("GET", f"{C}/timeline"): {},
    ("POST", f"{C}/transitions"): {
        "json": {"action": "withdraw"},
        "headers": {"if-match": "*"},
    },
    ("GET", "/v1/deadlines"): {},
    ("GET", "/v1/indicators"): {},
    ("GET", "/v1/information-requests"): {},
    ("GET", "/v1/information-requests/{request_id}"): {},
    ("POST", "/v1/information-requests/{request_id}/answer"): {"json": {"answer": "Here."}},
    ("POST", "/v1/inquiries"): {
        "json": {
            "track": "<the role's track>",
            "summary": "Evictions in winter",
            "description": "Several evictions happened during the cold months.",
            "purpose": "Find out whether the rules were followed.",
            "rights_affected": ["adequate_housing"],
        }
    },
    ("GET", "/v1/me/export"): {},
    ("GET", "/v1/remedies"): {},
    ("GET", "/v1/remedies/{remedy_id}"): {},
    ("POST", "/v1/remedies/{remedy_id}/reports"): {
        "json": {"kind": "progress", "text": "Work has begun."}
    },
    ("POST", "/v1/remedies/{remedy_id}/response"): {"json": {"response": "accepted"}},
    ("GET", "/v1/reports/annual/{year}"): {},
    ("GET", "/v1/statistics"): {},
}

APP = create_app()


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """The app's routes, through the routers it includes (prefixes are on the routes)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


GATES: dict[tuple[str, str], Gate | None] = {}
for route in _api_routes(APP.routes):
    if route.include_in_schema:
        gates = [d.call for d in route.dependant.dependencies if isinstance(d.call, Gate)]
        assert len(gates) <= 1, route.path
        for method in route.methods:
            GATES[(method, route.path)] = gates[0] if gates else None


def _operations() -> set[tuple[str, str]]:
    document = json.loads(OPENAPI.read_text())
    return {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}


def test_every_operation_of_the_contract_is_in_the_matrix() -> None:
    operations = _operations()
    assert operations == set(GATES)
    assert operations - PUBLIC == set(REQUESTS)


def test_only_the_public_routes_declare_no_permission() -> None:
    assert {op for op, gate in GATES.items() if gate is None} == PUBLIC


def test_every_permission_is_used_by_a_route_or_the_workflow() -> None:
    from app.complaints.workflow import ACTION_PERMISSIONS

    declared = {p for gate in GATES.values() if gate for p in gate.permissions}
    # Finer rules a service checks within a route: contact details, internal notes, a custodian.
    finer = {
        Permission.complaint_read_contact,
        Permission.message_internal,
        Permission.investigation_write,
        Permission.identity_decide,
        Permission.complaint_exclude,
    }
    assert set(Permission) == declared | set(ACTION_PERMISSIONS.values()) | finer


OVERSIGHT = {r for r, tracks in STAFF_TRACKS.items() if Track.anti_corruption in tracks}


def _track(role: Role) -> Track:
    return Track.anti_corruption if role in OVERSIGHT else Track.ombudsperson


def _sees(role: Role) -> bool:
    return role in STAFF_TRACKS or role in (Role.resident, Role.complainant)


@pytest.fixture
async def cases(
    client: httpx.AsyncClient, auth: Any, receipt_headers: Any
) -> dict[Role, tuple[str, dict[str, str]]]:
    """For each role: a complaint (on the track the role works on, filed by the resident who
    asks) and the role's headers."""
    owner = auth("resident", sub="owner")
    filed = {}
    for track in Track:
        response = await client.post(
            "/v1/complaints",
            json=complaint_body(track=track.value, contact={"email": "o@example.org"}),
            headers=owner,
        )
        assert response.status_code == 201, response.text
        filed[track] = response.json()
    result = {}
    for role in Role:
        track = _track(role)
        if role is Role.complainant:
            headers = await receipt_headers(filed[track])
        else:
            headers = role_headers(auth, role)
        result[role] = (filed[track]["id"], headers)
    return result


def _url(path: str, complaint_id: str) -> str:
    return (
        path.replace("{complaint_id}", complaint_id)
        .replace("{attachment_id}", NO_UUID)
        .replace("{year}", "2026")
        .replace("{hearing_id}", NO_ID)
        .replace("{request_id}", NO_ID)
        .replace("{record_id}", NO_ID)
        .replace("{measure_id}", NO_ID)
        .replace("{message_id}", NO_ID)
        .replace("{remedy_id}", NO_ID)
    )


@pytest.mark.parametrize(("method", "path"), sorted(REQUESTS))
async def test_route_x_role(method: str, path: str, client: httpx.AsyncClient, cases: Any) -> None:
    gate = GATES[(method, path)]
    assert gate is not None
    for role in Role:
        complaint_id, headers = cases[role]
        spec = REQUESTS[(method, path)]
        body = spec.get("json")
        if body and body.get("track") == "<the role's track>":
            body = {**body, "track": _track(role).value}
        response = await client.request(
            method,
            _url(path, complaint_id),
            json=body,
            content=spec.get("content"),
            params=spec.get("params"),
            headers={**headers, **spec.get("headers", {})},
        )
        holds = bool(gate.permissions & PERMISSIONS[role])
        where = (role.value, method, path, response.status_code, response.text[:200])
        if gate.on_case and not _sees(role):
            assert response.status_code == 404, where
        elif not holds:
            assert response.status_code == 403, where
            assert response.json()["type"].endswith("/forbidden"), where
        else:
            assert response.status_code not in (401, 403), where
            if gate.on_case and "{" not in path.removeprefix(C):
                # Within reach, nothing missing: the complaint is found.
                assert response.status_code != 404 or "No complaint" not in response.text, where
