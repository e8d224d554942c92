"""Keeping and erasing the case's records: its retention date and legal hold (heads of office set
and lift it), erasure requests (GDPR art. 17: recorded, extended once, executed or refused on a
ground of art. 17(3)), and the removal of a manifestly irrelevant text (redaction)."""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.datastructures import FormData

from app.complaints import service as complaints
from app.complaints.schemas import RedactionIn
from app.datasubject import service as erasures
from app.datasubject.schemas import ErasureDecisionIn, ErasureExtensionIn, ErasureRequestIn
from app.kit.errors import AppError, Forbidden, NotFound
from app.retention import service as retention
from app.retention.schemas import HoldIn
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.i18n import N_, Texts

HOLD = "/v1/complaints/{complaint_id}/legal-hold"
RELEASE = "/v1/complaints/{complaint_id}/legal-hold/release"
ERASURES = "/v1/complaints/{complaint_id}/erasure-requests"
EXTEND = "/v1/complaints/{complaint_id}/erasure-requests/{request_id}/extension"
DECIDE = "/v1/complaints/{complaint_id}/erasure-requests/{request_id}/decision"
REDACT = "/v1/complaints/{complaint_id}/redactions"


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts
    hold = await r.read(HOLD, lambda reader: retention.get_hold(r.tx, reader, case.id))
    found = await r.read(ERASURES, lambda reader: erasures.list_requests(r.tx, reader, case.id))
    may_redact = r.may("POST", REDACT)
    if hold is None and found is None and not may_redact:
        return None
    data: dict[str, Any] = {"hold": None, "erasures": None, "may_redact": may_redact}
    if hold is not None:
        r.subjects.add(hold.set_by or "")
        data["hold"] = {
            "held": hold.held,
            "reason": hold.reason,
            "by": hold.set_by,
            "since": texts.day(hold.set_at) if hold.set_at else "",
            "until": texts.day(hold.retention_until) if hold.retention_until else "",
        }
        data["may_hold"] = not hold.held and r.may("PUT", HOLD)
        data["may_release"] = hold.held and r.may("POST", RELEASE)
    if found is not None:
        r.subjects.update(x.recorded_by for x in found.requests)
        r.subjects.update(x.decided_by or "" for x in found.requests)
        may_extend, may_decide = r.may("POST", EXTEND), r.may("POST", DECIDE)
        data["erasures"] = [
            {
                "id": x.id,
                "received": texts.day(x.received_at),
                "due": texts.day(x.due_at),
                "overdue": x.overdue,
                "channel": texts(labels.ERASURE_CHANNEL.get(x.channel, x.channel)),
                "by": x.recorded_by,
                "status": texts(labels.ERASURE_STATUS.get(x.status, x.status)),
                "ground": texts(labels.ERASURE_GROUND[x.ground]) if x.ground else "",
                "decision_reason": x.decision_reason,
                "decided_by": x.decided_by,
                "decided": texts.day(x.decided_at) if x.decided_at else "",
                "extended": texts.day(x.extended_at) if x.extended_at else "",
                "extension_reason": x.extension_reason,
                "may_extend": x.status == "pending" and x.extended_at is None and may_extend,
                # Four eyes: whoever recorded a request does not decide it.
                "may_decide": x.status == "pending" and may_decide,
                "recorded_by_me": x.recorded_by == r.principal.subject,
            }
            for x in found.requests
        ]
        pending = any(x.status == "pending" for x in found.requests)
        data["may_record"] = not pending and r.may("POST", ERASURES)
        data["channels"] = [
            {"value": k, "label": texts(v)} for k, v in labels.ERASURE_CHANNEL.items()
        ]
        data["grounds"] = [
            {"value": k, "label": texts(v)} for k, v in labels.ERASURE_GROUND.items()
        ]
        data["decisions"] = [
            {"value": "refuse", "label": texts("Refuse: the data is kept")},
            {"value": "execute", "label": texts("Erase the personal data (irreversible)")},
        ]
        data["months"] = [
            {"value": "1", "label": texts("One month more")},
            {"value": "2", "label": texts("Two months more")},
        ]
    data["fields"] = [{"value": k, "label": texts(v)} for k, v in labels.REDACTABLE.items()]
    return data


def _reason(form: FormData) -> dict[str, Any]:
    return {"reason": text(form, "reason") or ""}


async def _hold(a: Acting, body: HoldIn) -> None:
    await retention.set_hold(a.tx, a.writer, a.case_id, body)


async def _release(a: Acting, body: HoldIn) -> None:
    await retention.lift_hold(a.tx, a.writer, a.case_id, body)


def _erasure(form: FormData) -> dict[str, Any]:
    return given({"channel": text(form, "channel")})


async def _record(a: Acting, body: ErasureRequestIn) -> None:
    await erasures.record(a.tx, a.writer, a.case_id, body)


def _request_id(a: Acting) -> int:
    raw = a.value("request")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound("No erasure request with this id on this case.")
    return int(raw)


def _extension(form: FormData) -> dict[str, Any]:
    months = text(form, "months")
    return given(
        {
            "months": int(months) if months is not None and months.isdigit() else months,
            "reason": text(form, "reason"),
        }
    )


async def _extend(a: Acting, body: ErasureExtensionIn) -> None:
    await erasures.extend(a.tx, a.writer, a.case_id, _request_id(a), body)


def _decision(form: FormData) -> dict[str, Any]:
    return given(
        {
            "decision": text(form, "decision"),
            "ground": text(form, "ground"),
            "reason": text(form, "reason"),
        }
    )


async def _decide(a: Acting, body: ErasureDecisionIn) -> None:
    request_id = _request_id(a)
    decided, files = await erasures.decide(a.tx, a.settings, a.writer, a.case_id, request_id, body)
    if decided.status == "executed" and files:
        # As the API's route: the files go once the erasure committed; a file left by a crash
        # in between has no row any more, and the worker's orphan sweep removes it.
        storage = a.request.app.state.storage
        a.after_commit.append(partial(erasures.delete_files, storage, files))


def _explain_decision(exc: AppError, form: FormData, texts: Texts) -> str | None:
    if isinstance(exc, Forbidden) and "Four eyes" in (exc.detail or ""):
        return texts("You recorded this request, so another head of office decides it (four eyes).")
    if exc.status == 422 and form.get("decision") == "refuse":
        return texts("To refuse, choose the ground of art. 17(3) on which the data is kept.")
    if exc.status == 422:
        return texts("A ground of art. 17(3) is a reason to refuse: leave it empty to erase.")
    return None


def _redaction(form: FormData) -> dict[str, Any]:
    return given(
        {
            "field": text(form, "field"),
            "remove": text(form, "remove"),
            "reason": text(form, "reason"),
        }
    )


async def _redact(a: Acting, body: RedactionIn) -> None:
    await complaints.redact(a.tx, a.writer, a.case_id, body)


def _explain_redaction(exc: AppError, form: FormData, texts: Texts) -> str | None:
    if exc.status == 422:
        return texts("This text does not occur in the chosen field: copy it exactly as shown.")
    return None


FORMS = (
    Form("hold", "PUT", HOLD, HoldIn, _reason, _hold, "hold_set"),
    Form("release", "POST", RELEASE, HoldIn, _reason, _release, "hold_lifted"),
    Form("erasure", "POST", ERASURES, ErasureRequestIn, _erasure, _record, "erasure"),
    Form("erasure_extend", "POST", EXTEND, ErasureExtensionIn, _extension, _extend, "extended"),
    Form(
        "erasure_decide",
        "POST",
        DECIDE,
        ErasureDecisionIn,
        _decision,
        _decide,
        "erasure_decided",
        explain=_explain_decision,
    ),
    Form(
        "redact",
        "POST",
        REDACT,
        RedactionIn,
        _redaction,
        _redact,
        "redacted",
        explain=_explain_redaction,
    ),
)
SECTION = Section(
    "retention", N_("Keeping and erasing records"), "console/sections/retention.html", load, FORMS
)
