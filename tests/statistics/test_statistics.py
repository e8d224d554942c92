"""Ad hoc questions on live figures: differentially private counts only, paid for from the
asker's own monthly budget."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.conftest import complaint_body, refused


async def file_many(client: httpx.AsyncClient, count: int, **overrides: Any) -> None:
    for _ in range(count):
        response = await client.post("/v1/complaints", json=complaint_body(**overrides))
        assert response.status_code == 201, response.text


async def ask(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get("/v1/statistics", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    return response.json()


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("monitor",), 200),
        (("ombudsperson",), 200),
        (("oversight_head",), 200),
        (("ombudsperson_staff",), 403),
        (("oversight_officer",), 403),
        (("respondent",), 403),
        (("resident",), 403),
        (("admin",), 403),
        (("auditor",), 403),
    ],
)
async def test_who_may_ask(
    client: httpx.AsyncClient, auth: Any, roles: tuple[str, ...], status: int
) -> None:
    kwargs = {"department": "Housing"} if "respondent" in roles else {}
    response = await client.get("/v1/statistics", headers=auth(*roles, **kwargs))
    assert response.status_code == status, response.text
    if status == 403:
        refused(response, 403, "forbidden")
    refused(await client.get("/v1/statistics"), 401, "unauthorized")


async def test_every_answer_is_noisy_and_paid_for_from_the_askers_own_budget(
    client: httpx.AsyncClient, auth: Any, db: Any
) -> None:
    await file_many(client, 30, characteristics={"sex_gender": "woman"})
    await file_many(client, 2, characteristics={"sex_gender": "man"})
    monitor = auth("monitor", sub="monitor-a")
    params = {"group_by": "sex_gender", "epsilon": "0.5"}
    first = await ask(client, monitor, **params)
    privacy = first["metadata"]["privacy"]
    assert privacy["epsilon"] == 0.5 and privacy["sensitivity"] == 1
    assert privacy["noise_scale"] == 2.0 and privacy["budget_remaining"] == 0.5
    assert privacy["budget_consumer"] == "monitor-a"
    counts = [r["complaints"] for r in first["rows"]]
    assert len(counts) == 6  # five answers and not_stated, each with noise, zeros too
    assert all(isinstance(c, int) and c >= 0 for c in counts)  # never negative
    assert first["totals"][0]["complaints"] == sum(counts)  # totals are sums of noisy cells
    second = await ask(client, monitor, **params)
    assert second["metadata"]["privacy"]["budget_remaining"] == 0.0
    problem = refused(
        await client.get("/v1/statistics", params=params, headers=monitor),
        409,
        "privacy-budget-exhausted",
    )
    assert "Your privacy budget of" in problem["detail"] and "0 of 1 left" in problem["detail"]
    spent = db.execute("SELECT consumer, spent, releases FROM privacy_budgets").fetchall()
    assert spent == [{"consumer": "monitor-a", "spent": 1.0, "releases": 2}]  # refusal: free

    # Another monitor, and the head of office, each have a budget of their own.
    other = await ask(client, auth("monitor", sub="monitor-b"), **params)
    assert other["metadata"]["privacy"]["budget_remaining"] == 0.5
    head = await ask(client, auth("ombudsperson", sub="head"), **params)
    assert head["metadata"]["privacy"]["budget_consumer"] == "head"
    assert head["metadata"]["privacy"]["budget_remaining"] == 0.5

    # Too much for one answer is refused before anything is spent.
    refused(
        await client.get(
            "/v1/statistics", params={**params, "epsilon": "0.9"}, headers=auth("monitor")
        ),
        409,
        "privacy-budget-exhausted",
    )
    # A right counts a complaint up to ten times: the noise grows with it.
    rights = await ask(client, auth("monitor", sub="monitor-c"), group_by="right")
    assert rights["metadata"]["privacy"]["sensitivity"] == 10
    assert rights["metadata"]["privacy"]["noise_scale"] == 20.0


async def test_an_answer_as_csv_has_a_header_row_first(
    client: httpx.AsyncClient, auth: Any
) -> None:
    await file_many(client, 3)
    response = await client.get(
        "/v1/statistics",
        params={"group_by": ["track", "origin"], "format": "csv"},
        headers=auth("monitor"),
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.splitlines()[0] == "track,origin,complaints"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    # 2 tracks x 2 origins, then 2 + 2 group totals and the grand total.
    assert len(rows) == 4 + 4 + 1
    assert rows[-1]["track"] == "all" and rows[-1]["origin"] == "all"
    assert all(int(r["complaints"]) >= 0 for r in rows)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": ["status", "right", "ground"]}, "query.group_by"),
        ({"group_by": ["status", "status"]}, "query.group_by"),
        ({"group_by": "names"}, "query.group_by.0"),
        ({"from": "2026-13"}, "query.from"),
        ({"from": "2026-05", "to": "2026-01"}, "query.from"),
        ({"from": "2010-01", "to": "2026-01"}, "query.from"),
        ({"epsilon": "0"}, "query.epsilon"),
        # Exact live tables were a differencing oracle: exact figures are in releases only.
        ({"privacy": "suppression"}, "query.privacy"),
        ({"durations": "true"}, "query.durations"),
        ({"format": "xlsx"}, "query.format"),
        ({"person": "x"}, "query.person"),
    ],
)
async def test_bad_questions_get_a_problem(
    client: httpx.AsyncClient, auth: Any, params: dict[str, Any], field: str
) -> None:
    response = await client.get("/v1/statistics", params=params, headers=auth("monitor"))
    refused(response, 422, "validation-error", field=field)
