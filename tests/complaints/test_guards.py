"""One test per guard of the workflow: the case is arranged so that every other condition of the
transition holds and only this one fails (409 `guard-failed`, naming it, nothing changed); then
the missing piece is added and the same request goes through.

The phrase each guard's refusal must contain is written here by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import set_status

# Guard -> a phrase of its refusal, by hand.
SAYS = {
    "investigation_has_step": "at least one recorded step",
    "findings_drafted": "findings have been written",
    "remedies_recommended": "remedy has been drafted",
    "decision_communicated": "communicated to the complainant",
    "remedies_assessed": "final assessment",
    "hearing_scheduled": "hearing is scheduled",
    "hearing_held": "No hearing is pending",
    "mediation_settled": "ended in a settlement",
    "mediation_failed": "recorded as failed",
}

Run = Callable[[str, tuple[Any, ...]], Any]


def _step(run: Run, cid: str) -> None:
    run("INSERT INTO investigations (complaint_id, plan, opened_by) VALUES (%s, 'p', 's')", (cid,))
    run(
        "INSERT INTO investigation_steps (complaint_id, kind, summary, created_by) "
        "VALUES (%s, 'interview', 'Heard them.', 's')",
        (cid,),
    )


def _findings(run: Run, cid: str) -> None:
    run(
        "INSERT INTO findings (complaint_id, outcome, rights_affected, public_summary, "
        "internal_reasoning, drafted_by, issued_at) VALUES (%s, 'violation_found', '{}', "
        "'A breach.', 'No hearing.', 's', now())",
        (cid,),
    )


def _communicated(run: Run, cid: str) -> None:
    run("UPDATE findings SET communicated_at = now() WHERE complaint_id = %s", (cid,))


def _remedy(run: Run, cid: str) -> None:
    run(
        "INSERT INTO remedies (complaint_id, form, department, description, response_due_at, "
        "created_by) VALUES (%s, 'compensation', 'housing', 'Pay.', now() + interval '9 days', "
        "'s')",
        (cid,),
    )


def _assessed(run: Run, cid: str) -> None:
    run("UPDATE remedies SET assessment = 'implemented' WHERE complaint_id = %s", (cid,))


def _hearing(run: Run, cid: str) -> None:
    run(
        "INSERT INTO hearings (complaint_id, scheduled_at, mode, online_url, participants, "
        "status, created_by) VALUES (%s, now() + interval '2 days', 'online', 'https://x.org/r', "
        "'[]', 'scheduled', 's')",
        (cid,),
    )


def _hearing_held(run: Run, cid: str) -> None:
    run("UPDATE hearings SET status = 'held', minutes = 'm' WHERE complaint_id = %s", (cid,))


def _mediation(result: str) -> Callable[[Run, str], None]:
    def record(run: Run, cid: str) -> None:
        # An attempt of this round of mediation: after the latest `start_mediation` entry.
        run(
            "INSERT INTO timeline_entries (complaint_id, actor_subject, actor_role, action, "
            "from_status, to_status, visible_to_complainant, at) VALUES (%s, 's', "
            "'ombudsperson_staff', 'start_mediation', 'under_investigation', 'mediation', true, "
            "now() - interval '1 hour')",
            (cid,),
        )
        terms = "'A new flat.'" if result == "settled" else "NULL"
        run(
            "INSERT INTO mediation_attempts (complaint_id, result, terms, recorded_by) "  # noqa: S608
            f"VALUES (%s, '{result}', {terms}, 's')",
            (cid,),
        )

    return record


# (state, action, the guard that fails, what else holds, what then makes it pass), by hand.
CASES = [
    ("under_investigation", "schedule_hearing", "hearing_scheduled", [], _hearing),
    ("hearing", "conclude_hearing", "hearing_held", [_hearing], _hearing_held),
    ("mediation", "end_mediation", "mediation_failed", [], _mediation("failed")),
    ("under_investigation", "issue_findings", "investigation_has_step", [_findings], _step),
    ("under_investigation", "issue_findings", "findings_drafted", [_step], _findings),
    ("mediation", "issue_findings", "mediation_settled", [_findings], _mediation("settled")),
    ("mediation", "issue_findings", "findings_drafted", [_mediation("settled")], _findings),
    ("findings_issued", "recommend_remedies", "remedies_recommended", [_findings], _remedy),
    ("findings_issued", "close", "decision_communicated", [_findings], _communicated),
    (
        "remedy_follow_up",
        "close",
        "decision_communicated",
        [_findings, _remedy, _assessed],
        _communicated,
    ),
    (
        "remedy_follow_up",
        "close",
        "remedies_assessed",
        [_findings, _communicated, _remedy],
        _assessed,
    ),
]


@pytest.mark.parametrize(("state", "action", "guard", "holds", "mend"), CASES)
async def test_only_this_guard_fails(
    state: str,
    action: str,
    guard: str,
    holds: list[Callable[[Run, str], None]],
    mend: Callable[[Run, str], None],
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
) -> None:
    filed = await file_complaint()
    cid = filed["id"]
    set_status(db, cid, state)
    for arrange in holds:
        arrange(db.execute, cid)
    body: dict[str, Any] = {"action": action}
    if action == "end_mediation":
        body["reason"] = "No settlement."
    headers = {**auth("ombudsperson_staff"), "If-Match": "*"}
    refused = await client.post(f"/v1/complaints/{cid}/transitions", json=body, headers=headers)
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"].endswith("/guard-failed")
    assert SAYS[guard] in problem["detail"]
    others = [phrase for g, phrase in SAYS.items() if g != guard]
    assert not any(phrase in problem["detail"] for phrase in others), problem["detail"]
    row = db.execute("SELECT status, version FROM complaints WHERE id = %s", (cid,)).fetchone()
    assert row == {"status": state, "version": 1}
    mend(db.execute, cid)
    done = await client.post(f"/v1/complaints/{cid}/transitions", json=body, headers=headers)
    assert done.status_code == 200, done.text


def test_every_guard_has_its_test() -> None:
    from app.complaints.workflow import TRANSITIONS

    tested = {(state, action, guard) for state, action, guard, _, _ in CASES}
    declared = {
        (source.value, action.value, guard.value)
        for (source, action), t in TRANSITIONS.items()
        for guard in t.guards
    }
    assert tested == declared
    assert set(SAYS) == {guard for _, _, guard in declared}
