"""SQL fragments that enqueue an anonymized event in the statement making the change.

An event carries codes only: the track, the month (never a date), the workflow step, the rights
named, the department as one of the configured names ("other" or "not_stated" otherwise). No
reference, no id, no free text, no characteristics: a monitoring module cannot link two events to
the same case. The row's `complaint_id` is internal: it tells the statistics folder which
complaint to recount, and the folder clears it.
"""

from __future__ import annotations

from collections.abc import Mapping

from psycopg import sql

PERIOD = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM')"


def department_code(alias: str) -> str:
    """A complaint's department as published: its configured department, or a neutral code."""
    return (
        f"coalesce({alias}.department, "
        f"CASE WHEN {alias}.respondent IS NULL THEN 'not_stated' ELSE 'other' END)"
    )


def complaint_fields(alias: str) -> dict[str, str]:
    """What every event about a complaint says of it (the complaint row is `alias`)."""
    return {
        "track": f"{alias}.track",
        "origin": f"{alias}.origin",
        "rights": f"to_jsonb({alias}.rights_affected)",
        "department": department_code(alias),
    }


def enqueue(
    cte: str, event_type: str, source: str, complaint_id: str, fields: Mapping[str, str]
) -> str:
    """A CTE named `cte` that inserts one `event_type` event per row of `source`."""
    pairs = sql.SQL(", ").join(
        sql.SQL("{}, {}").format(sql.Literal(key), sql.SQL(value))
        for key, value in {"period": PERIOD, **fields}.items()
    )
    return (
        sql.SQL(_ENQUEUE)
        .format(
            cte=sql.Identifier(cte),
            event_type=sql.Literal(event_type),
            complaint_id=sql.SQL(complaint_id),
            pairs=pairs,
            source=sql.SQL(source),
        )
        .as_string()
    )


_ENQUEUE = """{cte} AS (
  INSERT INTO outbox_events (type, complaint_id, payload)
  SELECT {event_type}, {complaint_id}, jsonb_build_object({pairs})
  FROM {source}
)"""


def remedy_department(alias: str) -> str:
    """A remedy's department as published (`%(departments)s` is the configured list)."""
    return (
        f"CASE WHEN {alias}.department = ANY(%(departments)s) "
        f"THEN {alias}.department ELSE 'other' END"
    )
