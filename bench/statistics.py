"""Statistics at volume: releases, ad hoc questions, folding, and delivery throughput, in one run.

For each size (10,000 and 1,000,000 complaints by default) it loads a realistic caseload (five
years, a skewed spread over rights, grounds, departments, outcomes and characteristics), counts
it into the aggregate (`ombuds statistics rebuild`), then:
- computes and checks last year's releases (12 months, 4 quarters, the year), as the worker
  does, and reports the time of each kind and of the whole year;
- serves the API in one uvicorn worker and times reading the year's release (a lookup) against
  GET /healthz measured in the same run, and typical ad hoc questions (GET /v1/statistics, noisy
  counts) next to the same grouping done as a plain SQL GROUP BY on the case tables.
Then it measures how fast the worker folds status changes of cases received over the five years
(every cell of each case changes: the fold's hardest work), and seals and verifies the audit
trail. Filing, folding what filing notes, and delivering pushes are in bench/filing.py.

Targets: a year's releases at 1M within a few minutes (issue 13); ad hoc p95 < 100 ms at 1M and
p95 at 1M <= 1.2 x p95 at 10,000 (issue 5); reading a release as flat as a lookup.

    make bench-statistics           # or: python bench/statistics.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.auth.tokens import issue  # noqa: E402
from app.config import Settings  # noqa: E402
from app.crypto import CHARACTERISTICS as SEALED_TRAITS  # noqa: E402
from app.crypto import Sealer  # noqa: E402
from app.db import libpq_url, start_embedded_postgres, with_database  # noqa: E402
from app.kit.permissions import Role  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.statistics import releases  # noqa: E402
from app.statistics.folding import fold, rebuild  # noqa: E402
from app.statistics.traits import TRAITS  # noqa: E402
from app.taxonomy import CHARACTERISTICS, DISCRIMINATION_GROUNDS, RIGHTS  # noqa: E402
from bench.caseload import DEPARTMENTS  # noqa: E402

SEALER = Sealer.from_settings(Settings())  # the development keys, as the served process has

LOAD = """
CREATE TEMP TABLE gen AS
SELECT g,
  now() - random() * interval '1826 days' AS received,
  random() AS u_track, random() AS u_status, random() AS u_ack, random() AS u_fin,
  1 + floor(random() * 3)::int AS n_rights, floor(random() * random() * 3)::int AS n_grounds,
  random() AS u_dept, random() AS u_traits
FROM generate_series(1, %(n)s) AS g;

INSERT INTO complaints (
  id, reference, receipt_hash, origin, track, status, summary, description, rights_affected,
  discrimination_grounds, respondent, department, remedy_sought, language, anonymous,
  received_at, acknowledge_by, acknowledged_at, feedback_by, feedback_given_at, decide_by,
  decided_at, investigated_at, finished_at)
SELECT
  gen_random_uuid(), 'BEN-' || g,
  CASE WHEN u_track <= 0.98 THEN sha256(('receipt-' || g)::bytea) END,
  CASE WHEN u_track > 0.98 THEN 'own_initiative' ELSE 'complaint' END,
  CASE WHEN u_track < 0.88 THEN 'ombudsperson' ELSE 'anti_corruption' END,
  s.status, 'Benchmark complaint', 'Generated for the statistics benchmark.',
  ARRAY(SELECT (%(rights)s::text[])[1 + floor(power(random(), 2) * %(n_right)s)::int]
        FROM generate_series(1, n_rights) WHERE g > 0 GROUP BY 1),
  ARRAY(SELECT (%(grounds)s::text[])[1 + floor(power(random(), 2) * %(n_ground)s)::int]
        FROM generate_series(1, n_grounds) WHERE g > 0 GROUP BY 1),
  CASE WHEN u_dept < 0.9 THEN (%(departments)s::text[])[1 + floor((u_dept / 0.9) ^ 2 * 20)::int]
       WHEN u_dept < 0.97 THEN 'A private company' END,
  CASE WHEN u_dept < 0.9
       THEN (%(departments)s::text[])[1 + floor((u_dept / 0.9) ^ 2 * 20)::int] END,
  'A remedy.', 'en', u_traits < 0.2,
  received, received + interval '7 days',
  CASE WHEN s.status <> 'submitted' THEN received + u_ack * interval '10 days' END,
  received + interval '3 months',
  CASE WHEN s.status NOT IN ('submitted', 'acknowledged')
       THEN received + u_ack * interval '120 days' END,
  received + interval '6 months',
  CASE WHEN s.terminal OR s.status IN ('findings_issued', 'remedy_follow_up')
       THEN received + (20 + u_fin * 300) * interval '1 day' END,
  CASE WHEN s.investigated THEN received + interval '30 days' END,
  CASE WHEN s.terminal THEN received + (20 + u_fin * 480) * interval '1 day' END
FROM gen
CROSS JOIN LATERAL (
  SELECT CASE
    WHEN u_status < 0.45 THEN 'closed' WHEN u_status < 0.57 THEN 'inadmissible'
    WHEN u_status < 0.65 THEN 'referred' WHEN u_status < 0.70 THEN 'withdrawn'
    WHEN u_status < 0.75 THEN 'remedy_follow_up' WHEN u_status < 0.78 THEN 'findings_issued'
    WHEN u_status < 0.86 THEN 'under_investigation' WHEN u_status < 0.92 THEN 'under_assessment'
    WHEN u_status < 0.96 THEN 'acknowledged' ELSE 'submitted' END AS status,
    u_status < 0.45 OR (u_status >= 0.57 AND u_status < 0.70) AS terminal,
    u_status < 0.30 OR (u_status >= 0.70 AND u_status < 0.86) AS investigated
) AS s;

CREATE TABLE bench_clear_traits AS
SELECT id AS complaint_id,
  (%(sex)s::text[])[1 + floor(power(random(), 1.5) * cardinality(%(sex)s::text[]))::int]
    AS sex_gender,
  (%(age)s::text[])[1 + floor(random() * cardinality(%(age)s::text[]))::int] AS age_band,
  (%(disability)s::text[])[1 + floor(random() ^ 3 * cardinality(%(disability)s::text[]))::int]
    AS disability,
  (%(migration)s::text[])[1 + floor(power(random(), 2) * cardinality(%(migration)s::text[]))::int]
    AS migration_status,
  (%(ethnicity)s::text[])[1 + floor(power(random(), 2) * cardinality(%(ethnicity)s::text[]))::int]
    AS ethnicity
FROM complaints WHERE random() < 0.7;

INSERT INTO findings (complaint_id, outcome, rights_affected, public_summary, internal_reasoning,
                      drafted_by, issued_at)
SELECT id, (ARRAY['violation_found', 'partially_founded', 'no_violation', 'not_substantiated',
                  'settled'])[1 + floor(random() * 5)::int],
       rights_affected, 'Summary.', 'Reasoning.', 'bench', decided_at
FROM complaints
WHERE status IN ('findings_issued', 'remedy_follow_up')
   OR (status = 'closed' AND investigated_at IS NOT NULL);

INSERT INTO remedies (complaint_id, form, department, description, response_due_at, response,
                      response_reasons, responded_at, responded_by, created_by)
SELECT c.id, 'restitution', coalesce(c.department, 'Housing'), 'A remedy.', now(),
       CASE WHEN random() < 0.7 THEN 'accepted' ELSE 'rejected' END, 'Reasons.', now(),
       'bench', 'bench'
FROM complaints c JOIN findings f ON f.complaint_id = c.id
WHERE c.status IN ('remedy_follow_up', 'closed')
  AND f.outcome IN ('violation_found', 'partially_founded', 'settled');
"""

# Typical requests of a monitoring body, and the same grouping done on the case tables.
MONTH_12 = "date_trunc('month', now()) - interval '11 months'"
QUERIES: list[tuple[str, dict[str, Any], str]] = [
    (
        "status, last 12 months",
        {"group_by": "status"},
        f"SELECT status, count(*) FROM complaints WHERE received_at >= {MONTH_12} GROUP BY 1",
    ),
    (
        "month x track, last 12 months",
        {"group_by": ["period", "track"], "period_unit": "month"},
        "SELECT date_trunc('month', received_at), track, count(*), "
        "percentile_disc(0.5) WITHIN GROUP (ORDER BY acknowledged_at - received_at) "
        f"FROM complaints WHERE received_at >= {MONTH_12} GROUP BY 1, 2",
    ),
    (
        "right x sex, last 12 months",
        {"group_by": ["right", "sex_gender"]},
        "SELECT r, coalesce(ch.sex_gender::text, 'not_stated'), count(*) FROM complaints c "
        "LEFT JOIN bench_clear_traits ch ON ch.complaint_id = c.id, "
        f"unnest(c.rights_affected) r WHERE c.received_at >= {MONTH_12} GROUP BY 1, 2",
    ),
    (
        "department, 5 years",
        {"group_by": "department"},
        "SELECT department, count(*), avg((acknowledged_at <= acknowledge_by)::int) "
        "FROM complaints GROUP BY 1",
    ),
    (
        "quarter x ground, 5 years",
        {"group_by": ["period", "ground"], "period_unit": "quarter"},
        "SELECT date_trunc('quarter', received_at), g, count(*) FROM complaints c, "
        "unnest(c.discrimination_grounds) g GROUP BY 1, 2",
    ),
    (
        "outcome x disability, 5 years",
        {"group_by": ["outcome", "disability"]},
        "SELECT f.outcome, ch.disability, count(*) FROM complaints c "
        "LEFT JOIN findings f ON f.complaint_id = c.id "
        "LEFT JOIN bench_clear_traits ch ON ch.complaint_id = c.id GROUP BY 1, 2",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_url() -> str:
    server = os.environ.get("DATABASE_URL")
    return libpq_url(server) if server else start_embedded_postgres(Settings().var_dir)


def seal_traits(conn: psycopg.Connection[Any]) -> None:
    """The characteristics, sealed as intake seals them; the clear copy (bench_clear_traits)
    stays only for the plain GROUP BY the service is compared with."""
    rows = conn.execute("SELECT * FROM bench_clear_traits").fetchall()
    with conn.cursor().copy(
        "COPY complainant_characteristics (complaint_id, key_id, sealed) FROM STDIN"
    ) as copy:
        for complaint_id, *values in rows:
            plain = json.dumps(dict(zip(TRAITS, values, strict=True))).encode()
            copy.write_row((complaint_id, *SEALER.seal(plain, complaint_id, SEALED_TRAITS)))


def prepare(server: str, name: str, n: int) -> tuple[str, float, float]:
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = with_database(server, name)
    upgrade(url)
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET work_mem = '256MB'")
        params = {
            "n": n,
            "rights": [r.code for r in RIGHTS],
            "n_right": len(RIGHTS),
            "grounds": list(DISCRIMINATION_GROUNDS),
            "n_ground": len(DISCRIMINATION_GROUNDS),
            "departments": DEPARTMENTS,
            "sex": list(CHARACTERISTICS["sex_gender"]),
            "age": list(CHARACTERISTICS["age_band"]),
            "disability": list(CHARACTERISTICS["disability"]),
            "migration": list(CHARACTERISTICS["migration_status"]),
            "ethnicity": list(CHARACTERISTICS["ethnicity"]),
        }
        for statement in LOAD.split(";\n\n"):
            names = {k: v for k, v in params.items() if f"%({k})s" in statement}
            conn.execute(statement, names)  # type: ignore[arg-type]
        seal_traits(conn)
        conn.execute("VACUUM ANALYZE")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    rebuild(url, SEALER)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE stat_cells")
    return url, loaded, time.perf_counter() - started


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    import json

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OMBUDS_DEPARTMENTS": json.dumps(DEPARTMENTS),
        "OMBUDS_DB_POOL_MIN": "2",
        "OMBUDS_DB_POOL_MAX": "4",
        # Ad hoc questions each spend a thousandth: a budget for the whole run.
        "OMBUDS_DP_EPSILON_PER_MONTH": "100",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(400):
        try:
            httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def time_api(port: int, repeat: int) -> dict[str, tuple[float, float]]:
    token = issue(Settings(), subject="bench-monitor", roles=[Role.monitor], ttl_seconds=3600)
    headers = {"Authorization": f"Bearer {token}"}
    today = time.gmtime()
    first = f"{today.tm_year - 1 if today.tm_mon < 12 else today.tm_year}-" + (
        f"{today.tm_mon % 12 + 1:02d}"
    )
    five = f"{today.tm_year - 5}-{today.tm_mon:02d}"
    out: dict[str, tuple[float, float]] = {}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as http:
        for name, params, _ in QUERIES:
            params = {**params, "from": first if "12 months" in name else five, "epsilon": 0.001}
            for _ in range(5):
                http.get("/v1/statistics", params=params).raise_for_status()
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = http.get("/v1/statistics", params=params)
                samples.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            out[name] = (percentile(samples, 0.5), percentile(samples, 0.95))
    return out


def time_sql(url: str, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for name, _, sql in QUERIES:
            conn.execute(sql).fetchall()
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                conn.execute(sql).fetchall()
                samples.append((time.perf_counter() - started) * 1000)
            out[name] = percentile(samples, 0.5)
    return out


async def fold_rate(url: str, changes: int) -> float:
    """Changes/s folded, as the worker folds them (its batch): `changes` complaints received
    over the five years open an investigation, which changes every cell they count in."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "WITH c AS (UPDATE complaints SET status = 'under_investigation', "
            "investigated_at = now() WHERE id IN (SELECT id FROM complaints "
            "WHERE status = 'under_assessment' LIMIT %(n)s) RETURNING id, track) "
            "INSERT INTO stat_changes (complaint_id, kind) "
            "SELECT id, 'complaint.transitioned' FROM c",
            {"n": changes},
        )
    async with await psycopg.AsyncConnection.connect(
        url, autocommit=True, row_factory=dict_row
    ) as conn:
        started = time.perf_counter()
        total = 0
        while n := await fold(conn, SEALER):
            total += n
        elapsed = time.perf_counter() - started
    return total / elapsed if elapsed else 0.0


async def audit_rates(url: str, entries: int) -> tuple[float, float]:
    """Entries/s the sealer chains, and the verifier checks."""
    from app.audit.chain import seal, verify

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO audit_entries (actor_subject, actor_role, action, object_type, object_id) "
            "SELECT 'bench', 'ombudsperson_staff', 'complaint.read', 'complaint', g::text "
            "FROM generate_series(1, %(n)s) AS g",
            {"n": entries},
        )
    key = Settings().audit_key.get_secret_value().encode()
    async with await psycopg.AsyncConnection.connect(
        url, autocommit=True, row_factory=dict_row
    ) as conn:
        started = time.perf_counter()
        sealed = 0
        while n := await seal(conn, key, 5000):
            sealed += n
        seal_rate = sealed / (time.perf_counter() - started)
        started = time.perf_counter()
        result = await verify(conn, key)
        verify_rate = result.checked / (time.perf_counter() - started)
    assert result.intact
    return seal_rate, verify_rate


async def release_year(url: str, year: int) -> tuple[dict[str, list[float]], int, int]:
    """Publish `year`'s releases as the worker does (finer first); seconds per kind, and the
    year release's cells and suppressed cells."""
    settings = Settings(departments=DEPARTMENTS)
    seconds: dict[str, list[float]] = {}
    cells = hidden = 0
    async with await psycopg.AsyncConnection.connect(
        url, autocommit=True, row_factory=dict_row
    ) as conn:
        for period in releases.periods_of_year(year):
            started = time.perf_counter()
            doc = await releases.publish(conn, settings, period)
            seconds.setdefault(period.unit.value, []).append(time.perf_counter() - started)
            if period.unit.value == "year":
                cells = sum(len(t["cells"]) for t in doc["tables"])
                hidden = doc["disclosure"]["suppressed"]
    return seconds, cells, hidden


def time_release(port: int, repeat: int, release: int) -> dict[str, tuple[float, float]]:
    """p50/p95 of reading a release, and of GET /healthz (the reference), interleaved."""
    samples: dict[str, list[float]] = {"release": [], "healthz": []}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        for _ in range(5):
            http.get(f"/v1/releases/{release}").raise_for_status()
        for _ in range(repeat):
            for name, path in (("release", f"/v1/releases/{release}"), ("healthz", "/healthz")):
                started = time.perf_counter()
                http.get(path).raise_for_status()
                samples[name].append((time.perf_counter() - started) * 1000)
    return {name: (percentile(v, 0.5), percentile(v, 0.95)) for name, v in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    server = server_url()
    results: dict[int, dict[str, tuple[float, float]]] = {}
    reads: dict[int, dict[str, tuple[float, float]]] = {}
    plain: dict[int, dict[str, float]] = {}
    urls: dict[int, str] = {}
    year = time.gmtime().tm_year - 1
    for n in sizes:
        url, loaded, counted = prepare(server, f"ombuds_bench_stats_{n}", n)
        urls[n] = url
        with psycopg.connect(url) as conn:
            cells = conn.execute("SELECT count(*) FROM stat_cells").fetchone()
        print(
            f"{n:>9,} complaints: loaded in {loaded:.1f} s, counted in {counted:.1f} s "
            f"({cells[0] if cells else 0:,} aggregate rows)",
            flush=True,
        )
        seconds, year_cells, year_hidden = asyncio.run(release_year(url, year))
        print(
            f"{'':>9}  releases of {year}: "
            + ", ".join(
                f"{len(v)} {unit}{'s' if len(v) > 1 else ''} {sum(v):.1f} s "
                f"(slowest {max(v):.1f} s)"
                for unit, v in seconds.items()
            )
            + f"; the year in all {sum(sum(v) for v in seconds.values()):.1f} s"
            f" (its release: {year_cells:,} cells, {year_hidden:,} suppressed)",
            flush=True,
        )
        with psycopg.connect(url) as conn:
            found = conn.execute(
                "SELECT id FROM statistics_releases WHERE period = %s", (str(year),)
            ).fetchone()
        port = free_port()
        proc = serve(url, port)
        try:
            reads[n] = time_release(port, args.repeat, found[0] if found else 0)
            results[n] = time_api(port, args.repeat)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        plain[n] = time_sql(url, 3 if n >= 500_000 else 10)

    small, large = sizes[0], sizes[-1]
    print()
    print(f"GET /v1/releases/<the year {year}> against GET /healthz, ms, {args.repeat} each")
    for n in sizes:
        (p50, p95), (h50, h95) = reads[n]["release"], reads[n]["healthz"]
        print(
            f"{n:>9,}: release p50 {p50:.1f} p95 {p95:.1f}; healthz p50 {h50:.1f} p95 {h95:.1f}; "
            f"p50 ratio {p50 / h50:.2f}"
        )
    print(
        f"release p95 at {large:,} / at {small:,}: "
        f"{reads[large]['release'][1] / reads[small]['release'][1]:.2f}"
    )
    for title, timings in (("noisy counts, epsilon 0.001 each", results),):
        print()
        print(f"GET /v1/statistics, {title}, ms, {args.repeat} sequential requests each")
        header = f"{'query':<32}" + "".join(
            f"{f'p50 @{n:,}':>16}{f'p95 @{n:,}':>16}" for n in sizes
        )
        print(header + f"{'p95 ratio':>11}{'GROUP BY @' + f'{large:,}':>22}")
        worst_ratio, worst_p95 = 0.0, 0.0
        for name, _, _ in QUERIES:
            line = f"{name:<32}"
            for n in sizes:
                p50, p95 = timings[n][name]
                line += f"{p50:>16.1f}{p95:>16.1f}"
            ratio = timings[large][name][1] / timings[small][name][1]
            worst_ratio = max(worst_ratio, ratio)
            worst_p95 = max(worst_p95, timings[large][name][1])
            line += f"{ratio:>11.2f}{plain[large][name]:>22.1f}"
            print(line)
        print(
            f"worst p95 at {large:,}: {worst_p95:.1f} ms (target < 100); worst p95 ratio "
            f"{large:,}/{small:,}: {worst_ratio:.2f} (target <= 1.2)"
        )
    rate = asyncio.run(fold_rate(urls[large], 6000))
    print(f"folding status changes into the aggregate at {large:,}: {rate:,.0f} changes/s")
    sealing, verifying = asyncio.run(audit_rates(urls[small], 100_000))
    print(
        f"audit trail: sealed {sealing:,.0f} entries/s into the chain, verified "
        f"{verifying:,.0f} entries/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
