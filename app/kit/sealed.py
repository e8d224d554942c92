"""Personal data sealed at rest: the complainant's contact details and the persons a report names.

Sealed by the service before they reach the database (app.crypto), opened only where a rule
allows it (staff of the track, the identity custodian's procedure, the person's own export);
every place opens them through `open_sealed`, so a value that does not open is always the same
clear refusal and never a half-served answer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from annotated_types import Len
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.crypto import CONTACT, NAMED_PERSONS, Sealer, SealError
from app.kit.errors import AppError
from app.kit.text import TEXT, Storable, Strict

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    Storable,
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=32, pattern=r"^\+?[0-9 ()./-]{4,32}$")
]


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _omittable(description: str | None = None) -> Any:
    """A field that may be left out but is never null: absent reads as None in Python."""
    return Field(default=None, description=description, json_schema_extra=_no_default)


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

    # Optional, not nullable: the schema has no null (omit the field), and no `default: null`
    # either, which a strict validator would refuse as a default its own schema rejects.
    name: Annotated[str, Len(1, 200), *TEXT] = _omittable()
    email: Email = _omittable()
    phone: Phone = _omittable()
    postal_address: Annotated[str, Len(1, 500), *TEXT] = _omittable()
    preferred_channel: Literal["email", "phone", "post"] = _omittable(
        "A preference; the office may use another channel given."
    )

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.email or self.phone or self.postal_address):
            raise ValueError("contact needs an email, a phone number or a postal address")
        return self


class ContactOut(BaseModel):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    preferred_channel: str | None = None


__all__ = ["CONTACT", "NAMED_PERSONS", "Contact", "ContactOut", "open_sealed"]

M = TypeVar("M", bound=BaseModel)


def open_sealed(
    sealer: Sealer, key_id: str, sealed: bytes, complaint_id: UUID, purpose: bytes, into: type[M]
) -> M:
    """Open a sealed value as `into`; a value that does not open is a 500 with no content."""
    try:
        opened = sealer.open(key_id, sealed, complaint_id, purpose)
    except SealError as exc:
        raise AppError("Sealed personal data could not be opened; nothing was served.") from exc
    return into.model_validate_json(opened)
