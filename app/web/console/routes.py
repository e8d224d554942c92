"""The console's routes, gathered for the app (app/main.py includes them after the API's)."""

from __future__ import annotations

from fastapi import APIRouter

from app.web.console import (
    case,
    dashboard,
    files,
    inbox,
    inquiries,
    portal,
    preferences,
    signin,
)
from app.web.console.sections import identity

router = APIRouter(include_in_schema=False)
router.include_router(signin.router)
router.include_router(inbox.router)
router.include_router(case.router)
router.include_router(files.router)
router.include_router(inquiries.router)
router.include_router(identity.router)
router.include_router(portal.router)
router.include_router(dashboard.router)
router.include_router(preferences.router)
