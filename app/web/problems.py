"""The API's problem documents in the caller's language (RFC 9457 allows it; the `type` URI and
the field paths never change, so a program keeps matching on them).

Called for every problem the API answers when the request names a language (`Accept-Language`):
the title is looked up in the catalog, and so is the detail when it is one of the constant texts
the code raises (an f-string detail, which quotes values, stays English); field errors of a 422
get the words the pages use for the same kind of error. English, or no Accept-Language, costs
nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from app.web.forms import BY_TYPE
from app.web.i18n import DEFAULT, accepted, texts_in


def translate(request: Request, body: dict[str, Any]) -> str | None:
    """Translates `body` in place; the language it is now in, or None (left in English)."""
    lang = accepted(request.headers.get("accept-language"))
    if lang is None or lang == DEFAULT:
        return None
    texts = texts_in(lang)
    body["title"] = texts(body["title"])
    errors = body.get("errors")
    if errors:
        for error in errors:
            template = BY_TYPE.get(error.get("type", ""))
            if template is not None and "%(" not in template:
                error["message"] = texts(template)
        fields = ", ".join(sorted({e["field"] for e in errors}))
        body["detail"] = texts("Invalid fields: %(fields)s.", fields=fields)
    elif body.get("detail"):
        body["detail"] = texts.translations.gettext(body["detail"])
    return lang
