"""Secrets from files: `<VARIABLE>_FILE`, and a directory of files named after the variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from jose import jwt

from app.config import ConfigurationError, Settings, load_settings

# Secrets an operator has just generated (strong enough, all different).
AUDIT = "audit-Q7xZ2vK9wP4mR8tY1nB6cJ3hL5dF0gSqW"
RECEIPT = "receipt-Hs8Lq2Nv6Xc1Zp9Tb4Wm7Rk3Jd5Fg0Ya"
JWT = "jwt-Ue3Pn7Vb2Kq9Ys4Ma6Xt1Lr8Gd5Hc0Wz"
IDENTITY = "k9:" + "TWF0Y2hlcy1hLTMyLWJ5dGUta2V5LW9mLW9tYnVkcyE="  # 32 bytes, base64
WEBHOOK = "whsec_" + "c2hhcmVkLXdpdGgtdGhlLXJlY2VpdmVyLTMyYnl0ZXM="
URL = "postgresql://ombuds_app:Pw9xLk2@db.example:5432/ombuds"
OWNER_URL = "postgresql://ombuds_owner:Zt4Qm8s@db.example:5432/ombuds"


@pytest.fixture(autouse=True)
def _bare_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing configured but what a test sets (and no .env file to read)."""
    for name in list(os.environ):
        if name.startswith("OMBUDS_") or name.startswith("DATABASE_URL"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def _file(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("variable", "field", "value"),
    [
        ("OMBUDS_AUDIT_KEY", "audit_key", AUDIT),
        ("OMBUDS_RECEIPT_KEY", "receipt_key", RECEIPT),
        ("OMBUDS_JWT_SECRET", "jwt_secret", JWT),
        ("OMBUDS_IDENTITY_KEYS", "identity_keys", IDENTITY),
        ("OMBUDS_MONITORING_SECRET", "monitoring_secret", WEBHOOK),
        ("DATABASE_URL", "database_url", URL),
        ("OMBUDS_DATABASE_URL", "database_url", URL),
        ("OMBUDS_MIGRATION_DATABASE_URL", "migration_database_url", OWNER_URL),
    ],
)
def test_each_secret_comes_from_its_file_without_the_line_end(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, field: str, value: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@h/d")  # the owner URL needs it
    if variable.endswith("DATABASE_URL"):
        monkeypatch.delenv("DATABASE_URL")
    if variable == "OMBUDS_MIGRATION_DATABASE_URL":
        monkeypatch.setenv("DATABASE_URL", URL)
    path = _file(tmp_path, "secret", value + "\n")
    monkeypatch.setenv(f"{variable}_FILE", str(path))
    got = getattr(load_settings(), field)
    assert (got if isinstance(got, str) else got.get_secret_value()) == value


def test_a_windows_line_end_and_blank_lines_go_but_inner_spaces_stay(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OMBUDS_AUDIT_KEY_FILE", str(_file(tmp_path, "a", " a key  \r\n\n")))
    assert load_settings().audit_key.get_secret_value() == " a key  "


def test_a_secrets_directory_holds_files_named_after_the_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    _file(secrets, "OMBUDS_AUDIT_KEY", AUDIT + "\n")
    _file(secrets, "ombuds_receipt_key", RECEIPT)  # the name's case does not matter
    _file(secrets, "DATABASE_URL", URL + "\n")
    _file(secrets, "OMBUDS_JWT_SECRET", "from-the-directory-" + JWT)
    _file(secrets, "OMBUDS_REFERENCE_PREFIX", "XYZ")  # not a secret: not read from here
    monkeypatch.setenv("OMBUDS_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("OMBUDS_JWT_SECRET", JWT)  # the variable wins over the directory
    settings = load_settings()
    assert settings.audit_key.get_secret_value() == AUDIT
    assert settings.receipt_key.get_secret_value() == RECEIPT
    assert settings.database_url == URL
    assert settings.jwt_secret.get_secret_value() == JWT
    assert settings.reference_prefix == "HRC"
    assert settings.secrets_dir == secrets


def test_a_file_named_by_the_variable_wins_over_the_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    _file(secrets, "OMBUDS_AUDIT_KEY", "the directory's " + AUDIT)
    monkeypatch.setenv("OMBUDS_SECRETS_DIR", str(secrets))
    monkeypatch.setenv("OMBUDS_AUDIT_KEY_FILE", str(_file(tmp_path, "audit", AUDIT)))
    assert load_settings().audit_key.get_secret_value() == AUDIT


def test_every_problem_with_files_is_named_at_once_and_no_content(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OMBUDS_ENVIRONMENT", "production")
    monkeypatch.setenv("OMBUDS_TRUSTED_PROXIES", "none")
    # Set twice: the variable and a file (whose content must not show).
    monkeypatch.setenv("OMBUDS_AUDIT_KEY", AUDIT)
    monkeypatch.setenv("OMBUDS_AUDIT_KEY_FILE", str(_file(tmp_path, "audit", RECEIPT)))
    # A file that is not there, a directory, an empty file.
    monkeypatch.setenv("DATABASE_URL_FILE", str(tmp_path / "missing"))
    monkeypatch.setenv("OMBUDS_RECEIPT_KEY_FILE", str(tmp_path))
    monkeypatch.setenv("OMBUDS_JWT_SECRET_FILE", str(_file(tmp_path, "empty", "\n")))
    monkeypatch.setenv("OMBUDS_IDENTITY_KEYS_FILE", str(_file(tmp_path, "ids", IDENTITY)))
    monkeypatch.setenv("OMBUDS_SECRETS_DIR", str(tmp_path / "no-such-directory"))
    monkeypatch.setenv("OMBUDS_PAGE_SIZE_MAX", "many")  # a problem of another kind, beside
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert caught.value.problems == [
        f"DATABASE_URL: the file DATABASE_URL_FILE names ({tmp_path}/missing) cannot be read: "
        "No such file or directory",
        f"OMBUDS_SECRETS_DIR: {tmp_path}/no-such-directory is not a directory ombuds can read",
        f"OMBUDS_JWT_SECRET: the file OMBUDS_JWT_SECRET_FILE names ({tmp_path}/empty) is empty",
        f"OMBUDS_RECEIPT_KEY: the file OMBUDS_RECEIPT_KEY_FILE names ({tmp_path}) cannot be "
        "read: Is a directory",
        "OMBUDS_AUDIT_KEY: set either OMBUDS_AUDIT_KEY or OMBUDS_AUDIT_KEY_FILE, not both",
        "OMBUDS_PAGE_SIZE_MAX: Input should be a valid integer, unable to parse string as an "
        "integer",
    ]
    text = str(caught.value)
    for secret in (AUDIT, RECEIPT, IDENTITY):
        for start in range(len(secret) - 3):
            assert secret[start : start + 4] not in text, secret


def test_a_file_too_big_or_not_text_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"k" * (64 * 1024 + 1))
    monkeypatch.setenv("OMBUDS_AUDIT_KEY_FILE", str(big))
    binary = tmp_path / "binary"
    binary.write_bytes(b"\xff\xfe\x00key")
    monkeypatch.setenv("OMBUDS_RECEIPT_KEY_FILE", str(binary))
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert caught.value.problems == [
        f"OMBUDS_RECEIPT_KEY: the file OMBUDS_RECEIPT_KEY_FILE names ({binary}) is not UTF-8 text",
        f"OMBUDS_AUDIT_KEY: the file OMBUDS_AUDIT_KEY_FILE names ({big}) is larger than 64 KiB",
    ]


def test_the_owner_url_needs_the_service_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMBUDS_MIGRATION_DATABASE_URL", OWNER_URL)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert caught.value.problems == [
        "OMBUDS_MIGRATION_DATABASE_URL: needs DATABASE_URL (the service's role)"
    ]


def test_settings_given_in_code_need_no_file() -> None:
    assert Settings(audit_key=AUDIT).audit_key.get_secret_value() == AUDIT


def test_a_production_command_runs_with_every_secret_from_a_directory(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    for name, value in [
        ("OMBUDS_JWT_SECRET", JWT),
        ("OMBUDS_RECEIPT_KEY", RECEIPT),
        ("OMBUDS_AUDIT_KEY", AUDIT),
        ("OMBUDS_IDENTITY_KEYS", IDENTITY),
    ]:
        _file(secrets, name, value + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMBUDS_", "DATABASE_URL"))}
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "token", "--sub", "alice", "--role", "auditor"],
        capture_output=True,
        text=True,
        env={
            **env,
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "OMBUDS_ENVIRONMENT": "production",
            "OMBUDS_TRUSTED_PROXIES": "none",
            "OMBUDS_SECRETS_DIR": str(secrets),
        },
        cwd=tmp_path,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    claims = jwt.decode(out.stdout.strip(), JWT, algorithms=["HS256"], audience="ombuds-api")
    assert claims["sub"] == "alice"
