"""What routes share beyond their permission: the request's transaction, ETags and If-Match."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request

from app.db import transaction
from app.kit.errors import PreconditionFailed, PreconditionRequired
from app.kit.sql import Conn


async def _transaction(request: Request) -> AsyncIterator[Conn]:
    """One connection, one transaction: committed when the route function returns (before the
    response is sent, so a failed commit is never reported as success), rolled back if it raises.
    """
    async with transaction(request) as conn:
        yield conn


# `tx: Tx` in a route: everything the route writes commits together, or not at all.
Tx = Annotated[Conn, Depends(_transaction, scope="function")]


async def _if_match(
    if_match: Annotated[
        str | None, Header(max_length=200, description="The ETag from the last read.")
    ] = None,
) -> str:
    """State-changing calls carry the ETag they were based on; none at all is 428."""
    if not if_match:
        raise PreconditionRequired("Send If-Match with the ETag from GET /v1/complaints/{id}.")
    return if_match


IfMatch = Annotated[str, Depends(_if_match)]


def etag(version: int) -> str:
    return f'"v{version}"'


def parse_if_match(header: str) -> int | None:
    """The version named by an If-Match header; None for `*` (any current version)."""
    header = header.strip()
    if header == "*":
        return None
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith('"v') and tag.endswith('"') and tag[2:-1].isdigit():
            return int(tag[2:-1])
    return -1  # nothing we ever issued: cannot match


def check_version(if_match: str, version: int) -> None:
    expected = parse_if_match(if_match)
    if expected is not None and expected != version:
        raise PreconditionFailed(
            "The complaint changed since you read it; fetch it again and retry with its ETag."
        )
