"""The staff directory: a console sign-in keeps the person's name (and the provider's email);
`ombuds staff set` pins a name and email that later sign-ins do not overwrite; pages show names
instead of subject ids."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.conftest import complaint_body, process_env
from tests.web.console import browser_client, case_page, section_text, send, sign_in


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with browser_client(app) as c:
        yield c


def _row(db: Any, subject: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT name, email, roles, department, pinned FROM staff WHERE subject = %s", (subject,)
    ).fetchone()
    return dict(row) if row else None


def _ombuds(settings: Settings, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (this interpreter, the project's own command line)
        [sys.executable, "-m", "app.cli", *args],
        env=process_env(settings, database_url),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_sign_in_keeps_the_name_and_role(browser: httpx.AsyncClient, db: Any) -> None:
    await sign_in(browser, "cam", "ombudsperson_staff", name="  Cam   Diallo ")
    assert _row(db, "cam") == {
        "name": "Cam Diallo",
        "email": None,
        "roles": ["ombudsperson_staff"],
        "department": None,
        "pinned": False,
    }
    await sign_in(browser, "cam", "ombudsperson", name="Cam D.")
    assert _row(db, "cam") == {
        "name": "Cam D.",
        "email": None,
        "roles": ["ombudsperson"],
        "department": None,
        "pinned": False,
    }


async def test_the_command_line_pins_a_name_over_later_sign_ins(
    browser: httpx.AsyncClient, db: Any, settings: Settings, database_url: str
) -> None:
    done = _ombuds(
        settings, database_url, "staff", "set", "--sub", "dee", "--name", "Dee Okafor",
        "--email", "dee@city.example", "--role", "oversight_officer",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "dee: Dee Okafor <dee@city.example>"
    await sign_in(browser, "dee", "oversight_officer", name="dee from the provider")
    assert _row(db, "dee") == {
        "name": "Dee Okafor",
        "email": "dee@city.example",
        "roles": ["oversight_officer"],
        "department": None,
        "pinned": True,
    }
    refused = _ombuds(settings, database_url, "staff", "set", "--sub", "x", "--role", "resident")
    assert refused.returncode == 2
    assert "not a staff role: resident" in refused.stderr
    listed = _ombuds(settings, database_url, "staff", "list")
    assert "dee\tDee Okafor\tdee@city.example\toversight_officer" in listed.stdout.splitlines()


async def test_the_timeline_shows_names_not_ids(
    browser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    filed = (await client.post("/v1/complaints", json=complaint_body())).json()
    await sign_in(browser, "u-7f3a", "ombudsperson", name="Erin Moss")
    moved = await send(browser, filed["id"], "form-transition-acknowledge")
    assert moved.status_code == 303, moved.text
    timeline = section_text((await case_page(browser, filed["id"])).text, "timeline")
    assert "Erin Moss" in timeline
    assert "u-7f3a" not in timeline
