"""Hearings: scheduled (when, in person or online, who takes part and what they need), then
moved or cancelled with a reason, or recorded as held with internal minutes and the outcome the
complainant is told. One form of each per scheduled hearing."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.complaints.workflow import INVESTIGATING, Status
from app.hearings import service as hearings
from app.hearings.models import HearingMode, HearingStatus
from app.hearings.schemas import CancelIn, HearingIn, RecordIn, RescheduleIn
from app.kit.errors import NotFound
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.console.sections.when import field_value, moment, posted_utc
from app.web.i18n import N_

PATH = "/v1/complaints/{complaint_id}/hearings"
RESCHEDULE = "/v1/complaints/{complaint_id}/hearings/{hearing_id}/reschedule"
CANCEL = "/v1/complaints/{complaint_id}/hearings/{hearing_id}/cancel"
RECORD = "/v1/complaints/{complaint_id}/hearings/{hearing_id}/record"

# Rows of participant fields the scheduling form offers (the API takes up to 30).
PARTICIPANT_ROWS = 4


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts
    found = await r.read(PATH, lambda reader: hearings.list_hearings(r.tx, reader, case.id))
    if found is None:
        return None
    investigating = Status(case.status) in INVESTIGATING
    shown = [
        {
            "id": h.id,
            "when": moment(texts, h.scheduled_at),
            "at": h.scheduled_at.isoformat(),
            "field": field_value(h.scheduled_at),
            "mode": texts(labels.HEARING_MODE[h.mode]),
            "location": h.location,
            "online_url": h.online_url,
            "status": h.status.value,
            "status_label": texts(labels.HEARING_STATUS[h.status]),
            "outcome": h.outcome,
            "minutes": h.minutes,
            "participants": [
                {
                    "role": texts(labels.PARTICIPANT[p.role]),
                    "name": p.name,
                    "needs": p.needs,
                }
                for p in h.participants or []
            ],
            "scheduled": h.status is HearingStatus.scheduled,
        }
        for h in found.hearings
    ]
    return {
        "hearings": shown,
        "may_schedule": investigating and r.may("POST", PATH),
        "may_reschedule": r.may("POST", RESCHEDULE),
        "may_cancel": r.may("POST", CANCEL),
        "may_record": r.may("POST", RECORD),
        "modes": [{"value": m.value, "label": texts(labels.HEARING_MODE[m])} for m in HearingMode],
        "roles": [{"value": k, "label": texts(v)} for k, v in labels.PARTICIPANT.items()],
        "rows": list(range(PARTICIPANT_ROWS)),
    }


def _schedule(form: FormData) -> dict[str, Any]:
    participants = []
    for i in range(PARTICIPANT_ROWS):
        row = given(
            {
                "role": text(form, f"participant_role_{i}"),
                "name": text(form, f"participant_name_{i}"),
                "needs": text(form, f"participant_needs_{i}"),
            }
        )
        if row:  # a row left empty is no participant; a row without a role is refused
            participants.append({"role": row.pop("role", ""), **row})
    return {
        "participants": participants,
        **given(
            {
                "scheduled_at": posted_utc(form, "scheduled_at"),
                "mode": text(form, "mode"),
                "location": text(form, "location"),
                "online_url": text(form, "online_url"),
            }
        ),
    }


async def _run_schedule(a: Acting, body: HearingIn) -> None:
    await hearings.schedule(a.tx, a.writer, a.case_id, body)


def _hearing_id(a: Acting) -> int:
    raw = a.value("hearing")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFound("No hearing with this id belongs to this complaint.")
    return int(raw)


def _reschedule(form: FormData) -> dict[str, Any]:
    return given({"scheduled_at": posted_utc(form, "scheduled_at"), "reason": text(form, "reason")})


def _cancel(form: FormData) -> dict[str, Any]:
    return given({"reason": text(form, "reason")})


def _record(form: FormData) -> dict[str, Any]:
    return given({"minutes": text(form, "minutes"), "outcome": text(form, "outcome")})


async def _change(a: Acting, body: RescheduleIn | CancelIn | RecordIn) -> None:
    await hearings.change(a.tx, a.writer, a.case_id, _hearing_id(a), body)


FORMS = (
    Form("hearing", "POST", PATH, HearingIn, _schedule, _run_schedule, "hearing_scheduled"),
    Form("reschedule", "POST", RESCHEDULE, RescheduleIn, _reschedule, _change, "hearing_moved"),
    Form("cancel_hearing", "POST", CANCEL, CancelIn, _cancel, _change, "hearing_cancelled"),
    Form("hearing_held", "POST", RECORD, RecordIn, _record, _change, "hearing_held"),
)
SECTION = Section("hearings", N_("Hearings"), "console/sections/hearings.html", load, FORMS)
