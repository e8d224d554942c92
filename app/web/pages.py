"""The HTML pages of the statistics releases: the list, and one release with its charts.

Thin handlers, as the API's: read the address, call what the `/v1/releases` routes call
(`releases.listing`, `releases.get`), hand the result to `app.web.views`, render. A page answers
in HTML whatever happens (403, 404, 422), never with a stack trace or a problem document, since a
person reads it. Access follows the JSON's rule: open while the office publishes open data.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from app.db import transaction
from app.kit.errors import NotFound
from app.statistics import releases
from app.statistics.schemas import PeriodUnit
from app.web import views
from app.web.i18n import Texts, texts_for
from app.web.rendering import render

router = APIRouter(include_in_schema=False)

# Pages of the open data may be cached as the JSON is; refusals are not.
_PUBLIC = {"Cache-Control": "public, max-age=300", "Vary": "Accept-Language, Cookie"}
_REFUSED = {"Cache-Control": "no-store"}


def _render(
    request: Request,
    texts: Texts,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(request, name, context, status_code=status_code, headers=headers or _PUBLIC)


def _error(
    request: Request, texts: Texts, status: int, title: str, message: str, **extra: Any
) -> Response:
    context = {"status": status, "title": title, "message": message, "back": status != 403}
    return _render(
        request,
        texts,
        "error.html",
        {**context, **extra},
        status_code=status,
        headers=_REFUSED,
    )


def _closed(request: Request, texts: Texts) -> Response | None:
    """The 403 page while the office publishes its statistics to monitors only."""
    if request.app.state.settings.statistics_public:
        return None
    return _error(
        request,
        texts,
        403,
        texts("Statistics for monitors only"),
        texts(
            "This office publishes its statistics to monitoring bodies only, not on the open "
            "web. If you work for a monitoring body, ask the office how to read them."
        ),
    )


def _not_found(request: Request, texts: Texts) -> Response:
    return _error(
        request,
        texts,
        404,
        texts("No such release"),
        texts("There is no statistics release at this address. The list shows every release."),
    )


@router.get("/statistics")
async def statistics_index(request: Request) -> Response:
    """Every release, by year, with links to its page and its data."""
    texts = texts_for(request)
    if refused := _closed(request, texts):
        return refused
    async with transaction(request) as tx:
        rows = await releases.listing(tx, None, None)
    return _render(
        request,
        texts,
        "statistics.html",
        {
            "years": views.index(rows, texts),
            "hidden_up_to": views.largest_hidden(request.app.state.settings.statistics_min_cell),
        },
    )


@router.get("/statistics/releases/{release_id}")
async def release_page(request: Request, release_id: str, track: str = releases.ALL) -> Response:
    """One release for one track (all by default): charts, tables and what they mean."""
    texts = texts_for(request)
    if refused := _closed(request, texts):
        return refused
    number = views.release_number(release_id)
    if number is None:
        return _not_found(request, texts)
    chosen = views.track_of(track)
    if chosen is None:
        return _error(
            request,
            texts,
            422,
            texts("No such track"),
            texts(
                "Figures are shown for all tracks together, for the ombudsperson's track or for "
                "the anti-corruption track. Choose one of them:"
            ),
            choices=views.track_links(number, None, texts),
        )
    async with transaction(request) as tx:
        try:
            doc = await releases.get(tx, number)
        except NotFound:
            return _not_found(request, texts)
        period = releases.parse_period(doc["period"])
        versions = await releases.listing(tx, period.year, PeriodUnit(doc["unit"]))
    page = views.release_page(doc, views.newer_version(doc, versions), chosen, texts)
    return _render(request, texts, "release.html", {"page": page})
