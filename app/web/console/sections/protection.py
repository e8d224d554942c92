"""Retaliation and protection: the report this case says it retaliates against (as the case
shows it), and the protection measures asked for, offered, granted or refused, with the forms the
person's role has (offer a measure; grant or refuse one still asked for)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.kit.errors import NotFound
from app.retaliation import service as retaliation
from app.retaliation.schemas import MeasureDecisionIn, MeasureIn
from app.web.choices import MEASURES
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.i18n import N_

MEASURES_PATH = "/v1/complaints/{complaint_id}/protection-measures"
DECIDE = "/v1/complaints/{complaint_id}/protection-measures/{measure_id}/decision"


async def load(r: Reading) -> dict[str, Any] | None:
    texts = r.texts
    found = await r.read(
        MEASURES_PATH, lambda reader: retaliation.list_measures(r.tx, reader, r.case.id)
    )
    if found is None:
        return None
    may_decide = r.may("POST", DECIDE)
    return {
        "retaliation_against": r.case.retaliation_against,
        "measures": [
            {
                "id": m.id,
                "label": texts(MEASURES[m.measure]),
                "status": m.status,
                "status_label": texts(labels.MEASURE_STATUS[m.status]),
                "asked": texts.day(m.created_at),
                "decided": texts.day(m.decided_at) if m.decided_at else "",
                "note": m.note,
                "may_decide": may_decide and m.status == "requested",
            }
            for m in found.measures
        ],
        "may_offer": r.may("POST", MEASURES_PATH),
        "options": [{"value": k, "label": texts(v)} for k, v in MEASURES.items()],
    }


def _offer_body(form: FormData) -> dict[str, Any]:
    return given({"measure": text(form, "measure")})


async def _offer(a: Acting, body: MeasureIn) -> None:
    await retaliation.add_measure(a.tx, a.writer, a.case_id, body)


def _decision(form: FormData) -> dict[str, Any]:
    return given({"decision": text(form, "decision"), "note": text(form, "note")})


def measure_number(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound("No protection measure with this id belongs to this complaint.")
    return int(raw)


async def _decide(a: Acting, body: MeasureDecisionIn) -> None:
    await retaliation.decide(a.tx, a.writer, a.case_id, measure_number(a.value("measure")), body)


FORMS = (
    Form("measure_offer", "POST", MEASURES_PATH, MeasureIn, _offer_body, _offer, "measure_offered"),
    Form(
        "measure_decide", "POST", DECIDE, MeasureDecisionIn, _decision, _decide, "measure_decided"
    ),
)
SECTION = Section(
    "protection",
    N_("Retaliation and protection"),
    "console/sections/protection.html",
    load,
    FORMS,
)
