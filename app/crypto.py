"""Sealing of identities (AES-256-GCM via `cryptography`), with key rotation by key id.

A sealed value is bound to its complaint: the complaint id is the associated data, so a sealed
contact copied onto another complaint does not open.
"""

from __future__ import annotations

import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import Settings

_NONCE = 12


class SealError(Exception):
    """A sealed value did not open: wrong key, or tampered with."""


class Sealer:
    def __init__(self, active: str, keys: dict[str, bytes]) -> None:
        self.active = active
        self._aead = {kid: AESGCM(key) for kid, key in keys.items()}

    @classmethod
    def from_settings(cls, settings: Settings) -> Sealer:
        return cls(*settings.identity_keyring())

    def seal(self, plaintext: bytes, complaint_id: UUID, purpose: bytes) -> tuple[str, bytes]:
        nonce = os.urandom(_NONCE)
        sealed = self._aead[self.active].encrypt(nonce, plaintext, complaint_id.bytes + purpose)
        return self.active, nonce + sealed

    def open(self, key_id: str, sealed: bytes, complaint_id: UUID, purpose: bytes) -> bytes:
        aead = self._aead.get(key_id)
        if aead is None:
            raise SealError(f"identity key {key_id!r} is not configured")
        try:
            return aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], complaint_id.bytes + purpose)
        except InvalidTag as exc:
            raise SealError("a sealed value did not open: tampered with, or the wrong key") from exc


CONTACT = b"contact"
NAMED_PERSONS = b"named_persons"
CHARACTERISTICS = b"characteristics"
# Sealed columns, (table, key id column, sealed column), and the purpose their values are bound
# to (for rotation). stat_facts keeps a copy of the characteristics the statistics counted.
SEALED_TABLES = {
    ("complainant_contacts", "key_id", "sealed"): CONTACT,
    ("named_persons", "key_id", "sealed"): NAMED_PERSONS,
    ("complainant_characteristics", "key_id", "sealed"): CHARACTERISTICS,
    ("stat_facts", "traits_key", "traits_sealed"): CHARACTERISTICS,
}


def rotate_contacts(database_url: str, sealer: Sealer, batch: int = 500) -> int:
    """Re-seal every identity not sealed under the active key; returns how many were re-sealed.

    Runs in batches, each its own transaction, so it can be interrupted and resumed. Retire an
    old key from OMBUDS_IDENTITY_KEYS only after this reports 0 left.
    """
    import psycopg
    from psycopg import sql

    select = "SELECT complaint_id, {key}, {sealed} FROM {table} WHERE {key} <> %s "
    select += "ORDER BY complaint_id LIMIT %s FOR UPDATE SKIP LOCKED"
    update = "UPDATE {table} SET {key} = %s, {sealed} = %s WHERE complaint_id = %s"
    done = 0
    with psycopg.connect(database_url) as conn:
        for (table, key_column, sealed_column), purpose in SEALED_TABLES.items():
            names = {
                "table": sql.Identifier(table),
                "key": sql.Identifier(key_column),
                "sealed": sql.Identifier(sealed_column),
            }
            while True:
                with conn.transaction():
                    rows = conn.execute(
                        sql.SQL(select).format(**names), (sealer.active, batch)
                    ).fetchall()
                    for complaint_id, key_id, sealed in rows:
                        opened = sealer.open(key_id, sealed, complaint_id, purpose)
                        new_key, new_sealed = sealer.seal(opened, complaint_id, purpose)
                        conn.execute(
                            sql.SQL(update).format(**names),
                            (new_key, new_sealed, complaint_id),
                        )
                done += len(rows)
                if len(rows) < batch:
                    break
    return done
