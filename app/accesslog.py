"""The logs: one JSON object a line on stdout, the request id, and no personal data.

`ombuds serve` and `ombuds worker` configure logging with `log_config`: every record (uvicorn's
own included) becomes one line with its time (ISO-8601, UTC), level, logger, message, the id of
the request it was written in (`request_id`, from a context variable the request middleware sets,
app.observability), and whatever structured fields it was given (`extra=`). uvicorn's access log
stays off: the request middleware writes one line per request instead (method, route template,
status, duration, request id), with no query string and no client address.

Anonymous filers' addresses are personal data: only when an operator asks for it
(`ombuds serve --access-log`, OMBUDS_LOG_CLIENT_ADDRESSES) does a request line carry the client
address, and then truncated: an IPv4 address to its /24 network, an IPv6 address to its /48, so a
line tells the network a request came from, not the person.

An exception is logged as its type and frames, as app.kit.errors does for unhandled ones: the
message may quote what a person wrote (a constraint's DETAIL quotes the row), except for the
kinds whose message is about the infrastructure (a refused connection, a timeout).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import psycopg

# The id of the request being answered, in the task that answers it (None outside a request).
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

# The attributes every LogRecord has: anything else on a record is a structured field.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's copy of the message with terminal colours
}
# Exceptions whose message names a host, a port or a timeout, never a person's data.
_SAFE_MESSAGES: tuple[type[BaseException], ...] = (OSError, psycopg.OperationalError)


def truncate_address(address: str) -> str:
    """203.0.113.57 -> 203.0.113.0; 2001:db8:1:2::5 -> 2001:db8:1::; anything else -> '-'."""
    # uvicorn writes "host:port", also for IPv6 (no brackets), so try with and without a port.
    ip = _address(address) or _address(address.rpartition(":")[0])
    if ip is None:
        return "-"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


def describe_exception(error: BaseException | None) -> str:
    """Traceback frames and exception types, causes included; messages only of safe kinds."""
    parts: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        said = f": {error}" if isinstance(error, _SAFE_MESSAGES) else ""
        frames = "".join(traceback.format_tb(error.__traceback__))
        parts.append(f"{frames}{type(error).__module__}.{type(error).__qualname__}{said}")
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    # The first cause first, the exception logged last, as Python prints them.
    return "\nwhich led to:\n".join(reversed(parts))


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside values are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = describe_exception(record.exc_info[1])
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_config(level: str = "info") -> dict[str, Any]:
    """The logging configuration of `ombuds serve` (uvicorn applies it in every worker process)
    and `ombuds worker`: one handler, on stdout, writing JSON lines; every logger goes to it."""
    level = level.upper()
    through_root = {"handlers": [], "level": level, "propagate": True}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "uvicorn": through_root,
            "uvicorn.error": through_root,
            "uvicorn.access": through_root,
            # httpx writes a line for every request it makes (the worker's pushes, which the
            # worker counts itself); only its problems are worth a line.
            "httpx": {"level": "WARNING"},
            # Alembic announces each of its plugins whenever the app reads the schema's revision
            # (at every start); its own configuration (alembic.ini) keeps it to warnings too.
            "alembic": {"level": "WARNING"},
        },
        "root": {"handlers": ["stdout"], "level": level},
    }
