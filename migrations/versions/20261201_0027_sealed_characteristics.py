"""Special-category data sealed at rest: the characteristics, like contact details.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01

The characteristics already stored are sealed here with the active identity key
(OMBUDS_IDENTITY_KEYS, as `ombuds migrate` reads it), then their clear columns are dropped.
stat_facts no longer holds them in clear either (only a sealed copy), so the aggregate is
emptied and `ombuds migrate` recounts it (the recount opens the seals).
"""

import json
from collections.abc import Sequence

from alembic import op

from app.crypto import Sealer

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRAITS = ("sex_gender", "age_band", "disability", "migration_status", "ethnicity")
PURPOSE = b"characteristics"


def _sealer() -> Sealer:
    from app.config import get_settings

    return Sealer.from_settings(get_settings())


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(
        "ALTER TABLE complainant_characteristics ADD COLUMN key_id text, ADD COLUMN sealed bytea"
    )
    rows = bind.exec_driver_sql(
        "SELECT complaint_id, "
        + ", ".join(f"{t}::text" for t in TRAITS)
        + " FROM complainant_characteristics"
    ).fetchall()
    if rows:
        sealer = _sealer()
        for row in rows:
            values = {t: v for t, v in zip(TRAITS, row[1:], strict=True) if v is not None}
            key_id, sealed = sealer.seal(json.dumps(values).encode(), row[0], PURPOSE)
            bind.exec_driver_sql(
                "UPDATE complainant_characteristics SET key_id = %s, sealed = %s "
                "WHERE complaint_id = %s",
                (key_id, sealed, row[0]),
            )
    op.execute(
        "ALTER TABLE complainant_characteristics "
        + ", ".join(f"DROP COLUMN {t}" for t in TRAITS)
        + ", ALTER COLUMN key_id SET NOT NULL, ALTER COLUMN sealed SET NOT NULL"
    )
    op.execute(
        """
DELETE FROM stat_hist_rollups;
DELETE FROM stat_cells;
DELETE FROM stat_facts;
UPDATE outbox_events SET complaint_id = NULL WHERE complaint_id IS NOT NULL;
ALTER TABLE stat_facts ADD COLUMN traits_key text, ADD COLUMN traits_sealed bytea;
"""
        + "ALTER TABLE stat_facts "
        + ", ".join(f"DROP COLUMN {t}" for t in TRAITS)
    )


def downgrade() -> None:
    bind = op.get_bind()
    op.execute(
        "ALTER TABLE complainant_characteristics "
        + ", ".join(f"ADD COLUMN {t} public.{t}_option" for t in TRAITS)
    )
    rows = bind.exec_driver_sql(
        "SELECT complaint_id, key_id, sealed FROM complainant_characteristics"
    ).fetchall()
    if rows:
        sealer = _sealer()
        for complaint_id, key_id, sealed in rows:
            values = json.loads(sealer.open(key_id, bytes(sealed), complaint_id, PURPOSE))
            bind.exec_driver_sql(
                "UPDATE complainant_characteristics SET "
                + ", ".join(f"{t} = %s" for t in TRAITS)
                + " WHERE complaint_id = %s",
                (*(values.get(t) for t in TRAITS), complaint_id),
            )
    op.execute("ALTER TABLE complainant_characteristics DROP COLUMN key_id, DROP COLUMN sealed")
    op.execute(
        """
DELETE FROM stat_hist_rollups;
DELETE FROM stat_cells;
DELETE FROM stat_facts;
UPDATE outbox_events SET complaint_id = NULL WHERE complaint_id IS NOT NULL;
ALTER TABLE stat_facts DROP COLUMN traits_key, DROP COLUMN traits_sealed;
"""
        + "ALTER TABLE stat_facts "
        + ", ".join(f"ADD COLUMN {t} text NOT NULL DEFAULT 'not_stated'" for t in TRAITS)
    )
