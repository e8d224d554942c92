"""The worker's heartbeat: a file it touches as its loop turns, and the probe that reads it.

A file, not a database row: `ombuds worker --probe` runs as a container's exec probe (Docker's
HEALTHCHECK, Kubernetes' livenessProbe), which should answer whether this worker's loop is turning,
not whether PostgreSQL is up (when the database is away, the loop still turns: its tasks fail,
are logged and retried). The file is named after the host, so worker containers that share the
var volume each have their own; worker processes on one host (or the workers `serve --with-worker`
runs in each server process) share one, and the probe says that one of them is alive.

The loop touches the file before each task of a round (app.worker), so the probe's limit has to
cover the longest task: publishing a year's statistics release at a small office takes over a
minute (README, "Statistics at volume"). Hence the default limit: ten wake-up intervals, at
least three minutes.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from app.config import Settings
from app.metrics_dir import HOST

log = logging.getLogger("ombuds.worker")

MIN_MAX_AGE_SECONDS = 180.0


def heartbeat_path(settings: Settings) -> Path:
    return settings.var_dir / "heartbeats" / f"worker-{HOST}"


def default_max_age(settings: Settings) -> float:
    return max(MIN_MAX_AGE_SECONDS, 10 * settings.worker_interval_seconds)


class Heartbeat:
    """Touches the file (one system call); a failure is logged once, never raised: the work
    goes on, and the probe, seeing no fresh heartbeat, reports it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._failing = False

    def __call__(self) -> None:
        try:
            try:
                os.utime(self.path)
            except FileNotFoundError:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch()
        except OSError as exc:
            if not self._failing:
                log.error("cannot touch the heartbeat file %s: %s", self.path, exc)
            self._failing = True
        else:
            self._failing = False


def probe(path: Path, max_age: float, now: float | None = None) -> tuple[bool, str]:
    """(alive, one line saying why)."""
    try:
        beat = path.stat().st_mtime
    except FileNotFoundError:
        return False, f"no worker heartbeat at {path}: no worker has run on this host"
    except OSError as exc:
        return False, f"cannot read the worker heartbeat {path}: {exc.strerror}"
    age = (time.time() if now is None else now) - beat
    if age > max_age:
        return False, f"worker heartbeat stale: last {age:.0f} s ago (limit {max_age:.0f} s)"
    return True, f"worker heartbeat fresh: {max(age, 0):.1f} s ago (limit {max_age:.0f} s)"
