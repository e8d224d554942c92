"""The investigation: its plan (recorded, then revised), its steps (interviews, site visits,
evidence), and the information requests sent to municipal departments with their due dates and
the departments' answers.

A department answers through its own routes (GET/POST /v1/information-requests..., respondent
tokens only); the office sends a request as a step of the investigation, which is what the form
here does.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.complaints.workflow import INVESTIGATING, Status
from app.investigations import service as investigations
from app.investigations.models import StepKind
from app.investigations.schemas import InvestigationIn, InvestigationOut, StepIn
from app.kit.access import reach
from app.kit.errors import NotFound
from app.kit.principals import Principal
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.console.sections.when import moment, posted_utc
from app.web.i18n import N_

PATH = "/v1/complaints/{complaint_id}/investigation"
STEPS = "/v1/complaints/{complaint_id}/investigation/steps"


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts

    async def investigation(reader: Principal) -> dict[str, InvestigationOut | None]:
        await reach(r.tx, reader, case.id)  # the route's gate: out of reach or not allowed
        try:
            return {"found": await investigations.get(r.tx, reader, case.id)}
        except NotFound:  # no investigation opened yet
            return {"found": None}

    read = await r.read(PATH, investigation)
    if read is None:
        return None
    found = read["found"]
    steps: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    if found is not None:
        r.subjects.add(found.opened_by)
        for s in found.steps:
            r.subjects.add(s.created_by)
            shown = {
                "id": s.id,
                "kind": texts(labels.STEP_KIND[s.kind]),
                "summary": s.summary,
                "details": s.details,
                "occurred": texts.day(s.occurred_on) if s.occurred_on else "",
                "by": s.created_by,
                "when": texts.day(s.created_at),
                "at": s.created_at.isoformat(),
                "department": s.department,
                "due": moment(texts, s.due_at) if s.due_at else "",
                "due_at": s.due_at.isoformat() if s.due_at else "",
                "overdue": s.overdue,
                "answer": s.answer,
                "answered": texts.day(s.answered_at) if s.answered_at else "",
                "answered_at": s.answered_at.isoformat() if s.answered_at else "",
            }
            if s.kind is StepKind.information_request:
                requests.append(shown)
            else:
                steps.append(shown)
    investigating = Status(case.status) in INVESTIGATING
    may_plan = investigating and r.may("PUT", PATH)
    may_step = investigating and found is not None and r.may("POST", STEPS)
    return {
        "investigation": found,
        "opened": texts.day(found.opened_at) if found else "",
        "updated": texts.day(found.updated_at) if found else "",
        "steps": steps,
        "requests": requests,
        "may_plan": may_plan,
        "may_step": may_step,
        # A plan is needed before any step: said where the step forms would be.
        "needs_plan": investigating and found is None and r.may("POST", STEPS),
        "kinds": [
            {"value": k.value, "label": texts(labels.STEP_KIND[k])}
            for k in StepKind
            if k is not StepKind.information_request
        ],
        "departments": [{"value": d, "label": d} for d in r.settings.departments],
    }


def _plan(form: FormData) -> dict[str, Any]:
    raw = form.get("plan")
    return {"plan": raw.strip() if isinstance(raw, str) else ""}


async def _put_plan(a: Acting, body: InvestigationIn) -> None:
    await investigations.put_plan(a.tx, a.writer, a.case_id, body)


def _step(form: FormData) -> dict[str, Any]:
    return given(
        {
            "kind": text(form, "kind"),
            "summary": text(form, "summary"),
            "details": text(form, "details"),
            "occurred_on": text(form, "occurred_on"),
        }
    )


def _request(form: FormData) -> dict[str, Any]:
    return given(
        {
            "kind": StepKind.information_request.value,
            "summary": text(form, "summary"),
            "department": text(form, "department"),
            "due_at": posted_utc(form, "due_at"),
            "details": text(form, "details"),
        }
    )


async def _add_step(a: Acting, body: StepIn) -> None:
    await investigations.add_step(a.tx, a.writer, a.case_id, body)


FORMS = (
    Form("plan", "PUT", PATH, InvestigationIn, _plan, _put_plan, "plan_saved"),
    Form("step", "POST", STEPS, StepIn, _step, _add_step, "step_recorded"),
    Form(
        "information_request", "POST", STEPS, StepIn, _request, _add_step, "information_requested"
    ),
)
SECTION = Section(
    "investigation", N_("Investigation"), "console/sections/investigation.html", load, FORMS
)
