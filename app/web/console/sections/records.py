"""Records of oral reports and meetings: the minutes or transcript staff write, which the
reporter then approves or corrects (EU Directive 2019/1937 art. 18); their answer is shown."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from app.records import service as records
from app.records.schemas import RecordIn
from app.web.console import labels
from app.web.console.parts import Acting, Form, Reading, Section, given, text
from app.web.console.sections.when import moment, posted_utc
from app.web.i18n import N_

PATH = "/v1/complaints/{complaint_id}/records"


async def load(r: Reading) -> dict[str, Any] | None:
    case, texts = r.case, r.texts
    found = await r.read(PATH, lambda reader: records.list_records(r.tx, reader, case.id))
    if found is None:
        return None
    return {
        "records": [
            {
                "id": x.id,
                "kind": texts(labels.RECORD_KIND[x.kind]),
                "held": moment(texts, x.held_at),
                "held_at": x.held_at.isoformat(),
                "transcript": x.transcript,
                "status": x.status,
                "status_label": texts(labels.RECORD_STATUS[x.status]),
                "comment": x.reporter_comment,
                "responded": texts.day(x.responded_at) if x.responded_at else "",
                "responded_at": x.responded_at.isoformat() if x.responded_at else "",
            }
            for x in found.records
        ],
        "may_write": r.may("POST", PATH),
        "kinds": [{"value": k, "label": texts(v)} for k, v in labels.RECORD_KIND.items()],
    }


def _record(form: FormData) -> dict[str, Any]:
    return given(
        {
            "kind": text(form, "kind"),
            "held_at": posted_utc(form, "held_at"),
            "transcript": text(form, "transcript"),
        }
    )


async def _create(a: Acting, body: RecordIn) -> None:
    await records.create(a.tx, a.writer, a.case_id, body)


FORMS = (Form("record", "POST", PATH, RecordIn, _record, _create, "record_shared"),)
SECTION = Section(
    "records",
    N_("Records of oral reports and meetings"),
    "console/sections/records.html",
    load,
    FORMS,
)
