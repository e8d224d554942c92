"""The README's first walk runs as written, against a real server."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from app.config import Settings
from tests.conftest import process_env

ROOT = Path(__file__).resolve().parents[1]


def _walk() -> str:
    readme = (ROOT / "README.md").read_text()
    found = re.search(r"<!-- walk:start -->\n```sh\n(.*?)```\n<!-- walk:end -->", readme, re.S)
    assert found, "the README lost its walk"
    return found.group(1)


def test_the_first_walk_runs_as_written(
    live_server: str, database_url: str, settings: Settings
) -> None:
    if not (ROOT / ".venv" / "bin" / "ombuds").exists():
        pytest.fail("the walk uses .venv/bin/ombuds: run the suite with `make test`")
    env = process_env(settings, database_url, API=live_server)
    done = subprocess.run(  # noqa: S603 (bash running the README's own walk)
        ["bash", "-euo", "pipefail", "-c", _walk()],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["submitted", "acknowledged"]
