"""The case's timeline as staff see it: every entry, who acted, whom it concerned."""

from __future__ import annotations

from typing import Any

from app.complaints import service as complaints
from app.web.console import labels
from app.web.console.parts import Reading, Section
from app.web.i18n import N_

PATH = "/v1/complaints/{complaint_id}/timeline"


async def load(r: Reading) -> dict[str, Any] | None:
    found = await r.read(PATH, lambda reader: complaints.timeline(r.tx, reader, r.case.id))
    if found is None:
        return None
    texts = r.texts
    r.subjects.update(e.actor_subject or "" for e in found.entries)
    r.subjects.update(e.about_subject or "" for e in found.entries)
    return {
        "entries": [
            {
                "when": texts.day(e.at),
                "at": e.at.isoformat(),
                "action": e.action,
                "label": texts(labels.ENTRY[e.action])
                if e.action in labels.ENTRY
                else e.action.replace("_", " "),
                "to": texts(labels.STATUS[e.to_status]),
                "reason": e.reason,
                "actor": e.actor_subject,
                "role": e.actor_role,
                "about": e.about_subject,
                "public": e.visible_to_complainant,
            }
            for e in reversed(found.entries)
        ]
    }


SECTION = Section("timeline", N_("Timeline"), "console/sections/timeline.html", load)
