"""Request and response bodies of the complaint routes. Requests forbid unknown fields."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, TypeVar
from uuid import UUID

from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from app.complaints.workflow import Action, Status
from app.taxonomy import CHARACTERISTICS, DISCRIMINATION_GROUNDS, LANGUAGES, RIGHTS, Track

RightCode = StrEnum("RightCode", {r.code: r.code for r in RIGHTS})  # type: ignore[misc]
GroundCode = StrEnum("GroundCode", {g: g for g in DISCRIMINATION_GROUNDS})  # type: ignore[misc]
Language = StrEnum("Language", {code: code for code in LANGUAGES})  # type: ignore[misc]


def _options(name: str) -> type[StrEnum]:
    title = "".join(part.title() for part in name.split("_"))
    return StrEnum(title, {o: o for o in CHARACTERISTICS[name]})  # type: ignore[return-value]


SexGender = _options("sex_gender")
AgeBand = _options("age_band")
Disability = _options("disability")
MigrationStatus = _options("migration_status")
Ethnicity = _options("ethnicity")


def storable_text(value: str) -> str:
    """Text PostgreSQL can store: no NUL character, no lone surrogate (invalid in UTF-8)."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


Storable = AfterValidator(storable_text)


def bounded_text(min_length: int, max_length: int) -> type[str]:
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        Storable,
    ]


M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M], raw: bytes) -> M:
    """Validate a JSON body in one pass; errors read as FastAPI's own (fields under `body`)."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        for error in errors:
            error["loc"] = ("body", *error["loc"]) if error["type"] != "json_invalid" else ("body",)
        raise RequestValidationError(errors) from None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso(value: object) -> object:
    """Dates and times arrive as ISO 8601 strings. Pydantic would also read a number, or a
    numeric string, as seconds since 1970: that is never what a person meant."""
    if value is not None and not (isinstance(value, str) and _ISO_DATE.match(value)):
        raise ValueError("expected an ISO 8601 date (YYYY-MM-DD) or date-time with offset")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso)]


class Incident(Strict):
    """When and where it happened. Dates only: an exact time is rarely known and rarely needed."""

    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    location: bounded_text(1, 300) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _period(self) -> Incident:
        today = date.today()
        for value in (self.date_from, self.date_to):
            if value is not None and value > today:
                raise ValueError("incident dates cannot be in the future")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to must not be before date_from")
        return self


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    Storable,
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=32, pattern=r"^\+?[0-9 ()./-]{4,32}$")
]


class Contact(Strict):
    """How the office can reach the complainant. Omit it entirely to file anonymously.

    At least one of email, phone and postal address; omit a field rather than send null.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": ["email"]},
                {"required": ["phone"]},
                {"required": ["postal_address"]},
            ]
        },
    )

    name: bounded_text(1, 200) = None  # type: ignore[valid-type, assignment]
    email: Email = None  # type: ignore[assignment]
    phone: Phone = None  # type: ignore[assignment]
    postal_address: bounded_text(1, 500) = None  # type: ignore[valid-type, assignment]
    preferred_channel: Literal["email", "phone", "post"] = Field(  # type: ignore[assignment]
        default=None, description="A preference; the office may use another channel given."
    )

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.email or self.phone or self.postal_address):
            raise ValueError("contact needs an email, a phone number or a postal address")
        return self


class Characteristics(Strict):
    """Self-identified, optional, each with `prefer_not_to_say`. Only ever counted in aggregate."""

    sex_gender: SexGender | None = None  # type: ignore[valid-type]
    age_band: AgeBand | None = None  # type: ignore[valid-type]
    disability: Disability | None = None  # type: ignore[valid-type]
    migration_status: MigrationStatus | None = None  # type: ignore[valid-type]
    ethnicity: Ethnicity | None = None  # type: ignore[valid-type]


class NamedPerson(Strict):
    name: bounded_text(1, 200)  # type: ignore[valid-type]
    role_in_report: bounded_text(1, 200) | None = Field(  # type: ignore[valid-type]
        default=None, examples=["witness", "official concerned"]
    )


class ComplaintIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "track": "ombudsperson",
                    "summary": "Eviction notice without a hearing",
                    "description": "The housing department ordered our eviction unheard.",
                    "rights_affected": ["adequate_housing", "good_administration"],
                    "discrimination_grounds": ["disability"],
                    "respondent": "Municipal Housing Department",
                    "incident": {"date_from": "2026-10-02", "location": "Riverside estate"},
                    "remedy_sought": "Suspend the eviction and hear us before any decision.",
                    "language": "en",
                    "characteristics": {"age_band": "35_44", "disability": "yes"},
                }
            ]
        },
    )

    track: Track = Track.ombudsperson
    summary: bounded_text(3, 200)  # type: ignore[valid-type]
    description: bounded_text(10, 10_000)  # type: ignore[valid-type]
    rights_affected: list[RightCode] = Field(min_length=1, max_length=10)  # type: ignore[valid-type]
    discrimination_grounds: list[GroundCode] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=10
    )
    respondent: bounded_text(2, 200) | None = Field(  # type: ignore[valid-type]
        default=None, description="Municipal department or body complained about, if known."
    )
    incident: Incident | None = None
    remedy_sought: bounded_text(3, 4_000)  # type: ignore[valid-type]
    language: Language = Field(  # type: ignore[valid-type]
        default=Language("en"), description="Language the complainant wants to be answered in."
    )
    contact: Contact | None = Field(default=None, description="Omit to file anonymously.")
    named_persons: list[NamedPerson] = Field(
        default_factory=list,
        max_length=20,
        description="People the report names: sealed at rest, seen by staff of the track only.",
    )
    characteristics: Characteristics | None = None

    @model_validator(mode="after")
    def _unique_codes(self) -> ComplaintIn:
        if len(set(self.rights_affected)) != len(self.rights_affected):
            raise ValueError("rights_affected lists a code twice")
        if len(set(self.discrimination_grounds)) != len(self.discrimination_grounds):
            raise ValueError("discrimination_grounds lists a code twice")
        return self


class Filed(BaseModel):
    id: UUID
    reference: str = Field(examples=["HRC-2026-000123"])
    receipt: str = Field(
        description="Secret for following the complaint. Shown only in this response.",
        examples=["K3QZ-7XWA-PL2M-Q4TE-9JRB-HD6C-W2NS-EY5F"],
    )
    track: Track
    status: Status
    received_at: datetime
    acknowledge_by: datetime
    feedback_by: datetime


class ContactOut(BaseModel):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    preferred_channel: str | None = None


class Incident_(BaseModel):
    date_from: date | None
    date_to: date | None
    location: str | None


class Deadlines(BaseModel):
    acknowledge_by: datetime
    acknowledged_at: datetime | None
    acknowledgement_overdue: bool
    feedback_by: datetime
    feedback_given_at: datetime | None
    feedback_overdue: bool
    decide_by: datetime | None = Field(description="Set at acknowledgement; met by a decision.")
    decided_at: datetime | None
    decision_overdue: bool


class ComplaintOut(BaseModel):
    id: UUID
    reference: str
    origin: Literal["complaint", "own_initiative"]
    referred_to: str | None = Field(description="The competent body it was referred to, if any.")
    priority: bool = Field(description="Retaliation reports are handled first.")
    retaliation_against: UUID | None = Field(
        description="For a retaliation report: the report it retaliates against."
    )
    reporter: str | None = Field(
        default=None,
        description="Anti-corruption track, staff only: the reporter's pseudonym. Their identity "
        "is sealed and not served here.",
    )
    track: Track
    status: Status
    version: int
    handler: str | None = Field(description="Who handles it; shown to staff only.")
    summary: str
    description: str
    rights_affected: list[str]
    discrimination_grounds: list[str]
    respondent: str | None
    incident: Incident_
    remedy_sought: str
    language: str
    anonymous: bool
    received_at: datetime
    updated_at: datetime
    deadlines: Deadlines
    contact: ContactOut | None = Field(
        description="Present for staff of the complaint's track when the complainant gave one."
    )
    named_persons: list[NamedPerson] | None = Field(
        default=None, description="Staff of the track only."
    )


class ComplaintListItem(BaseModel):
    id: UUID
    reference: str
    track: Track
    status: Status
    priority: bool
    handler: str | None = Field(description="Who handles it; shown to staff only.")
    summary: str
    received_at: datetime
    deadlines: Deadlines


class ComplaintPage(BaseModel):
    items: list[ComplaintListItem]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class TransitionIn(Strict):
    action: Action
    reason: bounded_text(1, 4_000) | None = Field(  # type: ignore[valid-type]
        default=None,
        description="Why; required for some actions (see /v1/workflow). Shown to the complainant "
        "when the timeline entry is visible to them.",
    )
    referred_to: bounded_text(2, 300) | None = Field(  # type: ignore[valid-type]
        default=None, description="`refer` only, and required there: the competent body."
    )


class TimelineEntryOut(BaseModel):
    id: int
    at: datetime
    action: str
    from_status: Status | None
    to_status: Status
    reason: str | None
    actor_role: str
    actor_subject: str | None = Field(description="Who acted; shown to staff only.")
    visible_to_complainant: bool
    about_subject: str | None = Field(
        default=None, description="Whom an assignment or recusal concerns; staff only."
    )


class TransitionOut(BaseModel):
    id: UUID
    reference: str
    status: Status
    version: int
    updated_at: datetime
    deadlines: Deadlines
    entry: TimelineEntryOut


class Timeline(BaseModel):
    complaint_id: UUID
    entries: list[TimelineEntryOut]


OverdueFilter = Literal["acknowledgement", "feedback"]


class ComplaintQuery(Strict):
    """Filters of GET /v1/complaints. Unknown parameters are refused, so a typo never widens
    a listing silently."""

    status: list[Status] | None = Field(default=None, max_length=12)
    track: Track | None = None
    overdue: OverdueFilter | None = Field(
        default=None, description="Only complaints past their acknowledgement or feedback deadline."
    )
    received_from: IsoDateTime | None = Field(default=None, description="Inclusive, ISO 8601.")
    received_to: IsoDateTime | None = Field(default=None, description="Exclusive, ISO 8601.")
    handler: bounded_text(1, 200) | None = Field(  # type: ignore[valid-type]
        default=None, description="Only complaints this person handles; `me` for yourself."
    )
    unassigned: bool = Field(default=False, description="Only complaints nobody handles yet.")
    priority: bool = Field(default=False, description="Only priority cases (retaliation).")
    limit: int | None = Field(
        default=None, ge=1, description="Page size; at most the configured cap (default 100)."
    )
    cursor: str | None = Field(default=None, max_length=200)


Subject = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Storable,
]


class AssignmentIn(Strict):
    handler: Subject | None = Field(
        description="Subject (user id) of the staff member who handles the complaint; null "
        "to unassign.",
        examples=["alice"],
    )
    reason: bounded_text(3, 2_000) | None = Field(  # type: ignore[valid-type]
        default=None, description="Required to reassign or unassign."
    )


class AssignmentOut(BaseModel):
    id: UUID
    handler: str | None
    version: int
    updated_at: datetime
    entry: TimelineEntryOut | None = Field(description="Null when nothing changed.")


class RecusalIn(Strict):
    reason: bounded_text(3, 2_000)  # type: ignore[valid-type]
    subject: Subject | None = Field(
        default=None,
        description="Omit to declare your own conflict of interest; name someone else to "
        "exclude them (head of office).",
    )


class RecusalOut(BaseModel):
    subject: str
    kind: Literal["declared", "excluded"]
    reason: str
    recorded_by: str
    recorded_at: datetime
    unassigned: bool = Field(default=False, description="The person handled it and no longer does.")


class Recusals(BaseModel):
    complaint_id: UUID
    recusals: list[RecusalOut]


class InquiryIn(Strict):
    """An inquiry the office opens on its own initiative (Venice Principles): no complainant."""

    track: Track = Track.ombudsperson
    summary: bounded_text(3, 200)  # type: ignore[valid-type]
    description: bounded_text(10, 10_000)  # type: ignore[valid-type]
    purpose: bounded_text(3, 4_000) = Field(  # type: ignore[valid-type]
        description="What the inquiry sets out to establish or put right."
    )
    rights_affected: list[RightCode] = Field(min_length=1, max_length=10)  # type: ignore[valid-type]
    discrimination_grounds: list[GroundCode] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=10
    )
    respondent: bounded_text(2, 200) | None = None  # type: ignore[valid-type]
    language: Language = Language("en")  # type: ignore[valid-type]
    handler: Subject | None = Field(default=None, description="Who handles it; default: you.")

    @model_validator(mode="after")
    def _unique_codes(self) -> InquiryIn:
        if len(set(self.rights_affected)) != len(self.rights_affected):
            raise ValueError("rights_affected lists a code twice")
        if len(set(self.discrimination_grounds)) != len(self.discrimination_grounds):
            raise ValueError("discrimination_grounds lists a code twice")
        return self


class InquiryOut(BaseModel):
    id: UUID
    reference: str
    track: Track
    status: Status
    received_at: datetime


class RedactionIn(Strict):
    field: Literal["summary", "description", "remedy_sought", "incident_location"]
    remove: bounded_text(2, 2_000) = Field(  # type: ignore[valid-type]
        description="The exact text to remove; every occurrence becomes `[removed]`."
    )
    reason: bounded_text(3, 2_000)  # type: ignore[valid-type]


class RedactionOut(BaseModel):
    id: int
    field: str
    occurrences: int
    reason: str
    redacted_by: str
    redacted_at: datetime
    version: int
