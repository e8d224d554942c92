"""Every route x every role x both tracks, with the expectations written out by hand.

`ROUTES` says, for each operation of openapi/openapi.json, who may call it (named roles, not
computed from the permission table), in which state of a case the request makes sense, and what
an allowed caller gets. The tests check that

- the hand-written table is what the code declares (each route's gate and the permission table);
- over HTTP, on a case of each track: a caller who cannot reach the case gets 404 (other track,
  recused, no case role), a caller who reaches it without the permission 403, an allowed caller
  the written success status; a refusal changes nothing;
- a child of another complaint through this complaint's URL is 404 for everyone, and changes
  nothing (the wrong-complaint probes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.kit.access import Gate
from app.kit.permissions import PERMISSIONS, Role
from app.main import api_routes, create_app
from app.taxonomy import Track
from tests.world import PRINCIPALS, RECUSED, Case, Who, World, ids, sees

OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
LATER = "2099-01-01T00:00:00+00:00"

# Who, by name.
COMPLAINANT, RESIDENT = Role.complainant, Role.resident
STAFF, HEAD = Role.ombudsperson_staff, Role.ombudsperson
OFFICER, CUSTODIAN = Role.oversight_officer, Role.oversight_head
DEPARTMENT, MONITOR, AUDITOR = Role.respondent, Role.monitor, Role.auditor
FILERS = {COMPLAINANT, RESIDENT}
HANDLERS = {STAFF, HEAD, OFFICER, CUSTODIAN}
HEADS = {HEAD, CUSTODIAN}

# Routes anyone may call, with or without a token.
PUBLIC = {
    ("POST", "/v1/complaints"),
    ("POST", "/v1/auth/receipt"),
    ("GET", "/v1/taxonomy"),
    ("GET", "/v1/workflow"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    # Open data, unless the office turns it off (tests/statistics/test_releases.py).
    ("GET", "/v1/releases"),
    ("GET", "/v1/releases/keys"),
    ("GET", "/v1/releases/{release_id}"),
    ("GET", "/v1/releases/{release_id}/csv-metadata.json"),
    ("GET", "/v1/indicators"),
    ("GET", "/v1/reports/annual/{year}"),
}


@dataclass(frozen=True)
class Spec:
    allowed: frozenset[Role]
    ok: int = 200
    status: str = "acknowledged"  # of the case, when the request is made
    body: dict[str, Any] | None = None
    request_id: str | None = None  # which child a `{request_id}` names
    world: dict[str, Any] = field(default_factory=dict)
    params: dict[str, str] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def spec(allowed: set[Role], **kw: Any) -> Spec:
    return Spec(frozenset(allowed), **kw)


C = "/v1/complaints/{complaint_id}"
ROUTES: dict[tuple[str, str], Spec] = {
    ("GET", "/v1/audit/entries"): spec({AUDITOR}),
    ("GET", "/v1/audit/verification"): spec({AUDITOR}),
    ("GET", "/v1/complaints"): spec({RESIDENT, *HANDLERS}),
    ("GET", C): spec(FILERS | HANDLERS),
    ("GET", f"{C}/attachments"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/attachments"): spec(
        FILERS | HANDLERS,
        ok=201,
        params={"filename": "more.txt"},
        content=b"More of what happened.",
        headers={"content-type": "text/plain"},
    ),
    ("GET", f"{C}/attachments/{{attachment_id}}"): spec(FILERS | HANDLERS),
    ("PUT", f"{C}/classification"): spec(
        HANDLERS,
        body={"rights_affected": ["health"], "discrimination_grounds": []},
        headers={"if-match": "*"},
    ),
    ("GET", f"{C}/erasure-requests"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/erasure-requests"): spec(
        FILERS | HANDLERS,
        ok=201,
        status="closed",
        body={"channel": "online"},
        world={"erasure": False},
    ),
    ("POST", f"{C}/erasure-requests/{{request_id}}/extension"): spec(
        HANDLERS,
        request_id="erasure_request",
        body={"months": 2, "reason": "The case file is archived off site."},
    ),
    ("POST", f"{C}/erasure-requests/{{request_id}}/decision"): spec(
        HEADS,
        status="closed",
        request_id="erasure_request",
        body={
            "decision": "refuse",
            "ground": "legal_claims",
            "reason": "The case is needed for a pending appeal.",
        },
    ),
    ("GET", f"{C}/export"): spec(FILERS),
    ("GET", f"{C}/email-updates"): spec(FILERS),
    ("PUT", f"{C}/email-updates"): spec(FILERS, body={"emails": False}),
    ("GET", f"{C}/findings"): spec(FILERS | HANDLERS),
    ("PUT", f"{C}/findings"): spec(
        HANDLERS,
        status="under_investigation",
        body={
            "outcome": "violation_found",
            "public_summary": "A breach was found.",
            "internal_reasoning": "The file shows no hearing.",
        },
    ),
    ("POST", f"{C}/findings/communication"): spec(
        HANDLERS, status="findings_issued", body={"channel": "email"}
    ),
    ("PUT", f"{C}/handler"): spec(HEADS, body={"handler": "hana"}, headers={"if-match": "*"}),
    ("GET", f"{C}/hearings"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/hearings"): spec(
        HANDLERS,
        ok=201,
        status="under_investigation",
        body={
            "scheduled_at": LATER,
            "mode": "online",
            "online_url": "https://meet.example.org/room",
            "participants": [{"role": "complainant"}],
        },
    ),
    ("POST", f"{C}/hearings/{{hearing_id}}/cancel"): spec(HANDLERS, body={"reason": "Ill."}),
    ("POST", f"{C}/hearings/{{hearing_id}}/record"): spec(
        HANDLERS, body={"minutes": "Both sides were heard.", "outcome": "Heard."}
    ),
    ("POST", f"{C}/hearings/{{hearing_id}}/reschedule"): spec(
        HANDLERS, body={"scheduled_at": LATER, "reason": "Ill."}
    ),
    ("GET", f"{C}/identity-requests"): spec({OFFICER, CUSTODIAN}),
    ("POST", f"{C}/identity-requests"): spec(
        {OFFICER, CUSTODIAN},
        ok=201,
        body={
            "motivation": "The witness statement cannot be checked otherwise.",
            "legal_basis": "Court order 13/2026",
        },
    ),
    ("POST", f"{C}/identity-requests/{{request_id}}/decision"): spec(
        {CUSTODIAN},
        request_id="identity_request",
        body={"decision": "refused", "reason": "Not necessary."},
    ),
    ("GET", f"{C}/identity-requests/{{request_id}}/identity"): spec(
        {OFFICER, CUSTODIAN}, request_id="identity_request", world={"reveal": "approved"}
    ),
    ("GET", f"{C}/investigation"): spec(HANDLERS),
    ("PUT", f"{C}/investigation"): spec(
        HANDLERS, status="under_investigation", body={"plan": "Ask the department again."}
    ),
    ("POST", f"{C}/investigation/steps"): spec(
        HANDLERS,
        ok=201,
        status="under_investigation",
        body={"kind": "interview", "summary": "Heard the neighbour."},
    ),
    ("GET", f"{C}/legal-hold"): spec(HANDLERS),
    ("PUT", f"{C}/legal-hold"): spec(
        HEADS, body={"reason": "An appeal is pending before the court."}
    ),
    ("POST", f"{C}/legal-hold/release"): spec(
        HEADS, body={"reason": "The appeal was decided."}, world={"hold": True}
    ),
    ("GET", f"{C}/mediation-attempts"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/mediation-attempts"): spec(
        HANDLERS, ok=201, status="mediation", body={"result": "failed"}
    ),
    ("GET", f"{C}/messages"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/messages"): spec(FILERS | HANDLERS, ok=201, body={"body": "Any news?"}),
    ("GET", f"{C}/messages/{{message_id}}"): spec(FILERS | HANDLERS),
    ("GET", f"{C}/protection-measures"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/protection-measures"): spec(
        HANDLERS, ok=201, body={"measure": "psychosocial_support"}
    ),
    ("POST", f"{C}/protection-measures/{{measure_id}}/decision"): spec(
        HANDLERS, body={"decision": "granted", "note": "Legal aid arranged."}
    ),
    ("GET", f"{C}/records"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/records"): spec(
        HANDLERS,
        ok=201,
        body={
            "kind": "oral_report",
            "held_at": "2026-01-05T10:00:00+00:00",
            "transcript": "The reporter told us what happened.",
        },
    ),
    ("POST", f"{C}/records/{{record_id}}/response"): spec(FILERS, body={"approve": True}),
    ("GET", f"{C}/recusals"): spec(HEADS),
    ("POST", f"{C}/recusals"): spec(HANDLERS, ok=201, body={"reason": "My neighbour filed it."}),
    ("POST", f"{C}/redactions"): spec(
        HANDLERS,
        ok=201,
        body={"field": "description", "remove": "my family", "reason": "Not relevant."},
    ),
    ("GET", f"{C}/remedies"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/remedies"): spec(
        HANDLERS,
        ok=201,
        status="findings_issued",
        body={
            "form": "satisfaction",
            "department": "housing",
            "description": "A public apology.",
            "response_due_at": LATER,
        },
    ),
    ("POST", f"{C}/remedies/{{remedy_id}}/assessment"): spec(
        HANDLERS, status="remedy_follow_up", body={"assessment": "implemented"}
    ),
    ("POST", f"{C}/retaliation"): spec(
        FILERS,
        ok=201,
        body={"description": "I was moved to another post.", "rights_affected": ["work"]},
    ),
    ("GET", f"{C}/timeline"): spec(FILERS | HANDLERS),
    ("POST", f"{C}/transitions"): spec(
        FILERS | HANDLERS, body={"action": "withdraw"}, headers={"if-match": "*"}
    ),
    ("GET", "/v1/deadlines"): spec(HANDLERS),
    ("GET", "/v1/information-requests"): spec({DEPARTMENT}),
    ("GET", "/v1/information-requests/{request_id}"): spec({DEPARTMENT}, request_id="request"),
    ("POST", "/v1/information-requests/{request_id}/answer"): spec(
        {DEPARTMENT}, request_id="request", body={"answer": "Here is the file."}
    ),
    ("POST", "/v1/inquiries"): spec(
        HANDLERS,
        ok=201,
        body={
            "summary": "Evictions in winter",
            "description": "Several evictions happened during the cold months.",
            "purpose": "Find out whether the rules were followed.",
            "rights_affected": ["adequate_housing"],
        },
    ),
    ("GET", "/v1/me/export"): spec({RESIDENT}),
    ("GET", "/v1/me/email-preferences"): spec(HANDLERS),
    ("PUT", "/v1/me/email-preferences"): spec(HANDLERS, body={"off": ["overdue_digest"]}),
    ("GET", "/v1/remedies"): spec({DEPARTMENT}),
    ("GET", "/v1/remedies/{remedy_id}"): spec({DEPARTMENT}, status="remedy_follow_up"),
    ("POST", "/v1/remedies/{remedy_id}/reports"): spec(
        {DEPARTMENT},
        status="remedy_follow_up",
        body={"kind": "progress", "text": "Work has begun."},
        world={"remedy_response": "accepted"},
    ),
    ("POST", "/v1/remedies/{remedy_id}/response"): spec(
        {DEPARTMENT}, status="remedy_follow_up", body={"response": "accepted"}
    ),
    ("POST", "/v1/releases/{release_id}/revisions"): spec(
        HEADS,
        ok=201,
        world={"release": True},
        body={"reason": "Decisions on admissibility were recorded late."},
    ),
    ("GET", "/v1/search"): spec(HANDLERS, params={"q": "eviction"}),
    ("GET", "/v1/statistics"): spec({MONITOR, *HEADS}),
}


GATES: dict[tuple[str, str], Gate | None] = {}
for _route in api_routes(create_app().routes):
    if _route.include_in_schema:
        _gates = [d.call for d in _route.dependant.dependencies if isinstance(d.call, Gate)]
        for _method in _route.methods:
            GATES[(_method, _route.path)] = _gates[0] if _gates else None


def test_every_operation_of_the_contract_is_in_the_table() -> None:
    document = json.loads(OPENAPI.read_text())
    operations = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert operations == set(GATES)
    assert operations - PUBLIC == set(ROUTES)
    assert {op for op, gate in GATES.items() if gate is None} == PUBLIC


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
def test_the_table_is_what_the_code_declares(method: str, path: str) -> None:
    gate = GATES[(method, path)]
    assert gate is not None
    declared = {role for role in Role if gate.permissions & PERMISSIONS[role]}
    assert declared == ROUTES[(method, path)].allowed


def test_every_permission_is_declared_by_a_route_or_the_workflow() -> None:
    from app.complaints.workflow import ACTION_PERMISSIONS
    from app.kit.permissions import Permission

    declared = {p for gate in GATES.values() if gate for p in gate.permissions}
    # Finer rules a service checks within a route: contact details, internal notes, steps, the
    # custodian's decision on an identity, excluding someone else.
    finer = {
        Permission.complaint_read_contact,
        Permission.message_internal,
        Permission.investigation_write,
        Permission.identity_decide,
        Permission.complaint_exclude,
    }
    assert set(Permission) == declared | set(ACTION_PERMISSIONS.values()) | finer


def _url(path: str, case: Case, spec: Spec) -> str:
    values = ids(case)
    if spec.request_id:
        values["request_id"] = str(case.children[spec.request_id])
    return path.format(**values)


def _footprint(world: World, case: Case) -> tuple[Any, ...]:
    """What a refused request must leave as it was: the case, its children, the trail."""
    run = world.db.execute
    return (
        run("SELECT version, status FROM complaints WHERE id = %s", (case.id,)).fetchone(),
        run("SELECT count(*) AS n FROM complaints").fetchone(),
        run("SELECT count(*) AS n FROM audit_entries WHERE action NOT LIKE 'auth.%%'").fetchone(),
        run("SELECT status FROM hearings WHERE complaint_id = %s", (case.id,)).fetchall(),
        run("SELECT status FROM report_records WHERE complaint_id = %s", (case.id,)).fetchall(),
        run("SELECT count(*) AS n FROM messages WHERE complaint_id = %s", (case.id,)).fetchone(),
    )


def _track_of(who: Who) -> Track:
    return Track.anti_corruption if who in (OFFICER, CUSTODIAN) else Track.ombudsperson


async def _call(
    world: World, spec: Spec, method: str, url: str, headers: dict[str, str], who: Who
) -> Any:
    body = spec.body
    if url == "/v1/inquiries" and body is not None:  # an inquiry is opened on one's own track
        body = {**body, "track": _track_of(who).value}
    return await world.client.request(
        method,
        url,
        json=body,
        content=spec.content,
        params=spec.params,
        headers={**headers, **spec.headers},
    )


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
async def test_route_x_caller_x_track(method: str, path: str, world: World) -> None:
    spec = ROUTES[(method, path)]
    on_case = path.startswith(C) and GATES[(method, path)].on_case  # type: ignore[union-attr]
    tracks = list(Track) if path.startswith(C) or "{" in path else [Track.ombudsperson]
    for track in tracks:
        # Refusals change nothing (checked below), reads neither: a fresh case is needed only
        # after a write went through.
        case = None
        for who in PRINCIPALS:
            if case is None:
                case = await world.case(track, spec.status, **spec.world)
            headers = await world.headers(who, case)
            before = _footprint(world, case)
            response = await _call(world, spec, method, _url(path, case, spec), headers, who)
            where = (str(who), track.value, method, path, response.status_code, response.text[:300])
            role = who if isinstance(who, Role) else None
            # Recused staff are staff everywhere but on the case they are recused from.
            recused_staff = who == RECUSED and not on_case and STAFF in spec.allowed
            allowed = role in spec.allowed or recused_staff
            if on_case and not sees(who, track):
                assert response.status_code == 404, where
                assert response.json()["type"].endswith("/not-found"), where
            elif not allowed:
                assert response.status_code == 403, where
                assert response.json()["type"].endswith("/forbidden"), where
            else:
                assert response.status_code == spec.ok, where
                if method != "GET":
                    case = None
                continue
            assert _footprint(world, case) == before, where


@pytest.fixture
async def world(client: httpx.AsyncClient, db: Any, auth: Any, settings: Any) -> World:
    from app.attachments.storage import LocalStorage

    return World(client, db, auth, LocalStorage(settings.attachments_dir))


# The wrong-complaint probes: which child a route names, and the table it lives in.
CHILDREN = {
    f"{C}/attachments/{{attachment_id}}": ("attachment", "attachments"),
    f"{C}/erasure-requests/{{request_id}}/decision": ("erasure_request", "erasure_requests"),
    f"{C}/erasure-requests/{{request_id}}/extension": ("erasure_request", "erasure_requests"),
    f"{C}/hearings/{{hearing_id}}/cancel": ("hearing", "hearings"),
    f"{C}/hearings/{{hearing_id}}/record": ("hearing", "hearings"),
    f"{C}/hearings/{{hearing_id}}/reschedule": ("hearing", "hearings"),
    f"{C}/identity-requests/{{request_id}}/decision": (
        "identity_request",
        "identity_reveal_requests",
    ),
    f"{C}/identity-requests/{{request_id}}/identity": (
        "identity_request",
        "identity_reveal_requests",
    ),
    f"{C}/messages/{{message_id}}": ("message", "messages"),
    f"{C}/protection-measures/{{measure_id}}/decision": ("measure", "protection_measures"),
    f"{C}/records/{{record_id}}/response": ("record", "report_records"),
    f"{C}/remedies/{{remedy_id}}/assessment": ("remedy", "remedies"),
}


def test_every_child_route_is_probed() -> None:
    nested = {p for _, p in ROUTES if p.startswith(C) and p.count("{") > 1}
    assert nested == set(CHILDREN)


@pytest.mark.parametrize(("method", "path"), sorted((m, p) for m, p in ROUTES if p in CHILDREN))
async def test_a_child_of_another_complaint_is_out_of_reach(
    method: str, path: str, world: World
) -> None:
    spec = ROUTES[(method, path)]
    child, table = CHILDREN[path]
    for track in Track:
        here = await world.case(track, spec.status, **spec.world)
        there = await world.case(track, spec.status, **spec.world)
        key = {
            "attachment": "attachment_id",
            "erasure_request": "request_id",
            "identity_request": "request_id",
            "hearing": "hearing_id",
            "message": "message_id",
            "measure": "measure_id",
            "record": "record_id",
            "remedy": "remedy_id",
        }[child]
        url = path.format(**{**ids(here), key: str(there.children[child])})
        row = f"SELECT * FROM {table} WHERE id = %s"  # noqa: S608 (a table named above)
        before = world.db.execute(row, (there.children[child],)).fetchone()
        for who in PRINCIPALS:
            headers = await world.headers(who, here)
            response = await _call(world, spec, method, url, headers, who)
            where = (str(who), track.value, method, path, response.status_code, response.text)
            if sees(who, track) and who not in spec.allowed:
                assert response.status_code == 403, where
            else:
                # Out of reach, or allowed and within reach of this case, whose child it is not.
                assert response.status_code == 404, where
        assert world.db.execute(row, (there.children[child],)).fetchone() == before
