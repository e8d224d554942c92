"""SQL of the deadlines view: one ordered scan per kind of deadline, each on its own partial index,
merged by due date. Each branch is cut at the page size, so the cost follows the page, not the
number of complaints."""

from __future__ import annotations

from functools import cache

from app.kit.sql import compose, literal

# (kind, join, condition, due column, item key) of every kind of deadline.
_KINDS = (
    (
        "acknowledgement",
        "",
        "c.acknowledged_at IS NULL AND c.status <> 'withdrawn'",
        "c.acknowledge_by",
        "c.id::text",
        "NULL::bigint",
        "NULL::text",
    ),
    (
        "feedback",
        "",
        "c.feedback_given_at IS NULL AND c.status <> 'withdrawn'",
        "c.feedback_by",
        "c.id::text",
        "NULL::bigint",
        "NULL::text",
    ),
    (
        "decision",
        "",
        "c.decided_at IS NULL AND c.decide_by IS NOT NULL AND c.status <> 'withdrawn'",
        "c.decide_by",
        "c.id::text",
        "NULL::bigint",
        "NULL::text",
    ),
    (
        "information_request",
        "JOIN investigation_steps s ON s.complaint_id = c.id",
        "s.kind = 'information_request' AND s.answered_at IS NULL",
        "s.due_at",
        "lpad(s.id::text, 20, '0')",
        "s.id",
        "s.department",
    ),
    (
        "remedy_response",
        "JOIN remedies r ON r.complaint_id = c.id",
        "r.response IS NULL AND c.status = 'remedy_follow_up'",
        "r.response_due_at",
        "lpad(r.id::text, 20, '0')",
        "r.id",
        "r.department",
    ),
    (
        "remedy_implementation",
        "JOIN remedies r ON r.complaint_id = c.id",
        # A rejected remedy will not be implemented: nothing is due from the department.
        "r.assessment IS NULL AND r.implementation_due_at IS NOT NULL "
        "AND r.response IS DISTINCT FROM 'rejected' AND c.status = 'remedy_follow_up'",
        "r.implementation_due_at",
        "lpad(r.id::text, 20, '0')",
        "r.id",
        "r.department",
    ),
    (
        # A data subject's erasure request: answered within a month (GDPR art. 12(3)).
        "erasure_request",
        "JOIN erasure_requests e ON e.complaint_id = c.id",
        "e.status = 'pending'",
        "e.due_at",
        "lpad(e.id::text, 20, '0')",
        "e.id",
        "NULL::text",
    ),
    (
        # An open case nothing has changed on for OMBUDS_STALE_AFTER_MONTHS: due for review.
        "stale_case",
        "",
        "c.status NOT IN ('inadmissible', 'referred', 'closed', 'withdrawn') "
        "AND c.updated_at < %(until)s - make_interval(months => %(stale_months)s)",
        "(c.updated_at + make_interval(months => %(stale_months)s))",
        "c.id::text",
        "NULL::bigint",
        "NULL::text",
    ),
)


_BRANCH = """(SELECT {kind}::text AS kind, c.id AS complaint_id, c.reference, c.track,
        c.handler_subject AS handler, {due} AS due_at, {key} AS item_key, {item} AS item_id,
        {department} AS department
  FROM complaints c {join}
  WHERE {condition} AND {due} < %(until)s AND ({{visible}}) {{filters}}
    AND ({due}, {kind}, {key}) > (%(after_due)s, %(after_kind)s, %(after_key)s)
  ORDER BY {due}, {key}
  LIMIT %(limit)s)"""
_UNION = """
SELECT d.*, d.due_at < now() AS overdue FROM (
{union}
) AS d
ORDER BY d.due_at, d.kind, d.item_key
LIMIT %(limit)s
"""


@cache
def deadlines_sql(kinds: tuple[str, ...]) -> str:
    """One branch per kind asked for; `{visible}` and `{filters}` are left to compose."""
    branches = [
        compose(
            _BRANCH,
            kind=literal(kind),
            join=join,
            condition=condition,
            due=due,
            key=key,
            item=item,
            department=department,
        )
        for kind, join, condition, due, key, item, department in _KINDS
        if kind in kinds
    ]
    # Fragments go in as they are, so `{visible}` and `{filters}` stay for the caller's compose.
    return compose(_UNION, union="\nUNION ALL\n".join(branches))


KINDS = tuple(k[0] for k in _KINDS)
TRACK = "c.track = %(track)s"
HANDLER = "c.handler_subject = %(handler)s"
