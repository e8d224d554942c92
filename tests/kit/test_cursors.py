"""Cursors are opaque to clients, so any text may come back: whatever it holds, the answer is the
page it names or a 422, never a 500."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from app.kit.errors import Unprocessable
from app.kit.pagination import decode_cursor, encode_cursor
from tests.conftest import refused

DEADLINES: TypeAdapter[tuple[datetime, str, str]] = TypeAdapter(tuple[datetime, str, str])
COMPLAINTS: TypeAdapter[tuple[datetime, UUID]] = TypeAdapter(tuple[datetime, UUID])


def _cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(values=JSON | st.lists(JSON, min_size=2, max_size=3), raw=st.text(max_size=60))
def test_any_cursor_decodes_or_is_a_422(values: Any, raw: str) -> None:
    for cursor in (_cursor(values), raw):
        for shape in (DEADLINES, COMPLAINTS):
            try:
                decoded = decode_cursor(cursor, shape)
            except Unprocessable as exc:
                assert exc.errors == [
                    {"field": "query.cursor", "message": "invalid cursor", "type": "value_error"}
                ]
                continue
            at = decoded[0]
            assert at.tzinfo is not None  # what reaches SQL is what this API would write
            assert all("\x00" not in str(part) for part in decoded)


def test_a_cursor_this_api_wrote_round_trips() -> None:
    at = datetime.fromisoformat("2026-12-06T10:00:00+00:00")
    assert decode_cursor(encode_cursor(at, "ack", "k1"), DEADLINES) == (at, "ack", "k1")


@pytest.mark.parametrize(
    "values",
    [
        ["2026-01-01T00:00:00", "ack", "x"],  # a time without its zone
        ["2026-01-01T00:00:00+00:00", "ack\u0000", "x"],  # NUL, which PostgreSQL refuses
        ["2026-01-01T00:00:00+00:00", "ack"],  # one part short
        {"at": "2026-01-01T00:00:00+00:00"},
    ],
)
async def test_forged_deadline_cursors_are_422(
    client: httpx.AsyncClient, auth: Any, values: Any
) -> None:
    response = await client.get(
        "/v1/deadlines", params={"cursor": _cursor(values)}, headers=auth("ombudsperson_staff")
    )
    refused(response, 422, "validation-error", field="query.cursor")
