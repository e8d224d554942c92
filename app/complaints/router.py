"""HTTP routes for filing, following and handling complaints."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from app.complaints import service
from app.complaints.schemas import (
    AccessToken,
    AssignmentIn,
    AssignmentOut,
    ClassificationIn,
    ClassificationOut,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    ComplaintQuery,
    Filed,
    InquiryIn,
    InquiryOut,
    ReceiptLogin,
    RecusalIn,
    RecusalOut,
    Recusals,
    RedactionIn,
    RedactionOut,
    RetaliationIn,
    Timeline,
    TransitionIn,
    TransitionOut,
)
from app.complaints.workflow import ACTION_PERMISSIONS
from app.db import single_statement
from app.kit.access import OptionalPrincipal, allow, allow_on_case
from app.kit.errors import (
    CASE_READ,
    CASE_WRITE,
    LIST_READ,
    OPEN_CASE_READ,
    VERSIONED_WRITE,
    case_links,
    created,
    problem_responses,
    response_headers,
)
from app.kit.http import IfMatch, Tx, etag
from app.kit.pagination import page_limit
from app.kit.permissions import Permission as P
from app.kit.principals import Principal
from app.kit.text import parse_body
from app.ratelimit import Limit, check, limited

router = APIRouter(prefix="/v1")
# What a client does next with a case it just filed or opened.
CASE_LINKS = case_links(
    "get_complaint_v1_complaints__complaint_id__get",
    "get_timeline_v1_complaints__complaint_id__timeline_get",
    "post_transition_v1_complaints__complaint_id__transitions_post",
    "post_message_v1_complaints__complaint_id__messages_post",
)

# The complaint and what hangs off it, as the caller's role sees it.
Reader = Annotated[Principal, allow_on_case(P.complaint_read)]


@router.post(
    "/complaints",
    status_code=status.HTTP_201_CREATED,
    response_model=Filed,
    tags=["residents"],
    summary="File a complaint (no account needed)",
    description=(
        "Anyone may file, free of charge. Omit `contact` to file anonymously (unless the office "
        "set `OMBUDS_ANONYMOUS_FILING=false`: then a complaint without contact or account is "
        "refused with 422 `anonymous_not_accepted`). The response holds "
        "the `receipt`, shown only once: with the `reference` it lets the complainant follow the "
        "case. A resident token links the complaint to the resident's account."
    ),
    responses=created(
        "URL of the new complaint",
        problem_responses(400, 401, 413, 422, 429, 503),
        CASE_LINKS,
    ),
    openapi_extra={
        # The token is optional here: anyone may file without one.
        "security": [{}, {"HTTPBearer": []}],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ComplaintIn"}}
            },
        },
    },
)
async def file_complaint(request: Request, principal: OptionalPrincipal) -> Response:
    # The hot path. The body is parsed and validated by pydantic in one pass over the raw bytes
    # (FastAPI's generic body handling cost a tenth of this route's CPU), then one statement
    # writes the complaint and what it carries, timeline and audit entry (queries.file_sql).
    settings = request.app.state.settings
    await check(request, Limit("intake", settings.rate_limit_intake_per_minute))
    body = parse_body(ComplaintIn, await request.body())
    async with single_statement(request) as conn:
        filed = await service.file_complaint(
            conn, request.app.state.settings, request.app.state.sealer, body, principal
        )
    # Serialized here, once: FastAPI would otherwise validate the model again before dumping it.
    return Response(
        filed.model_dump_json(),
        status_code=status.HTTP_201_CREATED,
        media_type="application/json",
        headers={"Location": f"/v1/complaints/{filed.id}", "Cache-Control": "no-store"},
    )


@router.post(
    "/auth/receipt",
    tags=["residents"],
    summary="Exchange a reference and receipt for a short-lived token",
    description=(
        "The token reads that one complaint (status, deadlines, the timeline entries meant for "
        "the complainant) and may withdraw it. A wrong pair is 401, whether or not the reference "
        "exists."
    ),
    responses=problem_responses(400, 401, 413, 422, 429, 503),
)
async def receipt_login(
    body: ReceiptLogin,
    request: Request,
    response: Response,
    _: Annotated[None, limited("receipt")],  # before the transaction: a wrong guess still counts
    tx: Tx,
) -> AccessToken:
    settings = request.app.state.settings
    token = await service.receipt_login(tx, settings, body.reference, body.receipt)
    response.headers["Cache-Control"] = "no-store"
    return AccessToken(access_token=token, expires_in=settings.receipt_token_ttl_seconds)


@router.get(
    "/complaints",
    tags=["case handling"],
    summary="List complaints within your reach",
    description=(
        "Staff see their track's complaints; a resident sees the ones they filed. Newest first, "
        "cursor-paginated. `reference=` looks one case up by its reference (any letter case): "
        "one item, or none when there is no such case or it is out of your reach."
    ),
    responses=LIST_READ,
)
async def list_complaints(
    request: Request,
    principal: Annotated[Principal, allow(P.complaint_list)],
    query: Annotated[ComplaintQuery, Query()],
) -> ComplaintPage:
    settings = request.app.state.settings
    size = page_limit(settings, query.limit)
    async with single_statement(request) as conn:
        return await service.list_complaints(conn, settings, principal, query, size)


@router.get(
    "/complaints/{complaint_id}",
    tags=["case handling", "residents"],
    summary="Read one complaint",
    description=(
        "What you see depends on your role: staff of the complaint's track see contact details; "
        "the complainant sees their own case. Everyone else gets 404. The `ETag` header is what "
        "`If-Match` needs for a transition."
    ),
    responses={
        200: response_headers(ETag="Version tag, for If-Match"),
        **OPEN_CASE_READ,
    },
)
async def get_complaint(
    complaint_id: UUID, request: Request, response: Response, tx: Tx, principal: Reader
) -> ComplaintOut:
    # In a transaction: the read of contact details is audited.
    complaint = await service.get_complaint(tx, request.app.state.sealer, principal, complaint_id)
    response.headers["ETag"] = etag(complaint.version)
    response.headers["Vary"] = "Authorization"
    return complaint


@router.get(
    "/complaints/{complaint_id}/timeline",
    tags=["case handling", "residents"],
    summary="The complaint's timeline",
    description="Staff see every entry; the complainant sees the entries meant for them.",
    responses=OPEN_CASE_READ,
)
async def get_timeline(complaint_id: UUID, tx: Tx, principal: Reader) -> Timeline:
    return await service.timeline(tx, principal, complaint_id)


@router.post(
    "/complaints/{complaint_id}/transitions",
    tags=["case handling", "residents"],
    summary="Move a complaint through the workflow",
    description=(
        "The only way `status` changes. Needs `If-Match` with the complaint's ETag. See "
        "`GET /v1/workflow` for which action is allowed from which state, and by whom."
    ),
    responses={
        200: response_headers(ETag="New version tag"),
        **VERSIONED_WRITE,
    },
)
async def post_transition(
    complaint_id: UUID,
    body: TransitionIn,
    request: Request,
    response: Response,
    tx: Tx,
    # Which permission depends on the action (GET /v1/workflow); the service checks that one.
    principal: Annotated[Principal, allow_on_case(*ACTION_PERMISSIONS.values())],
    if_match: IfMatch,
) -> TransitionOut:
    result = await service.transition(
        tx, request.app.state.settings, principal, complaint_id, body, if_match
    )
    response.headers["ETag"] = etag(result.version)
    return result


@router.put(
    "/complaints/{complaint_id}/handler",
    tags=["case handling"],
    summary="Assign, reassign or unassign the complaint's handler",
    description=(
        "Head of office only. Needs `If-Match`. Reassigning or unassigning needs a reason; a "
        "person recused from the complaint cannot handle it (409). Recorded on the staff-only "
        "timeline."
    ),
    responses={
        200: response_headers(ETag="New version tag"),
        **VERSIONED_WRITE,
    },
)
async def put_handler(
    complaint_id: UUID,
    body: AssignmentIn,
    response: Response,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.complaint_assign)],
    if_match: IfMatch,
) -> AssignmentOut:
    result = await service.assign(tx, principal, complaint_id, body, if_match)
    response.headers["ETag"] = etag(result.version)
    return result


@router.put(
    "/complaints/{complaint_id}/classification",
    tags=["case handling"],
    summary="Classify the rights affected and the discrimination grounds",
    description=(
        "Staff of the complaint's track who may assess it set its codes (GET /v1/taxonomy), "
        "replacing the ones it has: a complaint filed without knowing which rights are affected "
        "is classified during assessment. Needs `If-Match`. Only while the case is open (a "
        "finished case is 409; reopen it first). The change is kept with the codes it replaced, "
        "is on the timeline (the complainant's too) and the audit trail, and the statistics "
        "count the case under its new codes. The same codes again change nothing "
        "(`entry` null)."
    ),
    responses={
        200: response_headers(ETag="New version tag"),
        **VERSIONED_WRITE,
    },
)
async def put_classification(
    complaint_id: UUID,
    body: ClassificationIn,
    response: Response,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.complaint_classify)],
    if_match: IfMatch,
) -> ClassificationOut:
    result = await service.classify(tx, principal, complaint_id, body, if_match)
    response.headers["ETag"] = etag(result.version)
    return result


@router.post(
    "/complaints/{complaint_id}/recusals",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling"],
    summary="Declare a conflict of interest, or exclude a named person",
    description=(
        "Without `subject`: the caller declares their own conflict of interest. With another "
        "person's `subject`: the head of office excludes them. From then on the complaint is out "
        "of that person's reach on every route (404), lists included; if they handled it, it is "
        "unassigned. Recorded on the staff-only timeline."
    ),
    responses=created("The complaint's recusals", CASE_WRITE),
)
async def post_recusal(
    complaint_id: UUID,
    body: RecusalIn,
    response: Response,
    tx: Tx,
    # Declaring one's own conflict, or excluding someone else (head of office).
    principal: Annotated[Principal, allow_on_case(P.complaint_recuse, P.complaint_exclude)],
) -> RecusalOut:
    result = await service.recuse(tx, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/recusals"
    return result


@router.get(
    "/complaints/{complaint_id}/recusals",
    tags=["case handling"],
    summary="Who is kept away from this complaint",
    description="Head of office only.",
    responses=CASE_READ,
)
async def get_recusals(
    complaint_id: UUID, tx: Tx, principal: Annotated[Principal, allow_on_case(P.complaint_exclude)]
) -> Recusals:
    return await service.list_recusals(tx, principal, complaint_id)


@router.post(
    "/inquiries",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling"],
    summary="Open an own-initiative inquiry",
    description=(
        "Staff open a case with no complainant, on their own track. It starts under assessment, "
        "handled by its opener unless `handler` says otherwise, and follows the same workflow "
        "(with no decision to communicate to anyone)."
    ),
    responses=created(
        "URL of the new case", problem_responses(400, 401, 403, 413, 422, 503), CASE_LINKS
    ),
)
async def open_inquiry(
    body: InquiryIn,
    request: Request,
    response: Response,
    principal: Annotated[Principal, allow(P.inquiry_open)],
) -> InquiryOut:
    async with single_statement(request) as conn:
        inquiry = await service.open_inquiry(conn, request.app.state.settings, principal, body)
    response.headers["Location"] = f"/v1/complaints/{inquiry.id}"
    return inquiry


@router.post(
    "/complaints/{complaint_id}/redactions",
    status_code=status.HTTP_201_CREATED,
    tags=["case handling", "oversight"],
    summary="Remove personal data found manifestly irrelevant (GDPR / Directive art. 17)",
    description=(
        "Every occurrence of the text in the field becomes `[removed]`. The removal is recorded "
        "(field, how often, why, by whom), never the removed text."
    ),
    responses={
        201: response_headers(ETag="New version tag of the complaint"),
        **problem_responses(400, 401, 403, 404, 413, 422, 503),
    },
)
async def post_redaction(
    complaint_id: UUID,
    body: RedactionIn,
    response: Response,
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.complaint_redact)],
) -> RedactionOut:
    result = await service.redact(tx, principal, complaint_id, body)
    response.headers["ETag"] = etag(result.version)
    return result


@router.post(
    "/complaints/{complaint_id}/retaliation",
    status_code=status.HTTP_201_CREATED,
    tags=["residents", "oversight"],
    summary="Report retaliation for this report",
    description=(
        "The reporter (receipt token or resident account) files a new case linked to this one, "
        "flagged as priority, with the protection measures they ask for. The answer carries the "
        "new case's reference and receipt, shown once."
    ),
    responses=created("The new case", CASE_WRITE),
)
async def post_retaliation(
    complaint_id: UUID,
    body: RetaliationIn,
    request: Request,
    response: Response,
    _: Annotated[None, limited("intake")],  # a new case, like a filing: per address
    tx: Tx,
    principal: Annotated[Principal, allow_on_case(P.retaliation_report)],
) -> Filed:
    settings, sealer = request.app.state.settings, request.app.state.sealer
    filed = await service.report_retaliation(tx, settings, sealer, principal, complaint_id, body)
    response.headers["Location"] = f"/v1/complaints/{filed.id}"
    response.headers["Cache-Control"] = "no-store"
    return filed
