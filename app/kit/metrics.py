"""The service's counters and histograms (Prometheus), shared by every process that serves.

Several processes count at once (uvicorn's `--workers N`, `ombuds worker`, the worker run inside
the server by `serve --with-worker`), and a scrape reaches one of them. So when
PROMETHEUS_MULTIPROC_DIR is set (`ombuds serve` and `ombuds worker` set it: app.metrics_dir),
each process writes its values to files of its own in that directory, and the one
answering `GET /metrics` sums them all (prometheus-client's multiprocess mode). Without it (the
tests' in-process app) values stay in memory.

Labels hold codes only: a route template, a status, a track, a workflow action; never a path, an
id or anything a person wrote. The state of the queues (outbox, fold, seal) is not counted here:
it is read from PostgreSQL when scraped (app.observability), so any process answers it right.
"""

from __future__ import annotations

import os
from typing import Protocol

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics, values
from prometheus_client.metrics import MetricWrapperBase

from app.metrics_dir import MULTIPROC_ENV, process_identifier
from app.taxonomy import Track


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


# A file per process, named `<kind>_<host>-<pid>.db`: the host keeps two containers that share the
# directory (a worker container on the server's volume, both as pid 1) out of each other's files.
if (_directory := multiprocess_dir()) is not None:
    os.makedirs(_directory, exist_ok=True)
    values.ValueClass = values.MultiProcessValue(process_identifier)  # type: ignore[no-untyped-call]
# The `_created` series (when each labelled series began) say nothing an operator asks, and
# multiprocess mode has none: the same output whichever mode a process is in.
disable_created_metrics()  # type: ignore[no-untyped-call]


# Request latency: a filing takes a few milliseconds; a release document up to tens.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "ombuds_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
    registry=None,
)
HTTP_DURATION = Histogram(
    "ombuds_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=_LATENCY_BUCKETS,
    registry=None,
)
FILINGS = Counter(
    "ombuds_filings",
    "Complaints filed (retaliation reports included), by track.",
    ["track"],
    registry=None,
)
TRANSITIONS = Counter(
    "ombuds_transitions", "Workflow transitions applied, by action.", ["action"], registry=None
)
WORKER_ROUNDS = Counter("ombuds_worker_rounds", "Rounds the workers ran.", registry=None)
WORKER_LAST_ROUND = Gauge(
    "ombuds_worker_last_round_timestamp_seconds",
    "When a worker last finished a round (Unix time; the latest of every worker).",
    multiprocess_mode="max",
    registry=None,
)
WORKER_TASK_FAILURES = Counter(
    "ombuds_worker_task_failures", "Worker tasks that raised, by task.", ["task"], registry=None
)
AUDIT_SEALED = Counter(
    "ombuds_audit_sealed", "Audit entries sealed into the hash chain.", registry=None
)
AUDIT_ROLLED_UP = Counter(
    "ombuds_audit_rolled_up",
    "Audit entries past the longest retention rolled into an anchor.",
    registry=None,
)
STATISTICS_FOLDED = Counter(
    "ombuds_statistics_folded", "Noted changes folded into the statistics.", registry=None
)
STATISTICS_RELEASES = Counter(
    "ombuds_statistics_releases", "Statistics releases published.", registry=None
)
WEBHOOK_DELIVERIES = Counter(
    "ombuds_webhook_deliveries",
    "Attempts to deliver a push to the monitoring module, by outcome (delivered, failed).",
    ["outcome"],
    registry=None,
)
RETENTION_PURGED = Counter(
    "ombuds_retention_purged_cases", "Cases purged past their retention date.", registry=None
)

# What the exposition reads when values live in memory (one process).
ALL: tuple[MetricWrapperBase, ...] = (
    HTTP_REQUESTS,
    HTTP_DURATION,
    FILINGS,
    TRANSITIONS,
    WORKER_ROUNDS,
    WORKER_LAST_ROUND,
    WORKER_TASK_FAILURES,
    AUDIT_SEALED,
    AUDIT_ROLLED_UP,
    STATISTICS_FOLDED,
    STATISTICS_RELEASES,
    WEBHOOK_DELIVERIES,
    RETENTION_PURGED,
)


class Round(Protocol):
    """What a worker round did (app.worker.Round)."""

    sealed: int
    folded: int
    delivered: int
    failed: int
    released: int
    purged: int
    rolled_up: int
    errors: list[str]


def count_round(done: Round, finished_at: float) -> None:
    WORKER_ROUNDS.inc()
    WORKER_LAST_ROUND.set(finished_at)
    for counter, amount in (
        (AUDIT_SEALED, done.sealed),
        (AUDIT_ROLLED_UP, done.rolled_up),
        (STATISTICS_FOLDED, done.folded),
        (STATISTICS_RELEASES, done.released),
        (RETENTION_PURGED, done.purged),
    ):
        if amount:
            counter.inc(amount)
    if done.delivered:
        WEBHOOK_DELIVERIES.labels("delivered").inc(done.delivered)
    if done.failed:
        WEBHOOK_DELIVERIES.labels("failed").inc(done.failed)
    for task in done.errors:
        WORKER_TASK_FAILURES.labels(task).inc()


# Series that exist from the start at 0, so a rate or an alert has something to read before the
# first event.
for _track in Track:
    FILINGS.labels(_track.value)
for _outcome in ("delivered", "failed"):
    WEBHOOK_DELIVERIES.labels(_outcome)
