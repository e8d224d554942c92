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
    Guard,
    Status,
    transition_for,
)
from app.kit.permissions import PERMISSIONS, Role
from tests.conftest import set_status

HOLD_ON_A_FRESH_COMPLAINT = {Guard.remedies_assessed, Guard.hearing_held}


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


def test_acknowledge_is_the_only_way_out_of_submitted_besides_withdraw() -> None:
    assert {a for s, a in TRANSITIONS if s is Status.submitted} == {
        Action.acknowledge,
        Action.withdraw,
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
    """Each (state, action) pair: the table's target with 200, or 409 and nothing changed.

    A fresh complaint meets only the guards that hold vacuously (no remedy left unassessed, no
    hearing pending); a pair with any other guard answers 409 `guard-failed`. test_redress.py
    walks the guarded pairs with their guards met."""
    head = auth("ombudsperson")
    for action in Action:
        filed = await file_complaint()
        set_status(db, filed["id"], state.value)
        response = await client.post(
            f"/v1/complaints/{filed['id']}/transitions",
            json={
                "action": action.value,
                "reason": "Because the file says so.",
                **({"referred_to": "Data protection authority"} if action is Action.refer else {}),
            },
            headers={**head, "If-Match": '"v1"'},
        )
        row = db.execute(
            "SELECT status, version FROM complaints WHERE id = %s", (filed["id"],)
        ).fetchone()
        entries = db.execute(
            "SELECT count(*) AS n FROM timeline_entries WHERE complaint_id = %s", (filed["id"],)
        ).fetchone()["n"]
        expected = transition_for(state, action)
        if expected is not None and set(expected.guards) - HOLD_ON_A_FRESH_COMPLAINT:
            assert response.status_code == 409, (state, action, response.text)
            assert response.json()["type"].endswith("/guard-failed")
            assert row == {"status": state.value, "version": 1}
            assert entries == 1
        elif expected is None:
            assert response.status_code == 409, (state, action, response.text)
            assert response.json()["type"].endswith("/invalid-transition")
            assert response.headers["content-type"] == "application/problem+json"
            assert row == {"status": state.value, "version": 1}
            assert entries == 1
        else:
            assert response.status_code == 200, (state, action, response.text)
            assert response.json()["status"] == expected.target.value
            assert response.headers["etag"] == '"v2"'
            assert row == {"status": expected.target.value, "version": 2}
            assert entries == 2


def test_readme_diagram_is_generated_from_the_table() -> None:
    from pathlib import Path

    from app.complaints.workflow import mermaid

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("<!-- workflow:start -->")[1].split("<!-- workflow:end -->")[0]
    assert block.strip() == f"```mermaid\n{mermaid()}\n```", "run `ombuds workflow`"
    for (source, action), t in TRANSITIONS.items():
        if t.target is not source and action is not Action.withdraw:
            assert f"{source.value} --> {t.target.value}: " in block
