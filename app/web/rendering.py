"""Rendering a page: the template environments (one per language), what every page is given, and
the headers every page of a person's own case carries.

A city customises the pages by copying a template into `OMBUDS_TEMPLATES_DIR` and editing it
there: that directory is searched first, the shipped templates after it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.background import BackgroundTask

from app.config import Settings
from app.web.i18n import LANGUAGES, Texts, texts_for, translations

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
STYLESHEET = "/static/ombuds.css"
ICON = "/static/favicon.svg"

# A person's case, their receipt, a form they are filling in: kept by no cache, sent to no one.
PRIVATE = {"Cache-Control": "no-store"}


class Renderer:
    """The template environments of one app, one per language (translations are bound to an
    environment, so each language gets its own; templates are compiled once per language)."""

    def __init__(self, custom_dir: Path | None) -> None:
        folders = [str(custom_dir)] if custom_dir is not None else []
        self.loader = jinja2.FileSystemLoader([*folders, str(TEMPLATES_DIR)])
        self.environments: dict[str, jinja2.Environment] = {}

    def environment(self, lang: str) -> jinja2.Environment:
        env = self.environments.get(lang)
        if env is None:
            # Everything escaped by default; a missing variable is an error, not an empty text.
            env = jinja2.Environment(
                loader=self.loader,
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            # Added by the i18n extension at run time, so the type checker cannot see it.
            env.install_gettext_translations(  # type: ignore[attr-defined]
                translations(lang), newstyle=True
            )
            self.environments[lang] = env
        return env


def renderer(request: Request) -> Renderer:
    found: Renderer | None = getattr(request.app.state, "renderer", None)
    if found is None:
        settings: Settings = request.app.state.settings
        found = Renderer(settings.templates_dir)
        request.app.state.renderer = found
    return found


def language_links(request: Request, texts: Texts) -> list[dict[str, str]]:
    """The language switcher: a link per shipped language, back to the page it was on."""
    here = request.url.path
    return [
        {
            "code": code,
            "name": name,
            "href": f"/language?set={code}&next={quote(here, safe='/')}",
            "current": "true" if code == texts.lang else "",
        }
        for code, (name, _) in LANGUAGES.items()
    ]


def render_text(request: Request, name: str, context: dict[str, Any]) -> str:
    """A page as text, with what every page is given (see `render`)."""
    texts = texts_for(request)
    settings: Settings = request.app.state.settings
    page = {
        "lang": texts.lang,
        "dir": texts.direction,
        "t": texts,
        "stylesheet": STYLESHEET,
        "icon": ICON,
        "office": settings.office_name,
        "office_contact": settings.office_contact,
        "languages": language_links(request, texts),
        "path": request.url.path,
        **context,
    }
    return renderer(request).environment(texts.lang).get_template(name).render(page)


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    background: BackgroundTask | None = None,
) -> HTMLResponse:
    html = render_text(request, name, context)
    return HTMLResponse(html, status_code=status_code, headers=headers, background=background)
