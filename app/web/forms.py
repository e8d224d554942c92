"""HTML forms to API bodies, and the API's validation errors back to form fields.

A page never validates on its own: it turns the posted fields into the JSON body the `/v1` route
takes and validates it with the same model and the same parser (`app.kit.text.parse_body`), so a
form and the API accept and refuse exactly the same things. What comes back is the API's list of
field errors, which this module ties to the form's fields and words for a person, in their
language.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.datastructures import FormData, UploadFile

from app.kit.text import parse_body
from app.middleware import PAGE_FORM_FILES
from app.taxonomy import CHARACTERISTICS
from app.web.i18n import N_, Texts
from app.web.session import csrf_ok, read

M = TypeVar("M", bound=BaseModel)

# What a person reads for each kind of error the models raise (pydantic's error types).
BY_TYPE: dict[str, str] = {
    "missing": N_("Fill this in."),
    "string_too_short": N_("Write at least %(min)s characters."),
    "string_too_long": N_("Write at most %(max)s characters."),
    "too_short": N_("Choose at least %(min)s."),
    "too_long": N_("Choose at most %(max)s."),
    "list_too_short": N_("Choose at least %(min)s."),
    "list_too_long": N_("Choose at most %(max)s."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "date_from_datetime_parsing": N_("Enter a real date, for example 2026-03-27."),
    "date_parsing": N_("Enter a real date, for example 2026-03-27."),
    "date_type": N_("Enter a real date, for example 2026-03-27."),
    "string_pattern_mismatch": N_("This is not in the expected form."),
}
# The models' own rules (their ValueError texts, as pydantic words them), for a person.
_BY_MESSAGE: dict[str, str] = {
    "incident dates cannot be in the future": N_("The date cannot be in the future."),
    "date_to must not be before date_from": N_("The end date cannot be before the start date."),
    "say what to correct": N_("Say what should be corrected."),
    # The office's forms (the console): the models' rules across fields.
    "scheduled_at must be in the future": N_("The date and time must be in the future."),
    "a hearing in person needs a location": N_("A hearing in person needs a place."),
    "an online hearing needs an https online_url": N_(
        "An online hearing needs its link, starting with https://."
    ),
    "not telling the reporter needs a no_notice_reason": N_(
        "Say why the reporter is not told first."
    ),
    "no_notice_reason only goes with notify_reporter: false": N_(
        "A reason for not telling the reporter goes only with not telling them."
    ),
    "an information request needs a department and a due_at": N_(
        "An information request needs a department and a due date."
    ),
    "due_at must be in the future": N_("The due date must be in the future."),
    "occurred_on cannot be in the future": N_("The date cannot be in the future."),
    "a settlement records its terms": N_("A settlement needs its terms."),
    "held_at cannot be in the future": N_("The date cannot be in the future."),
    "response_due_at must be in the future": N_("The response date must be in the future."),
    "implementation_due_at must not precede response_due_at": N_(
        "The implementation date cannot come before the response date."
    ),
    "a rejection needs reasons": N_("Give your reasons for rejecting this remedy."),
    "reporting implementation needs evidence": N_(
        "Describe what shows that the remedy was implemented."
    ),
    "rights_affected lists a code twice": N_("Each right may be chosen once."),
    "value is not a valid email address": N_(
        "Enter an email address in the correct form, like name@example.org."
    ),
}
_FALLBACK = N_("Check what you entered here.")
_CONTACT_NEEDED = N_(
    "Give an email address, a phone number or a postal address, or leave all empty."
)


@dataclass
class FormErrors:
    """Field name -> message, in the order the form shows its fields."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)


# A form whose token is not the session's (open too long, or made by another page).
EXPIRED = N_(
    "This form was open for a long time or came from another page, so it was not sent. "
    "Check it and send it again."
)

# More fields than any form of these pages has: such a post is read as an empty form.
MAX_FIELDS = 200


async def posted(request: Request) -> tuple[FormData, bool]:
    """The posted form, and whether its CSRF token is the session's."""
    form = request.scope.get("ombuds.form")
    if not isinstance(form, FormData):
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            # The standard library's parser for a form without files (most of what is posted):
            # python-multipart's pure-Python one cost about a twentieth of a filing.
            raw = (await request.body()).decode("utf-8", "replace")
            pairs: list[tuple[str, str | UploadFile]] = []
            with suppress(ValueError):
                pairs += parse_qsl(raw, keep_blank_values=True, max_num_fields=MAX_FIELDS)
            form = FormData(pairs)
        else:
            form = await request.form(max_files=PAGE_FORM_FILES, max_fields=MAX_FIELDS)
        request.scope["ombuds.form"] = form
    session, known = read(request)
    return form, csrf_ok(session, known, form.get("csrf_token"))


def validate(model: type[M], body: Mapping[str, Any]) -> M:
    """The body as the API would parse it from JSON: same model, same parser, same refusals."""
    return parse_body(model, json.dumps(body).encode())


def error_message(error: Mapping[str, Any], texts: Texts) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        said = str(error.get("msg", "")).removeprefix("Value error, ")
        for english, friendly in _BY_MESSAGE.items():
            if english in said:
                return texts(friendly)
        return texts(_FALLBACK)
    template = BY_TYPE.get(kind)
    if template is None:
        return texts(_FALLBACK)
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        template = BY_TYPE["missing"]  # "at least 1 characters" is an empty field
    values = {
        "min": ctx.get("min_length", ctx.get("min", "")),
        "max": ctx.get("max_length", ctx.get("max", "")),
    }
    return texts(template, **values) if "%(" in template else texts(template)


def _complaint_field(loc: tuple[Any, ...]) -> str:
    """The form field of a complaint body's error location (without the leading "body")."""
    if not loc:
        return "rights"  # the model's own checks: a code listed twice
    head = loc[0]
    if head == "rights_affected":
        return "rights"
    if head == "discrimination_grounds":
        return "grounds"
    if head == "incident":
        return f"incident_{loc[1]}" if len(loc) > 1 else "incident_date_from"
    if head == "contact":
        return f"contact_{loc[1]}" if len(loc) > 1 else "contact_email"
    if head == "characteristics" and len(loc) > 1:
        return f"char_{loc[1]}"
    if head == "named_persons" and len(loc) > 2:
        return f"person_{loc[1]}_{loc[2]}"
    return str(head)


def errors_of(
    exc: RequestValidationError, texts: Texts, where: Any = _complaint_field
) -> FormErrors:
    """The validation errors of a body, by form field, in the reader's language."""
    found = FormErrors()
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        if loc and loc[0] == "body":
            loc = loc[1:]
        name = where(loc)
        if loc == ("incident",) and "before" in str(error.get("msg", "")):
            name = "incident_date_to"  # the end before the start: the end is what to change
        if name == "contact_email" and loc == ("contact",):
            found.add(name, texts(_CONTACT_NEEDED))
        else:
            found.add(name, error_message(error, texts))
    return found


def complaint_body(form: Mapping[str, Any], lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """The filing form's fields as the JSON body of POST /v1/complaints: empty fields are
    omitted (the API treats an omitted optional field as not given, never an empty string)."""

    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    body: dict[str, Any] = {}
    for name in ("track", "summary", "description", "remedy_sought", "language"):
        if (value := text(name)) is not None:
            body[name] = value
    chosen = text("respondent")
    respondent = text("respondent_other") if chosen in (None, "other") else chosen
    if respondent is not None:
        body["respondent"] = respondent
    body["rights_affected"] = [r for r in lists.get("rights", []) if r != "unknown"]
    body["discrimination_grounds"] = list(lists.get("grounds", []))
    incident = {
        key: value
        for key in ("date_from", "date_to", "location")
        if (value := text(f"incident_{key}")) is not None
    }
    if incident:
        body["incident"] = incident
    contact = {
        key: value
        for key in ("name", "email", "phone", "postal_address", "preferred_channel")
        if (value := text(f"contact_{key}")) is not None
    }
    # A preferred channel alone is not a way to reach anyone: the complaint stays anonymous.
    if set(contact) - {"preferred_channel"}:
        body["contact"] = contact
    characteristics = {
        key: value for key in CHARACTERISTICS if (value := text(f"char_{key}")) is not None
    }
    if characteristics:
        body["characteristics"] = characteristics
    persons = []
    for i in range(PERSON_ROWS):
        who, role = text(f"person_{i}_name"), text(f"person_{i}_role_in_report")
        if who is not None or role is not None:
            person: dict[str, Any] = {"name": who or ""}
            if role is not None:
                person["role_in_report"] = role
            persons.append(person)
    if persons:
        body["named_persons"] = persons
    return body


# How many people the form lets a resident name (the API takes up to 20; more go in the text).
PERSON_ROWS = 3


def rights_choice(chosen: Iterable[str], texts: Texts) -> str | None:
    """The form asks for rights or "I don't know", one or the other: the message if neither or
    both were chosen, else None."""
    chosen = list(chosen)
    if not chosen:
        return texts("Choose the rights you think are affected, or \u201cI don't know\u201d.")
    if "unknown" in chosen and len(chosen) > 1:
        return texts("Choose rights or \u201cI don't know\u201d, not both.")
    return None
