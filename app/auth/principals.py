"""The authenticated caller, as the rest of the app sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from app.auth.policy import Role, Track, permissions_of, tracks_of


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    roles: frozenset[Role]
    department: str | None = None
    complaint_id: UUID | None = None  # set only for receipt (complainant) tokens
    permissions: frozenset[str] = field(init=False)
    tracks: frozenset[Track] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "permissions", permissions_of(self.roles))
        object.__setattr__(self, "tracks", tracks_of(self.roles))

    def may(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def primary_role(self) -> str:
        """The role recorded on timeline and audit entries (the most specific one held)."""
        return next((r.value for r in Role if r in self.roles), "unknown")

    @property
    def is_staff(self) -> bool:
        return bool(self.tracks)
