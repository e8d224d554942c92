"""Request and response bodies of the complaint routes. Requests forbid unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from annotated_types import Len
from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from app.complaints.workflow import Action, Status
from app.kit.sealed import Contact, ContactOut
from app.kit.text import TEXT, IsoDate, IsoDateTime, Strict, Subject
from app.retaliation.models import Measure
from app.taxonomy import (
    AgeBand,
    Disability,
    Ethnicity,
    GroundCode,
    Language,
    MigrationStatus,
    RightCode,
    SexGender,
    Track,
)


class Incident(Strict):
    """When and where it happened. Dates only: an exact time is rarely known and rarely needed."""

    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    location: Annotated[str, Len(1, 300), *TEXT] | None = None

    @model_validator(mode="after")
    def _period(self) -> Incident:
        today = date.today()
        for value in (self.date_from, self.date_to):
            if value is not None and value > today:
                raise ValueError("incident dates cannot be in the future")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to must not be before date_from")
        return self


class Characteristics(Strict):
    """Self-identified, optional, each with `prefer_not_to_say`. Only ever counted in aggregate."""

    sex_gender: SexGender | None = None
    age_band: AgeBand | None = None
    disability: Disability | None = None
    migration_status: MigrationStatus | None = None
    ethnicity: Ethnicity | None = None


class NamedPerson(Strict):
    name: Annotated[str, Len(1, 200), *TEXT]
    role_in_report: Annotated[str, Len(1, 200), *TEXT] | None = Field(
        default=None, examples=["witness", "official concerned"]
    )


class NamedPersons(RootModel[list[NamedPerson]]):
    """The persons a report names, as sealed together."""


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
                },
                {
                    "track": "ombudsperson",
                    "summary": "No answer about my benefits for months",
                    "description": "I applied for housing benefit in May and heard nothing since.",
                    "rights_affected": [],
                    "remedy_sought": "A decision on my application.",
                },
            ]
        },
    )

    track: Track = Track.ombudsperson
    summary: Annotated[str, Len(3, 200), *TEXT]
    description: Annotated[str, Len(10, 10_000), *TEXT]
    rights_affected: list[RightCode] = Field(
        default_factory=list,
        max_length=10,
        description="The human rights the complainant thinks are affected (GET /v1/taxonomy "
        "explains each). An empty list, or none given, means not known: staff classify it "
        "during assessment (PUT /v1/complaints/{id}/classification).",
    )
    discrimination_grounds: list[GroundCode] = Field(default_factory=list, max_length=10)
    respondent: Annotated[str, Len(2, 200), *TEXT] | None = Field(
        default=None, description="Municipal department or body complained about, if known."
    )
    incident: Incident | None = None
    remedy_sought: Annotated[str, Len(3, 4_000), *TEXT]
    language: Language = Field(
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


class IncidentOut(BaseModel):
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
    incident: IncidentOut
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
    reason: Annotated[str, Len(1, 4_000), *TEXT] | None = Field(
        default=None,
        description="Why; required for some actions (see /v1/workflow). Shown to the complainant "
        "when the timeline entry is visible to them.",
    )
    referred_to: Annotated[str, Len(2, 300), *TEXT] | None = Field(
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


class ClassificationIn(Strict):
    """The whole classification: what is not listed is no longer named (PUT replaces)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "rights_affected": ["adequate_housing", "good_administration"],
                    "discrimination_grounds": ["disability"],
                }
            ]
        },
    )

    rights_affected: list[RightCode] = Field(
        max_length=10, description="Codes of GET /v1/taxonomy; empty: none (yet)."
    )
    discrimination_grounds: list[GroundCode] = Field(
        max_length=10, description="Codes of GET /v1/taxonomy; empty: none."
    )

    @model_validator(mode="after")
    def _unique_codes(self) -> ClassificationIn:
        if len(set(self.rights_affected)) != len(self.rights_affected):
            raise ValueError("rights_affected lists a code twice")
        if len(set(self.discrimination_grounds)) != len(self.discrimination_grounds):
            raise ValueError("discrimination_grounds lists a code twice")
        return self


class Codes(BaseModel):
    rights_affected: list[str]
    discrimination_grounds: list[str]


class ClassificationOut(BaseModel):
    id: UUID
    rights_affected: list[str]
    discrimination_grounds: list[str]
    previous: Codes | None = Field(
        description="The classification this one replaced; null when nothing changed."
    )
    version: int
    updated_at: datetime
    entry: TimelineEntryOut | None = Field(description="Null when nothing changed.")


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
    handler: Annotated[str, Len(1, 200), *TEXT] | None = Field(
        default=None, description="Only complaints this person handles; `me` for yourself."
    )
    unassigned: bool = Field(default=False, description="Only complaints nobody handles yet.")
    priority: bool = Field(default=False, description="Only priority cases (retaliation).")
    limit: int | None = Field(
        default=None, ge=1, description="Page size; at most the configured cap (default 100)."
    )
    cursor: str | None = Field(default=None, max_length=200)
    department: Annotated[str, Len(1, 200), *TEXT] | None = Field(
        default=None,
        description="Only complaints about this configured department (`departments` of "
        "GET /v1/taxonomy; any letter case). A name that is not configured is 422.",
    )
    reference: str | None = Field(
        default=None,
        max_length=40,
        pattern=r"^[A-Za-z]{2,8}-\d{4}-\d{6,}$",
        description="Look a case up by its reference (any case): at most one item, and none when "
        "it is out of your reach, exactly as the list would show it.",
        examples=["HRC-2026-000123"],
    )


class AssignmentIn(Strict):
    handler: Subject | None = Field(
        description="Subject (user id) of the staff member who handles the complaint; null "
        "to unassign.",
        examples=["alice"],
    )
    reason: Annotated[str, Len(3, 2_000), *TEXT] | None = Field(
        default=None, description="Required to reassign or unassign."
    )


class AssignmentOut(BaseModel):
    id: UUID
    handler: str | None
    version: int
    updated_at: datetime
    entry: TimelineEntryOut | None = Field(description="Null when nothing changed.")


class RecusalIn(Strict):
    reason: Annotated[str, Len(3, 2_000), *TEXT]
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
    summary: Annotated[str, Len(3, 200), *TEXT]
    description: Annotated[str, Len(10, 10_000), *TEXT]
    purpose: Annotated[str, Len(3, 4_000), *TEXT] = Field(
        description="What the inquiry sets out to establish or put right."
    )
    rights_affected: list[RightCode] = Field(min_length=1, max_length=10)
    discrimination_grounds: list[GroundCode] = Field(default_factory=list, max_length=10)
    respondent: Annotated[str, Len(2, 200), *TEXT] | None = None
    language: Language = Language("en")
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
    remove: Annotated[str, Len(2, 2_000), *TEXT] = Field(
        description="The exact text to remove; every occurrence becomes `[removed]`."
    )
    reason: Annotated[str, Len(3, 2_000), *TEXT]


class RedactionOut(BaseModel):
    id: int
    field: str
    occurrences: int
    reason: str
    redacted_by: str
    redacted_at: datetime
    version: int


class ReceiptLogin(Strict):
    reference: Annotated[str, Len(3, 40), *TEXT] = Field(examples=["HRC-2026-000123"])
    receipt: Annotated[str, Len(16, 80)]


class AccessToken(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (a token type, not a secret)
    expires_in: int = Field(description="Seconds until the token expires.")


class RetaliationIn(Strict):
    description: Annotated[str, Len(10, 10_000), *TEXT] = Field(
        description="What happened to you after your report."
    )
    rights_affected: list[RightCode] = Field(
        default_factory=list,
        max_length=10,
        examples=[["work"]],
        description="Empty (or left out) when not known: staff classify it during assessment.",
    )
    measures: list[Measure] = Field(
        default_factory=list, max_length=3, description="Protection you ask for."
    )

    @model_validator(mode="after")
    def _unique(self) -> RetaliationIn:
        if len(set(self.measures)) != len(self.measures):
            raise ValueError("measures lists one twice")
        if len(set(self.rights_affected)) != len(self.rights_affected):
            raise ValueError("rights_affected lists a code twice")
        return self
