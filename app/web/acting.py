"""A page acts as the API would: through the API route's own gate, and refusals in words.

`gate(request, principal, "POST", "/v1/complaints/{complaint_id}/messages")` finds the `/v1` route
that does what the page is about to do and runs its permission object (`app.kit.access.Gate`):
the same permissions, the same brake on residents' writes. A page cannot hold a permission of its
own, so the role matrix of the API is the pages' matrix too.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute

from app.kit.access import Gate
from app.kit.errors import AppError
from app.kit.principals import Principal
from app.web.forms import FormErrors
from app.web.i18n import N_, Texts, texts_for
from app.web.rendering import PRIVATE, render


def gates_of(app: FastAPI) -> dict[tuple[str, str], Gate]:
    found: dict[tuple[str, str], Gate] | None = getattr(app.state, "api_gates", None)
    if found is not None:
        return found
    found = {}

    def walk(routes: Any) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                gates = [d.call for d in route.dependant.dependencies if isinstance(d.call, Gate)]
                for method in route.methods or ():
                    if gates:
                        found[(method, route.path)] = gates[0]
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes)

    walk(app.routes)
    app.state.api_gates = found
    return found


async def gate(request: Request, principal: Principal, method: str, path: str) -> Principal:
    """The principal as the `/v1` route `method path` would hold it after its gate."""
    checker = gates_of(request.app).get((method, path))
    if checker is None:  # a page naming a route that does not exist: a defect, found by tests
        raise LookupError(f"no API route {method} {path}")
    return await checker(request, principal)


def may(request: Request, principal: Principal, method: str, path: str) -> bool:
    """Whether the principal holds the permission of the `/v1` route `method path` (to show a
    form at all); the gate checks again, with the object rules, when the form is sent."""
    checker = gates_of(request.app).get((method, path))
    return checker is not None and bool(checker.permissions & principal.permissions)


# What a refusal means for a person, by status (the API's detail is for programmers).
_PAGES: dict[int, tuple[str, str]] = {
    400: (
        N_("This request could not be read"),
        N_("Go back, check what you entered and try again."),
    ),
    401: (
        N_("Please sign in again"),
        N_("For your safety you were signed out. Sign in again with your reference and receipt."),
    ),
    403: (N_("Not allowed"), N_("This action is not open to you on this case.")),
    404: (
        N_("Page not found"),
        N_(
            "There is nothing at this address. Check the address, or start again from the "
            "home page."
        ),
    ),
    405: (N_("Page not found"), N_("There is nothing at this address for this kind of request.")),
    409: (
        N_("This cannot be done now"),
        N_(
            "The case is in a state where this is no longer possible. Open your case to see "
            "where it stands."
        ),
    ),
    413: (
        N_("What you sent is too large"),
        N_(
            "A file or text you sent is larger than this service accepts. Send smaller files, "
            "or fewer at once; what you typed needs to be sent again."
        ),
    ),
    415: (
        N_("This kind of file is not accepted"),
        N_("Send documents as PDF, images as JPEG or PNG, or plain text."),
    ),
    429: (
        N_("Too many attempts"),
        N_(
            "Too many requests came from your connection in a short time. Wait a minute, then "
            "try again. Nothing you already sent is lost."
        ),
    ),
    503: (
        N_("The service is busy"),
        N_(
            "The service cannot answer right now. Please try again in a few minutes. Nothing "
            "you already sent is lost."
        ),
    ),
}
_UNEXPECTED = (
    N_("Something went wrong on our side"),
    N_(
        "The service could not complete this request. Nothing was changed. Please try again "
        "later, or contact the office."
    ),
)


def error_page(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    """The page a person sees for a refusal or a failure, in their language."""
    texts = texts_for(request)
    title, message = _PAGES.get(status, _UNEXPECTED)
    context = {"status": status, "title": texts(title), "message": texts(message)}
    return render(
        request, "error.html", context, status_code=status, headers={**PRIVATE, **(headers or {})}
    )


def refusal_page(request: Request, exc: AppError) -> Response:
    return error_page(request, exc.status, exc.headers)


def general(exc: AppError, texts: Texts) -> FormErrors:
    """A refusal about the case as a whole, shown at the top of the case page."""
    message = _PAGES.get(exc.status, _UNEXPECTED)[1]
    return FormErrors(general=[texts(message)])


class FileRefused(Exception):
    """A file the attachments service refused, by name, with why in words."""

    _WHY = {
        409: N_("The case already holds as many files as it may, or the case is finished."),
        413: N_("The file is too large."),
        415: N_("This kind of file is not accepted, or the file is not what its name says."),
        422: N_(
            "The file name is not accepted (it must end in the extension of its type), or the "
            "file is empty."
        ),
    }

    def __init__(self, filename: str, error: AppError) -> None:
        super().__init__(filename)
        self.filename = filename
        self.error = error

    def message(self, texts: Texts) -> str:
        why = self._WHY.get(self.error.status, _UNEXPECTED[1])
        return texts("%(name)s: %(why)s", name=self.filename, why=texts(why))
