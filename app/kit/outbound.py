"""Connections the service opens on its own (webhook deliveries, the provider's JWKS): never into
its own network by accident (SSRF).

Three checks, one rule each caller configures (`Outbound`):

- the URL, when the settings load: https outside development, no credentials, and a host that is
  an address (in any spelling the system reads as one) or a localhost name is judged at once;
- every address the host resolves to, when a connection is made;
- the connection goes to an address that was checked: the name is resolved once, in the
  transport, and the socket opened to that address, so a second DNS answer (rebinding) is never
  asked for. TLS still names and verifies the URL's host (SNI, certificate), and the Host header
  is the URL's: only where the socket goes is decided here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import typing
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _net(cidr: str) -> Network:
    return ipaddress.ip_network(cidr)


# The IANA special-purpose address registries (RFC 6890 and its successors), refused whole, even
# the few entries the registry marks globally reachable (anycast services nobody delivers
# webhooks to). Each entry names why, and the name is what a refusal says.
SPECIAL_PURPOSE_V4: tuple[tuple[Network, str], ...] = (
    (_net("0.0.0.0/8"), "this network"),  # RFC 791; 0.0.0.0 reaches the local host on Linux
    (_net("10.0.0.0/8"), "private use"),  # RFC 1918
    (_net("100.64.0.0/10"), "shared address space"),  # RFC 6598, carrier-grade NAT
    (_net("127.0.0.0/8"), "loopback"),  # RFC 1122
    (_net("169.254.0.0/16"), "link local"),  # RFC 3927; cloud metadata services live here
    (_net("172.16.0.0/12"), "private use"),  # RFC 1918
    (_net("192.0.0.0/24"), "IETF protocol assignments"),  # RFC 6890 (DS-Lite, NAT64 discovery)
    (_net("192.0.2.0/24"), "documentation"),  # RFC 5737, TEST-NET-1
    (_net("192.31.196.0/24"), "AS112"),  # RFC 7535
    (_net("192.52.193.0/24"), "AMT"),  # RFC 7450
    (_net("192.88.99.0/24"), "6to4 relay anycast"),  # RFC 7526, deprecated
    (_net("192.168.0.0/16"), "private use"),  # RFC 1918
    (_net("192.175.48.0/24"), "AS112 direct delegation"),  # RFC 7534
    (_net("198.18.0.0/15"), "benchmarking"),  # RFC 2544
    (_net("198.51.100.0/24"), "documentation"),  # RFC 5737, TEST-NET-2
    (_net("203.0.113.0/24"), "documentation"),  # RFC 5737, TEST-NET-3
    (_net("224.0.0.0/4"), "multicast"),  # RFC 5771
    (_net("255.255.255.255/32"), "limited broadcast"),  # RFC 919 (inside 240/4, named first)
    (_net("240.0.0.0/4"), "reserved"),  # RFC 1112
)
SPECIAL_PURPOSE_V6: tuple[tuple[Network, str], ...] = (
    (_net("::/128"), "unspecified"),  # RFC 4291
    (_net("::1/128"), "loopback"),  # RFC 4291
    (_net("::ffff:0:0/96"), "IPv4-mapped"),  # RFC 4291
    (_net("::/96"), "IPv4-compatible"),  # RFC 4291, deprecated
    (_net("64:ff9b::/96"), "NAT64"),  # RFC 6052, the well-known prefix
    (_net("64:ff9b:1::/48"), "local-use NAT64"),  # RFC 8215
    (_net("100::/64"), "discard only"),  # RFC 6666
    (_net("2001::/32"), "Teredo"),  # RFC 4380 (inside 2001::/23, named for the message)
    (_net("2001::/23"), "IETF protocol assignments"),  # RFC 2928
    (_net("2001:db8::/32"), "documentation"),  # RFC 3849
    (_net("2002::/16"), "6to4"),  # RFC 3056
    (_net("2620:4f:8000::/48"), "AS112 direct delegation"),  # RFC 7534
    (_net("3fff::/20"), "documentation"),  # RFC 9637
    (_net("5f00::/16"), "SRv6 SIDs"),  # RFC 9602
    (_net("fc00::/7"), "unique local"),  # RFC 4193
    (_net("fe80::/10"), "link local"),  # RFC 4291
    (_net("fec0::/10"), "site local"),  # RFC 3879, deprecated but still routed by some hosts
    (_net("ff00::/8"), "multicast"),  # RFC 4291
    # Outside 2000::/3, the only block IANA hands out for global unicast, everything is reserved
    # by the IETF (or named above): nothing a public receiver can have.
    (_net("::/3"), "not global unicast"),
    (_net("4000::/2"), "not global unicast"),
    (_net("8000::/1"), "not global unicast"),
)


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, Teredo's server and
    client, NAT64's well-known prefix): where a packet to it may end up on an IPv4 network."""
    found: list[ipaddress.IPv4Address] = []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address in _net("::/96") or address in _net("64:ff9b::/96"):
        found.append(low32)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)  # (server, client): Python undoes the client's XOR
    return tuple(found)


def refusal(address: Address) -> str | None:
    """Why the service must not connect to `address` (its special-purpose range), or None for an
    ordinary public address."""
    table = SPECIAL_PURPOSE_V4 if address.version == 4 else SPECIAL_PURPOSE_V6
    for network, why in table:
        if address in network:
            return f"{network} {why}"
    if isinstance(address, ipaddress.IPv6Address):
        # The wrappers (mapped, compatible, 6to4, Teredo, NAT64) are refused outright by the
        # table already; their IPv4 is judged too, so that allowing one of them later (NAT64 on
        # an IPv6-only network, say) never opens the way to what it wraps.
        for inner in embedded_ipv4(address):
            why_inner = refusal(inner)
            if why_inner is not None:
                return f"embeds {inner}, {why_inner}"
    return None


class TargetRefused(ValueError):
    """A URL or an address the service must not connect to."""


LOCALHOST_NAMES = ("localhost", "localhost.localdomain")


@dataclass(frozen=True)
class Outbound:
    """Where one kind of outbound connection may go. `name` says which in messages ("the
    monitoring URL ..."); `https_only` is set outside development; `allow_private` lets it reach
    special-purpose addresses (and, where https is not required, plain http): local use."""

    name: str
    https_only: bool
    allow_private: bool

    def check_scheme(self, scheme: str) -> None:
        if scheme not in ("https", "http"):
            raise TargetRefused(f"the {self.name} URL must be https")
        if scheme == "http" and self.https_only:
            raise TargetRefused(f"the {self.name} URL must be https outside development")
        if scheme == "http" and not self.allow_private:
            raise TargetRefused(
                f"the {self.name} URL must be https unless private targets are allowed"
            )

    def check_url(self, url: str) -> tuple[str, int]:
        """What can be judged without the network (when the settings load): the scheme, no
        credentials, and a host that is an address or this machine's name. Returns the host and
        port."""
        parts = urlsplit(url)
        self.check_scheme(parts.scheme)
        if parts.username or parts.password:
            raise TargetRefused(f"the {self.name} URL must not carry credentials")
        if not parts.hostname:
            raise TargetRefused(f"the {self.name} URL has no host")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise TargetRefused(f"the {self.name} URL has an invalid port") from None
        host = parts.hostname
        if self.allow_private:
            return host, port
        name = host.lower().rstrip(".")
        if name in LOCALHOST_NAMES or name.endswith(".localhost"):
            raise TargetRefused(f"the {self.name} URL points at this machine (localhost)")
        for address in _numeric(host):
            why = refusal(address)
            if why is not None:
                raise TargetRefused(
                    f"the {self.name} URL points at a special-purpose address ({why})"
                )
        return host, port

    async def resolve(self, host: str, port: int) -> list[Address]:
        """Every address `host` has now, in the resolver's order, each one allowed: the
        addresses to connect to (one look-up, so what is checked is what is used)."""
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses: list[Address] = []
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise OSError(f"{host} has no address")
        if not self.allow_private:
            for address in addresses:
                why = refusal(address)
                if why is not None:
                    raise TargetRefused(
                        f"the {self.name} host resolves to a special-purpose address "
                        f"({address}, {why})"
                    )
        return addresses


def _numeric(host: str) -> list[Address]:
    """The addresses `host` spells, in any form the system reads as an address (2852039166 and
    0xa9.0xfe.0xa9.0xfe are 169.254.169.254 to it), without asking DNS; [] for a name."""
    try:
        infos = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in infos]


class PinningBackend(httpcore.AsyncNetworkBackend):
    """httpcore's way of opening connections, with the look-up done here: resolve once, check
    every address, connect to a checked one (the next one if it refuses, within the one
    connect timeout). TLS is started by httpcore on the stream returned, for the URL's host."""

    def __init__(self, rule: Outbound, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.rule = rule
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        try:
            async with asyncio.timeout_at(deadline):
                addresses = await self.rule.resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except TargetRefused:
            raise
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"{host} does not resolve: {exc}") from None
        failure: Exception | None = None
        for address in addresses:
            left = None if deadline is None else max(0.0, deadline - loop.time())
            try:
                return await self.inner.connect_tcp(
                    str(address),
                    port,
                    timeout=left,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("outbound connections are TCP only")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, whose connections go only where `rule` allows, to the addresses it
    checked. No proxies, no redirects (the client's `follow_redirects` stays False)."""

    def __init__(
        self,
        rule: Outbound,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        super().__init__(verify=verify, trust_env=False, limits=limits)
        # httpx does not let its caller choose how its pool connects; httpcore's pool does (its
        # network backend). So the pool httpx built is replaced by the same pool with the
        # pinning backend. tests/kit/test_outbound.py fails if httpx stops using `_pool`.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinningBackend(rule, inner),
        )
        self.rule = rule

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.rule.check_scheme(request.url.scheme)  # the settings checked it; checked again
        return await super().handle_async_request(request)
