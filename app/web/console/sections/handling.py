"""Who handles the case: assignment (heads of office), the classification of rights and grounds
(those who assess), recusals (one's own conflict of interest; a head excludes someone)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.complaints import service as complaints
from app.complaints.schemas import AssignmentIn, ClassificationIn, RecusalIn
from app.complaints.workflow import OPEN, Status
from app.kit.permissions import STAFF_TRACKS, Permission
from app.staff import service as staff
from app.taxonomy import DISCRIMINATION_GROUNDS, RIGHTS
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.i18n import N_

ASSIGN = "/v1/complaints/{complaint_id}/handler"
CLASSIFY = "/v1/complaints/{complaint_id}/classification"
RECUSALS = "/v1/complaints/{complaint_id}/recusals"


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts
    # Who is kept away from the case: heads read it (GET .../recusals); staff do not.
    recusals = await r.read(
        RECUSALS, lambda reader: complaints.list_recusals(r.tx, reader, case.id)
    )
    listing = recusals.recusals if recusals is not None else None
    kept_away = {x.subject for x in listing or ()}
    r.subjects.update(kept_away | {x.recorded_by for x in listing or ()})
    may_assign = r.may("PUT", ASSIGN)
    candidates: list[dict[str, str]] = []
    if may_assign:
        roles = [role.value for role, tracks in STAFF_TRACKS.items() if case.track in tracks]
        members = await staff.with_roles(r.tx, roles)
        candidates = [
            {"value": m.subject, "label": m.shown} for m in members if m.subject not in kept_away
        ]
        if case.handler and case.handler not in {c["value"] for c in candidates}:
            candidates.insert(0, {"value": case.handler, "label": case.handler})
    open_case = Status(case.status) in OPEN
    may_classify = open_case and r.may("PUT", CLASSIFY)
    may_recuse = Permission.complaint_recuse in r.principal.permissions
    may_exclude = Permission.complaint_exclude in r.principal.permissions
    if listing is None and not (may_assign or may_classify or may_recuse or may_exclude):
        return None
    return {
        "recusals": listing,
        "may_assign": may_assign,
        "candidates": candidates,
        "may_classify": may_classify,
        "rights": [{"value": x.code, "label": texts(x.label), "hint": ""} for x in RIGHTS],
        "grounds": [
            {"value": k, "label": texts(v), "hint": ""} for k, v in DISCRIMINATION_GROUNDS.items()
        ],
        "may_recuse": may_recuse,
        "may_exclude": may_exclude,
    }


def _assignment(form: FormData) -> dict[str, Any]:
    handler = text(form, "handler")
    return {"handler": handler, **given({"reason": text(form, "reason")})}


async def _assign(a: Acting, body: AssignmentIn) -> None:
    await complaints.assign(a.tx, a.writer, a.case_id, body, a.version)


def _classification(form: FormData) -> dict[str, Any]:
    return {
        "rights_affected": [v for v in form.getlist("rights") if isinstance(v, str)],
        "discrimination_grounds": [v for v in form.getlist("grounds") if isinstance(v, str)],
    }


async def _classify(a: Acting, body: ClassificationIn) -> None:
    await complaints.classify(a.tx, a.writer, a.case_id, body, a.version)


def _recusal(form: FormData) -> dict[str, Any]:
    return given({"reason": text(form, "reason"), "subject": text(form, "subject")})


async def _recuse(a: Acting, body: RecusalIn) -> None:
    await complaints.recuse(a.tx, a.writer, a.case_id, body)


FORMS = (
    Form("assign", "PUT", ASSIGN, AssignmentIn, _assignment, _assign, "assigned"),
    Form("classify", "PUT", CLASSIFY, ClassificationIn, _classification, _classify, "classified"),
    Form("recuse", "POST", RECUSALS, RecusalIn, _recusal, _recuse, "recused", leaves=True),
    Form("exclude", "POST", RECUSALS, RecusalIn, _recusal, _recuse, "recused"),
)
SECTION = Section("handling", N_("Handling"), "console/sections/handling.html", load, FORMS)
