"""The application factory: routers, error handlers, middleware and the database pool."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import psycopg
from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.routing import BaseRoute

from app import apidocs, export, migrate, observability, ratelimit, worker
from app.attachments.router import router as attachments_router
from app.attachments.storage import LocalStorage
from app.audit.router import router as audit_router
from app.auth.tokens import Verifier
from app.complaints.router import router as complaints_router
from app.complaints.schemas import ComplaintIn
from app.config import Settings, get_settings
from app.contract import Contract, known_query_only
from app.crypto import Sealer
from app.datasubject.erasure_router import router as erasure_router
from app.db import libpq_url, make_pool, resolve_database_url
from app.deadlines.router import router as deadlines_router
from app.findings.router import router as findings_router
from app.hearings.router import router as hearings_router
from app.identity.router import router as identity_router
from app.investigations.router import router as investigations_router
from app.kit.access import Gate
from app.kit.errors import Problem, ServiceUnavailable, install_error_handlers, problem_responses
from app.kit.permissions import PERMISSIONS, Role
from app.mediation.router import router as mediation_router
from app.messages.router import router as messages_router
from app.middleware import LimitsAndHeaders, ProblemCORS, page_policy
from app.notifications.router import router as notifications_router
from app.records.router import router as records_router
from app.reference import router as reference_router
from app.remedies.router import router as remedies_router
from app.retaliation.router import router as retaliation_router
from app.retention.router import router as retention_router
from app.search.router import router as search_router
from app.statistics.router import router as statistics_router
from app.web import acting, emails, i18n, pages, problems, rendering, residents
from app.web.console.routes import router as console_router

log = logging.getLogger("ombuds")

DESCRIPTION = """
The complaint, ombudsperson and redress service of a Human Rights City.

* **Residents** file complaints (anonymously if they wish) and follow them with a secret receipt.
* **Ombudsperson staff** and the **anti-corruption oversight body** move complaints through the
  workflow (`GET /v1/workflow`), each on their own track.
* Every error is RFC 9457 `application/problem+json`.
"""

TAGS = [
    {"name": "residents", "description": "Filing and following a complaint."},
    {"name": "case handling", "description": "Staff work on complaints."},
    {
        "name": "respondents",
        "description": "Municipal departments answer what is addressed to them.",
    },
    {"name": "oversight", "description": "The anti-corruption track's reporter protection."},
    {
        "name": "monitoring",
        "description": "Anonymized statistics, indicators and the annual report: never a person.",
    },
    {"name": "reference", "description": "Codes and the workflow, public."},
    {"name": "operations", "description": "Health and readiness probes."},
]


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    migrations: str


def _origin(url: str | None) -> str | None:
    """scheme://host[:port] of a URL (the identity provider's, for the pages' policy)."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = resolve_database_url(settings)
        app.state.expected_revisions = migrate.head_revisions(url)
        pool = make_pool(url, settings)
        await pool.open(wait=False)
        app.state.pool = pool
        # Everything built so far lives as long as the process: move it out of the collector's
        # sight, so full collections stay short and do not show up as tail latency.
        gc.collect()
        gc.freeze()
        # Requests allocate many short-lived objects; collecting the young generation every
        # 700 allocations (the default) is mostly wasted work for a server.
        gc.set_threshold(20_000, 20, 20)
        # A single-machine install can run the worker inside the server (`serve --with-worker`).
        stop, background = asyncio.Event(), None
        if settings.embedded_worker:
            background = asyncio.create_task(worker.work(settings, libpq_url(url), stop))
        try:
            yield
        finally:
            stop.set()
            if background is not None:
                await background
            await pool.close()

    app = FastAPI(
        title="ombuds",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        license_info={"name": "AGPL-3.0-or-later"},
        # No query parameter the contract does not declare, on any route (app/contract.py).
        dependencies=[Depends(known_query_only)],
        # FastAPI's docs load Swagger UI and ReDoc from a CDN; ours are local (app/apidocs.py).
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.api_docs else None,
    )
    app.state.contract = Contract(app, floor=settings.max_body_bytes)
    app.state.settings = settings
    install_error_handlers(app)
    # The routes before a route are tried on every request to it: the filing form first (two
    # routes), the API's filing next, the other residents' pages after the complaints' routes.
    app.include_router(residents.filing)
    app.include_router(reference_router)
    app.include_router(complaints_router)
    app.include_router(residents.router)
    app.include_router(messages_router)
    app.include_router(investigations_router)
    app.include_router(findings_router)
    app.include_router(remedies_router)
    app.include_router(deadlines_router)
    app.include_router(hearings_router)
    app.include_router(mediation_router)
    app.include_router(attachments_router)
    app.include_router(identity_router)
    app.include_router(retaliation_router)
    app.include_router(records_router)
    app.include_router(statistics_router)
    app.include_router(audit_router)
    app.include_router(retention_router)
    app.include_router(search_router)
    app.include_router(export.router)
    app.include_router(export.me_router)
    app.include_router(erasure_router)
    app.include_router(notifications_router)
    # The public pages (HTML, outside the API's contract) and their one stylesheet.
    app.include_router(pages.router)
    app.include_router(emails.router)
    app.include_router(console_router)
    app.mount("/static", StaticFiles(directory=rendering.STATIC_DIR), name="static")
    # A refusal on a page a browser reads is a page in the reader's language, not JSON.
    app.state.page_errors = acting.error_page
    # The API's problem documents in the language Accept-Language asks for.
    app.state.problem_language = problems.translate
    app.state.api_language = i18n.api_language
    if settings.api_docs:
        apidocs.install(app)

    @app.get("/healthz", tags=["operations"], summary="The process is up")
    async def healthz() -> Health:
        return Health(status="ok")

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="The database answers and its schema is at the latest migration",
        responses=problem_responses(503),
    )
    async def readyz(request: Request) -> Readiness:
        try:
            async with request.app.state.pool.connection(timeout=2) as conn:
                cur = await conn.execute("SELECT version_num FROM alembic_version")
                applied = {row["version_num"] for row in await cur.fetchall()}
        except (psycopg.Error, TimeoutError) as exc:
            if isinstance(exc, psycopg.errors.UndefinedTable):
                raise ServiceUnavailable("The database has no schema yet: run migrations.") from exc
            raise ServiceUnavailable("The database is not reachable.") from exc
        if applied != request.app.state.expected_revisions:
            raise ServiceUnavailable("The database schema is not at the latest migration.")
        return Readiness(status="ready", database="ok", migrations="head")

    # Schemas that routes reference by hand ($ref) rather than through a parameter: the problem
    # document of every error response, and the filing body (parsed by the route itself).
    app.openapi_schema = None
    _original_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = _original_openapi()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Problem, ComplaintIn):
            document = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in document.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components.setdefault(model.__name__, document)
        _declare_public_write_limits(app, schema)
        app.openapi_schema = schema
        return schema

    # FastAPI's documented way to extend the generated document: replace the method.
    app.openapi = openapi  # type: ignore[method-assign]

    # Our own body limit rather than FastAPI's max_body_size, which answers 413 in text/plain.
    app.add_middleware(
        LimitsAndHeaders,
        limit=settings.max_body_bytes,
        upload_limit=settings.attachment_max_bytes,
        body_rule=app.state.contract.body_rule,
        page_policy=page_policy(_origin(settings.oidc_issuer) if settings.oidc_client_id else None),
    )
    if settings.cors_origins:
        # Bearer tokens, no cookies: credentials are never allowed across origins.
        app.add_middleware(
            ProblemCORS,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "X-Request-ID"],
            expose_headers=["ETag", "Location", "Retry-After", "X-Request-ID"],
            max_age=600,
        )
    # Request ids, the request line and metrics, around everything; and GET /metrics.
    observability.install(app, settings)
    app.state.storage = LocalStorage(settings.attachments_dir)
    app.state.sealer = Sealer.from_settings(settings)
    app.state.verifier = Verifier(settings)
    app.state.public_writes = ratelimit.resident_writes
    return app


_PUBLIC_ROLES = (Role.complainant, Role.resident)


def _declare_public_write_limits(app: FastAPI, schema: dict[str, Any]) -> None:
    """The writes a complainant or resident may make are braked (app/ratelimit.py): their
    operations declare the 429 they may answer."""
    public = frozenset().union(*(PERMISSIONS[role] for role in _PUBLIC_ROLES))
    for route in api_routes(app.routes):
        gates = [d.call for d in route.dependant.dependencies if isinstance(d.call, Gate)]
        if not gates or not gates[0].permissions & public:
            continue
        for method in (route.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}:
            responses = schema["paths"][route.path][method.lower()]["responses"]
            responses.setdefault("429", problem_responses(429)[429])


def api_routes(routes: Sequence[BaseRoute]) -> list[APIRoute]:
    """Every API route, through the routers the app includes (their prefixes are on the routes).
    The route matrix test reads the declared permissions through this too."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += api_routes(route.original_router.routes)
    return found
