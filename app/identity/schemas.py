"""Bodies of the identity-reveal routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from annotated_types import Len
from pydantic import BaseModel, Field, model_validator

from app.kit.sealed import ContactOut
from app.kit.text import TEXT, Strict


class RevealRequestIn(Strict):
    motivation: Annotated[str, Len(20, 5_000), *TEXT] = Field(
        description="Why the investigation needs the reporter's identity."
    )
    legal_basis: Annotated[str, Len(3, 1_000), *TEXT] = Field(
        description="The legal obligation that makes disclosure necessary and proportionate."
    )


class DecisionIn(Strict):
    decision: Literal["approved", "refused"]
    reason: Annotated[str, Len(3, 5_000), *TEXT]
    notify_reporter: bool = Field(
        default=True,
        description="Tell the reporter first, in writing, with the reasons (the rule).",
    )
    no_notice_reason: Annotated[str, Len(10, 5_000), *TEXT] | None = Field(
        default=None,
        description="Required when not telling the reporter: why it would jeopardise the "
        "investigation.",
    )

    @model_validator(mode="after")
    def _notice(self) -> DecisionIn:
        if self.decision == "approved" and not self.notify_reporter and not self.no_notice_reason:
            raise ValueError("not telling the reporter needs a no_notice_reason")
        if self.notify_reporter and self.no_notice_reason:
            raise ValueError("no_notice_reason only goes with notify_reporter: false")
        return self


class RevealRequestOut(BaseModel):
    id: int
    requested_by: str
    motivation: str
    legal_basis: str
    status: Literal["pending", "approved", "refused"]
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    notified_at: datetime | None
    no_notice_reason: str | None
    created_at: datetime
    disclosures: list[DisclosureOut] = Field(default_factory=list)


class DisclosureOut(BaseModel):
    seen_by: str
    seen_role: str
    seen_at: datetime


class RevealedIdentity(ContactOut):
    """What the custodian procedure discloses: the contact details the reporter gave, and the
    account they filed with, if they were signed in (shown nowhere else)."""

    account: str | None = Field(
        default=None, description="The resident account the report was filed with, if any."
    )


class RevealRequests(BaseModel):
    requests: list[RevealRequestOut]


RevealRequestOut.model_rebuild()
