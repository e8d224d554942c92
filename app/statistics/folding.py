"""Keeping the statistics aggregate up to date: fold noted changes in, or rebuild it all."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from app.crypto import Sealer
from app.statistics import traits
from app.statistics.facts import fold_sql, rebuild_sql

# How many noted changes one fold takes. Most of a fold's cost is per cell, not per change: a
# batch of filings (all received this month) meets the same few thousand cells whatever its
# size, so a larger batch folds more changes per cell written. Measured on the 2-core machine, a
# backlog of 11,434 varied filings at 1M complaints: 1,673-1,808 changes/s in batches of 100,
# 3,828/s in batches of 2,000 (then 5,836-6,211/s with the rest of this module). Status changes
# of cases received over five years change every cell they count in: 2,000 of them write about
# 70,000 cells, 2.3-2.7 s at 1M, which bounds how long one fold holds its cells.
BATCH = 2000

# One folder at a time (a second waits, then takes what is left): folders would otherwise wait
# on each other's cells (every filing of a month adds to the same ones), and two folding changes
# of the same complaint at once would both subtract what it counted before. Memory for the
# aggregation of a batch (about 70 cells a complaint), which otherwise sorts on disk.
_ONE_FOLDER = "SELECT pg_advisory_xact_lock(7215, 0), set_config('work_mem', '64MB', true)"
# The batch's changes (chosen once: MATERIALIZED), with the seals to open: the complaint's
# characteristics now, and the copy last counted. Written as DELETE ... WHERE id IN (this SELECT),
# the planner, misled by statistics taken while the table was empty, ran the locking subquery
# again for every row it deleted: one batch of 2,000 took all 12,997 changes, in 22.7 s.
_CLAIM = """
WITH batch AS MATERIALIZED (
  SELECT id, complaint_id FROM stat_changes ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
),
complaints AS (SELECT complaint_id, array_agg(id) AS changes FROM batch GROUP BY complaint_id)
SELECT k.complaint_id, k.changes, cs.key_id, cs.sealed, f.traits_key, f.traits_sealed
FROM complaints k
LEFT JOIN complainant_characteristics cs ON cs.complaint_id = k.complaint_id
LEFT JOIN stat_facts f ON f.complaint_id = k.complaint_id
ORDER BY k.complaint_id
"""
# Gone when the fold commits (until then, readers add them to the tail).
_FOLDED = "DELETE FROM stat_changes WHERE id = ANY(%(changes)s)"
_FOLD = fold_sql()


async def fold(conn: AsyncConnection[Any], sealer: Sealer, limit: int = BATCH) -> int:
    """Fold up to `limit` noted changes; returns how many. Several changes of one complaint are
    one recount. Safe to run in several workers (they take turns)."""
    async with conn.transaction():
        await conn.execute(_ONE_FOLDER)
        cur = await conn.execute(_CLAIM, {"limit": limit})
        claimed = await cur.fetchall()
        if not claimed:
            return 0
        ids = [row["complaint_id"] for row in claimed]
        # Opening a batch's seals takes 10-20 ms: in a thread, the event loop (the API's, when
        # the worker runs in the server) keeps serving meanwhile.
        opened = await asyncio.to_thread(traits.opened_claimed, sealer, claimed)
        await conn.execute(_FOLD, {"ids": ids, **opened})
        changes = [change for row in claimed for change in row["changes"]]
        await conn.execute(_FOLDED, {"changes": changes})
    return len(changes)


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
