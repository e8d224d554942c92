"""The characteristics the statistics count, opened from their seals for a statement.

They are stored sealed (AES-256-GCM, bound to the complaint): SQL cannot read them. Before a
statement that counts complaints, the service opens the seals of those complaints and hands the
values over as arrays, which the statement reads as the relation `opened_traits` (the current
characteristics) and `opened_old` (the ones last counted, from stat_facts' sealed copy). A
rebuild, which counts every complaint, loads them into a temporary table of the same name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from app.crypto import CHARACTERISTICS, Sealer
from app.kit.sql import compose

TRAITS: tuple[str, ...] = ("sex_gender", "age_band", "disability", "migration_status", "ethnicity")

CURRENT_SEALS = """
SELECT complaint_id, key_id, sealed FROM complainant_characteristics
WHERE complaint_id = ANY(%(ids)s)
"""
COUNTED_SEALS = """
SELECT complaint_id, traits_key AS key_id, traits_sealed AS sealed FROM stat_facts
WHERE complaint_id = ANY(%(ids)s) AND traits_sealed IS NOT NULL
"""
ALL_SEALS = "SELECT complaint_id, key_id, sealed FROM complainant_characteristics"

_UNNEST = """{name} AS (
  SELECT * FROM unnest({arrays})
    AS t(complaint_id, sex_gender, age_band, disability, migration_status, ethnicity)
)"""


def relation(name: str, prefix: str) -> str:
    """A CTE `name` of the values passed as the arrays `%(<prefix>_...)s`."""
    arrays = ", ".join([f"%({prefix}_id)s::uuid[]", *(f"%({prefix}_{t})s::text[]" for t in TRAITS)])
    return compose(_UNNEST, name=name, arrays=arrays)


def opened(sealer: Sealer, rows: Iterable[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(complaint id, each characteristic or None) for each sealed row."""
    return [
        (row["complaint_id"], *_values(sealer, row["complaint_id"], row["key_id"], row["sealed"]))
        for row in rows
    ]


def params(prefix: str, values: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """The arrays `relation(..., prefix)` reads."""
    columns = list(zip(*values, strict=True)) if values else [() for _ in range(1 + len(TRAITS))]
    return {
        f"{prefix}_id": list(columns[0]),
        **{f"{prefix}_{t}": list(columns[1 + i]) for i, t in enumerate(TRAITS)},
    }


def opened_claimed(sealer: Sealer, rows: Iterable[dict[str, Any]]) -> dict[str, list[Any]]:
    """The arrays of `opened_params` from rows holding both seals of a complaint (`key_id`,
    `sealed` on the case; `traits_key`, `traits_sealed` last counted). The counted copy is the
    case's seal byte for byte until the characteristics change (or a key rotation re-seals
    them): then it is opened once for both."""
    current, counted = [], []
    for row in rows:
        complaint_id: UUID = row["complaint_id"]
        seal = None if row["sealed"] is None else (row["key_id"], bytes(row["sealed"]))
        now: tuple[Any, ...] = ()
        if seal is not None:
            now = _values(sealer, complaint_id, *seal)
            current.append((complaint_id, *now))
        if row["traits_sealed"] is not None:
            copy = (row["traits_key"], bytes(row["traits_sealed"]))
            before = now if copy == seal else _values(sealer, complaint_id, *copy)
            counted.append((complaint_id, *before))
    return {**params("cur", current), **params("old", counted)}


def _values(sealer: Sealer, complaint_id: UUID, key_id: str, sealed: bytes) -> tuple[Any, ...]:
    traits = json.loads(sealer.open(key_id, bytes(sealed), complaint_id, CHARACTERISTICS))
    return tuple(traits.get(t) for t in TRAITS)


async def opened_params(conn: Any, sealer: Sealer, ids: list[UUID]) -> dict[str, list[Any]]:
    """The current and the last counted characteristics of `ids`, opened, as arrays."""
    cur = await conn.execute(CURRENT_SEALS, {"ids": ids})
    current = opened(sealer, await cur.fetchall())
    cur = await conn.execute(COUNTED_SEALS, {"ids": ids})
    counted = opened(sealer, await cur.fetchall())
    return {**params("cur", current), **params("old", counted)}
