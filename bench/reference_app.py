"""The reference the filing benchmark is measured against: the cheapest useful write endpoint.

One FastAPI route, one `INSERT ... RETURNING id` through an async psycopg pool. Same framework,
same server, same database as the real endpoint, so the ratio isolates what ombuds itself costs.
"""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from psycopg_pool import AsyncConnectionPool


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = AsyncConnectionPool(
        os.environ["DATABASE_URL"], min_size=4, max_size=32, open=False, kwargs={"autocommit": True}
    )
    await pool.open()
    app.state.pool = pool
    gc.collect()
    gc.freeze()  # the same collector tuning as the real app, so the comparison stays fair
    gc.set_threshold(20_000, 20, 20)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan)


@app.post("/reference", status_code=201)
async def reference(request: Request) -> dict[str, int]:
    async with request.app.state.pool.connection() as conn:
        cur = await conn.execute("INSERT INTO bench_reference DEFAULT VALUES RETURNING id")
        row = await cur.fetchone()
    return {"id": row[0]}
