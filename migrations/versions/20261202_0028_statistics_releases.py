"""Statistics as frozen releases; per-case changes stay inside the service.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02

- `stat_changes`: which complaint changed, for the statistics fold only (it used to be an outbox
  event pushed to the monitoring module, which let a receiver link a case's events into a
  history). Pending per-case events move here; the rest of them are dropped from the outbox.
- `statistics_releases`: numbered, signed, insert-only releases of closed periods.
- `privacy_budgets` per consumer (each monitor, each head of office), not one shared budget.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
CREATE TABLE stat_changes (
    id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_stat_changes PRIMARY KEY,
    complaint_id uuid NOT NULL,
    kind text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_stat_changes_complaint_id ON stat_changes (complaint_id);
INSERT INTO stat_changes (complaint_id, kind, created_at)
SELECT complaint_id, type, created_at FROM outbox_events WHERE complaint_id IS NOT NULL
ORDER BY id;
DELETE FROM outbox_events WHERE type NOT LIKE 'statistics.%';
DROP INDEX ix_outbox_events_unfolded;
ALTER TABLE outbox_events DROP COLUMN complaint_id;

ALTER TABLE privacy_budgets DROP CONSTRAINT pk_privacy_budgets;
ALTER TABLE privacy_budgets ADD COLUMN consumer text NOT NULL DEFAULT '';
ALTER TABLE privacy_budgets ALTER COLUMN consumer DROP DEFAULT;
ALTER TABLE privacy_budgets ADD CONSTRAINT pk_privacy_budgets PRIMARY KEY (consumer, period);

CREATE TABLE statistics_releases (
    id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_statistics_releases PRIMARY KEY,
    period text NOT NULL,
    unit text NOT NULL CONSTRAINT ck_statistics_releases_unit
        CHECK (unit IN ('month', 'quarter', 'year')),
    version integer NOT NULL,
    first_month date NOT NULL,
    last_month date NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    supersedes bigint
        CONSTRAINT fk_statistics_releases_supersedes_statistics_releases
        REFERENCES statistics_releases (id),
    reason text,
    published jsonb NOT NULL,
    document text NOT NULL,
    truth jsonb NOT NULL,
    digest text NOT NULL,
    signature text NOT NULL,
    key_id text NOT NULL,
    CONSTRAINT uq_statistics_releases_period_version UNIQUE (period, version),
    CONSTRAINT ck_statistics_releases_revision_has_reason
        CHECK ((version = 1) = (supersedes IS NULL) AND (version = 1 OR reason IS NOT NULL))
);
CREATE FUNCTION public.statistics_releases_frozen() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION 'statistics releases are frozen (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER statistics_releases_frozen BEFORE DELETE OR UPDATE ON statistics_releases
    FOR EACH ROW EXECUTE FUNCTION statistics_releases_frozen();
CREATE TRIGGER statistics_releases_no_truncate BEFORE TRUNCATE ON statistics_releases
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_releases_frozen();
"""
    )


def downgrade() -> None:
    op.execute(
        """
DROP TABLE statistics_releases;
DROP FUNCTION public.statistics_releases_frozen();
DELETE FROM privacy_budgets WHERE consumer <> '';
ALTER TABLE privacy_budgets DROP CONSTRAINT pk_privacy_budgets;
ALTER TABLE privacy_budgets DROP COLUMN consumer;
ALTER TABLE privacy_budgets ADD CONSTRAINT pk_privacy_budgets PRIMARY KEY (period);
ALTER TABLE outbox_events ADD COLUMN complaint_id uuid;
CREATE INDEX ix_outbox_events_unfolded ON outbox_events (complaint_id)
    WHERE complaint_id IS NOT NULL;
INSERT INTO outbox_events (type, complaint_id, payload, status)
SELECT kind, complaint_id, '{}'::jsonb, 'delivered' FROM stat_changes ORDER BY id;
DROP TABLE stat_changes;
"""
    )
