"""From intake to a remedy the city has implemented, through the API alone, checking at each step
what the complainant, the department, the handler and a recused staff member see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.conftest import recommend, refused, remedy_body, set_status, write_findings

SOON = (datetime.now(UTC) + timedelta(days=30)).isoformat()
LATER = (datetime.now(UTC) + timedelta(days=120)).isoformat()


class Case:
    """One complaint and the people around it."""

    def __init__(self, client: httpx.AsyncClient, complaint_id: str) -> None:
        self.client = client
        self.id = complaint_id

    async def etag(self, headers: dict[str, str]) -> str:
        response = await self.client.get(f"/v1/complaints/{self.id}", headers=headers)
        assert response.status_code == 200, response.text
        return response.headers["etag"]

    async def act(
        self, headers: dict[str, str], action: str, reason: str | None = None, expect: int = 200
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"action": action}
        if reason:
            body["reason"] = reason
        response = await self.client.post(
            f"/v1/complaints/{self.id}/transitions",
            json=body,
            headers={**headers, "If-Match": await self.etag(headers)},
        )
        assert response.status_code == expect, (action, response.text)
        return response.json()

    async def get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        return await self.client.get(f"/v1/complaints/{self.id}{path}", headers=headers)

    async def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> httpx.Response:
        return await self.client.post(f"/v1/complaints/{self.id}{path}", json=body, headers=headers)


async def test_intake_to_implemented_remedy(
    client: httpx.AsyncClient, auth: Any, receipt_headers: Any, db: Any
) -> None:
    filed = (
        await client.post(
            "/v1/complaints",
            json={
                "summary": "Eviction without a hearing",
                "description": "The housing department evicted my family without hearing us first.",
                "rights_affected": ["adequate_housing"],
                "remedy_sought": "A hearing and a new flat.",
                "contact": {"name": "Amina", "email": "amina@example.org"},
            },
        )
    ).json()
    case = Case(client, filed["id"])
    complainant = await receipt_headers(filed)
    head = auth("ombudsperson", sub="head")
    handler = auth("ombudsperson_staff", sub="hana")
    recused = auth("ombudsperson_staff", sub="rafa")
    housing = auth("respondent", sub="clerk", department="housing")

    async def views(expected_status: str, recused_out: bool = True) -> None:
        """At each step: who reaches the case, and what its status reads for each of them."""
        for who, headers in (("complainant", complainant), ("handler", handler)):
            response = await case.get("", headers)
            assert response.status_code == 200, who
            assert response.json()["status"] == expected_status, who
        assert (await case.get("", recused)).status_code == (404 if recused_out else 200)
        assert (await case.get("", housing)).status_code == 404
        assert (await case.get("/timeline", housing)).status_code == 404

    await views("submitted", recused_out=False)

    # Intake, acknowledgement, assignment, a declared conflict.
    await case.act(handler, "acknowledge")
    put = await client.put(
        f"/v1/complaints/{case.id}/handler",
        json={"handler": "hana"},
        headers={**head, "If-Match": await case.etag(head)},
    )
    assert put.status_code == 200
    assert (
        await case.post("/recusals", {"reason": "The respondent is my brother."}, recused)
    ).status_code == 201
    assert (await case.get("", recused)).status_code == 404
    await case.act(handler, "start_assessment")
    await case.act(handler, "open_investigation")
    await views("under_investigation")

    # Investigation with an information request the department answers.
    assert (
        await client.put(
            f"/v1/complaints/{case.id}/investigation",
            json={"plan": "Obtain the eviction file; hear both sides."},
            headers=handler,
        )
    ).status_code == 200
    step = (
        await case.post(
            "/investigation/steps",
            {
                "kind": "information_request",
                "summary": "Send the eviction file of flat 3C.",
                "department": "housing",
                "due_at": SOON,
            },
            handler,
        )
    ).json()["steps"][0]
    inbox = await client.get("/v1/information-requests", headers=housing)
    assert [i["id"] for i in inbox.json()["items"]] == [step["id"]]
    assert "Amina" not in inbox.text
    assert (
        await client.post(
            f"/v1/information-requests/{step['id']}/answer",
            json={"answer": "The hearing was skipped by mistake."},
            headers=housing,
        )
    ).status_code == 200

    # A hearing: guarded until scheduled, concluded once held; minutes stay internal.
    refused = await case.act(handler, "schedule_hearing", expect=409)
    assert "hearing is scheduled" in refused["detail"]
    hearing = (
        await case.post(
            "/hearings",
            {
                "scheduled_at": SOON,
                "mode": "hybrid",
                "location": "City Hall, room 2",
                "online_url": "https://meet.example.org/hrc-1",
                "participants": [
                    {"role": "complainant", "name": "Amina", "needs": "Arabic interpreter"},
                    {"role": "respondent", "name": "Housing"},
                    {"role": "interpreter"},
                ],
            },
            handler,
        )
    ).json()
    await case.act(handler, "schedule_hearing")
    assert (await case.act(handler, "conclude_hearing", expect=409))["type"].endswith(
        "/guard-failed"
    )
    held = await case.post(
        f"/hearings/{hearing['id']}/record",
        {
            "minutes": "Housing admits no hearing was held before the eviction.",
            "outcome": "The department acknowledged the missing hearing.",
        },
        handler,
    )
    assert held.status_code == 200 and held.json()["status"] == "held"
    await case.act(handler, "conclude_hearing")
    await views("under_investigation")
    their_hearings = (await case.get("/hearings", complainant)).json()["hearings"]
    assert their_hearings[0]["outcome"] == "The department acknowledged the missing hearing."
    assert their_hearings[0]["minutes"] is None and their_hearings[0]["participants"] is None
    refused = await case.act(handler, "issue_findings", expect=409)
    assert "findings have been written" in refused["detail"]
    assert (
        await client.put(
            f"/v1/complaints/{case.id}/findings",
            headers=handler,
            json={
                "outcome": "violation_found",
                "rights_affected": ["adequate_housing"],
                "public_summary": "The eviction breached your right to be heard.",
                "internal_reasoning": "No hearing despite the file showing a pending appeal.",
            },
        )
    ).status_code == 200
    assert (await case.get("/findings", complainant)).status_code == 404  # drafts stay internal
    await case.act(handler, "issue_findings")
    await views("findings_issued")
    theirs = (await case.get("/findings", complainant)).json()
    assert theirs["public_summary"] == "The eviction breached your right to be heard."
    assert theirs["internal_reasoning"] is None

    # Two remedies: recommended, one rejected with reasons, one implemented with evidence.
    restitution = (
        await case.post(
            "/remedies",
            {
                "form": "restitution",
                "department": "housing",
                "description": "Reinstate the family in flat 3C or an equivalent flat.",
                "response_due_at": SOON,
                "implementation_due_at": LATER,
            },
            handler,
        )
    ).json()
    guarantee = (
        await case.post(
            "/remedies",
            {
                "form": "guarantee_of_non_repetition",
                "department": "housing",
                "description": "Hear tenants before every eviction decision; train staff.",
                "response_due_at": SOON,
            },
            handler,
        )
    ).json()
    assert (await client.get("/v1/remedies", headers=housing)).json()["items"] == []
    assert (await case.get("/remedies", complainant)).json()["remedies"] == []
    await case.act(handler, "recommend_remedies")
    await views("remedy_follow_up")
    addressed = (await client.get("/v1/remedies", headers=housing)).json()["items"]
    assert [r["id"] for r in addressed] == [restitution["id"], guarantee["id"]]
    assert "Amina" not in str(addressed)
    rejected = await client.post(
        f"/v1/remedies/{restitution['id']}/response",
        headers=housing,
        json={"response": "rejected", "reasons": "No flat is free."},
    )
    assert rejected.status_code == 200 and rejected.json()["response"] == "rejected"
    accepted = await client.post(
        f"/v1/remedies/{guarantee['id']}/response", headers=housing, json={"response": "accepted"}
    )
    assert accepted.status_code == 200
    done = await client.post(
        f"/v1/remedies/{guarantee['id']}/reports",
        headers=housing,
        json={
            "kind": "implemented",
            "text": "Hearing rule adopted; 40 staff trained.",
            "evidence": "Council decision 2026/311; training register.",
        },
    )
    assert done.status_code == 200 and done.json()["reports"][0]["kind"] == "implemented"

    # Closing is guarded: the decision must be communicated, every remedy assessed.
    refused = await case.act(handler, "close", expect=409)
    assert "communicated" in refused["detail"] and "assessment" in refused["detail"]
    assert (
        await case.post("/findings/communication", {"channel": "email"}, handler)
    ).status_code == 200
    for remedy, verdict in ((restitution, "not_implemented"), (guarantee, "implemented")):
        assessed = await case.post(
            f"/remedies/{remedy['id']}/assessment",
            {"assessment": verdict, "note": "Checked on site."},
            handler,
        )
        assert assessed.status_code == 200
    closed = await case.act(handler, "close")
    assert closed["status"] == "closed"
    await views("closed")

    # What each one saw, in the end.
    remedies = (await case.get("/remedies", complainant)).json()["remedies"]
    assert [(r["form"], r["response"], r["assessment"]) for r in remedies] == [
        ("restitution", "rejected", "not_implemented"),
        ("guarantee_of_non_repetition", "accepted", "implemented"),
    ]
    assert all(r["assessment_note"] is None for r in remedies)
    timeline = (await case.get("/timeline", complainant)).json()["entries"]
    assert [e["action"] for e in timeline] == [
        "file",
        "acknowledge",
        "start_assessment",
        "open_investigation",
        "hearing_scheduled",
        "schedule_hearing",
        "hearing_held",
        "conclude_hearing",
        "issue_findings",
        "recommend_remedies",
        "communicate_decision",
        "close",
    ]
    assert "no hearing was held before" not in str(timeline)  # the minutes stay internal
    assert all(e["actor_subject"] is None for e in timeline)
    staff_timeline = (await case.get("/timeline", handler)).json()["entries"]
    assert {"assign", "recuse"} <= {e["action"] for e in staff_timeline}
    for path in ("", "/timeline", "/findings", "/remedies", "/messages", "/hearings"):
        assert (await case.get(path, recused)).status_code == 404, path
    assert (await case.get("/investigation", complainant)).status_code == 403
    assert (await case.get("", housing)).status_code == 404


async def test_remedies_need_remediable_findings(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    await write_findings(client, db, staff, filed["id"], outcome="no_violation")
    response = await client.post(
        f"/v1/complaints/{filed['id']}/remedies", headers=staff, json=remedy_body()
    )
    assert response.status_code == 409
    assert db.execute("SELECT count(*) AS n FROM remedies").fetchone()["n"] == 0


async def test_department_answers_once_and_reports_only_accepted(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    await write_findings(client, db, staff, filed["id"])
    remedy = await recommend(client, staff, filed["id"], response_due_at=SOON)
    set_status(db, filed["id"], "remedy_follow_up")
    housing = auth("respondent", department="housing")
    no_reasons = await client.post(
        f"/v1/remedies/{remedy['id']}/response", headers=housing, json={"response": "rejected"}
    )
    refused(no_reasons, 422, "validation-error", field="body", says="needs reasons")
    early = await client.post(
        f"/v1/remedies/{remedy['id']}/reports",
        headers=housing,
        json={"kind": "progress", "text": "Working on it."},
    )
    refused(early, 409, "conflict", says="accepted remedies")
    no_evidence = await client.post(
        f"/v1/remedies/{remedy['id']}/reports",
        headers=housing,
        json={"kind": "implemented", "text": "Paid."},
    )
    refused(no_evidence, 422, "validation-error", field="body", says="needs evidence")
    assert (
        await client.post(
            f"/v1/remedies/{remedy['id']}/response", headers=housing, json={"response": "accepted"}
        )
    ).status_code == 200
    assert (
        await client.post(
            f"/v1/remedies/{remedy['id']}/response",
            headers=housing,
            json={"response": "rejected", "reasons": "Changed our mind."},
        )
    ).status_code == 409
    parks = auth("respondent", department="parks")
    assert (await client.get(f"/v1/remedies/{remedy['id']}", headers=parks)).status_code == 404
    assert (await client.get("/v1/remedies", headers=staff)).status_code == 403
    db.execute("UPDATE remedies SET response_due_at = now() - interval '1 day'")
    view = (await client.get(f"/v1/remedies/{remedy['id']}", headers=housing)).json()
    assert view["response_overdue"] is False  # answered, so not overdue


async def test_findings_rules(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    body = {
        "outcome": "settled",
        "public_summary": "The parties settled.",
        "internal_reasoning": "Settlement terms agreed in mediation.",
    }
    early = await client.put(f"/v1/complaints/{filed['id']}/findings", json=body, headers=staff)
    assert early.status_code == 409
    set_status(db, filed["id"], "mediation")
    complainant = await receipt_headers(filed)
    assert (
        await client.put(f"/v1/complaints/{filed['id']}/findings", json=body, headers=complainant)
    ).status_code == 403
    bad = await client.put(
        f"/v1/complaints/{filed['id']}/findings", headers=staff, json={**body, "outcome": "guilty"}
    )
    assert bad.status_code == 422
    assert (
        await client.put(f"/v1/complaints/{filed['id']}/findings", json=body, headers=staff)
    ).status_code == 200
    unsettled = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "issue_findings"},
        headers={**staff, "If-Match": '"v1"'},
    )
    assert unsettled.status_code == 409 and "settlement" in unsettled.json()["detail"]
    settled = await client.post(
        f"/v1/complaints/{filed['id']}/mediation-attempts",
        json={"result": "settled", "terms": "A new flat by March."},
        headers=staff,
    )
    assert settled.status_code == 201
    early_word = await client.post(
        f"/v1/complaints/{filed['id']}/findings/communication",
        json={"channel": "post"},
        headers=staff,
    )
    assert early_word.status_code == 409  # not issued yet
    issued = await client.post(
        f"/v1/complaints/{filed['id']}/transitions",
        json={"action": "issue_findings"},
        headers={**staff, "If-Match": '"v1"'},
    )
    assert issued.status_code == 200  # from mediation, no investigation step is needed
    assert db.execute("SELECT issued_at FROM findings").fetchone()["issued_at"] is not None


async def test_a_rejected_remedy_is_neither_due_nor_overdue_for_implementation(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    housing = auth("respondent", department="housing")
    await write_findings(client, db, staff, filed["id"])
    ids = [
        (
            await recommend(
                client, staff, filed["id"], response_due_at=SOON, implementation_due_at=LATER
            )
        )["id"]
        for _ in range(2)
    ]
    set_status(db, filed["id"], "remedy_follow_up")
    rejected, accepted = ids
    answer = await client.post(
        f"/v1/remedies/{rejected}/response",
        headers=housing,
        json={"response": "rejected", "reasons": "No budget is left this year."},
    )
    assert answer.status_code == 200, answer.text
    answer = await client.post(
        f"/v1/remedies/{accepted}/response", headers=housing, json={"response": "accepted"}
    )
    assert answer.status_code == 200, answer.text

    due = await client.get(
        "/v1/deadlines?kind=remedy_implementation&within_days=366", headers=staff
    )
    assert due.status_code == 200
    assert [(d["kind"], d["item_id"]) for d in due.json()["items"]] == [
        ("remedy_implementation", accepted)
    ]
    # Past both implementation dates: only the accepted one is overdue.
    db.execute("UPDATE remedies SET implementation_due_at = now() - interval '1 day'")
    overdue = await client.get(
        "/v1/deadlines?kind=remedy_implementation&overdue=true", headers=staff
    )
    assert [d["item_id"] for d in overdue.json()["items"]] == [accepted]
    remedies = (await client.get(f"/v1/complaints/{filed['id']}/remedies", headers=staff)).json()
    flags = {r["id"]: r["implementation_overdue"] for r in remedies["remedies"]}
    assert flags == {rejected: False, accepted: True}
    department = (await client.get(f"/v1/remedies/{rejected}", headers=housing)).json()
    assert department["implementation_overdue"] is False
