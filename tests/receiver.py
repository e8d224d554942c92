"""A real HTTP receiver for the monitoring module's side of the webhooks, run in a thread.

It verifies every signature, and can be told to be down, to fail with 500, to throttle with 429
and Retry-After, or to answer slowly.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from app.outbox import signing


@dataclass
class Received:
    message_id: str
    body: bytes
    verified: bool
    answered: int


@dataclass
class Receiver:
    key: bytes
    mode: str = "ok"  # ok | fail | throttle
    delay: float = 0.0
    retry_after: str = "1"
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/ombuds"

    def delivered_ids(self) -> set[str]:
        with self._lock:
            return {r.message_id for r in self.requests if r.answered == 200}

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.requests)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the sender died mid-request (a killed worker): nothing arrived
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        if self.delay:
            await asyncio.sleep(self.delay)
        status, extra = 200, []
        if self.mode == "fail":
            status = 500
        elif self.mode == "throttle":
            status, extra = 429, [(b"retry-after", self.retry_after.encode())]
        verified = signing.verify(self.key, headers, body)
        if not verified:
            status = 401
        with self._lock:
            self.requests.append(Received(headers.get("webhook-id", ""), body, verified, status))
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b""})

    def start(self) -> None:
        if not self.port:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
        config = uvicorn.Config(self, host="127.0.0.1", port=self.port, log_level="error")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("receiver did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        """Down: the port refuses connections until start() again."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = None
