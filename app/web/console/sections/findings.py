"""The findings: written (and rewritten) while the case is investigated, issued by the workflow,
then recorded as communicated to the complainant."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.complaints.workflow import INVESTIGATING, Status
from app.findings import service as findings
from app.findings.schemas import CommunicationIn, FindingsIn, FindingsOut
from app.kit.errors import NotFound
from app.kit.principals import Principal
from app.taxonomy import RIGHTS
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.i18n import N_

PATH = "/v1/complaints/{complaint_id}/findings"
COMMUNICATE = "/v1/complaints/{complaint_id}/findings/communication"


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts

    async def read(reader: Principal) -> dict[str, FindingsOut | None]:
        try:
            return {"found": await findings.get(r.tx, reader, case.id)}
        except NotFound:  # none written yet (the case itself is within reach: it is shown)
            return {"found": None}

    found = await r.read(PATH, read)
    if found is None:
        return None
    written = found["found"]
    if written is not None and written.drafted_by:
        r.subjects.add(written.drafted_by)
    shown = None
    if written is not None:
        shown = {
            "outcome": texts(labels.OUTCOME.get(written.outcome, written.outcome)),
            "rights": [texts(x.label) for x in RIGHTS if x.code in written.rights_affected],
            "public_summary": written.public_summary,
            "internal_reasoning": written.internal_reasoning,
            "drafted_by": written.drafted_by,
            "updated": texts.day(written.updated_at),
            "issued": texts.day(written.issued_at) if written.issued_at else "",
            "communicated": texts.day(written.communicated_at) if written.communicated_at else "",
        }
    prefill: dict[str, Any] = {}
    if written is not None:
        prefill = {
            "findings-outcome": written.outcome,
            "findings-public_summary": written.public_summary,
            "findings-internal_reasoning": written.internal_reasoning or "",
        }
    return {
        "findings": shown,
        "prefill": prefill,
        "chosen_rights": written.rights_affected if written else [],
        "may_write": Status(case.status) in INVESTIGATING and r.may("PUT", PATH),
        "may_communicate": written is not None
        and written.issued_at is not None
        and written.communicated_at is None
        and r.may("POST", COMMUNICATE),
        "outcomes": [{"value": k, "label": texts(v)} for k, v in labels.OUTCOME.items()],
        "rights": [{"value": x.code, "label": texts(x.label), "hint": ""} for x in RIGHTS],
        "channels": [{"value": k, "label": texts(v)} for k, v in labels.CHANNEL.items()],
    }


def _findings(form: FormData) -> dict[str, Any]:
    return {
        **given({"outcome": text(form, "outcome")}),
        "rights_affected": [v for v in form.getlist("rights") if isinstance(v, str)],
        "public_summary": text(form, "public_summary") or "",
        "internal_reasoning": text(form, "internal_reasoning") or "",
    }


async def _write(a: Acting, body: FindingsIn) -> None:
    await findings.put(a.tx, a.writer, a.case_id, body)


def _communication(form: FormData) -> dict[str, Any]:
    return given({"channel": text(form, "channel"), "note": text(form, "note")})


async def _communicate(a: Acting, body: CommunicationIn) -> None:
    await findings.communicate(a.tx, a.writer, a.case_id, body)


FORMS = (
    Form("findings", "PUT", PATH, FindingsIn, _findings, _write, "findings"),
    Form(
        "communicate",
        "POST",
        COMMUNICATE,
        CommunicationIn,
        _communication,
        _communicate,
        "communicated",
    ),
)
SECTION = Section("findings", N_("Findings"), "console/sections/findings.html", load, FORMS)
