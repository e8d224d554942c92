"""Which files are accepted, checked against their first bytes: a declared type must be the real
one, so a script cannot arrive labelled as a PDF."""

from __future__ import annotations

from collections.abc import Callable

_ZIP = b"PK\x03\x04"


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


ACCEPTED: dict[str, Callable[[bytes], bool]] = {
    "application/pdf": lambda d: d.startswith(b"%PDF-"),
    "image/png": lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda d: d.startswith(b"\xff\xd8\xff"),
    "image/webp": lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP",
    "text/plain": _utf8,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        lambda d: d.startswith(_ZIP)
    ),
    "application/vnd.oasis.opendocument.text": lambda d: d.startswith(_ZIP),
    "audio/mpeg": lambda d: d.startswith(b"ID3") or d[:2] in (b"\xff\xfb", b"\xff\xf3"),
    "audio/ogg": lambda d: d.startswith(b"OggS"),
}


def matches(content_type: str, data: bytes) -> bool:
    check = ACCEPTED.get(content_type)
    return check is not None and check(data)
