"""SQL fragments that note a changed complaint for the statistics fold, in the statement making
the change.

A change row names the complaint and what happened, nothing else, and stays inside the service:
the fold recounts the complaint from its records, then deletes the row. Nothing about one case is
ever pushed out (the monitoring module receives frozen releases, app.statistics.releases).
"""

from __future__ import annotations

from psycopg import sql


def department_code(alias: str) -> str:
    """A complaint's department as counted: its configured department, or a neutral code."""
    return (
        f"coalesce({alias}.department, "
        f"CASE WHEN {alias}.respondent IS NULL THEN 'not_stated' ELSE 'other' END)"
    )


def changed(cte: str, kind: str, source: str, complaint_id: str) -> str:
    """A CTE named `cte` that notes one `kind` change per row of `source`."""
    return (
        sql.SQL(_CHANGED)
        .format(
            cte=sql.Identifier(cte),
            kind=sql.Literal(kind),
            complaint_id=sql.SQL(complaint_id),
            source=sql.SQL(source),
        )
        .as_string()
    )


_CHANGED = """{cte} AS (
  INSERT INTO stat_changes (complaint_id, kind)
  SELECT {complaint_id}, {kind}
  FROM {source}
)"""
