"""HTTP routes of attachments: the file is the raw request body, described by its Content-Type
and the `filename` and `attach_to` query parameters (no multipart parsing on the server)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, Response, status

from app.attachments import content, service
from app.attachments.schemas import AttachmentOut, Attachments, Filename
from app.kit.access import allow_on_case
from app.kit.errors import CASE_READ, created, problem_responses
from app.kit.http import Tx
from app.kit.permissions import Permission as P
from app.kit.principals import Principal

router = APIRouter(
    prefix="/v1/complaints/{complaint_id}/attachments", tags=["case handling", "residents"]
)

Writer = Annotated[Principal, allow_on_case(P.attachment_write)]
Reader = Annotated[Principal, allow_on_case(P.attachment_read)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Attach a file (the request body) to the complaint, a message or a step",
    description=(
        "The complainant adds files to their open case or to their own messages; staff to the "
        "case (internal), to their messages (shared, or internal with internal notes) and to "
        "investigation steps (internal). The Content-Type must be an accepted type and match the "
        "file's first bytes (415 otherwise), and the name must end in an extension of that type "
        "without invisible reordering characters (422); size limit OMBUDS_ATTACHMENT_MAX_BYTES "
        "(413). The complainant's files on one case are limited in number and total size "
        "(OMBUDS_ATTACHMENT_MAX_FILES_PER_CASE, OMBUDS_ATTACHMENT_MAX_TOTAL_BYTES_PER_CASE: 409), "
        "and their uploads in rate (429)."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in sorted(content.ACCEPTED)
            },
        }
    },
    responses=created("The file", problem_responses(400, 401, 403, 404, 409, 413, 415, 422, 503)),
)
async def post_attachment(
    complaint_id: UUID,
    request: Request,
    response: Response,
    tx: Tx,
    principal: Writer,
    filename: Annotated[Filename, Query(description="The file's name, without a path.")],
    attach_to: Annotated[
        str, Query(max_length=40, description="`complaint`, `message:<id>` or `step:<id>`.")
    ] = "complaint",
    content_type: Annotated[str, Header(max_length=200)] = "application/octet-stream",
) -> AttachmentOut:
    settings = request.app.state.settings
    upload = service.Upload(
        attach_to=attach_to,
        filename=filename,
        content_type=content_type.split(";", 1)[0].strip().lower(),
        data=await request.body(),
    )
    attachment = await service.upload(
        tx,
        request.app.state.storage,
        settings.attachment_max_bytes,
        service.Quota(
            settings.attachment_max_files_per_case, settings.attachment_max_total_bytes_per_case
        ),
        principal,
        complaint_id,
        upload,
    )
    response.headers["Location"] = f"/v1/complaints/{complaint_id}/attachments/{attachment.id}"
    return attachment


@router.get(
    "",
    summary="The complaint's files within your reach",
    responses=CASE_READ,
)
async def list_attachments(complaint_id: UUID, tx: Tx, principal: Reader) -> Attachments:
    return Attachments(attachments=await service.list_attachments(tx, principal, complaint_id))


@router.get(
    "/{attachment_id}",
    summary="Download a file (checked against its SHA-256; audited)",
    response_class=Response,
    responses={
        200: {
            "description": "The file, with the type it was stored as.",
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in sorted(content.ACCEPTED)
            },
        },
        **CASE_READ,
    },
)
async def get_attachment(
    complaint_id: UUID, attachment_id: UUID, request: Request, tx: Tx, principal: Reader
) -> Response:
    storage = request.app.state.storage
    file = await service.download(tx, storage, principal, complaint_id, attachment_id)
    return Response(
        file.data,
        media_type=file.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.filename)}",
            "ETag": f'"{file.sha256}"',
            "Cache-Control": "private, no-store",
        },
    )
