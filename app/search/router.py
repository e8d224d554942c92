"""HTTP route of full-text search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.kit.access import allow
from app.kit.errors import LIST_READ
from app.kit.http import Tx
from app.kit.pagination import page_limit
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.search import service
from app.search.schemas import SearchPage, SearchQuery

router = APIRouter(prefix="/v1")


@router.get(
    "/search",
    tags=["case handling"],
    summary="Search the cases within your reach",
    description=(
        "Full-text search of summaries, descriptions and messages (internal notes too, for staff "
        "who may read them), for staff of the case's track who are not recused from it. One hit "
        "per case, newest first, cursor-paginated, with where the words were found and a short "
        "snippet of that text."
    ),
    responses=LIST_READ,
)
async def search(
    request: Request,
    principal: Annotated[Principal, allow(P.complaint_search)],
    query: Annotated[SearchQuery, Query()],
    tx: Tx,
) -> SearchPage:
    size = page_limit(request.app.state.settings, query.limit)
    return await service.search(tx, principal, query, size)
