"""Models of the auditor's routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from app.kit.pagination import IdPageQuery
from app.kit.text import Strict

Code = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class AuditQuery(IdPageQuery):
    action: Code | None = Field(default=None, description="e.g. `complaint.acknowledge`.")
    object_type: Code | None = Field(default=None, description="e.g. `complaint`, `attachment`.")
    object_id: Code | None = None
    actor: Code | None = Field(default=None, description="The actor's token subject.")


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor_subject: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    outcome: str
    position: int | None = Field(description="Place in the hash chain; null until sealed.")
    hash: str | None = Field(description="The entry's link in the chain (hex); null until sealed.")


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    next_after: int | None


class CheckpointQuery(Strict):
    position: int | None = Field(default=None, ge=1, description="A checkpoint's position...")
    hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$")] | None = Field(
        default=None, description="... and its hash, as exported earlier."
    )


class CheckpointOut(BaseModel):
    position: int
    hash: str


class VerificationOut(BaseModel):
    intact: bool
    checked: int = Field(description="Entries verified, from the one after `anchored_at`.")
    anchored_at: int = Field(
        description="Entries up to this position, past the longest retention, were rolled into "
        "a sealed anchor the chain starts from (0: none yet)."
    )
    head_position: int
    head_hash: str | None = Field(description="Export it with its position: a checkpoint.")
    unsealed: int = Field(description="Entries written but not sealed yet (the worker seals).")
    broken_at: int | None = Field(description="The first broken position, if any.")
    problem: str | None
    entry_id: int | None
    checkpoint: CheckpointOut | None
    verified_at: datetime
