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


# The names a file of each type may carry: a file is downloaded under its name, and the reader's
# computer opens it by its extension, so `notes.html` declared as text/plain would open as a page.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
    "text/plain": (".txt",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "audio/mpeg": (".mp3",),
    "audio/ogg": (".ogg", ".oga", ".opus"),
}

# Characters that reorder or hide what a name shows (`evil\u202etxt.exe` reads as `evilexe.txt`):
# bidirectional embeddings, overrides and isolates, marks, and other invisible formatting.
_HIDDEN = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)


def name_problem(filename: str, content_type: str) -> str | None:
    """What is wrong with a file's name for its type, or None."""
    if any(char in _HIDDEN for char in filename):
        return "the name holds invisible characters that change how it reads"
    endings = EXTENSIONS.get(content_type)
    if endings is not None and not filename.lower().endswith(endings):
        return f"a {content_type} file's name must end in {' or '.join(endings)}"
    return None
