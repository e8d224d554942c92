"""Models of erasure requests (GDPR art. 17)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from annotated_types import Len
from pydantic import BaseModel, Field

from app.kit.text import TEXT, Strict


class Channel(StrEnum):
    written = "written"
    email = "email"
    online = "online"
    in_person = "in_person"
    phone = "phone"


class ErasureGround(StrEnum):
    """The grounds of GDPR art. 17(3) on which the office may keep the data."""

    legal_obligation = "legal_obligation"  # art. 17(3)(b): a legal obligation
    public_interest = "public_interest"  # art. 17(3)(b): a task in the public interest
    archiving_or_statistics = "archiving_or_statistics"  # art. 17(3)(d)
    legal_claims = "legal_claims"  # art. 17(3)(e): establishing or defending legal claims


class Decision(StrEnum):
    execute = "execute"
    refuse = "refuse"


class ErasureRequestIn(Strict):
    channel: Channel | None = Field(
        default=None,
        description="How the request reached the office: staff recording it must say; a "
        "complainant asking here makes an `online` request.",
    )


class ErasureExtensionIn(Strict):
    months: Literal[1, 2] = Field(
        description="Further months to answer (GDPR art. 12(3): two at most, once)."
    )
    reason: Annotated[str, Len(10, 2000), *TEXT] = Field(
        description="Why more time is needed: the data subject is told, with the new date."
    )


class ErasureDecisionIn(Strict):
    decision: Decision
    ground: ErasureGround | None = Field(
        default=None, description="Required to refuse: the ground of art. 17(3)."
    )
    reason: Annotated[str, Len(10, 2000), *TEXT] = Field(
        description="What the person is told: why it was erased, or why it is kept."
    )


class ErasureRequestOut(BaseModel):
    id: int
    received_at: datetime
    due_at: datetime = Field(
        description="One month after receipt, or three once extended (GDPR art. 12(3))."
    )
    overdue: bool
    channel: Channel
    recorded_by: str
    recorded_role: str
    status: str
    ground: ErasureGround | None
    decision_reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    extended_at: datetime | None
    extension_reason: str | None


class ErasureRequests(BaseModel):
    requests: list[ErasureRequestOut]
