"""Keeping the statistics aggregate up to date: fold noted changes in, or rebuild it all."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from app.crypto import Sealer
from app.statistics import traits
from app.statistics.facts import fold_sql, rebuild_sql

_CLAIM = """
SELECT id, complaint_id FROM stat_changes
ORDER BY id
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""
# One folder at a time per complaint (a second waits, then sees the first one's facts).
_LOCK = """
SELECT pg_advisory_xact_lock(7215, hashtext(x::text))
FROM (SELECT x FROM unnest(%(ids)s::uuid[]) AS x ORDER BY x) AS s
"""
_FOLDED = "DELETE FROM stat_changes WHERE id = ANY(%(events)s)"
_FOLD = fold_sql()


async def fold(conn: AsyncConnection[Any], sealer: Sealer, limit: int) -> int:
    """Fold up to `limit` noted changes; returns how many. Safe to run in several workers."""
    async with conn.transaction():
        cur = await conn.execute(_CLAIM, {"limit": limit})
        events = await cur.fetchall()
        if not events:
            return 0
        ids = sorted({e["complaint_id"] for e in events})
        await conn.execute(_LOCK, {"ids": ids})
        opened = await traits.opened_params(conn, sealer, ids)
        await conn.execute(_FOLD, {"ids": ids, **opened})
        await conn.execute(_FOLDED, {"events": [e["id"] for e in events]})
    return len(events)


_OPENED_TABLE = """
CREATE TEMPORARY TABLE opened_traits (
  complaint_id uuid PRIMARY KEY, sex_gender text, age_band text, disability text,
  migration_status text, ethnicity text
) ON COMMIT DROP
"""
_COPY_OPENED = (
    "COPY opened_traits (complaint_id, sex_gender, age_band, disability, migration_status, "
    "ethnicity) FROM STDIN"
)


def _open_all(conn: psycopg.Connection[Any], sealer: Sealer, batch: int = 10_000) -> None:
    """Every complaint's characteristics, opened into the temporary table `opened_traits`."""
    conn.execute(_OPENED_TABLE)
    with conn.cursor(name="seals", row_factory=dict_row) as seals:
        seals.execute(traits.ALL_SEALS)
        # A batch read, opened, then copied in: the connection does one thing at a time.
        while rows := seals.fetchmany(batch):
            with conn.cursor().copy(_COPY_OPENED) as copy:
                for values in traits.opened(sealer, rows):
                    copy.write_row(values)
    conn.execute("ANALYZE opened_traits")


def rebuild(database_url: str, sealer: Sealer) -> int:
    """Recount everything from the case records (after an upgrade, or a change of the configured
    departments). Folders wait meanwhile; readers keep the old figures until the last step, which
    rewrites the aggregate in the order reads use it (a few seconds at 1M complaints)."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        conn.execute("SET LOCAL work_mem = '1GB'")
        conn.execute("LOCK TABLE stat_facts, stat_cells, stat_hist_rollups IN EXCLUSIVE MODE")
        conn.execute("DELETE FROM stat_hist_rollups")
        conn.execute("DELETE FROM stat_cells")
        conn.execute("DELETE FROM stat_facts")
        conn.execute("DELETE FROM stat_changes")
        _open_all(conn, sealer)
        for statement in rebuild_sql():
            conn.execute(statement)
        # Rows of one grouping side by side on disk: a read touches a few pages, not one per row.
        conn.execute("CLUSTER stat_cells USING pk_stat_cells")
        conn.execute("CLUSTER stat_hist_rollups USING pk_stat_hist_rollups")
        row = conn.execute("SELECT count(*) AS n FROM stat_facts").fetchone()
        conn.commit()
        conn.execute("ANALYZE stat_cells")
        conn.execute("ANALYZE stat_hist_rollups")
        conn.execute("ANALYZE stat_facts")
        conn.commit()
    return int(row["n"]) if row else 0


def needs_rebuild(database_url: str) -> bool:
    """True when complaints exist that the aggregate has never counted (a fresh upgrade)."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM complaints c WHERE NOT EXISTS "
            "(SELECT 1 FROM stat_facts f WHERE f.complaint_id = c.id) AND NOT EXISTS "
            "(SELECT 1 FROM stat_changes e WHERE e.complaint_id = c.id))"
        ).fetchone()
    return bool(row and row[0])
