"""The sections of the case page, in the order the page shows them."""

from __future__ import annotations

from app.web.console.parts import Section
from app.web.console.sections import handling, overview, thread, timeline, workflow

SECTIONS: tuple[Section, ...] = (
    overview.SECTION,
    workflow.SECTION,
    handling.SECTION,
    thread.SECTION,
    timeline.SECTION,
)
