"""The committed contract is what the app serves, and it declares every error as problem+json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from app.main import create_app

COMMITTED = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    served = create_app().openapi()
    committed = json.loads(COMMITTED.read_text())
    assert committed == served, "openapi/openapi.json is stale: run `make openapi`"


def test_every_error_response_is_a_problem() -> None:
    schema = create_app().openapi()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses: dict[str, Any] = operation["responses"]
            for status, response in responses.items():
                if status.startswith("4") or status.startswith("5"):
                    assert list(response["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )
            if path.startswith("/v1/complaints") or path.startswith("/v1/auth"):
                assert "422" in responses, (method, path)
            assert operation.get("summary"), (method, path)
            assert operation.get("tags"), (method, path)


async def test_served_openapi_document(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["components"]["schemas"]["Problem"]["required"] == [
        "type",
        "title",
        "status",
    ]


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_every_reference_resolves() -> None:
    schema = create_app().openapi()
    names = set(schema["components"]["schemas"])
    refs = _refs(schema)
    assert "#/components/schemas/ComplaintIn" in refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in names, ref
