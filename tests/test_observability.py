"""What an operator sees: GET /metrics (who may read it, what it counts, the queues' state read
from PostgreSQL), request ids, and the JSON log lines (no personal data in them)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from app.accesslog import JsonFormatter, describe_exception
from app.config import Settings
from app.main import create_app
from app.worker import work
from tests.conftest import TokenFactory, check_problem, complaint_body, refused, serving

TOKEN = "metrics-token-of-the-test-" + "q" * 20
BEARER = {"Authorization": f"Bearer {TOKEN}"}
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics", headers=BEARER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse(response.text)


@pytest.fixture
async def app_with_metrics(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings.model_copy(update={"metrics_token": SecretStr(TOKEN)}))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def metered(app_with_metrics: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # The app's own errors reach the client as the 500 it sends, as behind a server.
    transport = httpx.ASGITransport(app=app_with_metrics, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        event_hooks={"response": [check_problem]},
    ) as c:
        yield c


async def test_metrics_count_requests_by_route_template_filings_and_transitions(
    metered: httpx.AsyncClient,
    auth: TokenFactory,
    db: Any,
    settings: Settings,
    database_url: str,
    tmp_path: Path,
) -> None:
    before = await scrape(metered)
    ids = []
    for track in ("ombudsperson", "ombudsperson", "anti_corruption"):
        response = await metered.post("/v1/complaints", json=complaint_body(track=track))
        assert response.status_code == 201
        ids.append(response.json()["id"])
    staff = auth("ombudsperson_staff")
    read = await metered.get(f"/v1/complaints/{ids[0]}", headers=staff)
    assert read.status_code == 200
    acknowledged = await metered.post(
        f"/v1/complaints/{ids[0]}/transitions",
        json={"action": "acknowledge"},
        headers={**staff, "If-Match": read.headers["etag"]},
    )
    assert acknowledged.status_code == 200
    assert (await metered.get(f"/v1/complaints/{ids[1]}", headers=staff)).status_code == 200
    assert (await metered.get(f"/v1/nothing-here/{ids[2]}")).status_code == 404
    # Two pushes waiting for the monitoring module, the older 90 s old; one given up.
    db.execute(
        "INSERT INTO outbox_events (type, payload, created_at, status) VALUES "
        "('statistics.release', '{}', now() - interval '90 seconds', 'pending'), "
        "('statistics.release', '{}', now() - interval '5 seconds', 'pending'), "
        "('statistics.release', '{}', now() - interval '1 hour', 'dead')"
    )

    response = await metered.get("/metrics", headers=BEARER)
    after = parse(response.text)
    for complaint_id in ids:  # routes are named by their template, never by the path
        assert complaint_id not in response.text

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "ombuds_http_requests_total"
    assert grew(requests, method="POST", route="/v1/complaints", status="201") == 3
    assert grew(requests, method="GET", route="/v1/complaints/{complaint_id}", status="200") == 2
    assert (
        grew(
            requests, method="POST", route="/v1/complaints/{complaint_id}/transitions", status="200"
        )
        == 1
    )
    assert grew(requests, method="GET", route="unmatched", status="404") == 1
    assert grew(requests, method="GET", route="/metrics", status="200") == 1  # the first scrape
    latency = "ombuds_http_request_duration_seconds"
    assert grew(f"{latency}_count", method="POST", route="/v1/complaints") == 3
    assert grew(f"{latency}_bucket", method="POST", route="/v1/complaints", le="+Inf") == 3
    assert grew(f"{latency}_sum", method="POST", route="/v1/complaints") > 0
    assert grew("ombuds_filings_total", track="ombudsperson") == 2
    assert grew("ombuds_filings_total", track="anti_corruption") == 1
    assert grew("ombuds_transitions_total", action="acknowledge") == 1
    assert grew("ombuds_transitions_total", action="withdraw") == 0

    # The queues, from PostgreSQL: each filing and the transition noted one change for the fold
    # and wrote one audit entry, none folded or sealed yet.
    assert value(after, "ombuds_database_state_ok") == 1
    assert value(after, "ombuds_statistics_unfolded_changes") == 4
    assert value(after, "ombuds_audit_unsealed_entries") == 4
    assert 0 < value(after, "ombuds_statistics_oldest_unfolded_age_seconds") < 60
    assert 0 < value(after, "ombuds_audit_oldest_unsealed_age_seconds") < 60
    assert value(after, "ombuds_outbox_events", status="pending") == 2
    assert value(after, "ombuds_outbox_events", status="dead") == 1
    assert 90 <= value(after, "ombuds_outbox_oldest_pending_age_seconds") < 150

    # The worker drains the fold and the seal, and counts what it did.
    await work(
        settings.model_copy(update={"var_dir": tmp_path}),
        database_url,
        asyncio.Event(),
        once=True,
    )
    drained = await scrape(metered)
    assert value(drained, "ombuds_statistics_unfolded_changes") == 0
    assert value(drained, "ombuds_statistics_oldest_unfolded_age_seconds") == 0
    assert value(drained, "ombuds_audit_unsealed_entries") == 0
    assert value(drained, "ombuds_audit_oldest_unsealed_age_seconds") == 0
    assert (
        value(drained, "ombuds_statistics_folded_total")
        - value(before, "ombuds_statistics_folded_total")
        == 4
    )
    # Publishing a release (when one is due on the day the suite runs) writes its own entry.
    released = value(drained, "ombuds_statistics_releases_total") - value(
        before, "ombuds_statistics_releases_total"
    )
    sealed = value(drained, "ombuds_audit_sealed_total") - value(
        before, "ombuds_audit_sealed_total"
    )
    assert sealed == 4 + released
    assert value(drained, "ombuds_worker_rounds_total") > value(
        before, "ombuds_worker_rounds_total"
    )


async def test_metrics_are_off_without_a_token_and_need_it_when_set(
    client: httpx.AsyncClient, metered: httpx.AsyncClient
) -> None:
    # Without OMBUDS_METRICS_TOKEN (the suite's app), there is nothing there.
    refused(
        await client.get("/metrics", headers=BEARER),
        404,
        "not-found",
        detail="Nothing exists at this address.",
    )
    for headers in (
        {},
        {"Authorization": "Bearer " + TOKEN[:-1] + "x"},
        {"Authorization": "Bearer " + TOKEN + "x"},
        {"Authorization": "Basic " + TOKEN},
        {"Authorization": TOKEN},
    ):
        response = await metered.get("/metrics", headers=headers)
        refused(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "ombuds_" not in response.text
    assert (await metered.get("/metrics", headers=BEARER)).status_code == 200
    assert (await metered.get("/metrics", headers={"authorization": f"bearer {TOKEN}"})).is_success
    # Not part of the API's contract.
    assert "/metrics" not in (await metered.get("/openapi.json")).json()["paths"]


def test_a_short_metrics_token_is_refused() -> None:
    with pytest.raises(ValueError, match="OMBUDS_METRICS_TOKEN: must be at least 32 characters"):
        Settings(metrics_token="k3Zq9-short")


HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123", True),
        ("Req_1.2-3", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("a" * 300, False),
        ("", False),
        ("abc 123", False),
        ("abc;rm", False),
        ("zażółć", False),
    ],
)
async def test_a_sane_request_id_is_echoed_and_any_other_replaced(
    client: httpx.AsyncClient, sent: str, kept: bool
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": sent.encode()})
    echoed = response.headers["x-request-id"]
    if kept:
        assert echoed == sent
    else:
        assert HEX_ID.fullmatch(echoed), echoed


async def test_every_answer_carries_a_request_id_even_an_unexpected_error(
    app_with_metrics: FastAPI, metered: httpx.AsyncClient
) -> None:
    async def broken() -> None:
        raise RuntimeError("a bug")

    app_with_metrics.add_api_route("/broken", broken)
    first, second = (await metered.get("/healthz")), (await metered.get("/healthz"))
    assert HEX_ID.fullmatch(first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]  # one per request
    before = parse((await metered.get("/metrics", headers=BEARER)).text)
    failed = await metered.get("/broken", headers={"X-Request-ID": "trace-500"})
    refused(failed, 500, "internal-error")
    assert failed.headers["x-request-id"] == "trace-500"
    too_big = await metered.post(
        "/v1/complaints", content=b"x" * 5_000_000, headers={"content-type": "application/json"}
    )
    refused(too_big, 413, "payload-too-large")
    assert HEX_ID.fullmatch(too_big.headers["x-request-id"])
    after = parse((await metered.get("/metrics", headers=BEARER)).text)
    labels = {"method": "GET", "route": "/broken", "status": "500"}
    assert (
        value(after, "ombuds_http_requests_total", **labels)
        - value(before, "ombuds_http_requests_total", **labels)
        == 1
    )


def _record(**extra: Any) -> logging.LogRecord:
    record = logging.LogRecord(
        "ombuds.test", logging.WARNING, __file__, 1, "%s of %d", ("x", 2), None
    )
    record.__dict__.update(extra)
    return record


def test_a_log_line_is_one_json_object_with_time_level_logger_message_and_fields() -> None:
    record = _record(route="/v1/complaints", status=201)
    record.created = 1_800_000_000.25
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2027-01-15T08:00:00.250+00:00",
        "level": "WARNING",
        "logger": "ombuds.test",
        "message": "x of 2",
        "route": "/v1/complaints",
        "status": 201,
    }


def test_an_exception_is_logged_by_its_type_and_frames_not_its_message() -> None:
    said = "Key (email)=(someone@example.org) already exists"  # as a constraint says

    def fail() -> None:
        try:
            raise ConnectionRefusedError("connection refused by db.internal:5432")
        except OSError as exc:
            raise ValueError(said) from exc

    try:
        fail()
    except ValueError as exc:
        described = describe_exception(exc)
        record = _record()
        record.exc_info = (type(exc), exc, exc.__traceback__)
    assert "someone@example.org" not in described
    assert "builtins.ValueError" in described
    assert "in fail" in described  # the frames
    # A connection's trouble is no one's data: its message stays.
    assert "builtins.ConnectionRefusedError: connection refused by db.internal:5432" in described
    assert described.index("ConnectionRefusedError") < described.index("ValueError")
    line = json.loads(JsonFormatter().format(record))
    assert line["exception"] == described


def test_served_logs_are_json_lines_with_request_ids_and_nothing_of_the_complaint(
    settings: Settings, database_url: str, tmp_path: Path
) -> None:
    # Distinctive strings, to find any trace of them in the whole output.
    summary = "Flooded stairwell Zq7Kx31"
    description = "Water came through the ceiling of flat Vb82Wm for weeks; nobody came."
    email = "wq9-tenant@example.org"
    name = "Amal Qrstuvx"
    remedy = "Repair the roof Pl40Hn."
    query_text = "Ys6Ty-search"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    with serving(
        settings,
        database_url,
        "--log-level",
        "info",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as (base, proc):
        filed = httpx.post(
            base + "/v1/complaints",
            json=complaint_body(
                summary=summary,
                description=description,
                remedy_sought=remedy,
                contact={"name": name, "email": email},
            ),
        )
        assert filed.status_code == 201, filed.text
        complaint = filed.json()
        login = httpx.post(
            base + "/v1/auth/receipt",
            json={"reference": complaint["reference"], "receipt": complaint["receipt"]},
        )
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        read = httpx.get(
            f"{base}/v1/complaints/{complaint['id']}",
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "abc-123"},
        )
        assert read.status_code == 200 and read.headers["x-request-id"] == "abc-123"
        assert read.json()["summary"] == summary
        lost = httpx.get(f"{base}/v1/nowhere/{complaint['id']}", params={"q": query_text})
        assert lost.status_code == 404
        long = httpx.get(base + "/healthz", headers={"X-Request-ID": "r" * 300})
        spaced = httpx.get(base + "/healthz", headers={"X-Request-ID": "abc 123"})
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()

    entries = [json.loads(line) for line in out.splitlines()]  # every line is one JSON object
    assert entries
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys(), entry
        assert entry["time"].endswith("+00:00"), entry
    assert any(e["message"] == "Application startup complete." for e in entries)
    requests = {e["request_id"]: e for e in entries if e["logger"] == "ombuds.request"}
    line = requests["abc-123"]
    assert {k: line[k] for k in ("method", "route", "status", "message")} == {
        "method": "GET",
        "route": "/v1/complaints/{complaint_id}",
        "status": 200,
        "message": "GET /v1/complaints/{complaint_id} 200",
    }
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert "client" not in line
    assert requests[filed.headers["x-request-id"]]["route"] == "/v1/complaints"
    assert requests[lost.headers["x-request-id"]]["route"] == "unmatched"
    for replaced in (long, spaced):
        rid = replaced.headers["x-request-id"]
        assert HEX_ID.fullmatch(rid) and requests[rid]["route"] == "/healthz"
    # Nothing of what the person wrote or holds, nor the case's id, anywhere in the output.
    for secret in (
        summary,
        "Zq7Kx31",
        "Vb82Wm",
        email,
        name,
        "Pl40Hn",
        query_text,
        complaint["receipt"],
        token,
        complaint["id"],
    ):
        assert secret not in out and secret not in err, secret
