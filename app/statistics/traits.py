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
    values = []
    for row in rows:
        complaint_id: UUID = row["complaint_id"]
        plain = sealer.open(row["key_id"], bytes(row["sealed"]), complaint_id, CHARACTERISTICS)
        traits = json.loads(plain)
        values.append((complaint_id, *(traits.get(t) for t in TRAITS)))
    return values


def params(prefix: str, values: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """The arrays `relation(..., prefix)` reads."""
    columns = list(zip(*values, strict=True)) if values else [() for _ in range(1 + len(TRAITS))]
    return {
        f"{prefix}_id": list(columns[0]),
        **{f"{prefix}_{t}": list(columns[1 + i]) for i, t in enumerate(TRAITS)},
    }


async def opened_params(conn: Any, sealer: Sealer, ids: list[UUID]) -> dict[str, list[Any]]:
    """The current and the last counted characteristics of `ids`, opened, as arrays."""
    cur = await conn.execute(CURRENT_SEALS, {"ids": ids})
    current = opened(sealer, await cur.fetchall())
    cur = await conn.execute(COUNTED_SEALS, {"ids": ids})
    counted = opened(sealer, await cur.fetchall())
    return {**params("cur", current), **params("old", counted)}
