"""The contract, enforced on every route: a body within the schema's character limits is never
refused for its bytes (however it is escaped), and a query parameter no operation declares is a
422 wherever it is sent."""

from __future__ import annotations

import json
from typing import Any

import httpx

from app.contract import escaped_size
from tests.conftest import complaint_body, refused

EMOJI = "\U0001f600"  # outside the Basic Multilingual Plane: 12 bytes escaped, one character


def _escaped(body: dict[str, Any]) -> bytes:
    """JSON with every non-ASCII character escaped, as many clients send it."""
    return json.dumps(body, ensure_ascii=True).encode()


async def test_a_filing_at_its_character_limits_is_accepted_however_escaped(
    client: httpx.AsyncClient,
) -> None:
    body = complaint_body(
        summary=EMOJI * 200,
        description=EMOJI * 10_000,
        remedy_sought=EMOJI * 4_000,
    )
    raw = _escaped(body)
    assert len(raw) > 64 * 1024 * 2  # far beyond the old byte limit that refused it
    filed = await client.post(
        "/v1/complaints", content=raw, headers={"content-type": "application/json"}
    )
    assert filed.status_code == 201, filed.text
    # One character more is the schema's refusal (422, naming the field), not the size's (413).
    over = await client.post(
        "/v1/complaints",
        content=_escaped({**body, "description": EMOJI * 10_001}),
        headers={"content-type": "application/json"},
    )
    refused(over, 422, "validation-error", field="body.description")


async def test_a_body_beyond_what_any_valid_one_could_be_is_413(client: httpx.AsyncClient) -> None:
    padding = b" " * (400 * 1024)
    response = await client.post(
        "/v1/complaints",
        content=b"{" + padding + b"}",
        headers={"content-type": "application/json"},
    )
    refused(response, 413, "payload-too-large")
    assert response.json()["instance"] == "/v1/complaints"
    # A receipt login is small: its own limit is the floor of 64 KiB.
    login = await client.post(
        "/v1/auth/receipt",
        content=b"{" + b" " * (70 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    refused(login, 413, "payload-too-large", detail="The request body may be at most 65536 bytes.")


def test_escaped_sizes_by_hand() -> None:
    components = {"Code": {"type": "string", "enum": ["ab", "abcd"]}}
    assert escaped_size({"type": "string", "maxLength": 10}, components) == 122
    assert escaped_size({"type": "string", "format": "date"}, components) == 122
    assert escaped_size({"type": "string"}, components) is None
    assert escaped_size({"$ref": "#/components/schemas/Code"}, components) == 50
    assert escaped_size({"type": "array", "items": {"type": "integer"}, "maxItems": 3}, {}) == 125
    assert escaped_size({"type": "array", "items": {"type": "integer"}}, {}) is None
    assert (
        escaped_size(
            {
                "type": "object",
                "properties": {"a": {"type": "boolean"}},
                "additionalProperties": False,
            },
            {},
        )
        == 2 + 12 + 4 + 40
    )
    assert escaped_size({"anyOf": [{"type": "string", "maxLength": 1}, {"type": "null"}]}, {}) == 40


async def test_unknown_query_parameters_are_refused_on_every_route(
    client: httpx.AsyncClient, auth: Any, file_complaint: Any
) -> None:
    filed = await file_complaint()
    staff = auth("ombudsperson_staff")
    for path, headers in [
        ("/healthz", {}),
        ("/v1/taxonomy", {}),
        ("/v1/workflow", {}),
        (f"/v1/complaints/{filed['id']}", staff),
        (f"/v1/complaints/{filed['id']}/timeline", staff),
        ("/v1/deadlines", staff),
    ]:
        response = await client.get(path, params={"lang": "fr"}, headers=headers)
        refused(response, 422, "validation-error", field="query.lang")
    # A declared parameter still works beside the check, and a filing with a stray one is refused.
    assert (
        await client.get("/v1/complaints", params={"limit": 5}, headers=staff)
    ).status_code == 200
    stray = await client.post("/v1/complaints", params={"debug": "1"}, json=complaint_body())
    refused(stray, 422, "validation-error", field="query.debug")
    # The pages are not the API: a query string there is the page's business.
    assert (await client.get("/statistics", params={"utm_source": "x"})).status_code == 200


async def test_the_json_api_takes_json_bodies_only(
    client: httpx.AsyncClient, db: Any, file_complaint: Any
) -> None:
    """A form on any site may post text/plain or a form encoding across origins without a
    preflight; the API refuses both (415), so only a page the CORS settings allow can write."""
    body = json.dumps(complaint_body()).encode()
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = await client.post("/v1/complaints", content=body, headers={"content-type": kind})
        refused(response, 415, "unsupported-media-type", says="application/json")
        assert response.json()["instance"] == "/v1/complaints"
    unlabelled = await client.post("/v1/complaints", content=body)
    refused(unlabelled, 415, "unsupported-media-type")
    login = await client.post(
        "/v1/auth/receipt",
        content=b'{"reference": "HRC-2026-000001", "receipt": "x"}',
        headers={"content-type": "text/plain"},
    )
    refused(login, 415, "unsupported-media-type")
    assert db.execute("SELECT count(*) AS n FROM complaints").fetchone()["n"] == 0
    with_charset = await client.post(
        "/v1/complaints", content=body, headers={"content-type": "Application/JSON; charset=utf-8"}
    )
    assert with_charset.status_code == 201, with_charset.text
