"""The case at a glance: what it is about, who is concerned, its deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from babel import Locale, UnknownLocaleError

from app.kit.notify import COMPLAINANT
from app.notifications import service as notifications
from app.taxonomy import DISCRIMINATION_GROUNDS, RIGHTS
from app.web.console.common import people
from app.web.console.parts import Reading, Section
from app.web.i18n import N_, Texts

# A deadline within this many days is "due soon".
SOON = timedelta(days=7)


def deadline(texts: Texts, what: str, due: datetime | None, met: datetime | None) -> dict[str, Any]:
    """One deadline as the console shows it: met (when), overdue, due soon, or due."""
    now = datetime.now(UTC)
    if met is not None:
        state, label = "met", texts("Met on %(day)s", day=texts.day(met))
    elif due is None:
        state, label = "none", texts("Not set yet")
    elif due < now:
        state, label = "overdue", texts("Overdue since %(day)s", day=texts.day(due))
    elif due - now <= SOON:
        state, label = "soon", texts("Due soon: %(day)s", day=texts.day(due))
    else:
        state, label = "due", texts("Due %(day)s", day=texts.day(due))
    return {"what": what, "state": state, "label": label}


def _language_name(code: str, reader: str) -> str:
    """The complaint's language in the reader's (Babel's names), else its code."""
    try:
        return str(Locale.parse(code).get_display_name(reader) or code)
    except (ValueError, UnknownLocaleError):
        return code


async def _undelivered(r: Reading) -> list[str]:
    """The emails about this case that could not be delivered, as staff are told of them."""
    texts = r.texts
    dead = await notifications.dead_of_case(r.tx, r.case.id)
    # staff:<subject> by the directory's name; department:<name> by its name.
    named = await people(r.tx, [d.recipient.split(":", 1)[1] for d in dead if ":" in d.recipient])
    shown = []
    for item in dead:
        day = texts.day(item.created_at)
        if item.recipient == COMPLAINANT:
            line = texts(
                "An email to the complainant could not be delivered (%(day)s): reach them "
                "another way.",
                day=day,
            )
        else:
            who = item.recipient.split(":", 1)[-1]
            line = texts(
                "An email to %(who)s could not be delivered (%(day)s).",
                who=named.get(who, who),
                day=day,
            )
        shown.append(line)
    return shown


async def load(r: Reading) -> dict[str, Any]:
    case, texts = r.case, r.texts
    d = case.deadlines
    rights = [texts(x.label) for x in RIGHTS if x.code in case.rights_affected]
    grounds = [
        texts(v) for k, v in DISCRIMINATION_GROUNDS.items() if k in case.discrimination_grounds
    ]
    return {
        "deadlines": [
            deadline(texts, texts("Acknowledgement"), d.acknowledge_by, d.acknowledged_at),
            deadline(texts, texts("Feedback"), d.feedback_by, d.feedback_given_at),
            deadline(texts, texts("Decision"), d.decide_by, d.decided_at),
        ],
        "rights": rights,
        "grounds": grounds,
        "received": texts.day(case.received_at),
        "undelivered": await _undelivered(r),
        "language": _language_name(case.language, texts.lang),
        "incident_from": texts.day(case.incident.date_from) if case.incident.date_from else "",
        "incident_to": texts.day(case.incident.date_to) if case.incident.date_to else "",
    }


SECTION = Section("overview", N_("The case"), "console/sections/overview.html", load)
