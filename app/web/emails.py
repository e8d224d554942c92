"""The one-click link in every email to a complainant or a staff member (RFC 8058).

GET shows what the link stops and a button; POST stops it. A mail program that supports one-click
unsubscribing posts `List-Unsubscribe=One-Click` to the same address on its own, with no cookie
and no sign-in: the link's signature is the authority (app.notifications.links), so this POST
carries no CSRF token. A GET never changes anything (mail scanners open links). A link that is
not one this service signed, or whose notification is gone with its case, gets a page that says
so, in the reader's language.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.db import transaction
from app.notifications import choices
from app.notifications.links import notification_of
from app.web.rendering import PRIVATE, render

router = APIRouter(include_in_schema=False)

_NOT_FOUND = "SELECT recipient FROM notifications WHERE id = %(id)s"


async def _recipient(request: Request, notification_id: int) -> str | None:
    async with transaction(request) as tx:
        row = await (await tx.execute(_NOT_FOUND, {"id": notification_id})).fetchone()
    return str(row["recipient"]).partition(":")[0] if row else None


def _unknown(request: Request) -> Response:
    return render(
        request, "unsubscribe.html", {"state": "unknown"}, status_code=404, headers=PRIVATE
    )


@router.get("/unsubscribe/{token}")
async def confirm(request: Request, token: str) -> Response:
    notification_id = notification_of(request.app.state.settings, token)
    role = await _recipient(request, notification_id) if notification_id is not None else None
    if role not in ("complainant", "staff"):
        return render(
            request, "unsubscribe.html", {"state": "unknown"}, status_code=404, headers=PRIVATE
        )
    context = {"state": "ask", "role": role, "token": token}
    return render(request, "unsubscribe.html", context, headers=PRIVATE)


@router.post("/unsubscribe/{token}")
async def stop(request: Request, token: str) -> Response:
    notification_id = notification_of(request.app.state.settings, token)
    stopped = None
    if notification_id is not None:
        async with transaction(request) as tx:
            stopped = await choices.stop(tx, notification_id)
    if stopped is None:
        return render(
            request, "unsubscribe.html", {"state": "unknown"}, status_code=404, headers=PRIVATE
        )
    return render(
        request, "unsubscribe.html", {"state": "stopped", "what": stopped}, headers=PRIVATE
    )
