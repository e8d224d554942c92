"""The sections of the case page, in the order the page shows them."""

from __future__ import annotations

from app.web.console.parts import Section
from app.web.console.sections import (
    files,
    findings,
    handling,
    hearings,
    identity,
    investigation,
    mediation,
    overview,
    protection,
    records,
    remedies,
    retention,
    thread,
    timeline,
    workflow,
)

SECTIONS: tuple[Section, ...] = (
    overview.SECTION,
    workflow.SECTION,
    handling.SECTION,
    identity.SECTION,
    protection.SECTION,
    thread.SECTION,
    investigation.SECTION,
    hearings.SECTION,
    mediation.SECTION,
    records.SECTION,
    findings.SECTION,
    remedies.SECTION,
    files.SECTION,
    retention.SECTION,
    timeline.SECTION,
)
