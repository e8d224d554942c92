"""statistics and outbox

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-25 14:30:40.728311+00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Duration buckets (1..92): days 0-30 one by one, then weeks to a year, then 30-day spans to
# about two years, then everything longer. app.statistics.disclosure mirrors the edges.
STAT_BUCKET = """
CREATE FUNCTION stat_bucket(days integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN days IS NULL THEN NULL
              WHEN days <= 30 THEN greatest(days, 0) + 1
              WHEN days <= 365 THEN 32 + (days - 31) / 7
              WHEN days <= 725 THEN 80 + (days - 366) / 30
              ELSE 92 END
$$
"""

# The cells one complaint counts in: the total, each of its dimension values, and each pair of
# values of two different dimensions (a complaint naming two rights counts under each).
# `finished_month` is a one-way dimension only (the annual report's "closed in the year").
STAT_KEYS = """
CREATE FUNCTION stat_keys(
  status text, origin text, rights text[], grounds text[], department text, outcome text,
  sex_gender text, age_band text, disability text, migration_status text, ethnicity text,
  finished_month date)
RETURNS TABLE (dim_a text, val_a text, dim_b text, val_b text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH d(dim, val) AS (
    SELECT 'status', status
    UNION ALL SELECT 'right', r FROM unnest(
      CASE WHEN cardinality(rights) = 0 THEN ARRAY['none'] ELSE rights END) AS r
    UNION ALL SELECT 'ground', g FROM unnest(
      CASE WHEN cardinality(grounds) = 0 THEN ARRAY['none'] ELSE grounds END) AS g
    UNION ALL SELECT 'department', department
    UNION ALL SELECT 'outcome', outcome
    UNION ALL SELECT 'sex_gender', sex_gender
    UNION ALL SELECT 'age_band', age_band
    UNION ALL SELECT 'disability', disability
    UNION ALL SELECT 'migration_status', migration_status
    UNION ALL SELECT 'ethnicity', ethnicity
  )
  SELECT '', '', '', ''
  UNION ALL SELECT 'origin', origin, '', ''
  UNION ALL SELECT 'finished_month', to_char(finished_month, 'YYYY-MM'), '', ''
    WHERE finished_month IS NOT NULL
  UNION ALL SELECT d.dim, d.val, '', '' FROM d
  UNION ALL SELECT a.dim, a.val, b.dim, b.val FROM d AS a JOIN d AS b ON a.dim < b.dim
$$
"""

# Element-wise sum of two histograms (NULL is the empty histogram).
STAT_ADD = """
CREATE FUNCTION stat_add(a integer[], b integer[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE
    (SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i)
     FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)) END
$$
"""

# A histogram built from (bucket, count) pairs: the aggregate folds and rebuilds use.
STAT_HIST = [
    """
CREATE FUNCTION stat_hist_step(state integer[], bucket integer, n bigint) RETURNS integer[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF state IS NULL THEN
    state := array_fill(0, ARRAY[92]);
  END IF;
  IF bucket IS NOT NULL THEN
    state[bucket] := state[bucket] + n;
  END IF;
  RETURN state;
END
$$
""",
    "CREATE AGGREGATE stat_hist(integer, bigint) (SFUNC = stat_hist_step, STYPE = integer[])",
    # Sum of histograms, for the quarter and year rollups.
    "CREATE AGGREGATE stat_sum(integer[]) (SFUNC = stat_add, STYPE = integer[])",
]

# What the new complaint columns would have held for the cases already there.
BACKFILL = """
UPDATE complaints c SET
  investigated_at = (SELECT min(t.at) FROM timeline_entries t
                     WHERE t.complaint_id = c.id AND t.action = 'open_investigation'),
  finished_at = CASE WHEN c.status IN ('inadmissible', 'referred', 'closed', 'withdrawn')
                     THEN (SELECT max(t.at) FROM timeline_entries t
                           WHERE t.complaint_id = c.id AND t.to_status = c.status) END
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.execute(
        "CREATE DOMAIN outbox_status AS text CHECK (VALUE IN ('dead', 'delivered', 'pending'))"
    )
    for ddl in (STAT_BUCKET, STAT_KEYS, STAT_ADD, *STAT_HIST):
        op.execute(ddl)
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("complaint_id", sa.UUID(), nullable=True),
        sa.Column(
            "status",
            postgresql.DOMAIN(
                "outbox_status",
                sa.Text(),
                check="VALUE IN ('dead', 'delivered', 'pending')",
                create_type=False,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
    )
    op.create_index(
        "ix_outbox_events_due",
        "outbox_events",
        ["next_attempt_at", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_outbox_events_unfolded",
        "outbox_events",
        ["complaint_id"],
        unique=False,
        postgresql_where=sa.text("complaint_id IS NOT NULL"),
    )
    op.create_table(
        "privacy_budgets",
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("spent", sa.Float(), server_default="0", nullable=False),
        sa.Column("releases", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("spent >= 0", name=op.f("ck_privacy_budgets_spent_not_negative")),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_privacy_budgets")),
    )
    op.create_table(
        "stat_cells",
        sa.Column("dim_a", sa.Text(), nullable=False),
        sa.Column("dim_b", sa.Text(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("val_a", sa.Text(), nullable=False),
        sa.Column("val_b", sa.Text(), nullable=False),
        sa.Column("n", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("own_initiative", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("outside_mandate", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("investigated", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("finished", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("ack_settled", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("ack_on_time", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("feedback_settled", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("feedback_on_time", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("decided", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("decided_on_time", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("remedies_recommended", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("remedies_responded", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("remedies_complied", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("ack_hist", postgresql.ARRAY(sa.Integer()), nullable=True),
        sa.Column("findings_hist", postgresql.ARRAY(sa.Integer()), nullable=True),
        sa.Column("finish_hist", postgresql.ARRAY(sa.Integer()), nullable=True),
        sa.PrimaryKeyConstraint(
            "dim_a", "dim_b", "month", "track", "val_a", "val_b", name=op.f("pk_stat_cells")
        ),
    )
    op.create_table(
        "stat_hist_rollups",
        sa.Column("dim", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("val", sa.Text(), nullable=False),
        sa.Column("ack_hist", postgresql.ARRAY(sa.Integer()), nullable=True),
        sa.Column("findings_hist", postgresql.ARRAY(sa.Integer()), nullable=True),
        sa.Column("finish_hist", postgresql.ARRAY(sa.Integer()), nullable=True),
        sa.PrimaryKeyConstraint(
            "dim", "unit", "period", "track", "val", name=op.f("pk_stat_hist_rollups")
        ),
    )
    op.create_table(
        "stat_facts",
        sa.Column("complaint_id", sa.UUID(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("rights", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("grounds", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("sex_gender", sa.Text(), nullable=False),
        sa.Column("age_band", sa.Text(), nullable=False),
        sa.Column("disability", sa.Text(), nullable=False),
        sa.Column("migration_status", sa.Text(), nullable=False),
        sa.Column("ethnicity", sa.Text(), nullable=False),
        sa.Column("finished_month", sa.Date(), nullable=True),
        sa.Column("outside_mandate", sa.Integer(), server_default="0", nullable=False),
        sa.Column("investigated", sa.Integer(), server_default="0", nullable=False),
        sa.Column("finished", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ack_settled", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ack_on_time", sa.Integer(), server_default="0", nullable=False),
        sa.Column("feedback_settled", sa.Integer(), server_default="0", nullable=False),
        sa.Column("feedback_on_time", sa.Integer(), server_default="0", nullable=False),
        sa.Column("decided", sa.Integer(), server_default="0", nullable=False),
        sa.Column("decided_on_time", sa.Integer(), server_default="0", nullable=False),
        sa.Column("remedies_recommended", sa.Integer(), server_default="0", nullable=False),
        sa.Column("remedies_responded", sa.Integer(), server_default="0", nullable=False),
        sa.Column("remedies_complied", sa.Integer(), server_default="0", nullable=False),
        sa.Column("days_to_ack", sa.Integer(), nullable=True),
        sa.Column("days_to_findings", sa.Integer(), nullable=True),
        sa.Column("days_to_finish", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_stat_facts")),
    )
    op.add_column("complaints", sa.Column("department", sa.Text(), nullable=True))
    op.add_column(
        "complaints", sa.Column("investigated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("complaints", sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("complaints", "finished_at")
    op.drop_column("complaints", "investigated_at")
    op.drop_column("complaints", "department")
    op.drop_table("stat_facts")
    op.drop_table("stat_hist_rollups")
    op.drop_table("stat_cells")
    op.drop_table("privacy_budgets")
    op.drop_index(
        "ix_outbox_events_unfolded",
        table_name="outbox_events",
        postgresql_where=sa.text("complaint_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_outbox_events_due",
        table_name="outbox_events",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_table("outbox_events")
    op.execute("DROP DOMAIN outbox_status")
    op.execute("DROP AGGREGATE stat_sum(integer[])")
    op.execute("DROP AGGREGATE stat_hist(integer, bigint)")
    for name in ("stat_hist_step", "stat_add", "stat_keys", "stat_bucket"):
        op.execute(f"DROP FUNCTION {name}")
