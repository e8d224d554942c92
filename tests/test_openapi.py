"""The committed contract is what the app serves, and it declares every error as problem+json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

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


# The OpenAPI Initiative's published JSON Schemas for OpenAPI 3.1 documents (Apache-2.0; copied
# from the OpenAPI-Specification repository, branch v3.1-dev, src/schemas/validation, converted
# from YAML): the document schema, the variant that checks every Schema Object against the OAS
# dialect, the dialect and its base vocabulary.
OAS31 = Path(__file__).resolve().parent / "oas31"
SCHEMA_BASE = "https://spec.openapis.org/oas/3.1/schema-base/WORK-IN-PROGRESS"
DOCUMENT = "urn:ombuds:openapi"


def _registry(document: dict[str, Any] | None = None) -> Registry[Any]:
    resources = [
        (part["$id"], Resource.from_contents(part))
        for part in (json.loads(path.read_text()) for path in sorted(OAS31.glob("*.json")))
    ]
    if document is not None:
        resources.append((DOCUMENT, DRAFT202012.create_resource(document)))
    return Registry().with_resources(resources)


def _schema_positions(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Schema Object of the document, with its JSON pointer: the named schemas, and those
    of parameters, headers, request and response bodies, each walked into its subschemas."""

    def walk(node: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if not isinstance(node, dict):
            return
        yield pointer, node
        for key in ("items", "additionalProperties", "not", "contains", "propertyNames"):
            yield from walk(node.get(key), f"{pointer}/{key}")
        for key in ("anyOf", "allOf", "oneOf", "prefixItems"):
            for i, sub in enumerate(node.get(key, [])):
                yield from walk(sub, f"{pointer}/{key}/{i}")
        for key in ("properties", "$defs", "patternProperties"):
            for name, sub in node.get(key, {}).items():
                yield from walk(sub, f"{pointer}/{key}/{_escape(name)}")

    def media(content: dict[str, Any], pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for kind, body in content.items():
            yield from walk(body.get("schema"), f"{pointer}/content/{_escape(kind)}/schema")

    for name, schema in document["components"]["schemas"].items():
        yield from walk(schema, f"/components/schemas/{_escape(name)}")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            at = f"/paths/{_escape(path)}/{method}"
            for i, parameter in enumerate(operation.get("parameters", [])):
                yield from walk(parameter.get("schema"), f"{at}/parameters/{i}/schema")
            if "requestBody" in operation:
                yield from media(operation["requestBody"].get("content", {}), f"{at}/requestBody")
            for status, response in operation["responses"].items():
                yield from media(response.get("content", {}), f"{at}/responses/{status}")
                for header, spec in response.get("headers", {}).items():
                    yield from walk(
                        spec.get("schema"),
                        f"{at}/responses/{status}/headers/{_escape(header)}/schema",
                    )


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def test_the_contract_is_a_valid_openapi_31_document() -> None:
    """The committed document against the OpenAPI Initiative's own schema (every Schema Object
    checked against the OAS dialect), as an independent validator would check it."""
    document = json.loads(COMMITTED.read_text())
    validator = Draft202012Validator({"$ref": SCHEMA_BASE}, registry=_registry())
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]
    assert problems == []


def test_every_default_and_example_is_valid_for_its_own_schema() -> None:
    """A `default` (or `examples`) that its schema refuses, such as `default: null` on a string
    that may not be null, makes strict client generators and validators reject the document."""
    document = json.loads(COMMITTED.read_text())
    registry = _registry(document)
    problems = []
    checked = 0
    for pointer, schema in _schema_positions(document):
        values = [("default", schema["default"])] if "default" in schema else []
        values += [("examples", value) for value in schema.get("examples", [])]
        for keyword, value in values:
            checked += 1
            validator = Draft202012Validator({"$ref": f"{DOCUMENT}#{pointer}"}, registry=registry)
            problems += [
                f"{pointer} {keyword} {value!r}: {e.message}" for e in validator.iter_errors(value)
            ]
    assert checked > 20  # the walk reaches the schemas that declare defaults
    assert problems == []


def test_the_validators_catch_what_they_guard() -> None:
    """Negative controls: the two checks above refuse a document with the defects found once."""
    document = json.loads(COMMITTED.read_text())
    broken = json.loads(json.dumps(document))
    broken["components"]["schemas"]["Contact"]["properties"]["email"] = {
        "type": "string",
        "default": None,
    }
    registry = _registry(broken)
    pointer = "/components/schemas/Contact/properties/email"
    validator = Draft202012Validator({"$ref": f"{DOCUMENT}#{pointer}"}, registry=registry)
    assert [e.message for e in validator.iter_errors(None)] == ["None is not of type 'string'"]
    broken["paths"]["/healthz"]["get"]["responses"]["200"]["description"] = 7
    validator = Draft202012Validator({"$ref": SCHEMA_BASE}, registry=_registry())
    assert not validator.is_valid(broken)
