"""The workflow's next steps: the actions the table allows from the case's state, for the
person's roles, each a form (a reason where the table asks for one)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.complaints import service as complaints
from app.complaints.schemas import TransitionIn
from app.complaints.workflow import GUARD_DESCRIPTIONS, TRANSITIONS, Action, Status
from app.kit.errors import AppError, GuardFailed
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.i18n import N_, Texts

PATH = "/v1/complaints/{complaint_id}/transitions"


async def load(r: Reading) -> dict[str, Any] | None:
    texts = r.texts
    status = Status(r.case.status)
    steps = [
        {
            "action": t.action.value,
            "label": texts(labels.ACTION[t.action]),
            "to": texts(labels.STATUS[t.target]),
            "reason_required": t.reason_required,
            "names_body": t.names_competent_body,
            "needs": [texts(labels.GUARD[g.value]) for g in t.guards],
            "visible": t.visible_to_complainant,
        }
        for (source, _), t in TRANSITIONS.items()
        if source is status and t.permission in r.principal.permissions
    ]
    if not r.may("POST", PATH):
        return None
    return {"steps": steps}


def _body(form: FormData) -> dict[str, Any]:
    return given(
        {
            "action": text(form, "action"),
            "reason": text(form, "reason"),
            "referred_to": text(form, "referred_to"),
        }
    )


async def _run(a: Acting, body: TransitionIn) -> None:
    await complaints.transition(a.tx, a.settings, a.writer, a.case_id, body, a.version)


def _explain(exc: AppError, form: FormData, texts: Texts) -> str | None:
    """A guard's refusal in the console's words: what is missing (the guards of the action
    that the API's detail names)."""
    action = form.get("action")
    if not isinstance(exc, GuardFailed) or not isinstance(action, str):
        return None
    if action not in Action.__members__:
        return None
    detail = exc.detail or ""
    unmet = sorted(
        {
            g.value
            for (_, a), t in TRANSITIONS.items()
            if a.value == action
            for g in t.guards
            if GUARD_DESCRIPTIONS[g] in detail
        }
    )
    return texts(
        "%(action)s is not possible yet. It needs: %(needs)s.",
        action=texts(labels.ACTION[action]),
        needs="; ".join(texts(labels.GUARD[g]) for g in unmet),
    )


FORMS = (Form("transition", "POST", PATH, TransitionIn, _body, _run, "moved", explain=_explain),)
SECTION = Section("workflow", N_("Next steps"), "console/sections/workflow.html", load, FORMS)
