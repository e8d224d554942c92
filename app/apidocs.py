"""The interactive API docs: Swagger UI at `/docs`, served by the service itself.

FastAPI's own page loads Swagger UI from a CDN (blank offline) and starts it with an inline
script, which a strict Content-Security-Policy refuses. This page loads Swagger UI's files as
the fastapi-offline package ships them, and starts it from a file of ours (`init.js`), all from
this origin: its policy (`DOCS_POLICY` in app/middleware.py) allows scripts and styles from
`'self'` only. Outside the API's contract (no operation in the OpenAPI document); off with
`OMBUDS_API_DOCS=false`, as is `/openapi.json` (app/main.py).

No ReDoc: its styles are injected at run time (styled-components), which a policy without
`'unsafe-inline'` styles refuses, and Swagger UI already shows the whole contract.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"
OWN_DIR = Path(__file__).parent / "apidocs_static"
# Swagger UI's bundle and stylesheet: the `static` directory of the installed fastapi-offline.
SWAGGER_PACKAGE = ("fastapi_offline", "static")

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ombuds API</title>
<link rel="icon" type="image/png" href="{ASSETS}/favicon.png">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<noscript><p>These docs need JavaScript. The contract itself is at
<a href="/openapi.json">/openapi.json</a>.</p></noscript>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/init.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(PAGE)


def install(app: FastAPI) -> None:
    """`GET /docs` and its files under /docs/assets: ours first (init.js), then the package's."""
    app.include_router(router)
    # StaticFiles looks in each directory in turn (and refuses to start without the package's);
    # its ETag and Last-Modified let browsers keep the 1.5 MB bundle between visits.
    assets = StaticFiles(directory=OWN_DIR, packages=[SWAGGER_PACKAGE])
    app.mount(ASSETS, assets, name="docs-assets")
