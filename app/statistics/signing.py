"""Signatures on statistics releases (Ed25519), so anyone holding a copy can check it is what the
office published.

The signing key is derived from the audit key (HKDF-SHA256 with its own label), so an office has
no further secret to keep; its public half is served at `/v1/releases/keys` and named in every
signature. What is signed is the release's canonical JSON: keys sorted, no spaces, UTF-8.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import Settings

ALGORITHM = "Ed25519"
_LABEL = b"ombuds statistics release signing key v1"


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class ReleaseKey:
    private: Ed25519PrivateKey

    @classmethod
    def from_settings(cls, settings: Settings) -> ReleaseKey:
        seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(
            settings.audit_key.get_secret_value().encode()
        )
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.public_bytes).hexdigest()[:16]

    def jwk(self) -> dict[str, str]:
        """The public key as a JSON Web Key (RFC 8037)."""
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(self.public_bytes),
            "kid": self.key_id,
            "use": "sig",
            "alg": "EdDSA",
        }

    def sign(self, document: dict[str, Any]) -> dict[str, str]:
        body = canonical(document)
        return {
            "algorithm": ALGORITHM,
            "key_id": self.key_id,
            "public_key": _b64url(self.public_bytes),
            "digest": "sha256:" + hashlib.sha256(body).hexdigest(),
            "value": base64.b64encode(self.private.sign(body)).decode(),
        }


def verify(document: dict[str, Any], signature: dict[str, str], public_key: bytes) -> bool:
    """What a reader does with a release and the office's public key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            base64.b64decode(signature["value"]), canonical(document)
        )
    except (InvalidSignature, KeyError, ValueError):
        return False
    return True
