"""The residents' pages against the JSON API, each figure against a reference measured in the same
run, on the same server:
- rendering the filing form (`GET /file`, in English and in Arabic) against the API's taxonomy
  read (`GET /v1/taxonomy`), the closest JSON read (target: close to 1);
- filing through the form (`POST /file`, a form post with its CSRF token and session cookie,
  answered by a redirect) against filing through the API (`POST /v1/complaints`) with the same
  complaints (target: at least 0.8);
- the weight of the form page: its HTML and its stylesheet, uncompressed (target: under 60 KB).
The loads alternate in rounds, in the other order every other round, so drift in the machine
and the growing tables touch both sides alike.

    make bench-pages               # or: python bench/pages.py --seconds 8 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.caseload import DEPARTMENTS, filing_bodies  # noqa: E402
from bench.filing import checkpoint, free_port, prepare_database, show, start, stop  # noqa: E402
from bench.loadgen import Result, requests, run  # noqa: E402

TARGET_RENDER = 0.8  # "close to" the JSON read
TARGET_FILING = 0.8
TARGET_WEIGHT = 60 * 1024


def form_fields(body: dict[str, object], token: str) -> list[tuple[str, str]]:
    """A complaint body as the filing form posts it (the fields of app/web/templates/file.html)."""
    fields: list[tuple[str, str]] = [("csrf_token", token)]
    for name in ("track", "summary", "description", "remedy_sought", "language"):
        if name in body:
            fields.append((name, str(body[name])))
    if "respondent" in body:
        fields += [("respondent", "other"), ("respondent_other", str(body["respondent"]))]
    rights = body.get("rights_affected") or ["unknown"]
    fields += [("rights", str(r)) for r in rights]  # type: ignore[union-attr]
    fields += [("grounds", str(g)) for g in body.get("discrimination_grounds", [])]  # type: ignore[union-attr]
    for key, value in dict(body.get("incident") or {}).items():  # type: ignore[call-overload]
        fields.append((f"incident_{key}", str(value)))
    for key, value in dict(body.get("contact") or {}).items():  # type: ignore[call-overload]
        fields.append((f"contact_{key}", str(value)))
    for key, value in dict(body.get("characteristics") or {}).items():  # type: ignore[call-overload]
        fields.append((f"char_{key}", str(value)))
    return fields


def form_requests(port: int, bodies: list[bytes], cookie: str, token: str) -> list[bytes]:
    out = []
    for raw in bodies:
        form = urlencode(form_fields(json.loads(raw), token)).encode()
        out.append(
            (
                f"POST /file HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Cookie: {cookie}\r\nAccept: text/html\r\n"
                f"Content-Length: {len(form)}\r\n\r\n"
            ).encode()
            + form
        )
    return out


def get_requests(port: int, path: str, language: str) -> list[bytes]:
    return [
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Accept-Language: {language}\r\nAccept: text/html\r\n\r\n"
        ).encode()
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args()

    url = prepare_database()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "OMBUDS_ENVIRONMENT": "development",
        "OMBUDS_DB_POOL_MAX": str(args.connections),
        "OMBUDS_DEPARTMENTS": json.dumps(DEPARTMENTS),
        # One address sends everything: the per-address brake is off for both ways of filing.
        "OMBUDS_RATE_LIMIT_INTAKE_PER_MINUTE": "0",
        "OMBUDS_RATE_LIMIT_WRITES_PER_MINUTE": "0",
    }
    flags = ["--log-level", "warning", "--no-access-log", "--port", str(port)]
    proc = start([sys.executable, "-m", "app.cli", "serve", *flags], env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base) as browser:
            page = browser.get("/file")
            css = browser.get("/static/ombuds.css")
            cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert found is not None
            token = found.group(1)
        weight = len(page.content) + len(css.content)
        bodies = [json.dumps(b).encode() for b in filing_bodies(500)]
        api_filing = requests("127.0.0.1", port, "/v1/complaints", bodies)
        form_filing = form_requests(port, bodies, cookie, token)
        loads = {
            "GET /v1/taxonomy (JSON)": (get_requests(port, "/v1/taxonomy", "en"), 200),
            "GET /file (form page, en)": (get_requests(port, "/file", "en"), 200),
            "GET /file (form page, ar)": (get_requests(port, "/file", "ar"), 200),
            "POST /v1/complaints (JSON)": (api_filing, 201),
            "POST /file (form, then 303)": (form_filing, 303),
        }
        totals = {name: Result() for name in loads}

        def load(name: str, seconds: float) -> Result:
            batch, expect = loads[name]
            return asyncio.run(
                run(
                    "127.0.0.1",
                    port,
                    "",
                    b"",
                    connections=args.connections,
                    seconds=seconds,
                    expect=expect,
                    batch=batch,
                )
            )

        for name in loads:
            load(name, args.warmup)
        names = list(loads)
        for n in range(args.rounds):
            print(f"round {n + 1}/{args.rounds}")
            # Every other round in the other order: what runs second (on a fuller table, a warmer
            # or busier server) is not always the same side.
            for name in names if n % 2 == 0 else names[::-1]:
                checkpoint(url)
                result = load(name, args.seconds)
                totals[name].add(result)
                print("  " + show(name, result))
    finally:
        stop(proc)

    json_read = totals["GET /v1/taxonomy (JSON)"].rps
    render_en = totals["GET /file (form page, en)"].rps / json_read
    render_ar = totals["GET /file (form page, ar)"].rps / json_read
    filing = totals["POST /file (form, then 303)"].rps / totals["POST /v1/complaints (JSON)"].rps
    errors = sum(r.errors for r in totals.values())
    print()
    print("all rounds")
    for name, result in totals.items():
        print("  " + show(name, result))
    print()
    print(f"form page render / taxonomy read:   en {render_en:.2f}   ar {render_ar:.2f}")
    print(f"filing through the form / the API:  {filing:.2f}   (target >= {TARGET_FILING})")
    print(
        f"form page weight: {len(page.content):,} B HTML + {len(css.content):,} B CSS = "
        f"{weight:,} B   (target < {TARGET_WEIGHT:,} B)"
    )
    print(f"errors: {errors}")
    ok = filing >= TARGET_FILING and weight < TARGET_WEIGHT and errors == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
