"""The signed one-click link that stops emails (RFC 8058), one per notification.

The link names the notification and carries an HMAC of its id under a key of its own, derived
from the token secret: it cannot be guessed or altered, says nothing of the case, and needs no
cookie or sign-in (a mail program posts to it on its own). What it stops follows from the
notification: the complainant's emails about that case, or that kind for a staff member.
"""

from __future__ import annotations

import base64
import hmac
from hashlib import sha256

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import Settings

_PURPOSE = b"ombuds one-click unsubscribe link"


def _key(settings: Settings) -> bytes:
    secret = settings.jwt_secret.get_secret_value().encode()
    return HKDF(hashes.SHA256(), 32, salt=None, info=_PURPOSE).derive(secret)


def _mac(settings: Settings, notification_id: int) -> str:
    digest = hmac.new(_key(settings), str(notification_id).encode(), sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def unsubscribe_token(settings: Settings, notification_id: int) -> str:
    return f"{notification_id}.{_mac(settings, notification_id)}"


def notification_of(settings: Settings, token: str) -> int | None:
    """The notification a token names, or None when it is not one this service signed."""
    number, _, mac = token.partition(".")
    if not number.isdigit() or len(number) > 19:
        return None
    notification_id = int(number)
    return notification_id if hmac.compare_digest(mac, _mac(settings, notification_id)) else None
