"""The annual report and the indicator set: views of a year's release, nothing computed anew.

Every figure here is a cell, a share or a duration the release publishes, so the joint check of
the release covers them; a figure whose cell is suppressed is suppressed here too.
"""

from __future__ import annotations

from typing import Any

from app.config import Settings
from app.findings.models import FindingOutcome

FRAMEWORK = (
    "OHCHR, Human Rights Indicators: A Guide to Measurement and Implementation (2012): "
    "structural, process and outcome indicators"
)


class View:
    """Lookups into a release document."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.cells: dict[tuple[str, str, tuple[tuple[str, str], ...]], int | None] = {}
        for table in doc["tables"]:
            for cell in table["cells"]:
                key = (table["id"], cell["track"], tuple(sorted(cell["group"].items())))
                self.cells[key] = cell["value"]
        self.shares = {(s["id"], s["track"]): s for s in doc.get("shares", [])}
        self.durations = {(d["id"], d["track"]): d["value"] for d in doc.get("durations", [])}

    def cell(self, table: str, track: str, **group: str) -> int | None:
        return self.cells[(table, track, tuple(sorted(group.items())))]


def _figure(section: str, item: str, value: Any) -> dict[str, Any]:
    return {"section": section, "item": item, "value": value, "suppressed": value is None}


def annual_figures(doc: dict[str, Any], track: str) -> list[dict[str, Any]]:
    """What an ombudsperson publishes each year (Venice Principles 20), for one track or all."""
    v = View(doc)

    def share(name: str) -> Any:
        return v.shares[(name, track)]["value"]

    return [
        _figure("caseload", "received", v.cell("complaints_total", track)),
        _figure(
            "caseload", "complaints", v.cell("complaints_by_origin", track, origin="complaint")
        ),
        _figure(
            "caseload",
            "own_initiative_inquiries",
            v.cell("complaints_by_origin", track, origin="own_initiative"),
        ),
        _figure(
            "mandate", "within_mandate", v.cell("complaints_by_mandate", track, mandate="within")
        ),
        _figure(
            "mandate", "outside_mandate", v.cell("complaints_by_mandate", track, mandate="outside")
        ),
        _figure(
            "caseload",
            "finished_of_received",
            v.cell("complaints_by_finish", track, finish="finished"),
        ),
        _figure("caseload", "finished_in_year", v.cell("finishes_total", track)),
        _figure("duration", "median_days_to_finish", v.durations[("median_days_to_finish", track)]),
        _figure("duration", "p90_days_to_finish", v.durations[("p90_days_to_finish", track)]),
        _figure(
            "duration",
            "median_days_to_acknowledgement",
            v.durations[("median_days_to_acknowledgement", track)],
        ),
        *(
            _figure("outcomes", o, v.cell("complaints_by_outcome", track, outcome=o))
            for o in [*(o.value for o in FindingOutcome), "none"]
        ),
        _figure("remedies", "recommended", v.cell("remedies_total", track)),
        _figure("remedies", "response_rate", share("remedy_response_rate")),
        _figure("remedies", "compliance_rate", share("remedy_compliance_rate")),
        _figure("deadlines", "acknowledged_on_time_share", share("acknowledged_on_time_share")),
        _figure("deadlines", "feedback_on_time_share", share("feedback_on_time_share")),
        _figure("deadlines", "decided_on_time_share", share("decided_on_time_share")),
    ]


def _ratio(
    v: View, code: str, name: str, kind: str, share_id: str, track: str, text: str
) -> dict[str, Any]:
    s = v.shares[(share_id, track)]
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "value": s["value"],
        "unit": "share",
        "numerator": s["numerator"],
        "denominator": s["denominator"],
        "suppressed": s["suppressed"],
        "description": text,
    }


def structural(settings: Settings) -> list[dict[str, Any]]:
    """The commitments in force, from this office's configuration when the release was made."""
    return [
        {
            "code": "S1",
            "name": "Complaint mechanism open to everyone, free, anonymous if wished",
            "kind": "structural",
            "value": settings.anonymous_filing and settings.filing_fee == 0,
            "unit": "yes/no",
            "description": "From this office's configuration: anonymous filing "
            f"{'accepted' if settings.anonymous_filing else 'not accepted'}; "
            f"fee to file {'none' if settings.filing_fee == 0 else settings.filing_fee}; "
            "no account needed (Venice Principles 17; EU Directive 2019/1937 art. 6(2)).",
        },
        {
            "code": "S2",
            "name": "Acknowledgement deadline on the anti-corruption track",
            "kind": "structural",
            "value": settings.anti_corruption_acknowledge_days,
            "unit": "days",
            "description": "EU Directive 2019/1937 art. 9(1)(b): at most 7 days.",
        },
        {
            "code": "S3",
            "name": "Feedback deadline on the anti-corruption track",
            "kind": "structural",
            "value": settings.anti_corruption_feedback_months,
            "unit": "months",
            "description": "Months from acknowledgement; EU Directive 2019/1937 art. 9(1)(f) "
            "allows at most 3 for internal channels.",
        },
        {
            "code": "S4",
            "name": "Decision target on the ombudsperson track",
            "kind": "structural",
            "value": settings.ombudsperson_decision_months,
            "unit": "months",
            "description": "Months from acknowledgement to the office's decision.",
        },
    ]


def indicators(doc: dict[str, Any], settings: Settings, track: str) -> list[dict[str, Any]]:
    """The OHCHR framework applied to the mechanism itself, for one track or all."""
    v = View(doc)
    own = v.cell("complaints_by_origin", track, origin="own_initiative")
    median_ack = v.durations[("median_days_to_acknowledgement", track)]
    median_finish = v.durations[("median_days_to_finish", track)]
    return [
        *structural(settings),
        _ratio(
            v,
            "P1",
            "Share of complaints and inquiries received that were investigated",
            "process",
            "investigated_share",
            track,
            "Cases that reached investigation, of those received in the year.",
        ),
        _ratio(
            v,
            "P2",
            "Share acknowledged within the deadline",
            "process",
            "acknowledged_on_time_share",
            track,
            "Of complaints acknowledged, those acknowledged in time.",
        ),
        _ratio(
            v,
            "P3",
            "Share given feedback within the deadline",
            "process",
            "feedback_on_time_share",
            track,
            "Of complaints given feedback, those given it in time.",
        ),
        _ratio(
            v,
            "P4",
            "Share resolved within the decision deadline",
            "process",
            "decided_on_time_share",
            track,
            "Of decisions taken, those taken by the decision target.",
        ),
        {
            "code": "P5",
            "name": "Own-initiative inquiries opened",
            "kind": "process",
            "value": own,
            "unit": "count",
            "suppressed": own is None,
            "description": "Inquiries the office opened without a complaint "
            "(Venice Principles 14).",
        },
        {
            "code": "P6",
            "name": "Median days to acknowledgement",
            "kind": "process",
            "value": median_ack,
            "unit": "days",
            "suppressed": median_ack is None,
            "description": "Median over complaints acknowledged (cases received in the year).",
        },
        _ratio(
            v,
            "O1",
            "Remedy compliance rate",
            "outcome",
            "remedy_compliance_rate",
            track,
            "Remedies the office assessed as implemented, of those recommended; a remedy "
            "merely accepted does not count (UN Basic Principles on the Right to a Remedy).",
        ),
        _ratio(
            v,
            "O2",
            "Share of findings establishing a violation",
            "outcome",
            "violation_found_share",
            track,
            "Violation found in full or in part, of findings issued.",
        ),
        _ratio(
            v,
            "O3",
            "Remedy response rate",
            "outcome",
            "remedy_response_rate",
            track,
            "Remedies the department answered, of those recommended.",
        ),
        {
            "code": "O4",
            "name": "Median days from receipt to a final state",
            "kind": "outcome",
            "value": median_finish,
            "unit": "days",
            "suppressed": median_finish is None,
            "description": "Median over cases received in the year that have finished.",
        },
    ]
