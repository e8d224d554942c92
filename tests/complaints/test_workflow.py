"""The workflow table, checked exhaustively: as data, and through HTTP for every state x action."""

from __future__ import annotations

from collections import deque
from typing import Any

import httpx
import pytest

from app.complaints.workflow import (
    OPEN,
    TERMINAL,
    TRANSITIONS,
    Action,
    Status,
    transition_for,
)
from app.kit.permissions import PERMISSIONS, Role
from tests.conftest import set_status

# The workflow, written out by hand from the README's table: (from, action, to, guards,
# permission). The code's table must be exactly this, and the API must do exactly this.
OPEN_BUT_SUBMITTED = (
    "acknowledged",
    "under_assessment",
    "under_investigation",
    "hearing",
    "mediation",
    "findings_issued",
    "remedy_follow_up",
)
WRITTEN: set[tuple[str, str, str, tuple[str, ...], str]] = {
    ("submitted", "acknowledge", "acknowledged", (), "complaint.acknowledge"),
    ("acknowledged", "start_assessment", "under_assessment", (), "complaint.assess"),
    ("under_assessment", "declare_inadmissible", "inadmissible", (), "complaint.decide"),
    ("under_assessment", "refer", "referred", (), "complaint.decide"),
    ("under_assessment", "open_investigation", "under_investigation", (), "complaint.investigate"),
    ("under_assessment", "start_mediation", "mediation", (), "complaint.investigate"),
    ("under_investigation", "start_mediation", "mediation", (), "complaint.investigate"),
    (
        "mediation",
        "end_mediation",
        "under_investigation",
        ("mediation_failed",),
        "complaint.investigate",
    ),
    (
        "under_investigation",
        "schedule_hearing",
        "hearing",
        ("hearing_scheduled",),
        "complaint.investigate",
    ),
    (
        "hearing",
        "conclude_hearing",
        "under_investigation",
        ("hearing_held",),
        "complaint.investigate",
    ),
    (
        "under_investigation",
        "issue_findings",
        "findings_issued",
        ("investigation_has_step", "findings_drafted"),
        "complaint.decide",
    ),
    (
        "mediation",
        "issue_findings",
        "findings_issued",
        ("mediation_settled", "findings_drafted"),
        "complaint.decide",
    ),
    (
        "findings_issued",
        "recommend_remedies",
        "remedy_follow_up",
        ("remedies_recommended",),
        "complaint.decide",
    ),
    ("findings_issued", "close", "closed", ("decision_communicated",), "complaint.close"),
    (
        "remedy_follow_up",
        "close",
        "closed",
        ("decision_communicated", "remedies_assessed"),
        "complaint.close",
    ),
    *((s, "give_feedback", s, (), "complaint.feedback") for s in OPEN_BUT_SUBMITTED),
    *(
        (s, "withdraw", "withdrawn", (), "complaint.withdraw")
        for s in ("submitted", *OPEN_BUT_SUBMITTED)
    ),
    *(
        (s, "close_as_stale", "closed", ("untouched",), "complaint.close")
        for s in ("submitted", *OPEN_BUT_SUBMITTED)
    ),
    *(
        (s, "reopen", "under_assessment", (), "complaint.reopen")
        for s in ("inadmissible", "referred", "closed", "withdrawn")
    ),
}
BY_PAIR = {(source, action): (target, guards) for source, action, target, guards, _ in WRITTEN}
# Guards a fresh complaint meets without anything arranged (nothing to assess, nothing pending).
VACUOUS = {"remedies_assessed", "hearing_held"}


def test_the_table_is_the_one_written_out() -> None:
    code = {
        (s.value, a.value, t.target.value, tuple(g.value for g in t.guards), t.permission.value)
        for (s, a), t in TRANSITIONS.items()
    }
    assert code == WRITTEN


def reachable(start: Status) -> set[Status]:
    seen, queue = {start}, deque([start])
    while queue:
        state = queue.popleft()
        for (source, _), t in TRANSITIONS.items():
            if source is state and t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    return seen


def test_every_state_is_reachable_from_submitted() -> None:
    assert reachable(Status.submitted) == set(Status)


def test_every_open_state_can_end() -> None:
    for state in OPEN:
        assert reachable(state) & TERMINAL, state


def test_terminal_states_only_reopen() -> None:
    for (source, action), t in TRANSITIONS.items():
        if source in TERMINAL:
            assert action is Action.reopen and t.target is Status.under_assessment


def test_every_open_state_can_be_withdrawn() -> None:
    for state in OPEN:
        t = transition_for(state, Action.withdraw)
        assert t is not None and t.target is Status.withdrawn


def test_every_permission_is_held_by_a_role() -> None:
    held = set().union(*PERMISSIONS.values())
    for t in TRANSITIONS.values():
        assert t.permission in held, t


def test_every_action_is_used() -> None:
    assert {a for _, a in TRANSITIONS} == set(Action)


def test_acknowledge_is_the_only_way_out_of_submitted_besides_withdraw_and_staleness() -> None:
    assert {a for s, a in TRANSITIONS if s is Status.submitted} == {
        Action.acknowledge,
        Action.withdraw,
        Action.close_as_stale,
    }


async def test_served_workflow_is_the_table(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/workflow")
    assert response.status_code == 200
    body = response.json()
    assert body["initial"] == "submitted"
    assert {s["code"] for s in body["states"]} == {s.value for s in Status}
    assert {s["code"] for s in body["states"] if s["terminal"]} == {s.value for s in TERMINAL}
    served = {(r["source"], r["action"]): r for r in body["transitions"]}
    assert set(served) == {(s.value, a.value) for s, a in TRANSITIONS}
    for (source, action), t in TRANSITIONS.items():
        row = served[(source.value, action.value)]
        assert row["target"] == t.target.value
        assert row["permission"] == t.permission
        assert row["reason_required"] == t.reason_required
        assert [g["code"] for g in row["guards"]] == [g.value for g in t.guards]
        assert set(row["roles"]) == {r.value for r in Role if t.permission in PERMISSIONS[r]}


@pytest.mark.parametrize("state", list(Status))
async def test_every_action_from_every_state(
    state: Status, client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    """Each (state, action) pair, by the head of office: the written target with 200, or 409 and
    nothing changed (guards beyond the vacuous ones fail on a fresh complaint; test_guards.py
    walks each guard)."""
    head = auth("ombudsperson")
    for action in Action:
        filed = await file_complaint()
        set_status(db, filed["id"], state.value)
        response = await _act(client, filed["id"], action.value, head)
        row = db.execute(
            "SELECT status, version FROM complaints WHERE id = %s", (filed["id"],)
        ).fetchone()
        entries = db.execute(
            "SELECT count(*) AS n FROM timeline_entries WHERE complaint_id = %s", (filed["id"],)
        ).fetchone()["n"]
        written = BY_PAIR.get((state.value, action.value))
        where = (state, action, response.text)
        if written is None:
            assert response.status_code == 409, where
            assert response.json()["type"].endswith("/invalid-transition"), where
            assert f"`{action.value}` is not allowed from `{state.value}`" in response.text
        elif set(written[1]) - VACUOUS:
            assert response.status_code == 409, where
            assert response.json()["type"].endswith("/guard-failed"), where
        else:
            assert response.status_code == 200, where
            assert response.json()["status"] == written[0]
            assert response.headers["etag"] == '"v2"'
            assert row == {"status": written[0], "version": 2}
            assert entries == 2
            continue
        assert response.headers["content-type"] == "application/problem+json"
        assert row == {"status": state.value, "version": 1}
        assert entries == 1


async def _act(
    client: httpx.AsyncClient, cid: str, action: str, headers: dict[str, str]
) -> httpx.Response:
    return await client.post(
        f"/v1/complaints/{cid}/transitions",
        json={
            "action": action,
            "reason": "Because the file says so.",
            **({"referred_to": "Data protection authority"} if action == "refer" else {}),
        },
        headers={**headers, "If-Match": "*"},
    )


@pytest.mark.parametrize("track", ["ombudsperson", "anti_corruption"])
@pytest.mark.parametrize("who", ["complainant", "resident", "officer"])
async def test_every_action_by_the_complainant_and_by_staff_on_both_tracks(
    who: str,
    track: str,
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    receipt_headers: Any,
    db: Any,
) -> None:
    """The receipt holder and the resident who filed may withdraw an open case, nothing else
    (403 before the state is even looked at); the track's staff may do every action but reopen.
    Written by hand, per track."""
    staff_role = "ombudsperson_staff" if track == "ombudsperson" else "oversight_officer"
    may = {
        "complainant": {"withdraw"},
        "resident": {"withdraw"},
        "officer": {a.value for a in Action} - {"reopen"},
    }[who]
    for state in ("submitted", "under_investigation", "closed"):
        for action in Action:
            filed = await file_complaint(track=track, headers=auth("resident", sub="owner"))
            set_status(db, filed["id"], state)
            headers = (
                await receipt_headers(filed)
                if who == "complainant"
                else auth("resident", sub="owner")
                if who == "resident"
                else auth(staff_role)
            )
            response = await _act(client, filed["id"], action.value, headers)
            where = (who, track, state, action.value, response.text)
            if action.value not in may:
                assert response.status_code == 403, where
                assert response.json()["type"].endswith("/forbidden"), where
            elif (state, action.value) in BY_PAIR:
                target, guards = BY_PAIR[(state, action.value)]
                if set(guards) - VACUOUS:
                    assert response.status_code == 409, where
                else:
                    assert response.status_code == 200, where
                    assert response.json()["status"] == target, where
            else:
                assert response.status_code == 409, where
                assert response.json()["type"].endswith("/invalid-transition"), where


def test_readme_diagram_is_generated_from_the_table() -> None:
    from pathlib import Path

    from app.complaints.workflow import mermaid

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("<!-- workflow:start -->")[1].split("<!-- workflow:end -->")[0]
    assert block.strip() == f"```mermaid\n{mermaid()}\n```", "run `ombuds workflow`"
    for (source, action), t in TRANSITIONS.items():
        if t.target is not source and action not in (Action.withdraw, Action.close_as_stale):
            assert f"{source.value} --> {t.target.value}: " in block
    assert "note right of closed: also close_as_stale *, from every open state" in block
