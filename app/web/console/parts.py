"""The case page as data: sections, each with what it reads and the forms it offers.

A section names the `/v1` routes it reads (through their gates: a section whose route refuses
the person is not shown) and its forms; a form names the `/v1` route whose gate and body model
it uses, how the posted fields become that body, and the service call that does the work. The
page (app/web/console/case.py) holds no rule: it runs these, in one transaction each.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from fastapi import Request
from pydantic import BaseModel
from starlette.datastructures import FormData

from app.complaints.schemas import ComplaintOut
from app.config import Settings
from app.kit.errors import AppError, Forbidden, NotFound
from app.kit.principals import Principal
from app.kit.sql import Conn
from app.web import acting
from app.web.i18n import Texts

T = TypeVar("T")


@dataclass
class Reading:
    """What a section's loader is given: the case as GET /v1/complaints/{id} shows it to this
    person, and a way to read through any other `/v1` route's gate."""

    tx: Conn
    request: Request
    principal: Principal
    case: ComplaintOut
    texts: Texts
    # subject -> name (the staff directory), filled by `name` as sections ask.
    subjects: set[str] = field(default_factory=set)

    @property
    def settings(self) -> Settings:
        settings: Settings = self.request.app.state.settings
        return settings

    async def read(self, path: str, call: Callable[[Principal], Awaitable[T]]) -> T | None:
        """`call(reader)` with the principal as GET `path` holds it after its gate; None when the
        route refuses this person (403, or 404 out of reach): the section is then not shown."""
        try:
            reader = await acting.gate(self.request, self.principal, "GET", path)
            return await call(reader)
        except (Forbidden, NotFound):
            return None

    def may(self, method: str, path: str) -> bool:
        """Whether the route's permission is held (for showing a form at all); the gate checks
        again, with the object rules, when the form is sent."""
        return acting.may(self.request, self.principal, method, path)


@dataclass
class Acting:
    """What a form's call is given: the writer (after the route's gate), the case, the form."""

    tx: Conn
    request: Request
    writer: Principal
    case_id: UUID
    form: FormData
    # The case's ETag as the page showed it (If-Match for the routes that need it).
    version: str
    # What runs once the transaction committed, as the API's routes run their background tasks
    # (removing the files of an executed erasure): never when it rolled back.
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        settings: Settings = self.request.app.state.settings
        return settings

    def value(self, name: str) -> str:
        raw = self.form.get(name)
        return raw.strip() if isinstance(raw, str) else ""


Loader = Callable[[Reading], Awaitable[dict[str, Any] | None]]
Runner = Callable[[Acting, Any], Awaitable[object]]


@dataclass(frozen=True)
class Form:
    """One form of the case page: POST /console/cases/{id}/do/{name}."""

    name: str
    method: str
    path: str  # the `/v1` route: its gate, and (below) its body model
    model: type[BaseModel] | None
    body: Callable[[FormData], dict[str, Any]]
    run: Runner
    done: str  # the notice shown after it (app/web/console/case.py NOTICES)
    # A refusal in the console's words, when the API's detail is for programmers (or None).
    explain: Callable[[AppError, FormData, Texts], str | None] | None = None
    # After it the case is out of the person's reach (a declared conflict): back to the inbox.
    leaves: bool = False


@dataclass(frozen=True)
class Section:
    """A part of the case page: its anchor and template, what it reads, the forms it offers."""

    name: str
    title: str
    template: str
    load: Loader
    forms: tuple[Form, ...] = ()


def text(form: FormData, name: str) -> str | None:
    """A posted text field, trimmed; None when empty (the API's 'not given')."""
    raw = form.get(name)
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    return raw or None


def given(body: dict[str, Any]) -> dict[str, Any]:
    """A body without its empty fields (the API treats an omitted field as not given)."""
    return {k: v for k, v in body.items() if v is not None and v != [] and v != ""}
