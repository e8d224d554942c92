"""Where the worker may send events: never to the service's own network by accident (SSRF).

The URL is checked when the settings load, and every address its host resolves to is checked
again before each batch, so a DNS answer that changes to an internal address is refused too.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class TargetRefused(ValueError):
    """The monitoring URL points somewhere the worker must not send to."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast or address.is_reserved


def _host(url: str, allow_private: bool) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise TargetRefused("the monitoring URL must be https (http only for local use)")
    if parts.scheme == "http" and not allow_private:
        raise TargetRefused("the monitoring URL must be https unless private targets are allowed")
    if parts.username or parts.password:
        raise TargetRefused("the monitoring URL must not carry credentials")
    if not parts.hostname:
        raise TargetRefused("the monitoring URL has no host")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def check_url(url: str, allow_private: bool) -> None:
    """Static checks: scheme, no credentials, and a literal address must be a public one."""
    host, _ = _host(url, allow_private)
    if allow_private:
        return
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        raise TargetRefused("the monitoring URL points at this machine (localhost)")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return  # a name: resolved and checked before each delivery batch
    if _forbidden(literal):
        raise TargetRefused(f"the monitoring URL points at a non-public address ({literal})")


async def check_resolved(url: str, allow_private: bool) -> None:
    """Every address the host resolves to now must be public (unless private is allowed)."""
    host, port = _host(url, allow_private)
    if allow_private:
        return
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise TargetRefused(f"the monitoring host does not resolve: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if _forbidden(address):
            raise TargetRefused(f"the monitoring host resolves to a non-public address ({address})")
