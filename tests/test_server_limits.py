"""What the server refuses before a request reaches the app (app/server.py): oversized heads,
slow heads and slow bodies, unreadable requests; each as problem+json, the connection closed."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from app.config import Settings
from tests.conftest import serving

LIMITS = {
    "OMBUDS_MAX_HEADER_BYTES": "8192",
    "OMBUDS_HEADER_TIMEOUT_SECONDS": "1",
    "OMBUDS_BODY_TIMEOUT_SECONDS": "2",
}


@pytest.fixture(scope="module")
def server(settings: Settings, database_url: str) -> Iterator[tuple[str, int]]:
    with serving(settings, database_url, "--log-level", "warning", env=LIMITS) as (base, _):
        parts = urlsplit(base)
        assert parts.hostname is not None and parts.port is not None
        yield parts.hostname, parts.port


def _connect(server: tuple[str, int]) -> socket.socket:
    sock = socket.create_connection(server, timeout=10)
    return sock


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], dict[str, Any], float]:
    """Read until the server closes: (status, headers, problem, seconds waited)."""
    started = time.monotonic()
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    waited = time.monotonic() - started
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, json.loads(body), waited


def test_a_request_head_over_the_limit_is_431(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ")
        try:
            for _ in range(64):  # 4 MiB offered; the server stops reading after 8 KiB
                sock.sendall(b"a" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, headers, problem, _ = _answer(sock)
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert problem == {
        "type": "https://ombuds.dev/problems/headers-too-large",
        "title": "Request headers too large",
        "status": 431,
        "detail": "The request line and headers may be at most 8192 bytes.",
        "instance": "/healthz",
    }


def test_a_head_over_the_limit_in_one_piece_is_431(server: tuple[str, int]) -> None:
    """Sent at once, the head is parsed whole in one read before it can be counted on the way."""
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n")
        status, _, problem, _ = _answer(sock)
    assert status == 431
    assert problem["detail"] == "The request line and headers may be at most 8192 bytes."


def test_a_head_just_within_the_limit_is_served(server: tuple[str, int]) -> None:
    host, port = server
    response = httpx.get(f"http://{host}:{port}/healthz", headers={"X-Pad": "a" * 7000})
    assert response.status_code == 200


def test_a_head_sent_slowly_is_408(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")  # and never the blank line
        status, _, problem, waited = _answer(sock)
    assert status == 408
    assert problem["type"].endswith("/request-timeout")
    assert problem["detail"] == "The request headers did not arrive in time."
    assert 0.5 < waited < 5


def test_a_connection_that_sends_nothing_is_closed(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        status, _, _, waited = _answer(sock)
    assert status == 408 and waited < 5


def test_a_body_sent_slowly_is_408_and_nothing_is_filed(server: tuple[str, int], db: Any) -> None:
    with _connect(server) as sock:
        sock.sendall(
            b"POST /v1/complaints HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"
        )
        started = time.monotonic()
        try:
            while time.monotonic() - started < 6:  # a byte a second would never finish
                sock.sendall(b" ")
                time.sleep(0.5)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _, problem, _ = _answer(sock)
        elapsed = time.monotonic() - started
    assert status == 408
    assert problem["detail"] == "The request body did not arrive in time."
    assert problem["instance"] == "/v1/complaints"
    assert elapsed < 5
    assert db.execute("SELECT count(*) AS n FROM complaints").fetchone()["n"] == 0


def test_a_keep_alive_connection_serves_several_requests_within_the_limits(
    server: tuple[str, int],
) -> None:
    """The head's budget and deadline are per request, not per connection."""
    host, port = server
    with httpx.Client(base_url=f"http://{host}:{port}") as client:
        for _ in range(5):
            assert client.get("/healthz", headers={"X-Pad": "a" * 5000}).status_code == 200
        time.sleep(1.5)  # idle between requests longer than the head deadline: keep-alive rules
        assert client.get("/healthz").status_code == 200


def test_an_unreadable_request_is_a_400_problem(server: tuple[str, int]) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost t\r\n\r\n")  # a header without its colon
        status, headers, problem, _ = _answer(sock)
    assert status == 400
    assert headers["content-type"] == "application/problem+json"
    assert problem["type"].endswith("/bad-request")
