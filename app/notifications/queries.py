"""SQL of the notifications' sending (the writer is app/kit/notify.py)."""

from __future__ import annotations

# Due rows, claimed and leased in one committed statement (as the outbox's relay does: the batch
# chosen once, a MATERIALIZED CTE), with what sending needs: the case's reference and track, the
# complainant's sealed contact (opened by the worker), the staff member's address and language.
CLAIM = """
WITH due AS MATERIALIZED (
  SELECT id FROM notifications
  WHERE status = 'pending' AND next_attempt_at <= now()
  ORDER BY next_attempt_at, id
  LIMIT %(limit)s
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE notifications n
  SET next_attempt_at = now() + make_interval(secs => %(lease)s)
  FROM due
  WHERE n.id = due.id
  RETURNING n.id, n.kind, n.complaint_id, n.recipient, n.language, n.attempts, n.deadline,
            n.due_at, n.next_attempt_at AS leased_until
)
SELECT cl.id, cl.kind, cl.complaint_id, cl.recipient,
       coalesce(s.language, cl.language) AS language, cl.attempts, cl.deadline,
       cl.due_at, cl.leased_until, c.reference, c.track, c.email_updates, c.email_detailed,
       cc.key_id AS contact_key, cc.sealed AS contact_sealed,
       s.email AS staff_email, s.emails_off AS staff_emails_off, s.roles AS staff_roles
FROM claimed cl
LEFT JOIN complaints c ON c.id = cl.complaint_id
LEFT JOIN complainant_contacts cc
  ON cc.complaint_id = cl.complaint_id AND cl.recipient = 'complainant'
LEFT JOIN staff s
  ON starts_with(cl.recipient, 'staff:') AND s.subject = substr(cl.recipient, 7)
ORDER BY cl.id
"""

# Just before sending: the lease renewed, if it is still this worker's (unchanged since it was
# claimed or last renewed). A batch slower than its lease would otherwise see its last rows claimed
# by another worker and sent twice; a row renewed by another worker is theirs, and skipped here.
RENEW = """
UPDATE notifications SET next_attempt_at = now() + make_interval(secs => %(lease)s)
WHERE id = %(id)s AND status = 'pending' AND next_attempt_at = %(leased_until)s
RETURNING next_attempt_at
"""

SENT = """
UPDATE notifications
SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL
WHERE id = %(id)s AND status = 'pending'
"""

# A temporary failure: tried again after the delay, or dead once the attempts are spent.
RETRY = """
UPDATE notifications
SET attempts = attempts + 1,
    last_error = %(error)s,
    status = CASE WHEN attempts + 1 >= %(max_attempts)s THEN 'dead' ELSE 'pending' END,
    next_attempt_at = now() + make_interval(secs => %(delay)s)
WHERE id = %(id)s AND status = 'pending'
RETURNING status
"""

# A permanent failure (refused, or nowhere to send it): dead at once.
DEAD = """
UPDATE notifications
SET status = 'dead', attempts = attempts + %(tried)s, last_error = %(error)s
WHERE id = %(id)s AND status = 'pending'
"""

# Not sent on purpose: the kind turned off, the recipient opted out, no address.
WITHHELD = """
UPDATE notifications
SET status = 'withheld', last_error = %(reason)s
WHERE id = %(id)s AND status = 'pending'
"""

REPLAY = """
UPDATE notifications
SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
WHERE status = 'dead' AND (%(ids)s::bigint[] IS NULL OR id = ANY(%(ids)s::bigint[]))
RETURNING id
"""

STATUS = """
SELECT status, count(*) AS rows, min(created_at) AS oldest
FROM notifications GROUP BY status ORDER BY status
"""

DEAD_OF_CASE = """
SELECT id, kind, recipient, attempts, last_error, created_at
FROM notifications
WHERE complaint_id = %(complaint_id)s AND status = 'dead'
ORDER BY id
"""
