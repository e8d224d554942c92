"""The case's files: listed as GET /v1/complaints/{id}/attachments gives them, each downloaded
through the console (app/web/console/files.py), and a form to attach one to the case."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.datastructures import FormData, UploadFile

from app.attachments import service as attachments
from app.attachments.schemas import Filename
from app.kit.errors import AppError
from app.kit.text import Strict
from app.web import acting
from app.web.console.parts import Acting, Form, Reading, Section
from app.web.i18n import N_, Texts

PATH = "/v1/complaints/{complaint_id}/attachments"


class FileIn(Strict):
    """The upload route's one checked parameter besides the file: its name (query `filename`),
    here the name of the file the form carries."""

    file: Filename = Field(description="The file's name, without a path.")


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts
    found = await r.read(PATH, lambda reader: attachments.list_attachments(r.tx, reader, case.id))
    if found is None:
        return None
    r.subjects.update(f.uploaded_by or "" for f in found)
    return {
        "files": [
            {
                "href": f"/console/cases/{case.id}/files/{f.id}",
                "name": f.filename,
                "size": texts.size(f.size_bytes),
                "by": f.uploaded_by,
                "when": texts.day(f.created_at),
                "at": f.created_at.isoformat(),
                "shared": f.visible_to_complainant,
                "on": f.parent,
            }
            for f in found
        ],
        "may_upload": r.may("POST", PATH),
    }


def _chosen(form: FormData) -> UploadFile | None:
    raw = form.get("file")
    return raw if isinstance(raw, UploadFile) and raw.filename else None


def _file(form: FormData) -> dict[str, Any]:
    chosen = _chosen(form)
    return {"file": chosen.filename} if chosen is not None else {}


async def _upload(a: Acting, body: FileIn) -> None:
    """As POST /v1/complaints/{id}/attachments stores a file sent to the case."""
    chosen = _chosen(a.form)
    assert chosen is not None  # the model required its name
    settings = a.settings
    data = await chosen.read(settings.attachment_max_bytes + 1)
    declared = (chosen.content_type or "application/octet-stream").split(";", 1)[0]
    await attachments.upload(
        a.tx,
        a.request.app.state.storage,
        settings.attachment_max_bytes,
        attachments.Quota(
            settings.attachment_max_files_per_case, settings.attachment_max_total_bytes_per_case
        ),
        a.writer,
        a.case_id,
        attachments.Upload(
            attach_to="complaint",
            filename=body.file,
            content_type=declared.strip().lower(),
            data=data,
        ),
    )


def _explain(exc: AppError, form: FormData, texts: Texts) -> str | None:
    """A refused file in the words the residents' pages use for it."""
    chosen = _chosen(form)
    if chosen is None or exc.status not in (409, 413, 415, 422):
        return None
    return acting.FileRefused(chosen.filename or "", exc).message(texts)


FORMS = (Form("upload", "POST", PATH, FileIn, _file, _upload, "uploaded", explain=_explain),)
SECTION = Section("files", N_("Files"), "console/sections/files.html", load, FORMS)
