"""An anonymous report on the confidential track, acknowledged and answered within the
Directive's deadlines, never visible outside the oversight body."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx


async def test_anonymous_oversight_report_within_deadlines(
    client: httpx.AsyncClient, auth: Any, receipt_headers: Any
) -> None:
    filed = (
        await client.post(
            "/v1/complaints",
            json={
                "track": "anti_corruption",
                "summary": "Tender rigged",
                "description": "The road works tender was awarded before the bids were opened.",
                "rights_affected": ["integrity_anti_corruption"],
                "remedy_sought": "Investigate and annul the award.",
                "named_persons": [{"name": "Head of procurement", "role_in_report": "official"}],
            },
        )
    ).json()
    received = datetime.fromisoformat(filed["received_at"])
    assert datetime.fromisoformat(filed["acknowledge_by"]) - received == timedelta(days=7)
    officer = auth("oversight_officer")
    reporter = await receipt_headers(filed)

    async def act(action: str, reason: str | None = None) -> dict[str, Any]:
        etag = (await client.get(f"/v1/complaints/{filed['id']}", headers=officer)).headers["etag"]
        response = await client.post(
            f"/v1/complaints/{filed['id']}/transitions",
            json={"action": action, **({"reason": reason} if reason else {})},
            headers={**officer, "If-Match": etag},
        )
        assert response.status_code == 200, response.text
        return response.json()

    acked = await act("acknowledge")
    deadlines = acked["deadlines"]
    span = datetime.fromisoformat(deadlines["feedback_by"]) - datetime.fromisoformat(
        deadlines["acknowledged_at"]
    )
    assert timedelta(days=89) <= span <= timedelta(days=92)  # three months (art. 9(1)(f))
    await act("start_assessment")
    fed_back = await act("give_feedback", "We opened an inquiry into the tender.")
    assert fed_back["deadlines"]["feedback_given_at"] is not None
    late = await client.get("/v1/deadlines", params={"overdue": "true"}, headers=officer)
    assert late.json()["items"] == []
    view = (await client.get(f"/v1/complaints/{filed['id']}", headers=reporter)).json()
    assert view["anonymous"] is True and view["deadlines"]["feedback_overdue"] is False
    timeline = (
        await client.get(f"/v1/complaints/{filed['id']}/timeline", headers=reporter)
    ).json()["entries"]
    assert "We opened an inquiry into the tender." in [e["reason"] for e in timeline]
    for role in ("ombudsperson", "ombudsperson_staff", "admin", "monitor"):
        headers = auth(role)
        assert (
            await client.get(f"/v1/complaints/{filed['id']}", headers=headers)
        ).status_code == 404
        listing = await client.get("/v1/complaints", headers=headers)
        assert filed["id"] not in listing.text
