from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.crypto import Sealer
from tests.conftest import complaint_body, publish_due, refused

REFERENCE = r"^HRC-\d{4}-\d{6,}$"
# The published codes, written out: a code renamed or dropped breaks every statistic before it.
RIGHT_CODES = [
    "life_liberty_security",
    "freedom_from_ill_treatment",
    "equality_non_discrimination",
    "protection_from_gender_based_violence",
    "access_to_justice",
    "good_administration",
    "privacy_data_protection",
    "freedom_of_movement",
    "asylum_and_migration",
    "property",
    "thought_conscience_religion",
    "expression_information",
    "assembly_association",
    "participation_public_affairs",
    "social_security",
    "work",
    "adequate_housing",
    "health",
    "food_water_sanitation",
    "education",
    "cultural_life",
    "rights_of_the_child",
    "accessibility",
    "healthy_environment",
    "integrity_anti_corruption",
]
GROUND_CODES = [
    "race",
    "colour",
    "ethnic_origin",
    "sex",
    "gender_identity",
    "sexual_orientation",
    "language",
    "religion_or_belief",
    "political_or_other_opinion",
    "national_origin",
    "social_origin",
    "property",
    "birth_or_descent",
    "disability",
    "age",
    "health_status",
    "migration_status",
    "economic_and_social_situation",
    "marital_or_family_status",
    "other_status",
]


def _count(db: Any, table: str = "complaints") -> int:
    return db.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]  # noqa: S608


async def test_anonymous_filing(client: httpx.AsyncClient, db: Any) -> None:
    response = await client.post("/v1/complaints", json=complaint_body())
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/v1/complaints/{body['id']}"
    assert response.headers["cache-control"] == "no-store"
    import re

    assert re.match(REFERENCE, body["reference"])
    assert body["status"] == "submitted"
    received = datetime.fromisoformat(body["received_at"])
    assert datetime.fromisoformat(body["acknowledge_by"]) - received == timedelta(days=7)
    feedback = datetime.fromisoformat(body["feedback_by"]) - received
    assert timedelta(days=7 + 89) <= feedback <= timedelta(days=7 + 92)
    row = db.execute(
        "SELECT anonymous, complainant_subject, status, rights_affected FROM complaints"
    ).fetchone()
    assert row == {
        "anonymous": True,
        "complainant_subject": None,
        "status": "submitted",
        "rights_affected": ["adequate_housing", "good_administration"],
    }
    assert _count(db, "complainant_contacts") == 0
    timeline = db.execute(
        "SELECT action, to_status, actor_subject, visible_to_complainant FROM timeline_entries"
    ).fetchall()
    assert timeline == [
        {
            "action": "file",
            "to_status": "submitted",
            "actor_subject": "anonymous",
            "visible_to_complainant": True,
        }
    ]
    assert db.execute("SELECT action FROM audit_entries").fetchall() == [
        {"action": "complaint.file"}
    ]


@pytest.mark.parametrize("given", [{"rights_affected": []}, {}], ids=["empty", "omitted"])
async def test_a_complaint_may_be_filed_without_knowing_the_rights(
    given: dict[str, Any], client: httpx.AsyncClient, db: Any, receipt_headers: Any
) -> None:
    """ "I don't know": an empty list, or none given, is a complaint with no right named yet."""
    body = complaint_body(discrimination_grounds=[], **given)
    if not given:
        del body["rights_affected"]
    response = await client.post("/v1/complaints", json=body)
    assert response.status_code == 201, response.text
    filed = response.json()
    stored = db.execute(
        "SELECT rights_affected, discrimination_grounds, status FROM complaints"
    ).fetchone()
    assert stored == {"rights_affected": [], "discrimination_grounds": [], "status": "submitted"}
    case = await client.get(f"/v1/complaints/{filed['id']}", headers=await receipt_headers(filed))
    assert case.status_code == 200
    assert (case.json()["rights_affected"], case.json()["discrimination_grounds"]) == ([], [])
    audited = db.execute("SELECT action FROM audit_entries ORDER BY id").fetchall()
    assert audited == [{"action": "complaint.file"}, {"action": "auth.receipt"}]


async def test_references_are_unique_and_sequential(file_complaint: Any) -> None:
    refs = [(await file_complaint())["reference"] for _ in range(3)]
    numbers = [int(r.rsplit("-", 1)[1]) for r in refs]
    assert len(set(refs)) == 3
    assert numbers == sorted(numbers)


async def test_contact_and_characteristics_are_kept_apart(
    client: httpx.AsyncClient, db: Any, settings: Settings
) -> None:
    body = complaint_body(
        contact={"name": "Amina", "email": "amina@example.org", "preferred_channel": "email"},
        characteristics={
            "sex_gender": "woman",
            "age_band": "prefer_not_to_say",
            "disability": "yes",
        },
    )
    response = await client.post("/v1/complaints", json=body)
    assert response.status_code == 201
    assert db.execute("SELECT anonymous FROM complaints").fetchone()["anonymous"] is False
    sealed = db.execute("SELECT key_id, sealed FROM complainant_contacts").fetchone()
    assert sealed["key_id"] == "test2"  # the first identity key seals
    assert b"Amina" not in sealed["sealed"] and b"amina@" not in sealed["sealed"]
    # The body stored with the complaint leaves the contact out entirely.
    assert "amina" not in str(db.execute("SELECT * FROM complaints").fetchone()).lower()
    # The characteristics (special-category data) are sealed the same way, bound to the case.
    traits = db.execute(
        "SELECT complaint_id, key_id, sealed FROM complainant_characteristics"
    ).fetchone()
    assert set(traits) == {"complaint_id", "key_id", "sealed"}  # no column in clear
    assert traits["key_id"] == "test2" and b"woman" not in traits["sealed"]
    opened = Sealer.from_settings(settings).open(
        "test2", traits["sealed"], traits["complaint_id"], b"characteristics"
    )
    assert json.loads(opened) == {
        "sex_gender": "woman",
        "age_band": "prefer_not_to_say",
        "disability": "yes",
    }
    assert "Amina" not in response.text


async def test_resident_filing_is_linked(client: httpx.AsyncClient, auth: Any, db: Any) -> None:
    response = await client.post(
        "/v1/complaints", json=complaint_body(), headers=auth("resident", sub="resident-9")
    )
    assert response.status_code == 201
    row = db.execute("SELECT complainant_subject, anonymous FROM complaints").fetchone()
    assert row == {"complainant_subject": "resident-9", "anonymous": False}


async def test_invalid_token_on_intake_is_refused_not_ignored(
    client: httpx.AsyncClient, db: Any
) -> None:
    response = await client.post(
        "/v1/complaints", json=complaint_body(), headers={"Authorization": "Bearer not-a-token"}
    )
    assert response.status_code == 401
    assert _count(db) == 0


async def test_track_deadlines_are_configurable(settings: Settings, server_url: str) -> None:
    from app.main import create_app

    custom = settings.model_copy(
        update={"anti_corruption_acknowledge_days": 5, "anti_corruption_feedback_months": 2}
    )
    app = create_app(custom)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            body = (
                await c.post("/v1/complaints", json=complaint_body(track="anti_corruption"))
            ).json()
    received = datetime.fromisoformat(body["received_at"])
    assert datetime.fromisoformat(body["acknowledge_by"]) - received == timedelta(days=5)
    assert (
        timedelta(days=5 + 58)
        <= (datetime.fromisoformat(body["feedback_by"]) - received)
        <= timedelta(days=5 + 62)
    )


async def test_an_office_may_turn_anonymous_filing_off_and_says_so_in_s1(
    settings: Settings, auth: Any, db: Any, database_url: str
) -> None:
    from decimal import Decimal

    from app.main import create_app

    custom = settings.model_copy(update={"anonymous_filing": False, "filing_fee": Decimal("5")})
    app = create_app(custom)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            anonymous = await c.post("/v1/complaints", json=complaint_body())
            says = "This office does not accept anonymous complaints: give a way to reach you."
            body = refused(anonymous, 422, "validation-error", detail=says)
            assert body["errors"] == [
                {"field": "body.contact", "message": says, "type": "anonymous_not_accepted"}
            ]
            assert _count(db) == 0
            reachable = complaint_body(contact={"name": "Ana", "email": "ana@example.org"})
            assert (await c.post("/v1/complaints", json=reachable)).status_code == 201
            resident = auth("resident", sub="resident-7")
            signed_in = await c.post("/v1/complaints", json=complaint_body(), headers=resident)
            assert signed_in.status_code == 201
            # The year's release says so: the commitments in force when it was computed.
            db.execute("UPDATE complaints SET received_at = '2025-06-01T10:00:00Z'")
            await publish_due(database_url, custom)
            indicators = await c.get("/v1/indicators", params={"year": 2025})
            s1 = next(i for i in indicators.json()["indicators"] if i["code"] == "S1")
    assert _count(db) == 2
    assert s1["value"] is False
    assert "anonymous filing not accepted; fee to file 5" in s1["description"]


def test_anti_corruption_feedback_cannot_exceed_three_months(settings: Settings) -> None:
    """Directive 2019/1937 art. 9(1)(f): three months at most on internal channels."""
    with pytest.raises(ValueError, match="OMBUDS_ANTI_CORRUPTION_FEEDBACK_MONTHS"):
        Settings(**{**settings.model_dump(), "anti_corruption_feedback_months": 4})
    assert Settings(**{**settings.model_dump(), "anti_corruption_feedback_months": 3})


BAD_BODIES = [
    ({"unknown_field": 1}, "body.unknown_field"),
    ({"status": "closed"}, "body.status"),
    ({"reference": "HRC-2026-000001"}, "body.reference"),
    ({"track": "secret_police"}, "body.track"),
    ({"rights_affected": ["right_to_fly"]}, "body.rights_affected.0"),
    (
        {
            "rights_affected": [
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
        },
        "body.rights_affected",
    ),
    ({"discrimination_grounds": ["sex", "sex"]}, "body"),
    ({"rights_affected": ["health", "health"]}, "body"),
    ({"discrimination_grounds": ["hair_colour"]}, "body.discrimination_grounds.0"),
    ({"summary": "x" * 201}, "body.summary"),
    ({"description": "short"}, "body.description"),
    ({"description": "d" * 10_001}, "body.description"),
    ({"remedy_sought": None}, "body.remedy_sought"),
    ({"language": "xx"}, "body.language"),
    ({"contact": {}}, "body.contact"),
    ({"contact": {"email": "not-an-email"}}, "body.contact.email"),
    ({"contact": {"email": None, "phone": "+33 1 23 45"}}, "body.contact.email"),
    ({"characteristics": {"ethnicity": "martian"}}, "body.characteristics.ethnicity"),
    ({"characteristics": {"income": "high"}}, "body.characteristics.income"),
    ({"incident": {"date_from": (date.today() + timedelta(days=3)).isoformat()}}, "body.incident"),
    ({"incident": {"date_from": "2026-05-02", "date_to": "2026-05-01"}}, "body.incident"),
    ({"incident": {"date_from": 0}}, "body.incident.date_from"),
    ({"incident": {"date_from": "1700000000"}}, "body.incident.date_from"),
]


@pytest.mark.parametrize(("change", "field"), BAD_BODIES)
async def test_bad_input_is_422_naming_the_field(
    change: dict[str, Any], field: str, client: httpx.AsyncClient, db: Any
) -> None:
    response = await client.post("/v1/complaints", json=complaint_body(**change))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert field in {e["field"] for e in problem["errors"]}, problem
    assert _count(db) == 0 and _count(db, "timeline_entries") == 0


async def test_rejected_input_is_not_echoed(client: httpx.AsyncClient) -> None:
    secret = "my-home-address-42-elm-street"
    response = await client.post("/v1/complaints", json=complaint_body(contact={"email": secret}))
    refused(response, 422, "validation-error", field="body.contact.email")
    assert secret not in response.text


async def test_malformed_json_is_422(client: httpx.AsyncClient, db: Any) -> None:
    response = await client.post(
        "/v1/complaints", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert _count(db) == 0


async def test_oversized_body_is_413(
    client: httpx.AsyncClient, settings: Settings, db: Any
) -> None:
    # A filing's limit is what its schema accepts with every character escaped (about 300 KB).
    padding = "p" * (400 * 1024)
    response = await client.post("/v1/complaints", json=complaint_body(description=padding))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert _count(db) == 0


async def test_oversized_chunked_body_is_413(
    client: httpx.AsyncClient, settings: Settings, db: Any
) -> None:
    async def chunks():  # no Content-Length: the limit applies while streaming
        for _ in range(400):
            yield b" " * 1024

    response = await client.post(
        "/v1/complaints", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert _count(db) == 0


async def test_taxonomy(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/taxonomy")
    assert response.status_code == 200
    body = response.json()
    assert {t["code"] for t in body["tracks"]} == {"ombudsperson", "anti_corruption"}
    housing = next(r for r in body["rights"] if r["code"] == "adequate_housing")
    assert housing["udhr_articles"] == [25] and "11.1" in housing["sdg_targets"]
    assert all(r["udhr_articles"] and r["sdg_targets"] for r in body["rights"])
    for characteristic in body["characteristics"]:
        assert "prefer_not_to_say" in {o["code"] for o in characteristic["options"]}
    assert {c["code"] for c in body["characteristics"]} == {
        "sex_gender",
        "age_band",
        "disability",
        "migration_status",
        "ethnicity",
    }
    assert "disability" in {g["code"] for g in body["discrimination_grounds"]}
    # Each right and each ground explained in one plain sentence, for residents choosing.
    assert housing["description"] == (
        "A safe, affordable home, protection from forced eviction and from being left homeless."
    )
    age = next(g for g in body["discrimination_grounds"] if g["code"] == "age")
    assert age == {
        "code": "age",
        "label": "Age",
        "description": "Being treated worse because of how old or how young you are.",
    }
    for item in [*body["rights"], *body["discrimination_grounds"]]:
        text = item["description"]
        assert 20 <= len(text) <= 160 and text.endswith(".") and text.count(". ") == 0, item
    # The codes never change once published (statistics are grouped by them).
    assert [r["code"] for r in body["rights"]] == RIGHT_CODES
    assert [g["code"] for g in body["discrimination_grounds"]] == GROUND_CODES
    # The departments the city configured, for forms to offer (tests configure four).
    assert body["departments"] == ["Housing", "Police", "Social Services", "Education"]


@pytest.mark.parametrize("text", ["nul \x00 byte inside", "lone \ud800 surrogate here"])
async def test_text_postgresql_cannot_store_is_422(
    text: str, client: httpx.AsyncClient, db: Any
) -> None:
    import json

    raw = json.dumps(complaint_body(summary=text))  # ensure_ascii keeps the surrogate escaped
    response = await client.post(
        "/v1/complaints", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    # A NUL is refused by field validation; a lone surrogate already by the JSON parser.
    assert response.json()["errors"][0]["field"] in {"body.summary", "body"}
    assert _count(db) == 0


@pytest.mark.parametrize("path", ["/v1/complaints", "/v1/auth/receipt"])
async def test_deeply_nested_json_is_refused_cleanly(
    path: str, client: httpx.AsyncClient, db: Any
) -> None:
    deep = "[" * 20_000 + "]" * 20_000
    response = await client.post(path, content=deep, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in response.text and "Recursion" not in response.text
    assert _count(db) == 0
