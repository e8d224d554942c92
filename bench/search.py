"""Search at volume: GET /v1/search p95 against a lookup by reference, in one run.

For each size (10,000 and 100,000 complaints by default; the issue's 1,000,000 takes long to
generate and index, pass `--sizes 10000,1000000` for it) it loads a caseload with free text in the
shipped languages and others (summaries of 4 and descriptions of 14 words drawn from a skewed
vocabulary, one message for every other case, a tenth of them internal notes), then serves the
API in one worker and times, as a staff member of the ombudsperson track:
- the lookup by reference (GET /v1/complaints?reference=): the reference of the same run;
- searches: a frequent word, a rare one, two words, a French word in another inflection;
- the same frequent word found the naive way (ILIKE over summary and description, SQL only).

Targets (issue 16): search p95 under 100 ms, and growth within 1.5x from the smallest size.

    .venv/bin/python bench/search.py            # or: --sizes 10000 --repeat 50
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.auth.tokens import issue  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import with_database  # noqa: E402
from app.kit.permissions import Role  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from bench.statistics import free_port, percentile, serve, server_url  # noqa: E402

WORDS = {
    "en": "eviction housing hearing water noise school police permit benefit disability parking "
    "heating mould rent landlord tax fine bus clinic library street waste refusal delay "
    "letter office family children elderly repair",
    "fr": "expulsion logement audience eau bruit école police permis allocation handicap "
    "stationnement chauffage moisissure loyer bailleur impôt amende autobus clinique "
    "bibliothèque rue déchets refus retard courrier bureau famille enfants",
    "es": "desalojo vivienda audiencia agua ruido escuela policía permiso prestación "
    "discapacidad aparcamiento calefacción moho alquiler propietario impuesto multa autobús",
    "ar": "طرد سكن جلسة ماء ضجيج مدرسة شرطة رخصة إعانة إعاقة موقف تدفئة عفن إيجار مالك ضريبة",
    "de": "Räumung Wohnung Anhörung Wasser Lärm Schule Polizei Genehmigung Miete Vermieter",
}
RARE = "zanzibarite"  # in one case in a thousand
# (`0 * k` below: each word is drawn again for each row of the series, and the aggregate is the
# subquery's, not the outer query's.)

LOAD = """
CREATE TEMP TABLE gen AS
SELECT g, now() - random() * interval '1826 days' AS received,
  CASE WHEN random() < 0.88 THEN 'ombudsperson' ELSE 'anti_corruption' END AS track,
  (ARRAY['en','en','en','en','en','en','fr','fr','es','ar','de'])[1 + floor(random() * 11)::int]
    AS language
FROM generate_series(1, %(n)s) AS g;

CREATE TEMP TABLE vocab AS
SELECT key AS language, string_to_array(value, ' ') AS words
FROM jsonb_each_text(%(words)s::jsonb);

INSERT INTO complaints (id, reference, receipt_hash, track, status, summary, description,
  rights_affected, remedy_sought, language, anonymous, received_at, acknowledge_by, feedback_by)
SELECT gen_random_uuid(), 'BEN-2026-' || lpad(g::text, 7, '0'), sha256(('r-' || g)::bytea),
  gen.track, 'acknowledged',
  (SELECT string_agg(
     v.words[1 + floor(power(random(), 2) * cardinality(v.words))::int + 0 * k], ' ')
   FROM generate_series(1, 4) AS k),
  (SELECT string_agg(
     v.words[1 + floor(power(random(), 2) * cardinality(v.words))::int + 0 * k], ' ')
   FROM generate_series(1, 14) AS k)
  || CASE WHEN g %% 1000 = 0 THEN ' ' || %(rare)s ELSE '' END,
  ARRAY['adequate_housing'], 'A remedy.', gen.language, true, received,
  received + interval '7 days', received + interval '3 months'
FROM gen JOIN vocab v USING (language);

INSERT INTO messages (complaint_id, kind, body, author_subject, author_role)
SELECT c.id, CASE WHEN random() < 0.1 THEN 'internal_note' ELSE 'to_complainant' END,
  (SELECT string_agg(v.words[1 + floor(random() * cardinality(v.words))::int + 0 * k], ' ')
   FROM generate_series(1, 10) AS k),
  'bench', 'ombudsperson_staff'
FROM complaints c JOIN vocab v USING (language)
WHERE random() < 0.5
"""

SEARCHES = {
    "frequent word (eviction)": {"q": "eviction"},
    "rare word": {"q": RARE},
    "two words (housing hearing)": {"q": "housing hearing"},
    "French inflection (expulsions)": {"q": "expulsions"},
}
ILIKE = (
    "SELECT c.id FROM complaints c WHERE c.track = 'ombudsperson' AND "
    "(c.summary ILIKE %(like)s OR c.description ILIKE %(like)s) "
    "ORDER BY c.received_at DESC, c.id DESC LIMIT 100"
)


def prepare(server: str, n: int) -> tuple[str, float]:
    name = f"ombuds_bench_search_{n}"
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = with_database(server, name)
    upgrade(url)
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET work_mem = '256MB'")
        params = {"n": n, "words": json.dumps(WORDS), "rare": RARE}
        for statement in LOAD.split(";\n\n"):
            conn.execute(statement, params)
        conn.execute("VACUUM ANALYZE")
    return url, time.perf_counter() - started


def timed(http: httpx.Client, path: str, params: dict[str, str], repeat: int) -> list[float]:
    for _ in range(5):
        http.get(path, params=params).raise_for_status()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = http.get(path, params=params)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return samples


def measure(url: str, repeat: int) -> dict[str, tuple[float, float]]:
    port = free_port()
    proc = serve(url, port)
    token = issue(
        Settings(), subject="bench-staff", roles=[Role.ombudsperson_staff], ttl_seconds=3600
    )
    out: dict[str, tuple[float, float]] = {}
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ) as http:
            lookup = timed(http, "/v1/complaints", {"reference": "BEN-2026-0000007"}, repeat)
            out["lookup by reference (reference)"] = (
                percentile(lookup, 0.5),
                percentile(lookup, 0.95),
            )
            for name, params in SEARCHES.items():
                samples = timed(http, "/v1/search", params, repeat)
                out[f"search: {name}"] = (percentile(samples, 0.5), percentile(samples, 0.95))
    finally:
        proc.terminate()
        proc.wait()
    with psycopg.connect(url, autocommit=True) as conn:
        samples = []
        for _ in range(max(5, repeat // 5)):
            started = time.perf_counter()
            conn.execute(ILIKE, {"like": "%eviction%"}).fetchall()
            samples.append((time.perf_counter() - started) * 1000)
        out["SQL only: ILIKE eviction (naive)"] = (
            percentile(samples, 0.5),
            percentile(samples, 0.95),
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    server = server_url()
    results: dict[int, dict[str, tuple[float, float]]] = {}
    for n in [int(s) for s in args.sizes.split(",")]:
        url, loaded = prepare(server, n)
        print(f"{n:>9,} complaints loaded and indexed in {loaded:.1f} s", flush=True)
        results[n] = measure(url, args.repeat)
        for name, (p50, p95) in results[n].items():
            print(f"  {name:<40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)
    sizes = sorted(results)
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        print(f"growth of p95 from {first:,} to {last:,}:")
        for name in results[first]:
            ratio = results[last][name][1] / results[first][name][1]
            print(f"  {name:<40} {ratio:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
