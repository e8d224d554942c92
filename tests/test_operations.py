"""How the service starts and what it writes down: configuration errors and the access log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from app.accesslog import truncate_address
from app.config import ConfigurationError, Settings, load_settings
from tests.conftest import serving

# A secret an operator has just set (strong enough), and one set too short.
STRONG = "Q7xZ2vK9wP4mR8tY1nB6cJ3hL5dF0gSqW"
WEAK = "Vx9Qk2ZpJ7"


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("OMBUDS_")}
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        capture_output=True,
        text=True,
        env={**base, "DATABASE_URL": "postgresql://nowhere.invalid/x", **env},
        timeout=60,
    )


def test_production_start_names_every_problem_at_once_and_no_secret() -> None:
    out = _start(
        OMBUDS_ENVIRONMENT="production",
        OMBUDS_JWT_SECRET=STRONG,
        OMBUDS_RECEIPT_KEY=WEAK,
        OMBUDS_DB_POOL_MIN="k3Zq9",
        OMBUDS_DEPARTMENTS="[Hq7xZ",
    )
    text = out.stdout + out.stderr
    assert out.returncode != 0
    assert "Traceback" not in text and "input_value" not in text
    assert text.strip().splitlines() == [
        "ombuds: the configuration is not valid:",
        "  - OMBUDS_DB_POOL_MIN: Input should be a valid integer, unable to parse string as an "
        "integer",
        "  - OMBUDS_DEPARTMENTS: is not valid JSON",
        "  - OMBUDS_RECEIPT_KEY: must be set to a secret of at least 32 characters outside "
        "development",
        "  - OMBUDS_AUDIT_KEY: must be set to a secret of at least 32 characters outside "
        "development",
        "  - OMBUDS_IDENTITY_KEYS: must be set outside development",
    ]
    # No part of any value given shows: not the secrets, not their tails, not the bad values.
    for value in (STRONG, WEAK, "k3Zq9", "[Hq7xZ"):
        for start in range(len(value) - 2):
            assert value[start : start + 3] not in text, value


def test_secrets_that_are_equal_are_named_together() -> None:
    out = _start(
        OMBUDS_ENVIRONMENT="production",
        OMBUDS_JWT_SECRET=STRONG,
        OMBUDS_RECEIPT_KEY=STRONG,
        OMBUDS_AUDIT_KEY=STRONG + "-audit",
        OMBUDS_IDENTITY_KEYS="k1:not*base64",
        OMBUDS_TRUSTED_PROXIES="none",
    )
    assert out.returncode != 0
    assert out.stderr.strip().splitlines()[1:] == [
        "  - OMBUDS_IDENTITY_KEYS: key number 1 is not base64",
        "  - OMBUDS_JWT_SECRET, OMBUDS_RECEIPT_KEY and OMBUDS_AUDIT_KEY: must all differ",
    ]
    assert STRONG[-8:] not in out.stderr


def test_load_settings_raises_one_error_with_the_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMBUDS_PAGE_SIZE_DEFAULT", "500")
    monkeypatch.setenv("OMBUDS_PAGE_SIZE_MAX", "100")
    monkeypatch.setenv("OMBUDS_DP_EPSILON_PER_MONTH", "0.1")
    monkeypatch.setenv("OMBUDS_RETENTION_YEARS", '{"ombudsperson": {"findings": 10}}')
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert caught.value.problems == [
        "OMBUDS_DP_EPSILON_MAX_PER_RELEASE: exceeds the monthly budget "
        "(OMBUDS_DP_EPSILON_PER_MONTH)",
        "OMBUDS_RETENTION_YEARS: needs, for each track, `findings` and `other`, "
        "each 1 to 100 years",
        "OMBUDS_PAGE_SIZE_DEFAULT: must not exceed OMBUDS_PAGE_SIZE_MAX",
    ]
    assert caught.value.code != 0


def test_a_valid_environment_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMBUDS_DEPARTMENTS", '["Housing", "Police"]')
    assert load_settings().departments == ["Housing", "Police"]


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("203.0.113.57:51234", "203.0.113.0"),
        ("203.0.113.57", "203.0.113.0"),
        ("[2001:db8:1:2::5]:443", "2001:db8:1::"),
        ("2001:db8:1:2::5", "2001:db8:1::"),
        ("unix-socket", "-"),
        ("", "-"),
    ],
)
def test_client_addresses_are_truncated(address: str, kept: str) -> None:
    assert truncate_address(address) == kept


def _served_log(settings: Settings, database_url: str, *flags: str) -> str:
    with serving(
        settings,
        database_url,
        "--log-level",
        "info",
        *flags,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as (base, proc):
        assert httpx.get(base + "/healthz").status_code == 200
    assert proc.stdout is not None
    return proc.stdout.read().decode()


def _health_lines(log: str) -> list[dict[str, Any]]:
    """The request lines of /healthz (every line of the log is a JSON object)."""
    lines = [json.loads(line) for line in log.splitlines()]
    return [e for e in lines if e["logger"] == "ombuds.request" and e["route"] == "/healthz"]


def test_request_lines_hold_no_client_address_unless_asked_and_then_a_truncated_one(
    settings: Settings, database_url: str
) -> None:
    quiet = _served_log(settings, database_url)
    assert "Application startup complete" in quiet  # uvicorn's own lines are in the log
    lines = _health_lines(quiet)
    assert lines and all("client" not in line for line in lines), quiet
    assert "127.0.0" not in json.dumps(lines)

    logged = _served_log(settings, database_url, "--access-log")
    lines = _health_lines(logged)
    assert lines and all(line["client"] == "127.0.0.0" for line in lines), logged
    assert "127.0.0.1" not in json.dumps(lines)
