"""HTTP routes for monitoring bodies: statistics, indicators, the annual report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response

from app.db import transaction
from app.kit.access import allow
from app.kit.errors import LIST_READ, problem_responses
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.statistics import csv, privacy, reports, service
from app.statistics.schemas import (
    AnnualQuery,
    AnnualReport,
    IndicatorQuery,
    IndicatorSet,
    StatisticsQuery,
    StatisticsTable,
)

router = APIRouter(prefix="/v1", tags=["monitoring"])
Monitor = Annotated[Principal, allow(P.statistics_read)]


def _csv_or_json() -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": "JSON by default; CSV with `Accept: text/csv` (metadata as `#` lines).",
            "content": {csv.MEDIA_TYPE: {"schema": {"type": "string"}}},
        }
    }


@router.get(
    "/statistics",
    response_model=StatisticsTable,
    summary="Anonymized, disaggregated complaint statistics",
    description=(
        "Counts of complaints grouped by up to two dimensions (`group_by`: period, track, "
        "status, right, ground, department, outcome, origin and the self-identified "
        "characteristics, where `prefer_not_to_say` and `not_stated` are values of their own), "
        "with measures per group: deadline shares, median and 90th percentile durations, "
        "remedy response and compliance rates. Every combination is listed, zeros included; "
        "`totals` gives each group's total and the grand total.\n\n"
        "Disclosure control: counts of 1 to k-1 (k = `OMBUDS_STATISTICS_MIN_CELL`, default 10) "
        "are suppressed, with secondary suppression so that none can be derived from the "
        "totals; measures of small groups are withheld. With `privacy=differential`, counts "
        "carry OpenDP noise instead, and the release spends `epsilon` from the month's budget "
        "(409 `privacy-budget-exhausted` when it cannot). Roles: monitor and heads of office."
    ),
    responses={**_csv_or_json(), **problem_responses(401, 403, 409, 422, 503)},
)
async def get_statistics(
    request: Request,
    principal: Monitor,
    query: Annotated[StatisticsQuery, Query()],
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Any:
    settings = request.app.state.settings
    plan = service.plan(settings, principal, query)
    spent = None
    if plan.epsilon is not None:
        # Spent and committed before the release is computed: a failure afterwards still counts
        # against the budget, which errs on the side of privacy.
        async with transaction(request) as tx:
            spent = await privacy.spend(tx, settings, plan.epsilon)
    async with transaction(request) as tx:
        table = await service.table(tx, settings, plan, spent)
    return _render(table, accept, csv.table_csv)


@router.get(
    "/indicators",
    summary="Human rights indicators: structural, process and outcome",
    description=(
        "The OHCHR indicator framework applied to the mechanism itself, for a year of receipt: "
        "structural (commitments in force), process (investigation, deadlines met, "
        "own-initiative work) and outcome (remedy compliance, violations found). Shares whose "
        "denominator is below k are withheld. Roles: monitor and heads of office."
    ),
    responses=LIST_READ,
)
async def get_indicators(
    request: Request, tx: Tx, principal: Monitor, query: Annotated[IndicatorQuery, Query()]
) -> IndicatorSet:
    return await reports.indicators(tx, request.app.state.settings, query.year, query.track)


@router.get(
    "/reports/annual/{year}",
    response_model=AnnualReport,
    summary="The figures of the annual public report",
    description=(
        "What an ombudsperson publishes each year (Venice Principles 20): cases received, "
        "within and outside the mandate, own-initiative inquiries, cases finished, median "
        "duration, outcomes, remedy compliance and deadline hit rates. Suppressed like the "
        "statistics. JSON, or CSV with `Accept: text/csv`. Roles: monitor and heads of office."
    ),
    responses={**_csv_or_json(), **LIST_READ},
)
async def get_annual_report(
    request: Request,
    tx: Tx,
    principal: Monitor,
    year: Annotated[int, Path(ge=2000, le=2100)],
    query: Annotated[AnnualQuery, Query()],
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Any:
    report = await reports.annual(tx, request.app.state.settings, year, query.track)
    return _render(report, accept, csv.annual_csv)


def _render(model: Any, accept: str | None, to_csv: Any) -> Response:
    headers = {"Cache-Control": "private, no-store", "Vary": "Accept"}
    if csv.wants_csv(accept):
        return Response(
            to_csv(model), media_type=csv.MEDIA_TYPE + "; charset=utf-8", headers=headers
        )
    return Response(model.model_dump_json(), media_type="application/json", headers=headers)
