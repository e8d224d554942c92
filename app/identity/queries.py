"""SQL of the identity-reveal room."""

from __future__ import annotations

from app.kit.sql import compose
from app.kit.trail import audit_cte

TRACK_AND_SEAL = """
SELECT c.track, c.complainant_subject AS account, ct.key_id, ct.sealed FROM complaints c
LEFT JOIN complainant_contacts ct ON ct.complaint_id = c.id
WHERE c.id = %(id)s
"""

INSERT = compose(
    """
WITH r AS (
  INSERT INTO identity_reveal_requests (complaint_id, requested_by, motivation, legal_basis,
                                        status)
  VALUES (%(id)s, %(actor_subject)s, %(motivation)s, %(legal_basis)s, 'pending')
  RETURNING *
),
{audit}
SELECT r.*, '[]'::json AS disclosures FROM r
""",
    audit=audit_cte("r", "'identity.request'", "complaint", "r.complaint_id"),
)

REQUESTS = """
SELECT r.*, coalesce((
  SELECT json_agg(json_build_object('seen_by', d.seen_by, 'seen_role', d.seen_role,
                                    'seen_at', d.seen_at) ORDER BY d.id)
  FROM identity_disclosures d WHERE d.request_id = r.id), '[]'::json) AS disclosures
FROM identity_reveal_requests r
WHERE r.complaint_id = %(id)s {extra}
ORDER BY r.id
"""
ONE = "AND r.id = %(request_id)s"

# The notice to the reporter, in writing and with the reasons, goes out in the same transaction
# as the approval: the identity is never disclosed before it.
DECIDE = compose(
    """
WITH r AS (
  UPDATE identity_reveal_requests
  SET status = %(decision)s, decided_by = %(actor_subject)s, decided_at = now(),
      decision_reason = %(reason)s, no_notice_reason = %(no_notice_reason)s,
      notified_at = CASE WHEN %(notice)s::text IS NOT NULL THEN now() END
  WHERE id = %(request_id)s AND complaint_id = %(id)s AND status = 'pending'
  RETURNING *
),
notice AS (
  INSERT INTO messages (complaint_id, kind, body, author_subject, author_role)
  SELECT r.complaint_id, 'to_complainant', %(notice)s::text, %(actor_subject)s, %(actor_role)s
  FROM r WHERE %(notice)s::text IS NOT NULL
),
{audit}
SELECT id FROM r
""",
    audit=audit_cte("r", "'identity.' || %(decision)s", "complaint", "r.complaint_id"),
)

DISCLOSE = compose(
    """
WITH d AS (
  INSERT INTO identity_disclosures (request_id, seen_by, seen_role)
  VALUES (%(request_id)s, %(actor_subject)s, %(actor_role)s)
  RETURNING request_id
),
{audit}
SELECT request_id FROM d
""",
    audit=audit_cte("d", "'identity.disclose'", "complaint", "%(id)s"),
)
