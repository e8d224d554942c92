"""A small HTTP/1.1 load generator: N keep-alive connections, each sending requests back to back.

Hand-written on asyncio streams so the client costs little CPU next to the server under test
(the machine has two cores, shared by client, server and PostgreSQL). The requests are built
once, up front; with several bodies (or client addresses) the connections take them in turn.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def add(self, other: Result) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.seconds += other.seconds
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n


def client_address(n: int) -> str:
    """The n-th of many distinct client addresses (10.0.0.0/8), for X-Forwarded-For."""
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def requests(
    host: str,
    port: int,
    path: str,
    bodies: Sequence[bytes],
    *,
    headers: dict[str, str] | None = None,
    addresses: int = 0,
) -> list[bytes]:
    """POST requests of `bodies`; with `addresses`, each from one of that many clients (as a
    trusted proxy on the loopback says it in X-Forwarded-For), so a per-client rate limit
    meets many buckets, as from a city's residents."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    out = []
    for n in range(max(len(bodies), addresses)):
        body = bodies[n % len(bodies)]
        forwarded = f"X-Forwarded-For: {client_address(n % addresses)}\r\n" if addresses else ""
        out.append(
            (
                f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n{forwarded}{extra}\r\n"
            ).encode()
            + body
        )
    return out


async def _connection(
    host: str,
    port: int,
    batch: Sequence[bytes],
    turn: count[int],
    expect: int,
    stop: float,
    result: Result,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            writer.write(batch[next(turn) % len(batch)])
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status == expect:
                result.latencies.append(time.perf_counter() - started)
            else:
                result.errors += 1
    finally:
        writer.close()


async def run(
    host: str,
    port: int,
    path: str,
    body: bytes,
    *,
    connections: int,
    seconds: float,
    expect: int = 201,
    headers: dict[str, str] | None = None,
    batch: Sequence[bytes] | None = None,
) -> Result:
    """Load `host:port` for `seconds`: POST `body` to `path`, or the prepared requests `batch`
    (from `requests`) in turn."""
    if batch is None:
        batch = requests(host, port, path, [body], headers=headers)
    turn = count()  # one sequence for all connections: every request of the batch is sent
    result = Result()
    started = time.perf_counter()
    stop = started + seconds
    await asyncio.gather(
        *[_connection(host, port, batch, turn, expect, stop, result) for _ in range(connections)]
    )
    result.seconds = time.perf_counter() - started
    return result
