"""The HTTP protocol `ombuds serve` runs: uvicorn's httptools protocol with the limits a public
service needs before a request reaches the app.

uvicorn alone reads request headers of any size (a 100 MB header was accepted, stalling every
other request) and waits forever for a client that sends its headers or body slowly (30 such
connections stayed open for 90 s and more). Here:

* the request line and headers may take `OMBUDS_MAX_HEADER_BYTES` (431 beyond);
* they must arrive within `OMBUDS_HEADER_TIMEOUT_SECONDS` of the connection opening or of the
  request's first byte, and a body within `OMBUDS_BODY_TIMEOUT_SECONDS` of its headers (408);
* a request the parser cannot read is a 400;

each answered as problem+json, like every other error, and the connection closed.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import get_settings
from app.kit.errors import (
    PROBLEM_JSON,
    AppError,
    BadRequest,
    HeadersTooLarge,
    RequestTimeout,
)

_STATUS_LINES = {
    400: b"HTTP/1.1 400 Bad Request\r\n",
    408: b"HTTP/1.1 408 Request Timeout\r\n",
    431: b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
}


def problem_bytes(error: AppError, instance: str | None) -> bytes:
    """A complete HTTP response carrying the error's problem document, closing the connection."""
    problem = error.to_problem(instance)
    body = json.dumps(problem).encode()
    head = b"".join(
        [
            _STATUS_LINES[error.status],
            b"content-type: " + PROBLEM_JSON.encode() + b"\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n",
            b"x-content-type-options: nosniff\r\n",
            b"cache-control: no-store\r\n\r\n",
        ]
    )
    return head + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a size limit on the request head and read deadlines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.max_head = settings.max_header_bytes
        self.head_timeout = settings.header_timeout_seconds
        self.body_timeout = settings.body_timeout_seconds
        self.in_head = True  # reading a request line and headers (or waiting for the first byte)
        self.head_bytes = 0
        self.deadline: asyncio.TimerHandle | None = None
        self.head_too_large = False

    # The head: its size, and its deadline from the connection or from its first byte.

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.head_timeout, "The request headers did not arrive in time.")

    def data_received(self, data: bytes) -> None:
        if self.in_head and self.deadline is None:
            self._arm(self.head_timeout, "The request headers did not arrive in time.")
        super().data_received(data)
        if self.in_head and not self.transport.is_closing():
            # Counted after the parser has seen the data: a chunk that completes the head (and
            # carries the start of a body) is not held against it. At most one read (256 KiB)
            # beyond the limit is ever buffered.
            self.head_bytes += len(data)
            if self.head_bytes > self.max_head:
                self._refuse(self._head_too_large())

    def on_headers_complete(self) -> None:
        self.in_head = False
        self.head_bytes = 0
        self._disarm()
        # A head that arrived in one read was parsed whole before data_received could count it.
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.max_head:
            self.head_too_large = True
            raise ValueError("request head too large")  # stops the parser: send_400_response
        super().on_headers_complete()
        if self._has_body():
            self._arm(self.body_timeout, "The request body did not arrive in time.")

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self.in_head = True  # the next request's head; its deadline starts at its first byte
        self.head_bytes = 0
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        if self.head_too_large:
            self._refuse(self._head_too_large())
            return
        self._disarm()
        self.transport.write(problem_bytes(BadRequest("The request is not valid HTTP/1.1."), None))
        self.transport.close()

    # Helpers

    def _has_body(self) -> bool:
        for name, value in self.headers or ():
            if name == b"content-length":
                return value.strip() not in (b"0", b"")
            if name == b"transfer-encoding":
                return True
        return False

    def _arm(self, seconds: float, detail: str) -> None:
        self._disarm()
        self.deadline = self.loop.call_later(seconds, self._expire, detail)

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _expire(self, detail: str) -> None:
        self.deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is not None and cycle.response_started:
            self.transport.close()  # too late for an answer: the app has begun its own
            return
        self._refuse(RequestTimeout(detail))

    def _head_too_large(self) -> HeadersTooLarge:
        return HeadersTooLarge(
            f"The request line and headers may be at most {self.max_head} bytes."
        )

    def _refuse(self, error: AppError) -> None:
        self._disarm()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # The app (waiting for the body) sees a disconnect; anything it sends is dropped.
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.write(problem_bytes(error, self._path()))
        self.transport.close()

    def _path(self) -> str | None:
        url = getattr(self, "url", b"") or b""
        path = url.split(b"?", 1)[0]
        if not path.startswith(b"/") or len(path) > 2048:
            return None
        try:
            return path.decode("ascii")
        except UnicodeDecodeError:
            return None
