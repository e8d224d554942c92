"""HTTP routes of the statistics: releases (open data), the annual report and indicators (views of
a year's release), and ad hoc questions answered with differential privacy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response

from app.db import single_statement, transaction
from app.kit.access import allow, optional_principal
from app.kit.errors import Unauthorized, problem_responses
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.statistics import csv, privacy, releases, service
from app.statistics.schemas import (
    AnnualQuery,
    AnnualReport,
    Format,
    IndicatorQuery,
    IndicatorSet,
    Release,
    ReleaseFormat,
    ReleaseList,
    ReleaseQuery,
    RevisionIn,
    StatisticsQuery,
    StatisticsTable,
)
from app.statistics.signing import ReleaseKey, canonical

router = APIRouter(prefix="/v1", tags=["monitoring"])
Monitor = Annotated[Principal, allow(P.statistics_read)]
Publisher = Annotated[Principal, allow(P.statistics_publish)]


async def open_data(request: Request) -> Principal | None:
    """Readable without an account while the office publishes open data (the default);
    otherwise for monitors and heads of office only."""
    principal = await optional_principal(request)
    if request.app.state.settings.statistics_public:
        return principal
    if principal is None:
        raise Unauthorized("This office publishes its statistics to monitors only: sign in.")
    principal.calling(frozenset({P.statistics_read})).check_route()
    return principal


Reader = Annotated[Principal | None, Depends(open_data)]
_OPEN = (
    " Readable without an account unless the office sets `OMBUDS_STATISTICS_PUBLIC=false` "
    "(then monitors and heads of office)."
)
_PUBLIC_HEADERS = {"Cache-Control": "public, max-age=300", "Vary": "Accept, Authorization"}
_PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Vary": "Accept"}


def _json_or_csv(description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": description,
            "content": {csv.MEDIA_TYPE: {"schema": {"type": "string"}}},
        }
    }


def _wants_csv(format_: Format | None, accept: str | None) -> bool:
    if format_ is not None:
        return format_ is Format.csv
    return csv.wants_csv(accept)


def _headers(request: Request) -> dict[str, str]:
    return _PUBLIC_HEADERS if request.app.state.settings.statistics_public else _PRIVATE_HEADERS


@router.get(
    "/releases",
    response_model=ReleaseList,
    summary="The statistics releases published",
    description="Every release, newest period first: months, quarters and years of receipt, "
    "each computed once after its period closed (plus `OMBUDS_STATISTICS_RELEASE_LAG_DAYS`), "
    "checked jointly with every release of its year, frozen and signed. A revision is a new "
    "release that names the one it supersedes and why." + _OPEN,
    responses=problem_responses(401, 403, 422),
)
async def list_releases(
    request: Request, tx: Tx, reader: Reader, query: Annotated[ReleaseQuery, Query()]
) -> Response:
    rows = await releases.listing(tx, query.year, query.unit)
    body = ReleaseList.model_validate({"releases": rows})
    return Response(
        body.model_dump_json(), media_type="application/json", headers=_headers(request)
    )


@router.get(
    "/releases/keys",
    summary="The public key that signs releases",
    description="A JSON Web Key Set (RFC 8037, Ed25519) with the key releases are signed with. "
    "To check a release: remove `signature`, serialise the rest as canonical JSON (keys "
    "sorted, no whitespace, UTF-8) and verify `signature.value` over those bytes." + _OPEN,
    responses=problem_responses(401, 403),
)
async def release_keys(request: Request, reader: Reader) -> dict[str, Any]:
    return {"keys": [ReleaseKey.from_settings(request.app.state.settings).jwk()]}


@router.get(
    "/releases/{release_id}",
    response_model=Release,
    summary="One release: its tables, shares, durations, and for a year the annual report",
    description="JSON by default; CSV (a header row first, one row per figure) with "
    "`?format=csv` or `Accept: text/csv`, described by the CSVW metadata linked from its "
    "`Link` header." + _OPEN,
    responses={**_json_or_csv("The release."), **problem_responses(401, 403, 404, 422)},
)
async def get_release(
    request: Request,
    tx: Tx,
    reader: Reader,
    release_id: Annotated[int, Path(ge=1, le=2**62)],
    query: Annotated[ReleaseFormat, Query()],
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    headers = _headers(request)
    if not _wants_csv(query.format, accept):
        body = await releases.document_of(tx, release_id)
        return Response(body, media_type="application/json", headers=headers)
    doc = await releases.get(tx, release_id)
    metadata = f"/v1/releases/{release_id}/csv-metadata.json"
    return Response(
        csv.release_csv(doc),
        media_type=csv.MEDIA_TYPE + "; charset=utf-8",
        headers={
            **headers,
            "Link": f'<{metadata}>; rel="describedby"; type="application/csvm+json"',
            "Content-Disposition": f'inline; filename="ombuds-{doc["period"]}'
            f'-v{doc["version"]}.csv"',
        },
    )


@router.get(
    "/releases/{release_id}/csv-metadata.json",
    summary="The CSVW metadata of a release's CSV",
    description="CSV on the Web (W3C) metadata: the columns of the CSV and what the release "
    "says of itself (period, rules, signature)." + _OPEN,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_release_csvw(
    request: Request,
    tx: Tx,
    reader: Reader,
    release_id: Annotated[int, Path(ge=1, le=2**62)],
) -> Response:
    doc = await releases.get(tx, release_id)
    body = csv.release_csvw(doc, f"/v1/releases/{release_id}?format=csv")
    return Response(canonical(body), media_type="application/csvm+json", headers=_headers(request))


@router.post(
    "/releases/{release_id}/revisions",
    status_code=201,
    response_model=Release,
    summary="Revise the release of a period (a new, audited release)",
    description="Recomputes the period as of now: the codes (track, origin, rights, grounds, "
    "department, characteristics) stay as the months' releases counted them, even if a case "
    "was reclassified since; how the cases fared is counted anew. The revision is "
    "checked against everything published before (a count it changes by 1 to k-1 is hidden), "
    "names the release it supersedes and the reason, and is pushed like any release. Only "
    "the current version of a period can be revised. Roles: heads of office.",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def revise_release(
    request: Request,
    principal: Publisher,
    release_id: Annotated[int, Path(ge=1, le=2**62)],
    body: Annotated[RevisionIn, Body()],
) -> Response:
    settings = request.app.state.settings
    # A connection of its own, not in a transaction: publishing takes turns and then reads
    # everything in one snapshot (app.statistics.releases.publish).
    async with single_statement(request) as conn:
        doc = await releases.get(conn, release_id)
        revised = await releases.publish(
            conn,
            settings,
            releases.parse_period(doc["period"]),
            reason=body.reason,
            revise=release_id,
            now=datetime.now(UTC),
            actor=principal.actor,
        )
    return Response(
        canonical(revised),
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/v1/releases/{revised['release']}"},
    )


@router.get(
    "/reports/annual/{year}",
    response_model=AnnualReport,
    summary="The figures of the annual public report",
    description="What an ombudsperson publishes each year (Venice Principles 20), from the "
    "year's current release: cases received, within and outside the mandate, own-initiative "
    "inquiries, cases finished, durations, outcomes, remedy compliance and deadline hit "
    "rates, for one track or all. JSON, or CSV with `?format=csv` or `Accept: text/csv`. "
    "404 `not-released` before the year's release." + _OPEN,
    responses={**_json_or_csv("The annual report."), **problem_responses(401, 403, 404, 422)},
)
async def get_annual_report(
    request: Request,
    tx: Tx,
    reader: Reader,
    year: Annotated[int, Path(ge=2000, le=2100)],
    query: Annotated[AnnualQuery, Query()],
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    doc = await releases.of_year(tx, request.app.state.settings, year)
    report = AnnualReport(
        year=year,
        track=query.track,
        release=doc["release"],
        figures=doc["annual_report"][query.track],
    )
    if _wants_csv(query.format, accept):
        return Response(
            csv.annual_csv(report),
            media_type=csv.MEDIA_TYPE + "; charset=utf-8",
            headers=_headers(request),
        )
    return Response(
        report.model_dump_json(), media_type="application/json", headers=_headers(request)
    )


@router.get(
    "/indicators",
    response_model=IndicatorSet,
    summary="Human rights indicators: structural, process and outcome",
    description="The OHCHR indicator framework applied to the mechanism itself, from a year's "
    "current release (default: last year): structural (commitments in force when it was "
    "computed), process (investigation, deadlines met, own-initiative work) and outcome "
    "(remedy compliance, violations found). A share is shown only where its numerator, "
    "denominator and their difference are each 0 or at least k." + _OPEN,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_indicators(
    request: Request, tx: Tx, reader: Reader, query: Annotated[IndicatorQuery, Query()]
) -> Response:
    year = query.year or datetime.now(UTC).year - 1
    doc = await releases.of_year(tx, request.app.state.settings, year)
    body = IndicatorSet(
        year=year,
        track=query.track,
        release=doc["release"],
        framework=doc["indicators"]["framework"],
        indicators=doc["indicators"]["tracks"][query.track],
    )
    return Response(
        body.model_dump_json(), media_type="application/json", headers=_headers(request)
    )


@router.get(
    "/statistics",
    response_model=StatisticsTable,
    summary="Ad hoc questions on live figures, answered with differential privacy",
    description=(
        "Counts of complaints grouped by up to two dimensions (`group_by`: period, track, "
        "status, right, ground, department, outcome, origin and the self-identified "
        "characteristics), over any months and tracks, as they are now. Every count carries "
        "OpenDP discrete Laplace noise scaled to how many cells one complaint can count in; "
        "each question spends `epsilon` from the asker's own monthly budget, before anything "
        "is computed (409 `privacy-budget-exhausted` when it cannot). Exact figures are "
        "published in releases (`/v1/releases`). CSV with `?format=csv` or "
        "`Accept: text/csv`. Roles: monitor and heads of office."
    ),
    responses={**_json_or_csv("The noisy table."), **problem_responses(401, 403, 409, 422, 503)},
)
async def get_statistics(
    request: Request,
    principal: Monitor,
    query: Annotated[StatisticsQuery, Query()],
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    settings = request.app.state.settings
    plan = service.plan(settings, query)
    # Spent and committed before the answer is computed: a failure afterwards still counts
    # against the budget, which errs on the side of privacy.
    async with transaction(request) as tx:
        spent = await privacy.spend(tx, settings, plan.epsilon, principal.subject)
    async with transaction(request) as tx:
        table = await service.table(tx, settings, plan, spent)
    if _wants_csv(query.format, accept):
        return Response(
            csv.table_csv(table),
            media_type=csv.MEDIA_TYPE + "; charset=utf-8",
            headers=_PRIVATE_HEADERS,
        )
    return Response(
        table.model_dump_json(), media_type="application/json", headers=_PRIVATE_HEADERS
    )
