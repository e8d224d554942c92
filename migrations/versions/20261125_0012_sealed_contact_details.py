"""sealed contact details

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 13:42:49.057386+00:00

"""

import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_FIELDS = ("name", "email", "phone", "postal_address", "preferred_channel")


def _sealer():
    # A data migration: it seals existing rows with the configured identity keys, so it needs
    # the application's settings and sealing code (as they are when it runs).
    from app.config import get_settings
    from app.crypto import Sealer

    return Sealer.from_settings(get_settings())


def upgrade() -> None:
    """Seal contact details (AES-256-GCM); the clear columns go."""
    op.add_column("complainant_contacts", sa.Column("key_id", sa.Text(), nullable=True))
    op.add_column("complainant_contacts", sa.Column("sealed", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    rows = (
        bind.execute(
            sa.text(f"SELECT complaint_id, {', '.join(_FIELDS)} FROM complainant_contacts")
        )
        .mappings()
        .all()
    )
    if rows:
        from app.crypto import CONTACT

        sealer = _sealer()
        for row in rows:
            contact = {f: row[f] for f in _FIELDS if row[f] is not None}
            key_id, sealed = sealer.seal(
                json.dumps(contact).encode(), uuid.UUID(str(row["complaint_id"])), CONTACT
            )
            bind.execute(
                sa.text(
                    "UPDATE complainant_contacts SET key_id = :k, sealed = :s "
                    "WHERE complaint_id = :id"
                ),
                {"k": key_id, "s": sealed, "id": row["complaint_id"]},
            )
    op.alter_column("complainant_contacts", "key_id", nullable=False)
    op.alter_column("complainant_contacts", "sealed", nullable=False)
    for field in _FIELDS:
        op.drop_column("complainant_contacts", field)


def downgrade() -> None:
    """Back to clear columns (opening every sealed row with the configured keys)."""
    for field in _FIELDS:
        op.add_column("complainant_contacts", sa.Column(field, sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = (
        bind.execute(sa.text("SELECT complaint_id, key_id, sealed FROM complainant_contacts"))
        .mappings()
        .all()
    )
    if rows:
        from app.crypto import CONTACT

        sealer = _sealer()
        for row in rows:
            complaint_id = uuid.UUID(str(row["complaint_id"]))
            contact = json.loads(sealer.open(row["key_id"], row["sealed"], complaint_id, CONTACT))
            bind.execute(
                sa.text(
                    "UPDATE complainant_contacts SET "
                    + ", ".join(f"{f} = :{f}" for f in _FIELDS)
                    + " WHERE complaint_id = :id"
                ),
                {**{f: contact.get(f) for f in _FIELDS}, "id": row["complaint_id"]},
            )
    op.drop_column("complainant_contacts", "sealed")
    op.drop_column("complainant_contacts", "key_id")
