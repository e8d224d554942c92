"""Downloading one of a case's files from the console: the same gate and the same service as
GET /v1/complaints/{id}/attachments/{attachment_id} (checked against its SHA-256, audited)."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Request, Response

from app.attachments import service as attachments
from app.db import transaction
from app.kit.errors import AppError, Unauthorized
from app.web import acting
from app.web.console.common import redirect, staff_only

router = APIRouter(include_in_schema=False)

PATH = "/v1/complaints/{complaint_id}/attachments/{attachment_id}"


@router.get("/console/cases/{case_id}/files/{attachment_id}")
async def download(request: Request, case_id: UUID, attachment_id: str) -> Response:
    principal = staff_only(request)
    if isinstance(principal, Response):
        return principal
    # The file's id read after the sign-in check: whoever is not signed in, or not staff, is
    # sent on whatever the address holds.
    try:
        file_id = UUID(attachment_id)
    except ValueError:
        return acting.error_page(request, 404)
    try:
        async with transaction(request) as tx:
            reader = await acting.gate(request, principal, "GET", PATH)
            file = await attachments.download(
                tx, request.app.state.storage, reader, case_id, file_id
            )
    except Unauthorized:
        return redirect("/console/sign-in?notice=expired")
    except AppError as exc:
        return acting.refusal_page(request, exc)
    return Response(
        file.data,
        media_type=file.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.filename)}",
            "ETag": f'"{file.sha256}"',
            "Cache-Control": "private, no-store",
        },
    )
