"""Email notifications: one row per email to send, written in the transaction of the change it
tells of, sent by the worker (app/notifications).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-10
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0034"
down_revision: str | Sequence[str] | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
CREATE DOMAIN notification_status AS text
    CONSTRAINT notification_status_check
    CHECK ((VALUE = ANY (ARRAY['dead'::text, 'pending'::text, 'sent'::text])));
CREATE TABLE notifications (
    id bigint GENERATED ALWAYS AS IDENTITY,
    kind text NOT NULL,
    complaint_id uuid,
    recipient text NOT NULL,
    language text DEFAULT 'en' NOT NULL,
    dedupe text,
    status notification_status DEFAULT 'pending' NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamptz DEFAULT now() NOT NULL,
    last_error text,
    created_at timestamptz DEFAULT clock_timestamp() NOT NULL,
    sent_at timestamptz,
    CONSTRAINT pk_notifications PRIMARY KEY (id),
    CONSTRAINT fk_notifications_complaint_id_complaints FOREIGN KEY (complaint_id)
        REFERENCES complaints (id) ON DELETE CASCADE,
    CONSTRAINT uq_notifications_dedupe UNIQUE (dedupe)
);
CREATE INDEX ix_notifications_due ON notifications (next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX ix_notifications_complaint ON notifications (complaint_id);
"""
    )


def downgrade() -> None:
    op.execute("DROP TABLE notifications; DROP DOMAIN notification_status;")
