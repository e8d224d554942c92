"""Search at volume: GET /v1/search p95 against a lookup by reference, in one run.

For each size (10,000 and 100,000 complaints by default; `make bench-search-1m`, or `--sizes`, or
OMBUDS_BENCH_SEARCH_SIZES, for the issue's 1,000,000) it loads a caseload in SQL, as the service
would have stored it, with free text in the shipped languages and others (summaries of 4 and
descriptions of 14 words drawn from a skewed vocabulary, one message for every other case, a
tenth of them internal notes, recusals), then serves the API in one worker and times, as a
staff member of the ombudsperson track recused from one of its cases in a hundred:
- the lookup by reference (GET /v1/complaints?reference=): the reference of the same run;
- searches: a frequent word, a rare one, an uncommon one, two words, a French word in another
  inflection, a word found only in messages; and a frequent word for the other track's staff;
- the same frequent word found the naive way (ILIKE over summary and description, SQL only).
Each database is dropped after its size (`--keep` keeps them, `--explain` prints the plans).

Targets (issue 16): lookup p95 under 10 ms and search p95 under 100 ms at 1,000,000, and growth
within 1.5x from the smallest size.

    .venv/bin/python bench/search.py            # or: --sizes 10000 --repeat 50
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.auth.tokens import issue  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import with_database  # noqa: E402
from app.kit.access import visibility  # noqa: E402
from app.kit.permissions import Permission, Role  # noqa: E402
from app.kit.principals import Principal  # noqa: E402
from app.kit.sql import compose  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.search import queries, service  # noqa: E402
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
# In one case in fifty: too rare for a page among the newest cases the search reads first
# (app/search/service.py WALK), so found through the index among some 20,000 at 1,000,000.
UNCOMMON = "arbitration"
# In one message in a hundred (about one case in 200), never in a summary or a description.
IN_MESSAGES = "postponement"
STAFF = "bench-staff"  # of the ombudsperson track, recused from one of its cases in a hundred
# (`0 * k` below: each word is drawn again for each row of the series, and the aggregate is the
# subquery's, not the outer query's.)

# The rows filing, acknowledging, messaging and recusing write through the service (one INSERT
# ... SELECT per table rather than an API call per case), over five years: an anonymous complaint
# (no contact, nothing sealed), its reference as filing writes it (prefix, year, the sequence's
# number, in the order of receipt, as the table holds them) and a 32-byte receipt hash,
# acknowledged within a week; the tsvectors are the generated column's and the messages'
# trigger's, as for any row.
LOAD = """
CREATE TEMP TABLE gen AS
SELECT g, now() - (%(n)s - g) * (interval '1826 days' / %(n)s) AS received,
  CASE WHEN random() < 0.88 THEN 'ombudsperson' ELSE 'anti_corruption' END AS track,
  (ARRAY['en','en','en','en','en','en','fr','fr','es','ar','de'])[1 + floor(random() * 11)::int]
    AS language
FROM generate_series(1, %(n)s) AS g;

CREATE TEMP TABLE vocab AS
SELECT key AS language, string_to_array(value, ' ') AS words
FROM jsonb_each_text(%(words)s::jsonb);

INSERT INTO complaints (id, reference, receipt_hash, track, status, version, summary, description,
  rights_affected, remedy_sought, language, anonymous, received_at, updated_at, acknowledge_by,
  acknowledged_at, feedback_by)
SELECT gen_random_uuid(),
  %(prefix)s || '-' || to_char(received AT TIME ZONE 'UTC', 'YYYY') || '-'
    || lpad(g::text, greatest(6, length(g::text)), '0'),
  sha256(convert_to(gen_random_uuid()::text, 'UTF8')), gen.track, 'acknowledged', 2,
  (SELECT string_agg(
     v.words[1 + floor(power(random(), 2) * cardinality(v.words))::int + 0 * k], ' ')
   FROM generate_series(1, 4) AS k),
  (SELECT string_agg(
     v.words[1 + floor(power(random(), 2) * cardinality(v.words))::int + 0 * k], ' ')
   FROM generate_series(1, 14) AS k)
  || CASE WHEN g %% 1000 = 0 THEN ' ' || %(rare)s ELSE '' END
  || CASE WHEN g %% 50 = 25 THEN ' ' || %(uncommon)s ELSE '' END,
  ARRAY['adequate_housing'], 'A remedy.', gen.language, true, received,
  least(received + interval '2 days', now()), received + interval '7 days',
  least(received + interval '2 days', now()),
  received + interval '3 months'
FROM gen JOIN vocab v USING (language);

SELECT setval('complaint_reference_seq', %(n)s);

INSERT INTO messages (complaint_id, kind, body, author_subject, author_role, created_at)
SELECT c.id, CASE WHEN random() < 0.1 THEN 'internal_note' ELSE 'to_complainant' END,
  (SELECT string_agg(v.words[1 + floor(random() * cardinality(v.words))::int + 0 * k], ' ')
   FROM generate_series(1, 10) AS k)
  || CASE WHEN random() < 0.01 THEN ' ' || %(in_messages)s ELSE '' END,
  %(staff)s, 'ombudsperson_staff', least(c.received_at + interval '3 days', now())
FROM complaints c JOIN vocab v USING (language)
WHERE random() < 0.5;

INSERT INTO recusals (complaint_id, subject, kind, reason, recorded_by, recorded_at)
SELECT c.id, CASE WHEN random() < 0.5 THEN %(staff)s ELSE 'other-staff' END, 'declared',
  'A relative filed it.', %(staff)s, c.received_at + interval '1 day'
FROM complaints c WHERE c.track = 'ombudsperson' AND random() < 0.02
"""

SEARCHES = {
    "frequent word (eviction)": {"q": "eviction"},
    "rare word": {"q": RARE},
    "uncommon word (1 case in 50)": {"q": UNCOMMON},
    "two words (housing hearing)": {"q": "housing hearing"},
    "French inflection (expulsions)": {"q": "expulsions"},
    "word only in messages": {"q": IN_MESSAGES},
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
        conn.execute("SET maintenance_work_mem = '512MB'")
        params = {
            "n": n,
            "words": json.dumps(WORDS),
            "rare": RARE,
            "uncommon": UNCOMMON,
            "in_messages": IN_MESSAGES,
            "staff": STAFF,
            "prefix": Settings().reference_prefix,
        }
        for statement in LOAD.split(";\n\n"):
            conn.execute(statement, params)
        conn.execute("VACUUM ANALYZE")
    return url, time.perf_counter() - started


def drop(server: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(server, "postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


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


def token(subject: str, role: Role) -> dict[str, str]:
    issued = issue(Settings(), subject=subject, roles=[role], ttl_seconds=3600)
    return {"Authorization": f"Bearer {issued}"}


def explain(url: str, subject: str, role: Role, q: str, limit: int) -> str:
    """The plan of the search statement as the service runs it for this caller (`--explain`)."""
    principal = Principal(subject=subject, roles=frozenset({role}))
    visible, params = visibility(principal)
    statement = compose(queries.SEARCH, visible=visible, filters="")
    params = {
        **params,
        "q": q,
        "internal": principal.may(Permission.message_internal),
        "headline": queries.HEADLINE,
        "limit": limit + 1,
        **service.walk(principal, limit + 1),
        **service.periods(datetime.now(UTC)),
    }
    with psycopg.connect(url) as conn:
        conn.execute(service.SETTINGS)  # planned as the service plans it
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params).fetchall()
    return "\n".join(row[0] for row in rows)


def measure(url: str, repeat: int, plans: bool) -> dict[str, tuple[float, float]]:
    port = free_port()
    proc = serve(url, port)
    staff = token(STAFF, Role.ombudsperson_staff)
    officer = token("bench-officer", Role.oversight_officer)
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT reference FROM complaints WHERE track = 'ombudsperson' "
            "ORDER BY reference OFFSET %s LIMIT 1",
            (conn.execute("SELECT count(*) / 2 FROM complaints").fetchone() or (0,)),
        ).fetchone()
    reference = row[0] if row else ""
    searches = [(name, staff, params) for name, params in SEARCHES.items()]
    searches.append(("other track, frequent word", officer, {"q": "eviction"}))
    out: dict[str, tuple[float, float]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            http.headers.update(staff)
            lookup = timed(http, "/v1/complaints", {"reference": reference}, repeat)
            out["lookup by reference (reference)"] = (
                percentile(lookup, 0.5),
                percentile(lookup, 0.95),
            )
            for name, headers, params in searches:
                http.headers.update(headers)
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
    if plans:
        page = Settings().page_size_default
        for name, headers, params in searches:
            who = (STAFF, Role.ombudsperson_staff) if headers is staff else None
            subject, role = who or ("bench-officer", Role.oversight_officer)
            print(f"--- plan: {name}\n{explain(url, subject, role, params['q'], page)}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=os.environ.get("OMBUDS_BENCH_SEARCH_SIZES", "10000,100000"),
        help="complaints to load, comma-separated (default: $OMBUDS_BENCH_SEARCH_SIZES or "
        "10000,100000)",
    )
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--explain", action="store_true", help="print each search's plan")
    parser.add_argument("--keep", action="store_true", help="keep the databases (to explain)")
    args = parser.parse_args()
    server = server_url()
    results: dict[int, dict[str, tuple[float, float]]] = {}
    for n in [int(s) for s in args.sizes.split(",")]:
        url, loaded = prepare(server, n)
        print(f"{n:>9,} complaints loaded and indexed in {loaded:.1f} s", flush=True)
        try:
            results[n] = measure(url, args.repeat, args.explain)
        finally:
            if not args.keep:
                drop(server, url)
        for name, (p50, p95) in results[n].items():
            print(f"  {name:<40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)
    sizes = sorted(results)
    if len(sizes) > 1:
        first = sizes[0]
        print(f"growth of p95 from {first:,} (target: within 1.5x):")
        for last in sizes[1:]:
            print(f"  to {last:,}:")
            for name in results[first]:
                ratio = results[last][name][1] / results[first][name][1]
                print(f"    {name:<38} {ratio:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
