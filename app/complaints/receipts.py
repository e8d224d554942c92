"""Receipts: the complainant's secret for following a complaint.

160 random bits, written as eight groups of four base32 characters. Only a keyed hash
(HMAC-SHA256 with a server-side key) is stored: fast on the filing path, and useless to someone who
copies the database without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

RECEIPT_BYTES = 20  # 160 bits
_GROUP = 4
_DUMMY_HASH = bytes(32)


def new_receipt() -> str:
    raw = base64.b32encode(secrets.token_bytes(RECEIPT_BYTES)).decode("ascii")
    return "-".join(raw[i : i + _GROUP] for i in range(0, len(raw), _GROUP))


def normalize(receipt: str) -> str:
    """Accept what a person types: any case, with or without dashes and spaces."""
    return "".join(ch for ch in receipt.upper() if ch not in "- ")


def receipt_hash(key: bytes, receipt: str) -> bytes:
    return hmac.new(key, normalize(receipt).encode("ascii", "replace"), hashlib.sha256).digest()


def matches(key: bytes, receipt: str, stored: bytes | None) -> bool:
    """Constant-time comparison; an unknown reference costs the same as a wrong receipt."""
    candidate = receipt_hash(key, receipt)
    ok = hmac.compare_digest(candidate, stored if stored is not None else _DUMMY_HASH)
    return ok and stored is not None


def subject_of(reference: str) -> str:
    """Who a receipt login acts as: the case's reference, never a person."""
    return f"receipt:{reference}"
