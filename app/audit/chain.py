"""The audit trail's hash chain: sealing entries in order, and verifying the chain.

Requests insert audit entries unsealed, freely, in their own transactions (no global lock on the
filing path). The sealer takes committed unsealed entries in id order, gives each the next chain
position and `hash = HMAC-SHA256(key, previous hash || canonical encoding of the entry)`, and
writes both once (the append-only trigger allows exactly that). Sealers serialize on an advisory
lock, so the chain never forks. The key comes from the settings, never from the database: whoever
holds the database alone can delete or edit entries, but cannot make the chain agree again.

Verification walks the chain by position and names the first broken link. A checkpoint (a
position and its hash, exported and kept elsewhere) catches what the chain alone cannot: the
newest entries removed, or the whole trail recomputed by someone who also has the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from psycopg import AsyncConnection

from app.audit.queries import FIELDS, HEAD, SEAL, UNSEALED, WALK

GENESIS = b"\x00" * 32
_SEAL_LOCK = 7217


def canonical(seq: int, entry: dict[str, Any]) -> bytes:
    """The bytes a link covers: the position and every field, in a fixed encoding."""
    at = entry["at"].astimezone(UTC).isoformat(timespec="microseconds")
    values = {name: entry[name] for name in FIELDS if name != "at"}
    return json.dumps(
        {"seq": seq, "at": at, **values}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def link(key: bytes, previous: bytes, seq: int, entry: dict[str, Any]) -> bytes:
    return hmac.new(key, previous + canonical(seq, entry), hashlib.sha256).digest()


async def seal(conn: AsyncConnection[Any], key: bytes, limit: int) -> int:
    """Seal up to `limit` committed entries, in id order; returns how many."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%(lock)s)", {"lock": _SEAL_LOCK})
        cur = await conn.execute(UNSEALED, {"limit": limit})
        entries = await cur.fetchall()
        if not entries:
            return 0
        cur = await conn.execute(HEAD)
        head = await cur.fetchone()
        seq, previous = (head["seq"], bytes(head["hash"])) if head else (0, GENESIS)
        ids, seqs, hashes = [], [], []
        for entry in entries:
            seq += 1
            previous = link(key, previous, seq, entry)
            ids.append(entry["id"])
            seqs.append(seq)
            hashes.append(previous)
        await conn.execute(SEAL, {"ids": ids, "seqs": seqs, "hashes": hashes})
    return len(entries)


@dataclass(frozen=True)
class Checkpoint:
    position: int
    hash: str  # hex

    @classmethod
    def parse(cls, data: object) -> Checkpoint:
        """A checkpoint as `ombuds audit checkpoint` prints it; anything else is refused."""
        fields = data if isinstance(data, dict) else {}
        position, digest = fields.get("position"), fields.get("hash")
        if (
            type(position) is not int  # not a bool either
            or position < 1
            or not isinstance(digest, str)
            or not re.fullmatch(r"[0-9a-fA-F]{64}", digest)
        ):
            raise ValueError(CHECKPOINT_SHAPE)
        return cls(position, digest.lower())


CHECKPOINT_SHAPE = 'a checkpoint is {"position": <integer from 1>, "hash": "<64 hex digits>"}'


@dataclass
class Verification:
    intact: bool
    checked: int
    head_position: int
    head_hash: str | None
    unsealed: int
    broken_at: int | None = None
    problem: str | None = None
    entry_id: int | None = None
    checkpoint: Checkpoint | None = None
    verified_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "checked": self.checked,
            "head_position": self.head_position,
            "head_hash": self.head_hash,
            "unsealed": self.unsealed,
            "broken_at": self.broken_at,
            "problem": self.problem,
            "entry_id": self.entry_id,
            "checkpoint": None
            if self.checkpoint is None
            else {"position": self.checkpoint.position, "hash": self.checkpoint.hash},
            "verified_at": self.verified_at.isoformat() if self.verified_at else None,
        }


async def verify(
    conn: AsyncConnection[Any], key: bytes, checkpoint: Checkpoint | None = None
) -> Verification:
    """Walk the sealed chain in one snapshot; stop at the first broken link."""
    async with conn.transaction():
        await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur = await conn.execute("SELECT count(*) AS n FROM audit_entries WHERE seq IS NULL")
        row = await cur.fetchone()
        unsealed = int(row["n"]) if row else 0
        expected, previous, checked = 1, GENESIS, 0
        checkpoint_hash: str | None = None
        result: Verification | None = None
        async with conn.cursor(name="audit_walk") as walk:
            await walk.execute(WALK)
            async for entry in walk:
                seq = int(entry["seq"])
                stored = bytes(entry["hash"])
                if seq != expected:
                    result = _broken(
                        expected,
                        checked,
                        unsealed,
                        entry["id"],
                        f"the entry at position {expected} is missing (the next "
                        f"one is at {seq}): deleted",
                    )
                    break
                if not hmac.compare_digest(link(key, previous, seq, entry), stored):
                    result = _broken(
                        seq,
                        checked,
                        unsealed,
                        entry["id"],
                        f"the entry at position {seq} does not match its seal: "
                        "edited, moved, or inserted without the key",
                    )
                    break
                if checkpoint is not None and seq == checkpoint.position:
                    checkpoint_hash = stored.hex()
                previous, expected, checked = stored, expected + 1, checked + 1
    if result is None:
        result = Verification(
            intact=True,
            checked=checked,
            head_position=checked,
            head_hash=previous.hex() if checked else None,
            unsealed=unsealed,
        )
        if checkpoint is not None:
            if checked < checkpoint.position:
                result = _broken(
                    checked + 1,
                    checked,
                    unsealed,
                    None,
                    f"the trail ends at position {checked}, before the checkpoint's "
                    f"{checkpoint.position}: entries were removed",
                )
            elif checkpoint_hash != checkpoint.hash:
                result = _broken(
                    checkpoint.position,
                    checked,
                    unsealed,
                    None,
                    f"the entry at position {checkpoint.position} no longer has the "
                    "checkpoint's hash: the trail was rewritten",
                )
    result.checkpoint = checkpoint
    result.verified_at = datetime.now(UTC)
    return result


def _broken(
    position: int, checked: int, unsealed: int, entry_id: int | None, problem: str
) -> Verification:
    return Verification(
        intact=False,
        checked=checked,
        head_position=checked,
        head_hash=None,
        unsealed=unsealed,
        broken_at=position,
        problem=problem,
        entry_id=entry_id,
    )
