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

Entries are not kept for ever: those past the longest retention (and about no complaint still
held) are verified, then rolled into an anchor (`roll_up`): a row keeping the last one's position
and hash, sealed with the key, from which verification starts. The trigger lets exactly those
entries go.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from psycopg import AsyncConnection

from app.audit.queries import (
    ADD_ANCHOR,
    ANCHOR,
    DROP_ANCHORED,
    ENTRY_AT,
    FIELDS,
    HEAD,
    PRUNABLE,
    SEAL,
    UNSEALED,
    WALK,
)

log = logging.getLogger("ombuds.audit")
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


def anchor_seal(key: bytes, seq: int, digest: bytes, entries: int, through_at: datetime) -> bytes:
    """The anchor's own seal: its position, the hash it keeps, how many entries it stands for."""
    at = through_at.astimezone(UTC).isoformat(timespec="microseconds")
    covered = f"anchor:{seq}:{digest.hex()}:{entries}:{at}".encode()
    return hmac.new(key, covered, hashlib.sha256).digest()


@dataclass(frozen=True)
class Anchor:
    position: int
    hash: bytes
    entries: int
    through_at: datetime
    seal: bytes

    def intact(self, key: bytes) -> bool:
        expected = anchor_seal(key, self.position, self.hash, self.entries, self.through_at)
        return hmac.compare_digest(expected, self.seal)


async def _anchor(conn: AsyncConnection[Any]) -> Anchor | None:
    cur = await conn.execute(ANCHOR)
    row = await cur.fetchone()
    if row is None:
        return None
    return Anchor(
        row["seq"], bytes(row["hash"]), row["entries"], row["through_at"], bytes(row["seal"])
    )


async def roll_up(conn: AsyncConnection[Any], key: bytes, cutoff: datetime) -> int:
    """Roll the sealed entries older than `cutoff` (the oldest run of them, none about a
    complaint still held) into a new anchor, after verifying them; returns how many went.
    Nothing goes when the chain up to there does not verify: evidence is never destroyed."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(%(lock)s)", {"lock": _SEAL_LOCK})
        anchor = await _anchor(conn)
        after = anchor.position if anchor else 0
        cur = await conn.execute(PRUNABLE, {"after": after, "cutoff": cutoff})
        row = await cur.fetchone()
        through = int(row["through"]) if row else after
        if through <= after:
            return 0
        checked = await _walk(conn, key, anchor, until=through)
        if checked.broken_at is not None:
            log.error("audit entries not rolled up, the chain is broken: %s", checked.problem)
            return 0
        cur = await conn.execute(ENTRY_AT, {"seq": through})
        last = await cur.fetchone()
        assert last is not None  # verified just above
        digest, entries = bytes(last["hash"]), (anchor.entries if anchor else 0) + through - after
        await conn.execute(
            ADD_ANCHOR,
            {
                "seq": through,
                "hash": digest,
                "entries": entries,
                "through_at": last["at"],
                "seal": anchor_seal(key, through, digest, entries, last["at"]),
            },
        )
        await conn.execute(DROP_ANCHORED, {"seq": through})
    return through - after


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
    anchored_at: int = 0  # the chain starts after this position (0: at the start)

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "checked": self.checked,
            "head_position": self.head_position,
            "head_hash": self.head_hash,
            "unsealed": self.unsealed,
            "anchored_at": self.anchored_at,
            "broken_at": self.broken_at,
            "problem": self.problem,
            "entry_id": self.entry_id,
            "checkpoint": None
            if self.checkpoint is None
            else {"position": self.checkpoint.position, "hash": self.checkpoint.hash},
            "verified_at": self.verified_at.isoformat() if self.verified_at else None,
        }


@dataclass
class _Walked:
    checked: int
    previous: bytes
    checkpoint_hash: str | None = None
    broken_at: int | None = None
    problem: str | None = None
    entry_id: int | None = None


async def _walk(
    conn: AsyncConnection[Any],
    key: bytes,
    anchor: Anchor | None,
    until: int | None = None,
    checkpoint: Checkpoint | None = None,
) -> _Walked:
    """Walk the chain from the anchor (or the start) up to `until`, stopping at the first
    broken link."""
    start = anchor.position if anchor else 0
    walked = _Walked(checked=0, previous=anchor.hash if anchor else GENESIS)
    if anchor is not None and not anchor.intact(key):
        walked.broken_at = start
        walked.problem = f"the anchor at position {start} does not match its seal: forged or edited"
        return walked
    if checkpoint is not None and anchor is not None and checkpoint.position == start:
        walked.checkpoint_hash = anchor.hash.hex()
    expected = start + 1
    async with conn.cursor(name="audit_walk") as cursor:
        await cursor.execute(WALK, {"after": start})
        async for entry in cursor:
            seq = int(entry["seq"])
            if until is not None and seq > until:
                break
            stored = bytes(entry["hash"])
            if seq != expected:
                walked.broken_at, walked.entry_id = expected, entry["id"]
                walked.problem = (
                    f"the entry at position {expected} is missing (the next one is at {seq}): "
                    "deleted"
                )
                return walked
            if not hmac.compare_digest(link(key, walked.previous, seq, entry), stored):
                walked.broken_at, walked.entry_id = seq, entry["id"]
                walked.problem = (
                    f"the entry at position {seq} does not match its seal: "
                    "edited, moved, or inserted without the key"
                )
                return walked
            if checkpoint is not None and seq == checkpoint.position:
                walked.checkpoint_hash = stored.hex()
            walked.previous, expected, walked.checked = stored, expected + 1, walked.checked + 1
    if until is not None and expected <= until:
        walked.broken_at = expected
        walked.problem = f"the entry at position {expected} is missing: deleted"
    return walked


async def verify(
    conn: AsyncConnection[Any], key: bytes, checkpoint: Checkpoint | None = None
) -> Verification:
    """Walk the sealed chain from its anchor in one snapshot; stop at the first broken link."""
    async with conn.transaction():
        await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur = await conn.execute("SELECT count(*) AS n FROM audit_entries WHERE seq IS NULL")
        row = await cur.fetchone()
        unsealed = int(row["n"]) if row else 0
        anchor = await _anchor(conn)
        walked = await _walk(conn, key, anchor, checkpoint=checkpoint)
    start = anchor.position if anchor else 0
    head = start + walked.checked
    if walked.broken_at is not None:
        assert walked.problem is not None  # set with broken_at
        result = _broken(walked.broken_at, head, unsealed, walked.entry_id, walked.problem)
    else:
        result = Verification(
            intact=True,
            checked=walked.checked,
            head_position=head,
            head_hash=walked.previous.hex() if head else None,
            unsealed=unsealed,
        )
        if checkpoint is not None:
            if head < checkpoint.position:
                result = _broken(
                    head + 1,
                    head,
                    unsealed,
                    None,
                    f"the trail ends at position {head}, before the checkpoint's "
                    f"{checkpoint.position}: entries were removed",
                )
            elif checkpoint.position >= start and walked.checkpoint_hash != checkpoint.hash:
                result = _broken(
                    checkpoint.position,
                    head,
                    unsealed,
                    None,
                    f"the entry at position {checkpoint.position} no longer has the "
                    "checkpoint's hash: the trail was rewritten",
                )
    result.checked = walked.checked
    result.anchored_at = start
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
