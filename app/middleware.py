"""The one pure-ASGI middleware in front of the app (each layer costs every request)."""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.contract import BodyRule
from app.kit.errors import (
    PROBLEM_JSON,
    AppError,
    CorsRefused,
    PayloadTooLarge,
    UnsupportedMediaType,
    wants_page,
)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
]
# The API loads nothing; the HTML pages (app/web) load their stylesheet from /static, and no
# script anywhere.
API_POLICY = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
PAGE_POLICY = (
    b"content-security-policy",
    b"default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
    b"form-action 'self'; base-uri 'none'",
)


def page_policy(sign_in_origin: str | None) -> tuple[bytes, bytes]:
    """The pages' policy; with the console's identity provider, its origin may end a form's
    redirects too (signing out continues at the provider: browsers apply form-action to the
    redirect after a form is sent)."""
    if not sign_in_origin:
        return PAGE_POLICY
    return (
        PAGE_POLICY[0],
        PAGE_POLICY[1].replace(
            b"form-action 'self'", b"form-action 'self' " + sign_in_origin.encode()
        ),
    )


# The interactive docs (app/apidocs.py): Swagger UI's script and stylesheet and our init.js from
# this origin; the contract fetched from it; the icons its stylesheet holds as data: URIs. Its
# run-time styles are set through the CSSOM (element.style), which style-src does not govern.
DOCS_POLICY = (
    b"content-security-policy",
    b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    b"connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
)
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class LimitsAndHeaders:
    """Refuses bodies over `limit` bytes with a 413 problem (by Content-Length up front, or while
    reading a chunked body), and adds the security headers to every response."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        upload_limit: int,
        body_rule: BodyRule | None = None,
        page_policy: tuple[bytes, bytes] = PAGE_POLICY,
    ) -> None:
        self.app = app
        self.page_policy = page_policy
        self.limit = limit
        self.upload_limit = upload_limit
        # Per operation, what its schema accepts with every character escaped, and whether it
        # takes JSON only (app/contract.py).
        self.body_rule = body_rule

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_security_headers(send, scope["path"], self.page_policy)
        # File uploads get their own, larger limit; every other body the small one.
        method, path = scope["method"], scope["path"]
        upload = method == "POST" and path.endswith("/attachments")
        only_json = False
        if upload:
            limit = self.upload_limit
        elif method in _WITH_BODY and not path.startswith("/v1/"):
            # A page's form: with its files (app/web/residents.py: FILES_PER_FORM at most), or
            # the small limit; no operation of the contract is at such a path.
            files = _is_form_with_files(scope)
            limit = self.limit + PAGE_FORM_FILES * self.upload_limit if files else self.limit
        elif method in _WITH_BODY and self.body_rule is not None:
            limit, only_json = self.body_rule(method, path)
        else:
            limit = self.limit
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if only_json and (length is None or length.strip() != b"0") and not _is_json(scope):
            detail = "This route takes a JSON body: send it with Content-Type: application/json."
            await _refuse(scope, receive, send, UnsupportedMediaType(detail))
            return
        if length is not None:
            # The server frames the body by Content-Length, so checking it is enough.
            if length.isdigit() and int(length) > limit:
                await self._reject(scope, receive, send, limit)
                return
            await self.app(scope, receive, send)
            return
        # Chunked or unannounced body: read it up to the limit before the app sees it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._reject(scope, receive, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replay: list[Message] = [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        ]

        async def buffered_receive() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, buffered_receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        detail = f"The request body may be at most {limit} bytes."
        await _refuse(scope, receive, send, PayloadTooLarge(detail))


# How many files one form of the pages may carry (the middleware sizes their bodies by it).
PAGE_FORM_FILES = 3


def _is_form_with_files(scope: Scope) -> bool:
    header = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
    return header.split(b";", 1)[0].strip().lower() == b"multipart/form-data"


async def _refuse(scope: Scope, receive: Receive, send: Send, error: AppError) -> None:
    """A refusal before the app has read the body: a page in the reader's language when a person
    is posting a page's form, problem+json otherwise; the connection is closed either way."""
    accept = next((v for k, v in scope["headers"] if k == b"accept"), b"").decode("latin-1")
    app = scope.get("app")
    page = getattr(getattr(app, "state", None), "page_errors", None)
    if page is not None and wants_page(scope["path"], accept):
        response = page(Request(scope), error.status, {"Connection": "close"})
        await response(scope, receive, send)
        return
    await _problem(send, error, scope["path"])


def _is_json(scope: Scope) -> bool:
    header = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
    return header.split(b";", 1)[0].strip().lower() == b"application/json"


async def _problem(send: Send, error: AppError, path: str) -> None:
    """A refusal before the app has read anything: problem+json, and the connection closed (the
    body the client may still be sending is not read)."""
    body = json.dumps(error.to_problem(path)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# What an API answer is unless its route says otherwise (public code lists are cacheable): it may
# hold personal data, so no cache keeps it.
_PRIVATE = (b"cache-control", b"private, no-store")


def _with_security_headers(send: Send, path: str, page: tuple[bytes, bytes]) -> Send:
    api = path.startswith("/v1/")
    docs = path == "/docs" or path.startswith("/docs/")
    policy = API_POLICY if api else DOCS_POLICY if docs else page

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", []), *SECURITY_HEADERS, policy]
            if api and not any(name.lower() == b"cache-control" for name, _ in headers):
                headers.append(_PRIVATE)
            message["headers"] = headers
        await send(message)

    return wrapped


class ProblemCORS(CORSMiddleware):
    """Starlette's CORS, for the configured origins only; a refused preflight is problem+json
    like every other refusal (Starlette answers it in plain text)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        said = bytes(response.body).decode()
        refusal = CorsRefused(
            f"{said}: this origin, method or header is not allowed to call the API."
        )
        return Response(
            json.dumps(refusal.to_problem()),
            status_code=refusal.status,
            media_type=PROBLEM_JSON,
            headers={"Vary": "Origin"},
        )
