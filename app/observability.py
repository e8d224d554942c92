"""What an operator sees of the running service: request ids, one log line per request, the
request metrics, and `GET /metrics`.

One pure-ASGI middleware does the per-request part (each layer costs every request). It wraps
the whole application, outside Starlette's error middleware, so it sees every answer as sent,
the 500 of an unexpected error and the 413 of a body over the limit included, and puts the
request id on each of them.

* **Request id.** A client's `X-Request-ID` is kept when it is a sane token (1 to 128 of
  `A-Za-z0-9._-`), else replaced by a new random one; either way it is echoed in the answer's
  `X-Request-ID` and set in a context variable (app.accesslog.REQUEST_ID) that puts it on every
  log line written while answering.
* **Request line and metrics.** Method, route template (`/v1/complaints/{complaint_id}`, never the
  path; `unmatched` for any path no route serves), status and duration. No query string, no
  client address unless the operator asked for it (truncated then).
* **`GET /metrics`.** Prometheus text format: the counters of every process (app.kit.metrics),
  and the state of the queues, read from PostgreSQL when scraped. Off (404, as any unknown path)
  unless OMBUDS_METRICS_TOKEN is set; then only with `Authorization: Bearer <that token>`,
  compared in constant time (401 otherwise). Not in the OpenAPI document: it is for the
  operator's monitoring, not for the API's clients; its live counts by track are not for
  publication (statistics are published as checked releases).
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector
from psycopg_pool import AsyncConnectionPool
from starlette.concurrency import run_in_threadpool
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.accesslog import REQUEST_ID, truncate_address
from app.config import Settings
from app.kit import metrics
from app.kit.errors import NotFound, Unauthorized
from app.metrics_dir import process_identifier

log = logging.getLogger("ombuds.request")

UNMATCHED = "unmatched"
_SANE_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_HEADER = b"x-request-id"

# The state of the queues, in one statement whose cost follows the backlogs (each scan reads the
# waiting rows, or the small outbox), bounded by a statement timeout.
STATE_TIMEOUT_MS = 2000
STATE = """
SELECT o.pending, o.dead, o.oldest_pending, c.unfolded, c.oldest_unfolded,
       a.unsealed, a.oldest_unsealed
FROM (
  SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
         count(*) FILTER (WHERE status = 'dead') AS dead,
         extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending'))::float8
           AS oldest_pending
  FROM outbox_events
) AS o, (
  SELECT count(*) AS unfolded, extract(epoch FROM now() - min(created_at))::float8
           AS oldest_unfolded
  FROM stat_changes
) AS c, (
  SELECT count(*) AS unsealed, extract(epoch FROM now() - min(at))::float8 AS oldest_unsealed
  FROM audit_entries WHERE seq IS NULL
) AS a
"""


def request_id(scope: Scope) -> str:
    """The client's X-Request-ID if it is a sane token, else a new one."""
    value: bytes
    for name, value in scope["headers"]:
        if name == _HEADER:
            if _SANE_ID.fullmatch(value):
                return value.decode("ascii")
            break
    return os.urandom(16).hex()


def route_template(scope: Scope, root_path: str, mounts: frozenset[str]) -> str:
    """The template of the route that answered, never the path: the one the router put in the
    scope, or the mount (`/static/{path}`) whose prefix the router added to the root path."""
    route = scope.get("route")
    if route is not None:
        return str(getattr(route, "path_format", None) or getattr(route, "path", UNMATCHED))
    prefix: str = scope.get("root_path", root_path)[len(root_path) :]
    return prefix + "/{path}" if prefix in mounts else UNMATCHED


class Observe:
    """Request id, request line and request metrics (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, mounts: frozenset[str], client_addresses: bool) -> None:
        self.app = app
        self.mounts = mounts  # the paths of the mounted apps (only constant ones are counted)
        self.client_addresses = client_addresses
        # The counter and histogram of each (method, route, status), looked up once.
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                send = _on_shutdown(send)
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        root_path = scope.get("root_path", "")
        rid = request_id(scope)
        token = REQUEST_ID.set(rid)
        echoed = (_HEADER, rid.encode("ascii"))
        status = 500  # what the client gets if nothing was sent

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), echoed]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, root_path, status, time.perf_counter() - start)
        # Left set when the request failed: uvicorn's log of the error then carries the id (each
        # request runs in a task of its own, so it goes no further).
        REQUEST_ID.reset(token)

    def _record(self, scope: Scope, root_path: str, status: int, seconds: float) -> None:
        method = scope["method"]
        if method not in _METHODS:
            method = "OTHER"
        route = route_template(scope, root_path, self.mounts)
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = (
                metrics.HTTP_REQUESTS.labels(method, route, str(status)),
                metrics.HTTP_DURATION.labels(method, route),
            )
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)
        if log.isEnabledFor(logging.INFO):
            fields: dict[str, Any] = {
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
            }
            if self.client_addresses:
                client = scope.get("client")
                fields["client"] = truncate_address(client[0]) if client else "-"
            # Made and handled directly: Logger.info would also look up the calling frame, a
            # fifth of the line's cost, for a source location the line never shows.
            args = (method, route, status)
            log.handle(
                log.makeRecord(log.name, logging.INFO, "", 0, "%s %s %d", args, None, None, fields)
            )


def _on_shutdown(send: Send) -> Send:
    """At the end of a server process: its live gauges go (prometheus-client's bookkeeping)."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "lifespan.shutdown.complete" and metrics.multiprocess_dir():
            mark_process_dead(process_identifier())  # type: ignore[no-untyped-call]
        await send(message)

    return wrapped


@dataclass(frozen=True)
class State:
    outbox_pending: int
    outbox_dead: int
    outbox_oldest_pending: float
    unfolded: int
    oldest_unfolded: float
    unsealed: int
    oldest_unsealed: float


async def read_state(pool: AsyncConnectionPool[Any]) -> State | None:
    """The queues' state, or None when PostgreSQL does not answer in time."""
    try:
        async with pool.connection(timeout=2) as conn, conn.transaction():
            await conn.execute(f"SET LOCAL statement_timeout = {STATE_TIMEOUT_MS}")
            cur = await conn.execute(STATE)
            row = await cur.fetchone()
    except (psycopg.Error, TimeoutError) as exc:
        log.warning("metrics: the queues' state could not be read (%s)", type(exc).__name__)
        return None
    assert row is not None  # aggregates: always one row
    return State(
        outbox_pending=row["pending"],
        outbox_dead=row["dead"],
        outbox_oldest_pending=row["oldest_pending"] or 0.0,
        unfolded=row["unfolded"],
        oldest_unfolded=row["oldest_unfolded"] or 0.0,
        unsealed=row["unsealed"],
        oldest_unsealed=row["oldest_unsealed"] or 0.0,
    )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class StateCollector:
    """Gauges from one reading of the database, made at scrape time."""

    def __init__(self, state: State | None) -> None:
        self.state = state

    def collect(self) -> list[Metric]:
        state = self.state
        up = _gauge(
            "ombuds_database_state_ok",
            "1 when the queues' state below was read from PostgreSQL for this scrape, else 0.",
            1 if state is not None else 0,
        )
        if state is None:
            return [up]
        outbox = GaugeMetricFamily(
            "ombuds_outbox_events",
            "Pushes to the monitoring module not delivered: pending (due or retrying), dead "
            "(given up until replayed).",
            labels=["status"],
        )
        outbox.add_metric(["pending"], state.outbox_pending)
        outbox.add_metric(["dead"], state.outbox_dead)
        return [
            up,
            outbox,
            _gauge(
                "ombuds_outbox_oldest_pending_age_seconds",
                "Age of the oldest push not delivered yet (0: none).",
                state.outbox_oldest_pending,
            ),
            _gauge(
                "ombuds_statistics_unfolded_changes",
                "Changes noted for the statistics and not folded in yet (the fold's lag).",
                state.unfolded,
            ),
            _gauge(
                "ombuds_statistics_oldest_unfolded_age_seconds",
                "Age of the oldest change not folded yet (0: none).",
                state.oldest_unfolded,
            ),
            _gauge(
                "ombuds_audit_unsealed_entries",
                "Audit entries not sealed into the hash chain yet.",
                state.unsealed,
            ),
            _gauge(
                "ombuds_audit_oldest_unsealed_age_seconds",
                "Age of the oldest audit entry not sealed yet (0: none).",
                state.oldest_unsealed,
            ),
        ]


class _InMemory:
    """The counters of this one process, when they are not in files (the tests' app)."""

    def collect(self) -> list[Metric]:
        return [family for metric in metrics.ALL for family in metric.collect()]


def exposition(state: State | None) -> bytes:
    registry = CollectorRegistry()
    if metrics.multiprocess_dir():
        # Every process's files, summed (it registers itself).
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_InMemory())
    collector: Collector = StateCollector(state)
    registry.register(collector)
    return generate_latest(registry)


def _authorize(settings: Settings, authorization: str | None) -> None:
    if settings.metrics_token is None:
        raise NotFound("Nothing exists at this address.")
    scheme, _, given = (authorization or "").partition(" ")
    expected = settings.metrics_token.get_secret_value().encode()
    # Compared whatever the scheme, so a wrong one takes as long as a wrong token.
    matches = hmac.compare_digest(given.strip().encode(), expected)
    if not (matches and scheme.lower() == "bearer"):
        raise Unauthorized("Send the metrics token as a bearer token.")


async def metrics_endpoint(request: Request) -> Response:
    _authorize(request.app.state.settings, request.headers.get("authorization"))
    state = await read_state(request.app.state.pool)
    # Reading every process's files is file I/O: off the event loop.
    body = await run_in_threadpool(exposition, state)
    return Response(
        body, media_type=CONTENT_TYPE_PLAIN_0_0_4, headers={"cache-control": "no-store"}
    )


def install(app: FastAPI, settings: Settings) -> None:
    """`GET /metrics`, and the middleware around everything else the app is made of."""
    app.add_api_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
    build: Callable[[], ASGIApp] = app.build_middleware_stack

    def build_observed() -> ASGIApp:
        # Built at the first request, when every route is in place.
        mounts = frozenset(r.path for r in app.routes if isinstance(r, Mount) and "{" not in r.path)
        return Observe(build(), mounts=mounts, client_addresses=settings.log_client_addresses)

    # Outside Starlette's error middleware (which add_middleware cannot reach), so that the 500
    # it sends is seen, counted and carries the request id.
    app.build_middleware_stack = build_observed  # type: ignore[method-assign]
