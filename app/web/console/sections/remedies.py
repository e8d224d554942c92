"""The remedies the office recommends to departments, and their follow-up: the department's
answer, its reports (with evidence), and the office's assessment of each."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData

from app.complaints.workflow import Status
from app.kit.errors import NotFound
from app.remedies import service as remedies
from app.remedies.schemas import AssessmentIn, RemedyIn
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.i18n import N_

PATH = "/v1/complaints/{complaint_id}/remedies"
ASSESS = "/v1/complaints/{complaint_id}/remedies/{remedy_id}/assessment"

# The states in which the page offers to draft a remedy (after issued findings) and to assess
# one (during follow-up); the service decides, and its refusal is shown next to the form.
_DRAFTING = frozenset({Status.findings_issued, Status.remedy_follow_up})
_FOLLOWING = frozenset({Status.remedy_follow_up})

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def moment(form: FormData, name: str) -> str | None:
    """A date field as the API's date-time: the end of that day (UTC); anything else as typed,
    for the API's model to refuse."""
    value = text(form, name)
    if value is not None and _DAY.fullmatch(value):
        return f"{value}T23:59:59+00:00"
    return value


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts
    found = await r.read(PATH, lambda reader: remedies.list_for_complaint(r.tx, reader, case.id))
    if found is None:
        return None
    status = Status(case.status)
    may_assess = status in _FOLLOWING and r.may("POST", ASSESS)
    shown = []
    for x in found.remedies:
        shown.append(
            {
                "id": x.id,
                "form": texts(labels.REMEDY_FORM.get(x.form, x.form)),
                "department": x.department,
                "description": x.description,
                "response_due": texts.day(x.response_due_at),
                "implementation_due": texts.day(x.implementation_due_at)
                if x.implementation_due_at
                else "",
                "response": texts(labels.REMEDY_RESPONSE[x.response]) if x.response else "",
                "rejected": x.response == "rejected",
                "response_reasons": x.response_reasons,
                "responded": texts.day(x.responded_at) if x.responded_at else "",
                "response_overdue": x.response_overdue,
                "implementation_overdue": x.implementation_overdue,
                "reports": [
                    {
                        "kind": texts(labels.REPORT_KIND.get(p.kind, p.kind)),
                        "text": p.text,
                        "evidence": p.evidence,
                        "when": texts.day(p.reported_at),
                        "at": p.reported_at.isoformat(),
                    }
                    for p in x.reports
                ],
                "assessment": texts(labels.REMEDY_ASSESSMENT[x.assessment]) if x.assessment else "",
                "assessment_code": x.assessment or "",
                "assessment_note": x.assessment_note,
                "assessed": texts.day(x.assessed_at) if x.assessed_at else "",
            }
        )
    departments = r.settings.departments
    return {
        "remedies": shown,
        "drafts": status is Status.findings_issued and bool(shown),
        "may_recommend": status in _DRAFTING and r.may("POST", PATH),
        "may_assess": may_assess,
        "forms": [{"value": k, "label": texts(v)} for k, v in labels.REMEDY_FORM.items()],
        "departments": [{"value": d, "label": d} for d in departments],
        "assessments": [
            {"value": k, "label": texts(v)} for k, v in labels.REMEDY_ASSESSMENT.items()
        ],
    }


def _remedy(form: FormData) -> dict[str, Any]:
    return given(
        {
            "form": text(form, "form"),
            "department": text(form, "department"),
            "description": text(form, "description"),
            "response_due_at": moment(form, "response_due_at"),
            "implementation_due_at": moment(form, "implementation_due_at"),
        }
    )


async def _recommend(a: Acting, body: RemedyIn) -> None:
    await remedies.recommend(a.tx, a.writer, a.case_id, body)


def _assessment(form: FormData) -> dict[str, Any]:
    return given({"assessment": text(form, "assessment"), "note": text(form, "note")})


async def _assess(a: Acting, body: AssessmentIn) -> None:
    raw = a.value("remedy")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound("No remedy with this id belongs to this complaint.")
    await remedies.assess(a.tx, a.writer, a.case_id, int(raw), body)


FORMS = (
    Form("remedy", "POST", PATH, RemedyIn, _remedy, _recommend, "remedy"),
    Form("assess", "POST", ASSESS, AssessmentIn, _assessment, _assess, "assessed"),
)
SECTION = Section("remedies", N_("Remedies"), "console/sections/remedies.html", load, FORMS)
