"""The access log, off by default: anonymous filers' addresses are personal data.

When an operator turns it on (`ombuds serve --access-log`), each client address is truncated
before it is written: an IPv4 address to its /24 network, an IPv6 address to its /48, so a line
tells the network a request came from, not the person.
"""

from __future__ import annotations

import copy
import ipaddress
import logging
from typing import Any


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


class TruncateClientAddress(logging.Filter):
    """Rewrites uvicorn's access records: (client_addr, method, path, http_version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            record.args = (truncate_address(args[0]), *args[1:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with the filter on the access logger (every worker)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["truncate_client_address"] = {
        "()": f"{__name__}.TruncateClientAddress"
    }
    config["loggers"]["uvicorn.access"]["filters"] = ["truncate_client_address"]
    return config
