"""Where the processes' metric files live (prometheus-client's multiprocess mode), and which of
them `ombuds serve` clears when it starts.

Each process that counts writes files named `<kind>_<host>-<pid>.db` there (app.kit.metrics);
the process answering `GET /metrics` sums every file. A process's counters must outlive it for
the sums to only ever grow (a uvicorn worker that was restarted), so files are kept while the
server runs, and the server's parent process clears them when it starts, before any worker of
its own counts: the counts begin again with the server, as Prometheus expects of a restart.
It keeps the files of processes still running, so an `ombuds worker` beside the server keeps
its counts: on this host, those whose pid is alive; from another host (a worker container that
shares the var volume), those written within the last hour, since their pids cannot be checked
from here.

The environment variable, not a setting, says where: prometheus-client reads it in every process
(the server's workers, started by uvicorn, inherit it), and it must be set before the first
metric is made.
"""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

from app.config import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# The host's name as it appears in file names (prometheus-client splits them on `_`).
HOST = re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname()) or "host"
FOREIGN_FILES_KEPT_SECONDS = 3600.0
_FILE = re.compile(
    r"(?:counter|histogram|summary|gauge_[a-z]+)_(?P<host>[A-Za-z0-9.-]+)-(?P<pid>\d+)\.db"
)


def process_identifier() -> str:
    return f"{HOST}-{os.getpid()}"


def use_metrics_dir(settings: Settings) -> Path:
    """PROMETHEUS_MULTIPROC_DIR, or `<var dir>/metrics` when unset; created, and exported to this
    process's environment (and so to the processes it starts)."""
    directory = Path(os.environ.get(MULTIPROC_ENV) or settings.var_dir / "metrics").absolute()
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    return directory


def clear_stale(directory: Path, now: float | None = None) -> list[str]:
    """Remove the files of processes that are gone (see above); the names removed."""
    now = time.time() if now is None else now
    removed = []
    for path in sorted(directory.glob("*.db")):
        match = _FILE.fullmatch(path.name)
        if match is not None and match["host"] == HOST:
            pid = int(match["pid"])
            if pid != os.getpid() and _alive(pid):
                continue
        elif match is not None:
            try:
                if now - path.stat().st_mtime < FOREIGN_FILES_KEPT_SECONDS:
                    continue
            except FileNotFoundError:
                continue
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
