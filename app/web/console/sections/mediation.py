"""Mediation (amicable settlement): each attempt and its result; a settlement's terms, which the
complainant sees; the internal notes and the mediator, which they do not."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.complaints.workflow import Status
from app.mediation import service as mediation
from app.mediation.schemas import AttemptIn
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.i18n import N_

PATH = "/v1/complaints/{complaint_id}/mediation-attempts"


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts
    found = await r.read(PATH, lambda reader: mediation.list_attempts(r.tx, reader, case.id))
    if found is None:
        return None
    return {
        "attempts": [
            {
                "result": a.result,
                "result_label": texts(labels.MEDIATION_RESULT[a.result]),
                "terms": a.terms,
                "notes": a.notes,
                "mediator": a.mediator,
                "when": texts.day(a.recorded_at),
                "at": a.recorded_at.isoformat(),
            }
            for a in found.attempts
        ],
        # The service records results during mediation only (409 otherwise).
        "may_record": Status(case.status) is Status.mediation and r.may("POST", PATH),
        "results": [{"value": k, "label": texts(v)} for k, v in labels.MEDIATION_RESULT.items()],
    }


def _attempt(form: FormData) -> dict[str, Any]:
    return given(
        {
            "result": text(form, "result"),
            "terms": text(form, "terms"),
            "notes": text(form, "notes"),
            "mediator": text(form, "mediator"),
        }
    )


async def _record(a: Acting, body: AttemptIn) -> None:
    await mediation.record(a.tx, a.writer, a.case_id, body)


FORMS = (Form("mediation", "POST", PATH, AttemptIn, _attempt, _record, "mediation_recorded"),)
SECTION = Section("mediation", N_("Mediation"), "console/sections/mediation.html", load, FORMS)
