"""Secrets from files: `<VARIABLE>_FILE` beside each secret setting, and a secrets directory.

A secret in an environment variable shows in `/proc/<pid>/environ`, in `docker inspect` and in
what a crash reporter collects; orchestrators hand secrets over as files instead (Docker and
Kubernetes mount them under `/run/secrets`). So every secret setting (each `SecretStr` field, and
the database URLs, which carry a password) may also come from

* `<VARIABLE>_FILE`, the path of a file holding it (`OMBUDS_AUDIT_KEY_FILE=/run/secrets/audit`,
  `DATABASE_URL_FILE=...`), or
* a file named after the variable in `OMBUDS_SECRETS_DIR` (`/run/secrets/OMBUDS_AUDIT_KEY`; the
  name's case does not matter), used only when neither the variable nor its `_FILE` is set.

Trailing line ends are dropped. A variable set together with its `_FILE`, or a file that cannot be
used (missing, unreadable, empty, not UTF-8, over 64 KiB), is a configuration problem named by its
variable among the others (`app.config`), never quoting what the file holds.

This is a pydantic-settings source placed before the environment's, so that the problem it reports
for a field replaces whatever value the environment gives that field.
"""

from __future__ import annotations

import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, DotEnvSettingsSource
from pydantic_settings.sources import PydanticBaseEnvSettingsSource

SECRETS_DIR = "OMBUDS_SECRETS_DIR"
# Settings that are secrets though not typed as such (a database URL holds its password).
URL_SECRETS = frozenset({"database_url", "migration_database_url"})
MAX_BYTES = 64 * 1024  # a key or a URL; a bigger file is a mistake (or /dev/zero)


@dataclass(frozen=True)
class FileProblem:
    """Stands in for a setting whose file could not be used: validating it raises `message`."""

    message: str


def is_secret(name: str, field: FieldInfo) -> bool:
    """A `SecretStr` field (alone, optional or in a union), or one of the database URLs."""
    return name in URL_SECRETS or _mentions_secret(field.annotation)


def _mentions_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType or origin is typing.Annotated:
        return any(_mentions_secret(arg) for arg in typing.get_args(annotation))
    return False


def read_secret(path: Path, where: str) -> str | FileProblem:
    """The text of a secret's file, without its trailing line ends; or what is wrong with it
    (`where` says which file, for the message)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return FileProblem(f"{where} cannot be read: {exc.strerror or type(exc).__name__}")
    if len(raw) > MAX_BYTES:
        return FileProblem(f"{where} is larger than {MAX_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return FileProblem(f"{where} is not UTF-8 text")
    if not text:
        return FileProblem(f"{where} is empty")
    return text


class SecretFilesSource(PydanticBaseEnvSettingsSource):
    """`<VARIABLE>_FILE` and `OMBUDS_SECRETS_DIR`, for the secret settings only."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        # What the environment and the .env file say (the environment wins, as for values).
        dotenv = DotEnvSettingsSource(settings_cls, case_sensitive=False).env_vars
        given = {**dotenv, **{name.lower(): value for name, value in os.environ.items()}}
        self.given = {name: value for name, value in given.items() if value}
        self.directory: Path | None = None
        self.directory_problem: FileProblem | None = None
        named = self.given.get(SECRETS_DIR.lower())
        if named:
            directory = Path(named)
            if directory.is_dir() and os.access(directory, os.R_OK | os.X_OK):
                self.directory = directory
            else:
                self.directory_problem = FileProblem(
                    f"{directory} is not a directory ombuds can read"
                )

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        infos = self._extract_field_info(field, field_name)
        key = infos[0][0]
        if not is_secret(field_name, field):
            return None, key, False
        names = [env_name for _, env_name, _ in infos]
        for field_key, env_name, _ in infos:
            path = self.given.get(f"{env_name}_file")
            if path is None:
                continue
            variable = env_name.upper()
            if any(name in self.given for name in names):
                return (
                    FileProblem(f"set either {variable} or {variable}_FILE, not both"),
                    key,
                    False,
                )
            where = f"the file {variable}_FILE names ({path})"
            return read_secret(Path(path), where), field_key, False
        if self.directory is None or any(name in self.given for name in names):
            return None, key, False
        for field_key, env_name, _ in infos:
            found = self._in_directory(env_name)
            if found is not None:
                return read_secret(found, f"{found} (in {SECRETS_DIR})"), field_key, False
        return None, key, False

    def _in_directory(self, env_name: str) -> Path | None:
        assert self.directory is not None
        for entry in sorted(self.directory.iterdir()):
            if entry.name.lower() == env_name and not entry.name.startswith("."):
                return entry
        return None

    def __call__(self) -> dict[str, Any]:
        data = super().__call__()
        if self.directory_problem is not None:
            data["secrets_dir"] = self.directory_problem
        return data
