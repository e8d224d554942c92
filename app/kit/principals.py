"""The authenticated caller, as the rest of the app sees it, and the actor its writes record."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from app.kit.errors import Forbidden
from app.kit.permissions import (
    Permission,
    Role,
    acting_role,
    permissions_of,
    roles_holding,
    tracks_of,
)
from app.taxonomy import Track


@dataclass(frozen=True, slots=True)
class Actor:
    """Who an entry of the timeline or the audit trail names: a subject and the role it acted in."""

    subject: str
    role: str
    # What the audit trail names instead of `subject`: a resident's keyed account pseudonym.
    audit_subject: str | None = None

    @property
    def params(self) -> dict[str, Any]:
        """The query parameters every writer of entries reads."""
        return {
            "actor_subject": self.subject,
            "actor_role": self.role,
            "audit_subject": self.audit_subject or self.subject,
        }


# Filing without an account, and the service's own work (the purge).
PUBLIC = Actor("anonymous", "public")
SYSTEM = Actor("ombuds", "system")


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    roles: frozenset[Role]
    department: str | None = None
    complaint_id: UUID | None = None  # set only for receipt (complainant) tokens
    # A resident's keyed account pseudonym (`account_pseudonym` below): what the audit
    # trail records for what they do, so the trail never holds a resident's account id.
    pseudonym: str | None = None
    # What the route being called needs (any one of them), as it declared (app.kit.access.allow).
    needs: frozenset[Permission] = frozenset()
    permissions: frozenset[Permission] = field(init=False)
    tracks: frozenset[Track] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "permissions", permissions_of(self.roles))
        object.__setattr__(self, "tracks", tracks_of(self.roles))

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    def calling(self, needs: frozenset[Permission]) -> Principal:
        """The same caller, bound to what the route it calls needs."""
        return replace(self, needs=needs)

    def check_route(self) -> None:
        """403 unless the caller holds one of the permissions the route declared."""
        if self.needs and not (self.needs & self.permissions):
            allowed = sorted({r.value for p in self.needs for r in roles_holding(p)})
            raise Forbidden(f"This needs one of these roles: {', '.join(allowed)}.")

    def require(self, permission: Permission, what: str) -> None:
        """403 unless the caller holds this permission (a finer rule than the route's)."""
        if not self.may(permission):
            allowed = ", ".join(r.value for r in roles_holding(permission))
            raise Forbidden(f"{what} needs one of these roles: {allowed}.")

    @property
    def actor(self) -> Actor:
        """The actor of what the route does: the narrowest held role granting it."""
        return self.acting_for(self.needs)

    def acting_for(self, *needs: frozenset[Permission] | Permission) -> Actor:
        wanted: set[Permission] = set()
        for need in needs:
            wanted |= {need} if isinstance(need, Permission) else need
        role = acting_role(self.roles, frozenset(wanted)) or acting_role(self.roles, frozenset())
        assert role is not None  # every principal holds a role: tokens without one are refused
        if role is Role.resident:
            return Actor(self.subject, role.value, self.pseudonym)
        return Actor(self.subject, role.value)

    @property
    def is_staff(self) -> bool:
        return bool(self.tracks)


# The roles a person acting on their own case holds; on the confidential track they are recorded
# under the case's pseudonym and, whichever of the two they hold, as the complainant.
_REPORTER_ROLES = frozenset({Role.complainant.value, Role.resident.value})


def account_pseudonym(key: str, subject: str) -> str:
    """A resident's account as the audit trail and erased cases name it: keyed (HMAC-SHA256 with
    the receipt key), so only who holds the key can tell whether it stands for a given account."""
    digest = hmac.new(key.encode(), b"account:" + subject.encode(), hashlib.sha256).hexdigest()
    return f"resident-{digest[:16]}"


def reporter_actor(actor: Actor, alias: str | None) -> Actor:
    """The actor as recorded on a case whose reporter goes by `alias` (None: no pseudonym)."""
    if alias is not None and actor.role in _REPORTER_ROLES:
        return Actor(alias, Role.complainant.value)
    return actor


def actor_of(principal: Principal | None) -> Actor:
    """The actor of a write that anyone may make (filing): anonymous without a token."""
    return PUBLIC if principal is None else principal.actor
