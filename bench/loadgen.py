"""A small HTTP/1.1 load generator: N keep-alive connections, each sending requests back to back.

Hand-written on asyncio streams so the client costs little CPU next to the server under test
(the machine has two cores, shared by client, server and PostgreSQL).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


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


async def _connection(
    host: str, port: int, request: bytes, expect: int, stop: float, result: Result
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            writer.write(request)
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
) -> Result:
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body
    result = Result()
    started = time.perf_counter()
    stop = started + seconds
    await asyncio.gather(
        *[_connection(host, port, request, expect, stop, result) for _ in range(connections)]
    )
    result.seconds = time.perf_counter() - started
    return result
