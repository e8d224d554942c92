"""The console's routes, gathered for the app (app/main.py includes them after the API's)."""

from __future__ import annotations

from fastapi import APIRouter

from app.web.console import case, inbox, signin

router = APIRouter(include_in_schema=False)
router.include_router(signin.router)
router.include_router(inbox.router)
router.include_router(case.router)
