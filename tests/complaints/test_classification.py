"""Staff classify the rights affected and the discrimination grounds of a case (a complaint filed
with none known is classified during assessment): an audited, versioned change of an open case.

Expectations are written out by hand.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import act, refused, set_status


def _path(complaint_id: str) -> str:
    return f"/v1/complaints/{complaint_id}/classification"


async def _etag(client: httpx.AsyncClient, complaint_id: str, headers: dict[str, str]) -> str:
    response = await client.get(f"/v1/complaints/{complaint_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def _stored(db: Any) -> dict[str, Any]:
    """The case's codes and version, and what the change left on record."""
    return {
        "case": db.execute(
            "SELECT rights_affected, discrimination_grounds, version FROM complaints"
        ).fetchone(),
        "kept": db.execute(
            "SELECT rights_before, rights_after, grounds_before, grounds_after, classified_by "
            "FROM classifications ORDER BY id"
        ).fetchall(),
        "timeline": db.execute(
            "SELECT action FROM timeline_entries WHERE action = 'classify'"
        ).fetchall(),
        "audit": db.execute(
            "SELECT actor_subject, actor_role, object_type FROM audit_entries "
            "WHERE action = 'complaint.classify' ORDER BY id"
        ).fetchall(),
    }


async def test_staff_classify_a_complaint_filed_without_knowing_the_rights(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    filed = await file_complaint(rights_affected=[], discrimination_grounds=[])
    cid = filed["id"]
    staff = auth("ombudsperson_staff", sub="sam")
    await act(client, staff, cid, "acknowledge")
    await act(client, staff, cid, "start_assessment")
    etag = await _etag(client, cid, staff)
    assert etag == '"v3"'

    response = await client.put(
        _path(cid),
        json={"rights_affected": ["adequate_housing", "health"], "discrimination_grounds": ["age"]},
        headers={**staff, "If-Match": etag},
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"v4"'
    body = response.json()
    entry = body.pop("entry")
    assert body.pop("updated_at") == entry["at"]  # the same statement, the same moment
    assert body == {
        "id": cid,
        "rights_affected": ["adequate_housing", "health"],
        "discrimination_grounds": ["age"],
        "previous": {"rights_affected": [], "discrimination_grounds": []},
        "version": 4,
    }
    assert entry == {
        "id": entry["id"],
        "at": entry["at"],
        "action": "classify",
        "from_status": "under_assessment",
        "to_status": "under_assessment",
        "reason": None,
        "actor_role": "ombudsperson_staff",
        "actor_subject": "sam",
        "visible_to_complainant": True,
        "about_subject": None,
    }

    # The case reads with its new codes, for staff and for the complainant.
    mine = await receipt_headers(filed)
    for headers in (staff, mine):
        case = await client.get(f"/v1/complaints/{cid}", headers=headers)
        assert case.headers["etag"] == '"v4"'
        codes = (case.json()["rights_affected"], case.json()["discrimination_grounds"])
        assert codes == (["adequate_housing", "health"], ["age"])
    # On the timeline: staff see who; the complainant sees that it happened.
    staff_timeline = (await client.get(f"/v1/complaints/{cid}/timeline", headers=staff)).json()
    assert [(e["action"], e["actor_subject"]) for e in staff_timeline["entries"]] == [
        ("file", "anonymous"),
        ("acknowledge", "sam"),
        ("start_assessment", "sam"),
        ("classify", "sam"),
    ]
    own_timeline = (await client.get(f"/v1/complaints/{cid}/timeline", headers=mine)).json()
    assert [(e["action"], e["actor_subject"]) for e in own_timeline["entries"]] == [
        ("file", None),
        ("acknowledge", None),
        ("start_assessment", None),
        ("classify", None),
    ]
    # On the audit trail, by the staff member, about the case; kept with the codes it replaced.
    audited = db.execute(
        "SELECT actor_subject, actor_role, object_type, object_id FROM audit_entries "
        "WHERE action = 'complaint.classify'"
    ).fetchall()
    assert audited == [
        {
            "actor_subject": "sam",
            "actor_role": "ombudsperson_staff",
            "object_type": "complaint",
            "object_id": cid,
        }
    ]
    kept = db.execute(
        "SELECT complaint_id::text, rights_before, rights_after, grounds_before, grounds_after, "
        "classified_by FROM classifications"
    ).fetchall()
    assert kept == [
        {
            "complaint_id": cid,
            "rights_before": [],
            "rights_after": ["adequate_housing", "health"],
            "grounds_before": [],
            "grounds_after": ["age"],
            "classified_by": "sam",
        }
    ]
    # Noted for the statistics fold (tests/statistics/test_folding.py follows it through).
    noted = db.execute(
        "SELECT kind FROM stat_changes WHERE complaint_id = %s ORDER BY id", (cid,)
    ).fetchall()
    assert [n["kind"] for n in noted] == [
        "complaint.filed",
        "complaint.transitioned",
        "complaint.transitioned",
        "complaint.classified",
    ]


async def test_a_reclassification_names_what_it_replaced_and_the_same_codes_change_nothing(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()  # adequate_housing, good_administration; disability
    head = auth("ombudsperson", sub="hana")
    moved = await client.put(
        _path(filed["id"]),
        json={"rights_affected": ["good_administration"], "discrimination_grounds": []},
        headers={**head, "If-Match": '"v1"'},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["previous"] == {
        "rights_affected": ["adequate_housing", "good_administration"],
        "discrimination_grounds": ["disability"],
    }
    # The head acts as the case's handler would (the narrowest role granting it).
    assert moved.json()["entry"]["actor_role"] == "ombudsperson"
    assert moved.json()["entry"]["from_status"] == "submitted"
    before = _stored(db)
    # The same codes again: nothing changes, nothing is recorded, the ETag stays.
    same = await client.put(
        _path(filed["id"]),
        json={"rights_affected": ["good_administration"], "discrimination_grounds": []},
        headers={**head, "If-Match": '"v2"'},
    )
    assert same.status_code == 200, same.text
    assert same.headers["etag"] == '"v2"'
    body = same.json()
    assert (body["entry"], body["previous"], body["version"]) == (None, None, 2)
    assert (body["rights_affected"], body["discrimination_grounds"]) == (
        ["good_administration"],
        [],
    )
    assert _stored(db) == before
    assert before == {
        "case": {
            "rights_affected": ["good_administration"],
            "discrimination_grounds": [],
            "version": 2,
        },
        "kept": [
            {
                "rights_before": ["adequate_housing", "good_administration"],
                "rights_after": ["good_administration"],
                "grounds_before": ["disability"],
                "grounds_after": [],
                "classified_by": "hana",
            }
        ],
        "timeline": [{"action": "classify"}],
        "audit": [
            {"actor_subject": "hana", "actor_role": "ombudsperson", "object_type": "complaint"}
        ],
    }
    # Back to "not known": an empty list is a classification too.
    cleared = await client.put(
        _path(filed["id"]),
        json={"rights_affected": [], "discrimination_grounds": []},
        headers={**head, "If-Match": '"v2"'},
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["previous"] == {
        "rights_affected": ["good_administration"],
        "discrimination_grounds": [],
    }
    assert cleared.headers["etag"] == '"v3"'


async def test_who_may_classify(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    """Staff who may assess the case, on its track; the complainant reaches the case but may not
    classify it (403); staff of the other track and everyone else do not reach it (404)."""
    filed = await file_complaint(headers=auth("resident", sub="rhea"))
    body = {"rights_affected": ["health"], "discrimination_grounds": []}
    before = _stored(db)
    for headers in (await receipt_headers(filed), auth("resident", sub="rhea")):
        response = await client.put(
            _path(filed["id"]), json=body, headers={**headers, "If-Match": '"v1"'}
        )
        refused(response, 403, "forbidden")
    for role in ("oversight_officer", "oversight_head", "monitor", "auditor", "admin"):
        response = await client.put(
            _path(filed["id"]), json=body, headers={**auth(role), "If-Match": '"v1"'}
        )
        refused(response, 404, "not-found")
    respondent = auth("respondent", department="housing")
    response = await client.put(
        _path(filed["id"]), json=body, headers={**respondent, "If-Match": '"v1"'}
    )
    refused(response, 404, "not-found")
    assert _stored(db) == before
    # On the anti-corruption track, its officers classify; the ombudsperson's staff cannot reach it.
    report = await file_complaint(track="anti_corruption")
    ombuds = await client.put(
        _path(report["id"]),
        json=body,
        headers={**auth("ombudsperson_staff"), "If-Match": '"v1"'},
    )
    refused(ombuds, 404, "not-found")
    officer = await client.put(
        _path(report["id"]),
        json=body,
        headers={**auth("oversight_officer", sub="olga"), "If-Match": '"v1"'},
    )
    assert officer.status_code == 200, officer.text
    assert officer.json()["entry"]["actor_role"] == "oversight_officer"


async def test_classification_needs_the_current_etag(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, db: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    body = {"rights_affected": ["health"], "discrimination_grounds": []}
    before = _stored(db)
    missing = await client.put(_path(filed["id"]), json=body, headers=staff)
    refused(missing, 428, "precondition-required")
    await act(client, staff, filed["id"], "acknowledge")  # version 2
    stale = await client.put(_path(filed["id"]), json=body, headers={**staff, "If-Match": '"v1"'})
    refused(
        stale,
        412,
        "precondition-failed",
        detail="The complaint changed since you read it; fetch it again and retry with its ETag.",
    )
    assert _stored(db) == {**before, "case": {**before["case"], "version": 2}}


# Open states classify; finished ones (workflow.TERMINAL) do not.
STATES = [
    ("submitted", 200),
    ("acknowledged", 200),
    ("under_assessment", 200),
    ("under_investigation", 200),
    ("hearing", 200),
    ("mediation", 200),
    ("findings_issued", 200),
    ("remedy_follow_up", 200),
    ("inadmissible", 409),
    ("referred", 409),
    ("closed", 409),
    ("withdrawn", 409),
]


@pytest.mark.parametrize(("status", "expected"), STATES)
async def test_only_an_open_case_is_classified(
    status: str,
    expected: int,
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
) -> None:
    filed = await file_complaint()
    set_status(db, filed["id"], status)
    before = _stored(db)
    response = await client.put(
        _path(filed["id"]),
        json={"rights_affected": ["health"], "discrimination_grounds": []},
        headers={**auth("ombudsperson_staff"), "If-Match": '"v1"'},
    )
    if expected == 200:
        assert response.status_code == 200, response.text
        assert response.json()["entry"]["from_status"] == status
        return
    refused(
        response,
        409,
        "conflict",
        detail=f"The complaint is {status}: its classification no longer changes.",
    )
    assert _stored(db) == before


async def test_a_withdrawn_complaint_keeps_its_classification(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any, receipt_headers: Any, db: Any
) -> None:
    """Withdrawn through the API (by the complainant), then refused with the state named."""
    filed = await file_complaint()
    await act(client, await receipt_headers(filed), filed["id"], "withdraw")
    response = await client.put(
        _path(filed["id"]),
        json={"rights_affected": ["health"], "discrimination_grounds": []},
        headers={**auth("ombudsperson_staff"), "If-Match": '"v2"'},
    )
    refused(
        response,
        409,
        "conflict",
        detail="The complaint is withdrawn: its classification no longer changes.",
    )
    assert db.execute("SELECT count(*) AS n FROM classifications").fetchone() == {"n": 0}


ELEVEN = [
    "life_liberty_security",
    "freedom_from_ill_treatment",
    "equality_non_discrimination",
    "access_to_justice",
    "good_administration",
    "privacy_data_protection",
    "property",
    "work",
    "adequate_housing",
    "health",
    "education",
]
BAD = [
    ({"rights_affected": ["health", "health"], "discrimination_grounds": []}, "body", "twice"),
    ({"rights_affected": [], "discrimination_grounds": ["age", "age"]}, "body", "twice"),
    (
        {"rights_affected": ["right_to_fly"], "discrimination_grounds": []},
        "body.rights_affected.0",
        None,
    ),
    (
        {"rights_affected": [], "discrimination_grounds": ["hair_colour"]},
        "body.discrimination_grounds.0",
        None,
    ),
    ({"rights_affected": ELEVEN, "discrimination_grounds": []}, "body.rights_affected", None),
    ({"rights_affected": ["health"]}, "body.discrimination_grounds", None),
    ({"discrimination_grounds": []}, "body.rights_affected", None),
    (
        {"rights_affected": [], "discrimination_grounds": [], "reason": "x"},
        "body.reason",
        None,
    ),
]


@pytest.mark.parametrize(("body", "field", "says"), BAD)
async def test_bad_codes_are_422_naming_the_field(
    body: dict[str, Any],
    field: str,
    says: str | None,
    client: httpx.AsyncClient,
    auth: Any,
    file_complaint: Any,
    db: Any,
) -> None:
    filed = await file_complaint()
    before = _stored(db)
    response = await client.put(
        _path(filed["id"]),
        json=body,
        headers={**auth("ombudsperson_staff"), "If-Match": '"v1"'},
    )
    refused(response, 422, "validation-error", field=field, says=says)
    assert _stored(db) == before
