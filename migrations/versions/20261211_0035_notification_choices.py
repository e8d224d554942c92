"""Notifications: who chose to be emailed, and what was not sent on purpose.

- `complaints.email_updates`: NULL when the complainant gave no email (never emailed), true when
  they are emailed, false when they chose another channel or stopped the emails (one-click link
  or the case page; they may turn them on again). Cases filed before this revision with a contact are set to true: the worker
  still finds out at send time whether the contact holds an email.
- `complaints.email_detailed`: on the confidential track, the reporter asked that their emails
  name the office, the case's reference and what happened (by default they say only that there
  is an update, from "the office").
- `staff.emails_off`: the kinds of notification a staff member turned off for themselves;
  `staff.language`: the console's language at their last sign-in, which their emails are in.
- `notifications.deadline` and `due_at`: which deadline a reminder is about, and when it is due.
- status `withheld`: not sent on purpose (the kind is turned off, the complainant or staff member
  opted out, or there is no address to send to); never shown as a failure.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-11
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0035"
down_revision: str | Sequence[str] | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
ALTER TABLE complaints ADD COLUMN email_updates boolean;
ALTER TABLE complaints ADD COLUMN email_detailed boolean DEFAULT false NOT NULL;
UPDATE complaints c SET email_updates = true
WHERE NOT c.anonymous
  AND EXISTS (SELECT 1 FROM complainant_contacts cc WHERE cc.complaint_id = c.id);
ALTER TABLE staff ADD COLUMN emails_off text[] DEFAULT '{}'::text[] NOT NULL;
ALTER TABLE staff ADD COLUMN language text;
ALTER TABLE notifications ADD COLUMN deadline text;
ALTER TABLE notifications ADD COLUMN due_at timestamptz;
ALTER DOMAIN notification_status DROP CONSTRAINT notification_status_check;
ALTER DOMAIN notification_status ADD CONSTRAINT notification_status_check
    CHECK ((VALUE = ANY (ARRAY['dead'::text, 'pending'::text, 'sent'::text, 'withheld'::text])));
"""
    )


def downgrade() -> None:
    op.execute(
        """
UPDATE notifications SET status = 'dead' WHERE status = 'withheld';
ALTER DOMAIN notification_status DROP CONSTRAINT notification_status_check;
ALTER DOMAIN notification_status ADD CONSTRAINT notification_status_check
    CHECK ((VALUE = ANY (ARRAY['dead'::text, 'pending'::text, 'sent'::text])));
ALTER TABLE notifications DROP COLUMN due_at;
ALTER TABLE notifications DROP COLUMN deadline;
ALTER TABLE staff DROP COLUMN language;
ALTER TABLE staff DROP COLUMN emails_off;
ALTER TABLE complaints DROP COLUMN email_detailed;
ALTER TABLE complaints DROP COLUMN email_updates;
"""
    )
