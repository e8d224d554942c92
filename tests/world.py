"""A case with everything that can hang off it, arranged in one go for tests that probe routes.

The complaint is filed through the API (so it has a receipt and a resident owner); its state and
its children are then written directly, as the API would have left them, so a test can put any
route's precondition in place in a few milliseconds. Subjects are fixed, so expectations can name
who is who.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import psycopg

from app.attachments.storage import LocalStorage
from app.kit.ids import uuid7
from app.kit.permissions import Role
from app.taxonomy import Track
from tests.conftest import TokenFactory, complaint_body

OWNER = "owner"  # the resident who filed
STAFF = Role.ombudsperson_staff
RECUSED = "recused-staff"  # staff of the case's track, recused from it
FILE = b"What the complainant attached."

# Who asks, as the matrices name them: every role, and staff of the track recused from the case.
Who = Role | str
PRINCIPALS: list[Who] = [*Role, RECUSED]


def subject_of(who: Who) -> str:
    return OWNER if who is Role.resident else str(who)


@dataclass
class Case:
    """A complaint and the ids of what hangs off it."""

    id: str
    reference: str
    receipt: str
    track: Track
    children: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    client: httpx.AsyncClient
    db: psycopg.Connection[Any]
    auth: TokenFactory
    storage: LocalStorage

    async def case(
        self,
        track: Track,
        status: str = "acknowledged",
        *,
        remedy_response: str | None = None,
        reveal: str = "pending",
        hold: bool = False,
        erasure: bool = True,
        release: bool = False,
    ) -> Case:
        """A complaint on `track` in `status`, filed by the resident `owner` with contact details,
        with one of each child: a message to the complainant, a file the complainant attached,
        a classification by staff, an investigation with an information request to housing,
        issued findings of a violation, a remedy to housing, a scheduled hearing, a record
        awaiting the reporter, a requested protection measure, an identity request by the
        oversight officer (`reveal`), a pending erasure request; and `staff` of the track recused
        from it."""
        response = await self.client.post(
            "/v1/complaints",
            json=complaint_body(track=track.value, contact={"email": "owner@example.org"}),
            headers=self.auth("resident", sub=OWNER),
        )
        assert response.status_code == 201, response.text
        filed = response.json()
        case = Case(filed["id"], filed["reference"], filed["receipt"], track)
        cid = case.id
        run = self.db.execute

        def one(sql: str, *params: Any) -> Any:
            row = run(sql, (cid, *params)).fetchone()
            assert row is not None
            return next(iter(row.values()))

        run("UPDATE complaints SET status = %s WHERE id = %s", (status, cid))
        if hold:
            run(
                "UPDATE complaints SET legal_hold_at = now(), legal_hold_by = 'head', "
                "legal_hold_reason = 'An appeal is pending.' WHERE id = %s",
                (cid,),
            )
        run(
            "INSERT INTO recusals VALUES (%s, %s, 'declared', 'A conflict.', %s)",
            (cid, RECUSED, RECUSED),
        )
        case.children["message"] = one(
            "INSERT INTO messages (complaint_id, kind, body, author_subject, author_role) "
            "VALUES (%s, 'to_complainant', 'We are looking into it.', 'staff', "
            "'ombudsperson_staff') RETURNING id"
        )
        attachment = uuid7()
        await self.storage.put(attachment, FILE)
        run(
            "INSERT INTO attachments (id, complaint_id, parent, filename, content_type, "
            "size_bytes, sha256, visible_to_complainant, uploaded_by, uploaded_role) "
            "VALUES (%s, %s, 'complaint', 'note.txt', 'text/plain', %s, %s, true, %s, "
            "'resident')",
            (attachment, cid, len(FILE), hashlib.sha256(FILE).digest(), OWNER),
        )
        case.children["attachment"] = str(attachment)
        run(
            "INSERT INTO investigations (complaint_id, plan, opened_by) "
            "VALUES (%s, 'Ask for the file.', 'staff')",
            (cid,),
        )
        case.children["request"] = one(
            "INSERT INTO investigation_steps (complaint_id, kind, summary, department, due_at, "
            "created_by) VALUES (%s, 'information_request', 'Send the file.', 'housing', "
            "now() + interval '30 days', 'staff') RETURNING id"
        )
        run(
            "INSERT INTO findings (complaint_id, outcome, rights_affected, public_summary, "
            "internal_reasoning, drafted_by, issued_at) VALUES (%s, 'violation_found', "
            "'{adequate_housing}', 'A breach was found.', 'No hearing was held.', 'staff', now())",
            (cid,),
        )
        run(
            "INSERT INTO classifications (complaint_id, rights_before, rights_after, "
            "grounds_before, grounds_after, classified_by) VALUES (%s, '{}', "
            "'{adequate_housing,good_administration}', '{}', '{disability}', 'staff')",
            (cid,),
        )
        case.children["remedy"] = one(
            "INSERT INTO remedies (complaint_id, form, department, description, response_due_at, "
            "response, responded_at, responded_by, created_by) VALUES (%s, 'compensation', "
            "'housing', 'Pay the moving costs.', now() + interval '30 days', %s, "
            "CASE WHEN %s::text IS NULL THEN NULL ELSE now() END, "
            "CASE WHEN %s::text IS NULL THEN NULL ELSE 'clerk' END, 'staff') RETURNING id",
            remedy_response,
            remedy_response,
            remedy_response,
        )
        case.children["hearing"] = one(
            "INSERT INTO hearings (complaint_id, scheduled_at, mode, online_url, participants, "
            "status, created_by) VALUES (%s, now() + interval '10 days', 'online', "
            "'https://meet.example.org/r', '[]', 'scheduled', 'staff') RETURNING id"
        )
        case.children["record"] = one(
            "INSERT INTO report_records (complaint_id, kind, held_at, transcript, status, "
            "recorded_by) VALUES (%s, 'meeting', now() - interval '1 day', 'We met and talked.', "
            "'awaiting_reporter', 'staff') RETURNING id"
        )
        case.children["measure"] = one(
            "INSERT INTO protection_measures (complaint_id, measure, status) "
            "VALUES (%s, 'legal_aid', 'requested') RETURNING id"
        )
        case.children["identity_request"] = one(
            "INSERT INTO identity_reveal_requests (complaint_id, requested_by, motivation, "
            "legal_basis, status, decided_by, decided_at, notified_at) VALUES (%s, %s, "
            "'The witness statement cannot be checked otherwise.', 'Court order 12/2026', %s, "
            "CASE WHEN %s = 'approved' THEN 'custodian' END, "
            "CASE WHEN %s = 'approved' THEN now() END, "
            "CASE WHEN %s = 'approved' THEN now() END) RETURNING id",
            Role.oversight_officer.value,
            reveal,
            reveal,
            reveal,
            reveal,
        )
        if release:
            # A statistics release of a month of its own (a revision needs a current one).
            month = run("SELECT count(DISTINCT period) + 1 AS n FROM statistics_releases")
            first = f"2020-{month.fetchone()['n']:02d}-01"
            case.children["release"] = run(
                "INSERT INTO statistics_releases (period, unit, version, first_month, "
                "last_month, published, document, truth, digest, signature, key_id) VALUES "
                "(left(%s, 7), 'month', 1, %s, %s, jsonb_build_object('period', left(%s, 7)), "
                "'{}', '{\"cells\": {}, \"hidden\": [], \"atoms\": {}}', 'sha256:0', '0', '0') "
                "RETURNING id",
                (first, first, first, first),
            ).fetchone()["id"]
        if erasure:
            case.children["erasure_request"] = one(
                "INSERT INTO erasure_requests (complaint_id, due_at, channel, recorded_by, "
                "recorded_role, status) VALUES (%s, now() + interval '1 month', 'written', "
                "'staff', 'ombudsperson_staff', 'pending') RETURNING id"
            )
        return case

    async def headers(self, who: Who, case: Case) -> dict[str, str]:
        """The headers `who` calls with: a receipt token for the complainant of `case`."""
        if who is Role.complainant:
            response = await self.client.post(
                "/v1/auth/receipt", json={"reference": case.reference, "receipt": case.receipt}
            )
            assert response.status_code == 200, response.text
            return {"Authorization": f"Bearer {response.json()['access_token']}"}
        if who == RECUSED:
            role = (
                "oversight_officer" if case.track is Track.anti_corruption else "ombudsperson_staff"
            )
            return self.auth(role, sub=RECUSED)
        assert isinstance(who, Role)
        return self.auth(
            who.value,
            sub=subject_of(who),
            department="housing" if who is Role.respondent else None,
        )


def sees(who: Who, track: Track) -> bool:
    """Whether `who` reaches a case of `track` filed by the resident `owner`, written out."""
    if who in (Role.complainant, Role.resident):
        return True
    if track is Track.ombudsperson:
        return who in (Role.ombudsperson_staff, Role.ombudsperson)
    return who in (Role.oversight_officer, Role.oversight_head)


def ids(case: Case) -> dict[str, str]:
    """Path parameters of a case's routes."""
    return {
        "complaint_id": case.id,
        "attachment_id": case.children["attachment"],
        "hearing_id": str(case.children["hearing"]),
        "message_id": str(case.children["message"]),
        "record_id": str(case.children["record"]),
        "measure_id": str(case.children["measure"]),
        "remedy_id": str(case.children["remedy"]),
        "release_id": str(case.children.get("release", 0)),
        "year": "2026",
    }


def uuid(value: str) -> UUID:
    return UUID(value)
