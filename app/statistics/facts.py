"""The statistics aggregate: how a complaint's facts are computed, folded in and read back.

Every change to a complaint notes it in `stat_changes` (app.statistics.changes). The folder
takes those notes, subtracts what `stat_facts` last counted for each complaint, adds its current
facts, and writes the differences into `stat_cells`, all in one statement. A read adds the same
differences for complaints whose changes are not folded yet (the tail), so figures are exact at
any moment, and what a read costs depends on the number of cells, not of complaints.
"""

from __future__ import annotations

from app.kit.sql import compose, literal
from app.statistics.changes import department_code
from app.statistics.traits import TRAITS, relation

# Counters summed per cell (stat_facts holds 0/1 or small counts, stat_cells their sums).
COUNTERS: tuple[str, ...] = (
    "outside_mandate",
    "investigated",
    "finished",
    "ack_settled",
    "ack_on_time",
    "feedback_settled",
    "feedback_on_time",
    "decided",
    "decided_on_time",
    "remedies_recommended",
    "remedies_responded",
    "remedies_implemented",
)
# Durations in days, kept as histograms (stat_cells.<name>_hist) on one-dimension cells.
DURATIONS: dict[str, str] = {
    "ack": "days_to_ack",
    "findings": "days_to_findings",
    "finish": "days_to_finish",
}

_DIMENSION_COLUMNS = (
    "status",
    "origin",
    "rights",
    "grounds",
    "department",
    "outcome",
    "sex_gender",
    "age_band",
    "disability",
    "migration_status",
    "ethnicity",
    "finished_month",
)
FACT_COLUMNS: tuple[str, ...] = (
    "complaint_id",
    "month",
    "track",
    *_DIMENSION_COLUMNS,
    *COUNTERS,
    *DURATIONS.values(),
)
# What stat_facts stores: the facts, the characteristics only as their sealed copy.
STORED_COLUMNS: tuple[str, ...] = (
    *(c for c in FACT_COLUMNS if c not in TRAITS),
    "traits_key",
    "traits_sealed",
)
_KEY = ("dim_a", "dim_b", "month", "track", "val_a", "val_b")


def _counted(alias: str) -> str:
    """The facts last counted, from stat_facts `alias` and the opened characteristics `t`."""
    return ", ".join(
        f"coalesce(t.{c}, 'not_stated') AS {c}" if c in TRAITS else f"{alias}.{c}"
        for c in FACT_COLUMNS
    )


def _days(later: str) -> str:
    return f"floor(extract(epoch FROM {later} - c.received_at) / 86400)::int"


def _trait(name: str) -> str:
    return f"coalesce(ch.{name}::text, 'not_stated') AS {name}"


# A complaint's facts now, for the complaints `{where}` selects (over alias c); its
# characteristics come opened from the relation `opened_traits` (app.statistics.traits).
_CURRENT_FACTS = """
SELECT c.id AS complaint_id,
  date_trunc('month', c.received_at AT TIME ZONE 'UTC')::date AS month,
  c.track::text AS track, c.status::text AS status, c.origin::text AS origin,
  c.rights_affected AS rights, c.discrimination_grounds AS grounds,
  {department} AS department,
  CASE WHEN f.issued_at IS NOT NULL THEN f.outcome::text ELSE 'none' END AS outcome,
  {traits},
  date_trunc('month', c.finished_at AT TIME ZONE 'UTC')::date AS finished_month,
  (c.status IN ('inadmissible', 'referred'))::int AS outside_mandate,
  (c.investigated_at IS NOT NULL)::int AS investigated,
  (c.finished_at IS NOT NULL)::int AS finished,
  (c.origin = 'complaint' AND c.acknowledged_at IS NOT NULL)::int AS ack_settled,
  coalesce(c.origin = 'complaint' AND c.acknowledged_at <= c.acknowledge_by, false)::int
    AS ack_on_time,
  (c.origin = 'complaint' AND c.feedback_given_at IS NOT NULL)::int AS feedback_settled,
  coalesce(c.origin = 'complaint' AND c.feedback_given_at <= c.feedback_by, false)::int
    AS feedback_on_time,
  (c.decided_at IS NOT NULL AND c.decide_by IS NOT NULL)::int AS decided,
  coalesce(c.decided_at <= c.decide_by, false)::int AS decided_on_time,
  coalesce(r.recommended, 0) AS remedies_recommended,
  coalesce(r.responded, 0) AS remedies_responded,
  coalesce(r.implemented, 0) AS remedies_implemented,
  CASE WHEN c.origin = 'complaint' AND c.acknowledged_at IS NOT NULL
       THEN {days_to_ack} END AS days_to_ack,
  CASE WHEN f.issued_at IS NOT NULL THEN {days_to_findings} END AS days_to_findings,
  CASE WHEN c.finished_at IS NOT NULL THEN {days_to_finish} END AS days_to_finish,
  cs.key_id AS traits_key, cs.sealed AS traits_sealed
FROM complaints c
LEFT JOIN opened_traits ch ON ch.complaint_id = c.id
LEFT JOIN complainant_characteristics cs ON cs.complaint_id = c.id
LEFT JOIN findings f ON f.complaint_id = c.id
LEFT JOIN LATERAL (
  -- Remedies count once recommended (the case is in follow-up or closed after it).
  SELECT count(*)::int AS recommended,
         count(*) FILTER (WHERE x.response IS NOT NULL)::int AS responded,
         count(*) FILTER (WHERE x.assessment = 'implemented')::int AS implemented
  FROM remedies x
  WHERE x.complaint_id = c.id AND c.status IN ('remedy_follow_up', 'closed')
) r ON true
WHERE {{where}}
"""
CURRENT_FACTS = compose(
    _CURRENT_FACTS,
    department=department_code("c"),
    traits=", ".join(_trait(name) for name in TRAITS),
    days_to_ack=_days("c.acknowledged_at"),
    days_to_findings=_days("f.issued_at"),
    days_to_finish=_days("c.finished_at"),
)


def _columns(alias: str) -> str:
    return ", ".join(f"{alias}.{name}" for name in FACT_COLUMNS)


_HIST_BRANCH = (
    "SELECT month, track, dim_a, val_a, {measure} AS measure, stat_bucket({column}) AS bucket, "
    "sign FROM keyed WHERE dim_b = '' AND dim_a <> 'finished_month' AND {column} IS NOT NULL"
)
_DELTAS = """
keyed AS NOT MATERIALIZED (
  -- Not materialized: at a rebuild it is every complaint times its cells (about 80 each).
  SELECT k.dim_a, k.dim_b, k.val_a, k.val_b, s.*
  FROM {signed} s
  CROSS JOIN LATERAL stat_keys(s.status, s.origin, s.rights, s.grounds, s.department, s.outcome,
                               s.sex_gender, s.age_band, s.disability, s.migration_status,
                               s.ethnicity, s.finished_month) k
),
counts AS (
  SELECT {key_list}, sum(s.sign) AS n,
    sum(s.sign * (s.origin = 'own_initiative')::int) AS own_initiative,
    {counter_sums}
  FROM keyed s
  GROUP BY {key_list}
  HAVING {nonzero}
),
buckets AS (
  SELECT month, track, dim_a, val_a, measure, bucket, sum(sign) AS c
  FROM ({hist_union}) h
  GROUP BY month, track, dim_a, val_a, measure, bucket
  HAVING sum(sign) <> 0
),
hists AS (
  SELECT month, track, dim_a, val_a, '' AS dim_b, '' AS val_b,
    {pivots}
  FROM buckets GROUP BY month, track, dim_a, val_a
),
delta AS (
  SELECT {key_list},
    coalesce(counts.n, 0) AS n, coalesce(counts.own_initiative, 0) AS own_initiative,
    {counters}, {hist_columns}
  FROM counts FULL JOIN hists USING ({key_list})
)"""


def deltas(signed: str) -> str:
    """SELECT the cell differences of `signed` (a relation of `sign` and the fact columns)."""
    return compose(
        _DELTAS,
        signed=signed,
        key_list=", ".join(_KEY),
        counter_sums=",\n    ".join(f"sum(s.sign * s.{name}) AS {name}" for name in COUNTERS),
        nonzero=" OR ".join(["sum(s.sign) <> 0"] + [f"sum(s.sign * s.{n}) <> 0" for n in COUNTERS]),
        hist_union="\n    UNION ALL ".join(
            compose(_HIST_BRANCH, measure=literal(measure), column=column)
            for measure, column in DURATIONS.items()
        ),
        pivots=",\n    ".join(
            f"stat_hist(bucket, c) FILTER (WHERE measure = {literal(measure)}) AS {measure}_hist"
            for measure in DURATIONS
        ),
        counters=", ".join(f"coalesce(counts.{n}, 0) AS {n}" for n in COUNTERS),
        hist_columns=", ".join(f"hists.{m}_hist" for m in DURATIONS),
    )


_ALL_SUMS = ("n", "own_initiative", *COUNTERS)
_HISTS = tuple(f"{m}_hist" for m in DURATIONS)
ROLLUP_UNITS = ("quarter", "year")


_ROLLUP = """SELECT h.dim_a, u.unit, date_trunc(u.unit, h.month)::date, h.track, h.val_a, {sums}
FROM {source} h CROSS JOIN (VALUES {units}) AS u(unit)
WHERE h.dim_b = '' AND ({any_hist})
GROUP BY 1, 2, 3, 4, 5"""


def _rollup(source: str) -> str:
    """SELECT the quarter and year sums of the month histograms in `source` (one-way cells)."""
    return compose(
        _ROLLUP,
        source=source,
        sums=", ".join(f"stat_sum({h})" for h in _HISTS),
        units=", ".join(f"({literal(u)})" for u in ROLLUP_UNITS),
        any_hist=" OR ".join(f"h.{x} IS NOT NULL" for x in _HISTS),
    )


_ROLLUP_COLUMNS = ", ".join(("dim", "unit", "period", "track", "val", *_HISTS))


_FOLD = """
WITH {opened_cur},
{opened_old},
cur AS MATERIALIZED ({current}),
old_raw AS (DELETE FROM stat_facts WHERE complaint_id = ANY(%(ids)s) RETURNING *),
old AS (
  SELECT {counted} FROM old_raw o LEFT JOIN opened_old t ON t.complaint_id = o.complaint_id
),
ins AS (INSERT INTO stat_facts ({facts}) SELECT {facts} FROM cur),
signed AS (
  SELECT 1 AS sign, {cur_columns} FROM cur
  UNION ALL SELECT -1, {old_columns} FROM old
),
{deltas},
rolled AS (
  INSERT INTO stat_hist_rollups ({rollup_columns})
  {rollup}
  ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (dim, unit, period, track, val) DO UPDATE SET
    {rollup_updates}
)
INSERT INTO stat_cells ({cols})
SELECT {cols} FROM delta ORDER BY {key}
ON CONFLICT ({key}) DO UPDATE SET
    {updates}
"""


def fold_sql() -> str:
    """Recount the complaints `%(ids)s`: replace their facts and apply the differences."""
    return compose(
        _FOLD,
        opened_cur=relation("opened_traits", "cur"),
        opened_old=relation("opened_old", "old"),
        counted=_counted("o"),
        current=compose(CURRENT_FACTS, where="c.id = ANY(%(ids)s)"),
        facts=", ".join(STORED_COLUMNS),
        cur_columns=_columns("cur"),
        old_columns=_columns("old"),
        deltas=deltas("signed"),
        rollup_columns=_ROLLUP_COLUMNS,
        rollup=_rollup("hists"),
        rollup_updates=", ".join(
            f"{h} = stat_add(stat_hist_rollups.{h}, EXCLUDED.{h})" for h in _HISTS
        ),
        cols=", ".join((*_KEY, *_ALL_SUMS, *_HISTS)),
        key=", ".join(_KEY),
        updates=",\n    ".join(
            [f"{n} = stat_cells.{n} + EXCLUDED.{n}" for n in _ALL_SUMS]
            + [f"{h} = stat_add(stat_cells.{h}, EXCLUDED.{h})" for h in _HISTS]
        ),
    )


_KEYED = """FROM stat_facts s
LEFT JOIN opened_traits t ON t.complaint_id = s.complaint_id
CROSS JOIN LATERAL stat_keys(s.status, s.origin, s.rights, s.grounds, s.department, s.outcome,
                             coalesce(t.sex_gender, 'not_stated'),
                             coalesce(t.age_band, 'not_stated'),
                             coalesce(t.disability, 'not_stated'),
                             coalesce(t.migration_status, 'not_stated'),
                             coalesce(t.ethnicity, 'not_stated'), s.finished_month) k"""
_REBUILD_HIST_BRANCH = (
    "SELECT s.month, s.track, k.dim_a, k.val_a, {measure} AS measure, "
    "stat_bucket(s.{column}) AS bucket {keyed} "
    "WHERE k.dim_b = '' AND k.dim_a <> 'finished_month' AND s.{column} IS NOT NULL"
)
_REBUILD = (
    "INSERT INTO stat_facts ({facts}) SELECT {facts} FROM ({current}) AS cur",
    """INSERT INTO stat_cells (month, track, dim_a, val_a, dim_b, val_b, n, own_initiative,
                        {counters})
SELECT {keys}, count(*), count(*) FILTER (WHERE s.origin = 'own_initiative'), {counter_sums}
{keyed}
GROUP BY {keys}""",
    """UPDATE stat_cells c SET {hist_sets}
FROM (
  SELECT month, track, dim_a, val_a, {pivots}
  FROM (SELECT month, track, dim_a, val_a, measure, bucket, count(*) AS c
        FROM ({hist_union}) AS u
        GROUP BY month, track, dim_a, val_a, measure, bucket) AS b
  GROUP BY month, track, dim_a, val_a
) AS h
WHERE (c.dim_a, c.dim_b, c.month, c.track, c.val_a, c.val_b)
    = (h.dim_a, '', h.month, h.track, h.val_a, '')""",
    "INSERT INTO stat_hist_rollups ({rollup_columns}) {rollup}",
)


def rebuild_sql() -> list[str]:
    """Count every complaint from scratch (stat_facts and stat_cells must be empty): the facts,
    then the counters, then the histograms, each a hash aggregate PostgreSQL does in one pass.
    The characteristics are read from the temporary table `opened_traits`."""
    fragments = {
        "facts": ", ".join(STORED_COLUMNS),
        "current": compose(CURRENT_FACTS, where="true"),
        "counters": ", ".join(COUNTERS),
        "counter_sums": ", ".join(f"sum(s.{name})" for name in COUNTERS),
        "keys": "s.month, s.track, k.dim_a, k.val_a, k.dim_b, k.val_b",
        "keyed": _KEYED,
        "hist_sets": ", ".join(f"{m}_hist = h.{m}_hist" for m in DURATIONS),
        "pivots": ", ".join(
            f"stat_hist(bucket, c) FILTER (WHERE measure = {literal(measure)}) AS {measure}_hist"
            for measure in DURATIONS
        ),
        "hist_union": "\n  UNION ALL ".join(
            compose(_REBUILD_HIST_BRANCH, measure=literal(measure), column=column, keyed=_KEYED)
            for measure, column in DURATIONS.items()
        ),
        "rollup_columns": _ROLLUP_COLUMNS,
        "rollup": _rollup("stat_cells"),
    }
    return [
        compose(template, **{k: v for k, v in fragments.items() if "{" + k + "}" in template})
        for template in _REBUILD
    ]


_TAIL = """
WITH ids AS (SELECT unnest(%(ids)s::uuid[]) AS complaint_id),
{opened_cur},
{opened_old},
cur AS MATERIALIZED ({current}),
old AS MATERIALIZED (
  SELECT {counted} FROM stat_facts o LEFT JOIN opened_old t ON t.complaint_id = o.complaint_id
  WHERE o.complaint_id IN (SELECT complaint_id FROM ids)),
signed AS (
  SELECT 1 AS sign, {cur_columns} FROM cur
  UNION ALL SELECT -1, {old_columns} FROM old
),
{deltas}
SELECT * FROM delta
"""


def tail_sql() -> str:
    """The differences not folded yet (the complaints `%(ids)s`, which have unfolded changes), as
    stat_cells rows."""
    return compose(
        _TAIL,
        opened_cur=relation("opened_traits", "cur"),
        opened_old=relation("opened_old", "old"),
        counted=_counted("o"),
        current=compose(CURRENT_FACTS, where="c.id IN (SELECT complaint_id FROM ids)"),
        cur_columns=_columns("cur"),
        old_columns=_columns("old"),
        deltas=deltas("signed"),
    )
