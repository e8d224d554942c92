"""One test per guard of the workflow: the case is arranged so that every other condition of the
transition holds and only this one fails (409 `guard-failed`, naming it, nothing changed); then
the missing piece is added and the same request goes through.

The phrase each guard's refusal must contain is written here by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import refused, set_status

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
    "untouched": "Nothing has changed on the case for OMBUDS_STALE_AFTER_MONTHS months",
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


def _untouched(run: Run, cid: str) -> None:
    # Thirteen months: past the default of twelve (OMBUDS_STALE_AFTER_MONTHS).
    run("UPDATE complaints SET updated_at = now() - interval '13 months' WHERE id = %s", (cid,))


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
    *(
        (state, "close_as_stale", "untouched", [], _untouched)
        for state in (
            "submitted",
            "acknowledged",
            "under_assessment",
            "under_investigation",
            "hearing",
            "mediation",
            "findings_issued",
            "remedy_follow_up",
        )
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
    if action in ("end_mediation", "close_as_stale"):
        body["reason"] = "No settlement." if action == "end_mediation" else "Unreachable."
    headers = {**auth("ombudsperson_staff"), "If-Match": "*"}
    refusal = await client.post(f"/v1/complaints/{cid}/transitions", json=body, headers=headers)
    assert refusal.status_code == 409, refusal.text
    problem = refusal.json()
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


async def test_two_unmet_guards_are_both_named_in_order(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "under_investigation")
    response = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "issue_findings"},
        headers={**auth("ombudsperson_staff"), "If-Match": "*"},
    )
    refused(
        response,
        409,
        "guard-failed",
        detail="`issue_findings` needs: The investigation has at least one recorded step. "
        "The findings have been written (PUT .../findings).",
    )


@pytest.mark.parametrize(
    ("state", "body", "detail", "error"),
    [
        (
            "acknowledged",
            {"action": "give_feedback"},
            "`give_feedback` needs a reason.",
            {"field": "body.reason", "message": "required for this action", "type": "missing"},
        ),
        (
            "under_assessment",
            {"action": "refer", "reason": "Outside our mandate."},
            "`refer`: name the competent body the complaint is referred to.",
            {
                "field": "body.referred_to",
                "message": "name the competent body the complaint is referred to",
                "type": "value_error",
            },
        ),
        (
            "submitted",
            {"action": "acknowledge", "referred_to": "The regional ombudsperson"},
            "`acknowledge`: only `refer` names a competent body.",
            {
                "field": "body.referred_to",
                "message": "only `refer` names a competent body",
                "type": "value_error",
            },
        ),
    ],
)
async def test_what_an_action_takes_is_named_by_field(
    state: str,
    body: dict[str, Any],
    detail: str,
    error: dict[str, str],
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], state)
    response = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json=body,
        headers={**auth("ombudsperson_staff"), "If-Match": "*"},
    )
    problem = refused(response, 422, "validation-error", detail=detail)
    assert problem["errors"] == [error]
    row = db.execute("SELECT status, version FROM complaints").fetchone()
    assert row == {"status": state, "version": 1}


async def test_a_transition_answers_with_the_entry_it_recorded(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], "under_assessment")
    staff = auth("ombudsperson_staff", sub="tomas")
    response = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={
            "action": "refer",
            "reason": "A matter for the regional ombudsperson.",
            "referred_to": "Regional ombudsperson",
        },
        headers={**staff, "If-Match": "*"},
    )
    assert response.status_code == 200, response.text
    entry = response.json()["entry"]
    timeline = (await client.get(f"/v1/complaints/{filed['id']}/timeline", headers=staff)).json()
    assert entry == timeline["entries"][-1]
    assert {k: entry[k] for k in entry if k not in ("id", "at")} == {
        "action": "refer",
        "from_status": "under_assessment",
        "to_status": "referred",
        "reason": "A matter for the regional ombudsperson.",
        "actor_role": "ombudsperson_staff",
        "actor_subject": "tomas",
        "visible_to_complainant": True,
        "about_subject": None,
    }


async def test_findings_count_as_issued_only_when_issued(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    cid = filed["id"]
    set_status(db, cid, "under_investigation")
    _step(db.execute, cid)
    _findings(db.execute, cid)
    db.execute("UPDATE findings SET issued_at = NULL WHERE complaint_id = %s", (cid,))
    headers = {**auth("ombudsperson_staff"), "If-Match": "*"}
    path = f"/v1/complaints/{cid}/transitions"
    feedback = {"action": "give_feedback", "reason": "The investigation goes on."}
    assert (await client.post(path, json=feedback, headers=headers)).status_code == 200
    issued = "SELECT issued_at IS NOT NULL AS issued FROM findings WHERE complaint_id = %s"
    assert db.execute(issued, (cid,)).fetchone() == {"issued": False}
    done = await client.post(path, json={"action": "issue_findings"}, headers=headers)
    assert done.status_code == 200, done.text
    assert db.execute(issued, (cid,)).fetchone() == {"issued": True}
