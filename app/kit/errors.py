"""Every error leaves as RFC 9457 application/problem+json.

Domain code raises an AppError subclass; one handler turns it into a problem document. Validation,
routing and unexpected errors get the same treatment, and never carry a stack trace or SQL.
"""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = logging.getLogger("ombuds.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://ombuds.dev/problems/"


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `body.contact.email`.")
    message: str
    type: str = Field(description="Machine-readable error kind, e.g. `string_too_long`.")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(examples=[PROBLEM_BASE + "invalid-transition"])
    title: str = Field(examples=["Action not allowed in this state"])
    status: int = Field(examples=[409])
    detail: str | None = Field(default=None, examples=["`close` is not allowed from `submitted`."])
    instance: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="Validation errors, if any.")


class AppError(Exception):
    status = 500
    slug = "internal-error"
    title = "Internal server error"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        return body


class BadRequest(AppError):
    status, slug, title = 400, "bad-request", "Bad request"


class CorsRefused(AppError):
    status, slug, title = 400, "cors-refused", "Cross-origin request refused"


class Unauthorized(AppError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None):
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="ombuds"'})


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(AppError):
    status, slug, title = 404, "not-found", "Not found"


class InvalidTransition(AppError):
    status, slug, title = 409, "invalid-transition", "Action not allowed in this state"


class Conflict(AppError):
    status, slug, title = 409, "conflict", "Conflicts with the complaint's current state"


class GuardFailed(AppError):
    status, slug, title = 409, "guard-failed", "A condition of this action is not met"


class PreconditionFailed(AppError):
    status, slug, title = 412, "precondition-failed", "The complaint has changed"


class RequestTimeout(AppError):
    status, slug, title = 408, "request-timeout", "Request timeout"


class PayloadTooLarge(AppError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class UnsupportedMediaType(AppError):
    status, slug, title = 415, "unsupported-media-type", "File type not accepted"


class Unprocessable(AppError):
    status, slug, title = 422, "validation-error", "The request is not valid"

    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None):
        super().__init__(detail)
        self.errors = errors

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        body = super().to_problem(instance)
        if self.errors:
            body["errors"] = self.errors
        return body


class HeadersTooLarge(AppError):
    status, slug, title = 431, "headers-too-large", "Request headers too large"


class PreconditionRequired(AppError):
    status, slug, title = 428, "precondition-required", "If-Match header required"


class TooManyRequests(AppError):
    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, retry_after: int):
        super().__init__(
            f"Too many requests from your address; try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
        )


class ServiceUnavailable(AppError):
    status, slug, title = 503, "unavailable", "Service unavailable"


# Paths that answer programs only: a refusal there is always a problem document.
_MACHINE_PATHS = ("/v1/", "/openapi.json", "/healthz", "/readyz", "/metrics", "/docs", "/redoc")


def wants_page(path: str, accept: str | None) -> bool:
    """A refusal a person reads in a browser (a page path, asked for as HTML) is a page in
    their language (`app.state.page_errors`); everything else is problem+json."""
    return not path.startswith(_MACHINE_PATHS) and "text/html" in (accept or "")


def problem_response(error: AppError, request: Request | None = None) -> Response:
    instance = request.url.path if request is not None else None
    if request is not None and wants_page(request.url.path, request.headers.get("accept")):
        page = getattr(request.app.state, "page_errors", None)
        if page is not None:
            response: Response = page(request, error.status, error.headers)
            return response
    body = error.to_problem(instance)
    headers = error.headers
    # In the caller's language when it names one (app.state.problem_language: app/web/problems.py).
    translate = getattr(request.app.state, "problem_language", None) if request else None
    if translate is not None and request is not None and "accept-language" in request.headers:
        lang = translate(request, body)
        headers = {**headers, "Vary": "Accept-Language"}
        if lang is not None:
            headers["Content-Language"] = lang
    return JSONResponse(body, status_code=error.status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    errors = []
    for err in exc.errors():
        # Never echo the rejected input back: it may be personal data.
        errors.append(
            {"field": _field_path(err.get("loc", ())), "message": err["msg"], "type": err["type"]}
        )
    return errors


def _allowed_methods(request: Request) -> list[str]:
    """Every method any route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        route_methods = getattr(route, "methods", None)
        if match is not Match.NONE and route_methods:
            methods |= set(route_methods)
    return sorted(methods)


_STATUS_ERRORS: dict[int, type[AppError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    413: PayloadTooLarge,
}


_FRAMEWORK_DETAILS = {
    400: "The request could not be read.",
    401: "Sign in: send a valid bearer token.",
    403: "You may not do this.",
    404: "Nothing exists at this address.",
    405: "{method} is not allowed here: the Allow header lists what is.",
    413: "The request body is too large.",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        fields = ", ".join(sorted({e["field"] for e in errors}))
        return problem_response(Unprocessable(f"Invalid fields: {fields}.", errors), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        # The framework's own refusals: its detail when it says more than the status phrase.
        said = str(exc.detail) if exc.detail else ""
        if said == HTTPStatus(exc.status_code).phrase:
            said = ""
        default = _FRAMEWORK_DETAILS.get(exc.status_code, "The request was refused.")
        detail = said or default.format(method=request.method)
        cls = _STATUS_ERRORS.get(exc.status_code)
        if cls is not None:
            error: AppError = cls(detail)
        else:
            error = AppError(detail)
            error.status = exc.status_code
            error.slug = f"http-{exc.status_code}"
            error.title = HTTPStatus(exc.status_code).phrase
        if exc.headers:
            error.headers.update(exc.headers)
        if exc.status_code == 405:
            error.headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem_response(error, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # The frames, for the operator; not the message, which may quote personal data.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error(
            "unhandled %s on %s %s\n%s",
            type(exc).__name__,
            request.method,
            request.url.path,
            frames,
        )
        return problem_response(AppError("An unexpected error occurred."), request)


# OpenAPI: declare the problem responses a route can return.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    descriptions = {
        400: "The body could not be read (not UTF-8 or not JSON)",
        401: "Missing, invalid or expired token",
        403: "The caller's role may not do this",
        404: "Not found, or outside the caller's reach",
        409: "Not allowed in the complaint's current state (workflow, assignment or recusal)",
        412: "The If-Match ETag is stale",
        413: "Request body too large",
        415: "File type not accepted, or not what the file really is",
        422: "Invalid input; `errors` names each field",
        428: "If-Match header missing",
        429: "Too many requests from this address; see Retry-After",
        503: "Database unavailable",
    }
    return {
        s: {
            "description": descriptions[s],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for s in statuses
    }


def response_headers(**described: str) -> dict[str, Any]:
    """OpenAPI headers of a success response: name -> description."""
    return {
        "headers": {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in described.items()
        }
    }


# The problems each kind of route answers, as the OpenAPI document declares them.
CASE_WRITE = problem_responses(400, 401, 403, 404, 409, 413, 422, 503)
CASE_READ = problem_responses(401, 403, 404, 422, 503)
# Reads every role that reaches the case may make: out of reach is the only refusal.
OPEN_CASE_READ = problem_responses(401, 404, 422, 503)
LIST_READ = problem_responses(401, 403, 422, 503)
VERSIONED_WRITE = problem_responses(400, 401, 403, 404, 409, 412, 413, 422, 428, 503)


def created(
    location: str, problems: dict[int | str, dict[str, Any]], links: dict[str, Any] | None = None
) -> dict[int | str, Any]:
    """The responses of a route that creates: 201 with its Location (and the OpenAPI links to
    what a client does next with what was created), and its problems."""
    response = response_headers(Location=location)
    if links:
        response["links"] = links
    return {201: response, **problems}


def case_links(*operations: str) -> dict[str, Any]:
    """OpenAPI links from a response that holds a case's `id` to operations on that case."""
    return {
        operation: {
            "operationId": operation,
            "parameters": {"complaint_id": "$response.body#/id"},
            "description": "The case this response created.",
        }
        for operation in operations
    }
