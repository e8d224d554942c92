"""What the published contract (the OpenAPI document) says a request may carry, enforced on every
route: no query parameter it does not declare, and no body larger than its schema allows.

Both are read from the document FastAPI generates, once, on first use; a route therefore cannot
declare one thing and accept another.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from starlette.routing import compile_path

from app.kit.errors import Unprocessable

# A JSON string of n characters takes at most 12 n + 2 bytes: a character outside the Basic
# Multilingual Plane escaped as a surrogate pair (`\ud83d\ude00`) is 12 bytes, and the schema
# counts it as one character. Dates and times have no maxLength but a bounded form.
_ESCAPED_CHAR = 12
_FORMATS = {"date": 10, "date-time": 40, "time": 30, "uuid": 36, "email": 254}
_SCALAR = 40  # a number, a boolean or null, as written
_WHITESPACE = 16 * 1024  # indentation and spacing a client may add around it all


def escaped_size(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> int | None:
    """The largest body, in bytes, that `schema` accepts when every character of every string is
    escaped; None when the schema sets no bound (an unbounded string or array)."""
    if depth > 32:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return escaped_size(components[name], components, depth + 1)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            sizes = [escaped_size(part, components, depth + 1) for part in schema[key]]
            return None if None in sizes else max(s for s in sizes if s is not None)
    if "allOf" in schema:
        sizes = [escaped_size(part, components, depth + 1) for part in schema["allOf"]]
        return None if None in sizes else max(s for s in sizes if s is not None)
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return max(len(str(v)) * _ESCAPED_CHAR + 2 for v in values)
    kind = schema.get("type")
    if kind == "string":
        length = schema.get("maxLength") or _FORMATS.get(schema.get("format", ""))
        return None if length is None else length * _ESCAPED_CHAR + 2
    if kind == "array":
        items = escaped_size(schema.get("items", {}), components, depth + 1)
        count = schema.get("maxItems")
        return None if items is None or count is None else count * (items + 1) + 2
    if kind == "object":
        if schema.get("additionalProperties", True) not in (False, None) and not schema.get(
            "properties"
        ):
            return None
        total = 2
        for name, sub in schema.get("properties", {}).items():
            size = escaped_size(sub, components, depth + 1)
            if size is None:
                return None
            total += len(name) * _ESCAPED_CHAR + 4 + size
        return total
    return _SCALAR


class Contract:
    """Per operation of the document: the query parameters it declares, and its body limit."""

    def __init__(self, app: FastAPI, floor: int) -> None:
        self.app = app
        self.floor = floor
        self._query: dict[tuple[str, str], frozenset[str]] | None = None
        self._bodies: list[tuple[str, re.Pattern[str], int, bool]] | None = None

    def _load(self) -> None:
        document = self.app.openapi()
        components = document.get("components", {}).get("schemas", {})
        query: dict[tuple[str, str], frozenset[str]] = {}
        bodies: list[tuple[str, re.Pattern[str], int, bool]] = []
        for path, item in document["paths"].items():
            for method, operation in item.items():
                names = frozenset(
                    p["name"] for p in operation.get("parameters", []) if p["in"] == "query"
                )
                query[(method.upper(), path)] = names
                content = operation.get("requestBody", {}).get("content", {})
                if "application/json" in content:
                    size = escaped_size(content["application/json"]["schema"], components)
                    limit = self.floor if size is None else max(self.floor, size + _WHITESPACE)
                    only_json = set(content) == {"application/json"}
                    bodies.append((method.upper(), compile_path(path)[0], limit, only_json))
        self._query, self._bodies = query, bodies

    def query_names(self, method: str, path: str) -> frozenset[str] | None:
        if self._query is None:
            self._load()
        assert self._query is not None
        return self._query.get((method, path))

    def body_rule(self, method: str, path: str) -> tuple[int, bool]:
        """For the operation a request is for (by its raw path): its body limit (else the floor),
        and whether its body must be JSON (the API takes no form posts: a form on any site could
        otherwise post to it across origins without a preflight)."""
        if self._bodies is None:
            self._load()
        assert self._bodies is not None
        for verb, pattern, limit, only_json in self._bodies:
            if verb == method and pattern.match(path):
                return limit, only_json
        return self.floor, False


async def known_query_only(request: Request) -> None:
    """A dependency of every route: a query parameter the operation does not declare is a 422,
    never silently ignored (a misspelt filter would otherwise widen a list)."""
    route = request.scope.get("route")
    template = getattr(route, "path", None)
    if template is None or not request.query_params:
        return
    contract: Contract = request.app.state.contract
    declared = contract.query_names(request.method, template)
    if declared is None:  # not part of the API's contract (the pages, the docs)
        return
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        raise Unprocessable(
            f"Invalid fields: {', '.join(f'query.{name}' for name in unknown)}.",
            [
                {
                    "field": f"query.{name}",
                    "message": "This route has no such query parameter.",
                    "type": "extra_forbidden",
                }
                for name in unknown
            ],
        )


BodyRule = Callable[[str, str], tuple[int, bool]]
