"""Where attachment bytes live. One small interface, so object storage can be added beside the
local directory without touching the routes."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Protocol
from uuid import UUID

import anyio


class Storage(Protocol):
    async def put(self, key: UUID, data: bytes) -> None: ...

    async def get(self, key: UUID) -> bytes: ...

    async def delete(self, key: UUID) -> None: ...

    async def older_than(self, seconds: float) -> list[UUID]: ...


class LocalStorage:
    """Files under a directory, two levels of fan-out, written atomically (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root.absolute()

    def _path(self, key: UUID) -> Path:
        name = key.hex
        return self.root / name[-2:] / name[-4:-2] / name

    async def put(self, key: UUID, data: bytes) -> None:
        await anyio.to_thread.run_sync(self._put, key, data)

    def _put(self, key: UUID, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def get(self, key: UUID) -> bytes:
        return await anyio.to_thread.run_sync(self._path(key).read_bytes)

    async def delete(self, key: UUID) -> None:
        await anyio.to_thread.run_sync(lambda: self._path(key).unlink(missing_ok=True))

    async def older_than(self, seconds: float) -> list[UUID]:
        """Keys of the files last written more than `seconds` ago (for the orphan sweep)."""
        return await anyio.to_thread.run_sync(self._older_than, seconds)

    def _older_than(self, seconds: float) -> list[UUID]:
        if not self.root.is_dir():
            return []
        cutoff = time.time() - seconds
        keys = []
        for path in self.root.glob("*/*/*"):
            if path.name.startswith(".") or path.stat().st_mtime > cutoff:
                continue
            try:
                keys.append(UUID(hex=path.name))
            except ValueError:
                continue  # not ours
        return keys
