"""Messages with the complainant and the office's internal notes, kept visibly apart."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.messages import service as messages
from app.messages.models import MessageKind
from app.messages.schemas import MessageIn
from app.web.console.parts import Acting, Form, Reading, Section
from app.web.i18n import N_

PATH = "/v1/complaints/{complaint_id}/messages"


async def load(r: Reading) -> dict[str, Any] | None:
    found = await r.read(
        PATH,
        lambda reader: messages.list_messages(r.tx, reader, r.case.id, after=None, limit=500),
    )
    if found is None:
        return None
    r.subjects.update(m.author_subject or "" for m in found.items)
    shown = [
        {
            "body": m.body,
            "author": m.author_subject,
            "from_complainant": m.kind == MessageKind.from_complainant,
            "when": r.texts.day(m.created_at),
            "at": m.created_at.isoformat(),
        }
        for m in found.items
    ]
    return {
        "thread": [m for m, x in zip(shown, found.items, strict=True) if x.kind != "internal_note"],
        "notes": [m for m, x in zip(shown, found.items, strict=True) if x.kind == "internal_note"],
        "may_write": r.may("POST", PATH),
        "may_note": "message.internal" in r.principal.permissions,
    }


def _message(form: FormData) -> dict[str, Any]:
    raw = form.get("body")
    return {"body": raw.strip() if isinstance(raw, str) else ""}


def _note(form: FormData) -> dict[str, Any]:
    return {**_message(form), "internal": True}


async def _post(a: Acting, body: MessageIn) -> None:
    await messages.post(a.tx, a.writer, a.case_id, body)


FORMS = (
    Form("message", "POST", PATH, MessageIn, _message, _post, "message"),
    Form("note", "POST", PATH, MessageIn, _note, _post, "note"),
)
SECTION = Section("messages", N_("Messages and notes"), "console/sections/thread.html", load, FORMS)
