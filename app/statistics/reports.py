"""The indicator set and the annual report: the same aggregate, the same disclosure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.config import Settings
from app.crypto import Sealer
from app.findings.models import FindingOutcome
from app.kit.sql import Conn
from app.statistics import disclosure
from app.statistics.schemas import (
    AnnualFigure,
    AnnualReport,
    Dimension,
    DisclosureInfo,
    Indicator,
    IndicatorKind,
    IndicatorSet,
    PeriodUnit,
)
from app.statistics.service import RULES, Reader, Scope, Sums, measures_of, metadata
from app.taxonomy import Track

FRAMEWORK = (
    "OHCHR, Human Rights Indicators: A Guide to Measurement and Implementation (2012): "
    "structural, process and outcome indicators"
)

_FINISHED_IN = """
SELECT coalesce(sum(n), 0) AS n FROM stat_cells
WHERE dim_a = 'finished_month' AND dim_b = '' AND val_a LIKE %(year)s || '-%%'
  AND track = ANY(%(tracks)s)
"""


def year_scope(year: int, tracks: list[Track] | None) -> Scope:
    months = [date(year, m, 1) for m in range(1, 13)]
    return Scope(months=months, tracks=sorted(set(tracks)) if tracks else list(Track))


async def _finished_in(reader: Reader, year: int) -> int:
    """Cases that reached a final state during the year, whenever they were received."""
    cur = await reader.conn.execute(
        _FINISHED_IN, {"year": str(year), "tracks": [t.value for t in reader.scope.tracks]}
    )
    row = await cur.fetchone()
    total = int(row["n"]) if row else 0
    tracks = {t.value for t in reader.scope.tracks}
    for delta in reader.tail or ():
        if (
            delta["dim_a"] == "finished_month"
            and delta["dim_b"] == ""
            and str(delta["val_a"]).startswith(f"{year}-")
            and delta["track"] in tracks
        ):
            total += int(delta["n"])
    return total


def _disclosure(k: int, primary: int, secondary: int) -> DisclosureInfo:
    return DisclosureInfo(
        method="cell suppression",
        min_cell=k,
        primary_suppressed=primary,
        secondary_suppressed=secondary,
        rules=RULES,
    )


async def annual(
    conn: Conn, settings: Settings, year: int, tracks: list[Track] | None
) -> AnnualReport:
    k = settings.statistics_min_cell
    scope = year_scope(year, tracks)
    reader = Reader(conn, scope, PeriodUnit.year, Sealer.from_settings(settings))
    await reader.begin()
    total = (await reader.sums([])).get((), Sums())
    by_outcome = await reader.sums([Dimension.outcome], durations=False)
    finished_in_year = await _finished_in(reader, year)
    c = total.counters
    outcomes = {o.value: by_outcome.get((o.value,), Sums()).n for o in FindingOutcome}
    outcomes["none"] = by_outcome.get(("none",), Sums()).n

    counts: dict[str, int] = {
        "received": total.n,
        "complaints": total.n - total.own_initiative,
        "own_initiative_inquiries": total.own_initiative,
        "within_mandate": total.n - c["outside_mandate"],
        "outside_mandate": c["outside_mandate"],
        "finished_of_received": c["finished"],
        "finished_in_year": finished_in_year,
        **{f"outcome:{name}": value for name, value in outcomes.items()},
    }
    equations = [
        ["within_mandate", "outside_mandate", "received"],
        ["complaints", "own_initiative_inquiries", "received"],
        [*(f"outcome:{name}" for name in outcomes), "received"],
    ]
    result = disclosure.suppress(counts, equations, k)
    hidden = result.hidden
    measures = measures_of(total, k)

    def figure(section: str, item: str, key: str) -> AnnualFigure:
        if key in hidden:
            return AnnualFigure(section=section, item=item, value=None, suppressed=True)
        return AnnualFigure(section=section, item=item, value=counts[key])

    def derived(section: str, item: str, value: Any) -> AnnualFigure:
        return AnnualFigure(section=section, item=item, value=value, suppressed=value is None)

    figures = [
        figure("caseload", "received", "received"),
        figure("caseload", "complaints", "complaints"),
        figure("caseload", "own_initiative_inquiries", "own_initiative_inquiries"),
        figure("mandate", "within_mandate", "within_mandate"),
        figure("mandate", "outside_mandate", "outside_mandate"),
        figure("caseload", "finished_of_received", "finished_of_received"),
        figure("caseload", "finished_in_year", "finished_in_year"),
        derived("duration", "median_days_to_finish", measures.median_days_to_finish),
        derived("duration", "p90_days_to_finish", measures.p90_days_to_finish),
        derived(
            "duration", "median_days_to_acknowledgement", measures.median_days_to_acknowledgement
        ),
        *(figure("outcomes", name, f"outcome:{name}") for name in outcomes),
        derived("remedies", "recommended", measures.remedies_recommended),
        derived("remedies", "response_rate", measures.remedy_response_rate),
        derived("remedies", "compliance_rate", measures.remedy_compliance_rate),
        derived("deadlines", "acknowledged_on_time_share", measures.acknowledged_on_time_share),
        derived("deadlines", "feedback_on_time_share", measures.feedback_on_time_share),
        derived("deadlines", "decided_on_time_share", measures.decided_on_time_share),
    ]
    info = _disclosure(k, len(result.primary), len(result.secondary))
    notes = [
        "Figures count the cases received during the year, except `finished_in_year`, which "
        "counts cases that reached a final state during the year whenever they were received.",
        "Outside the mandate: declared inadmissible or referred to the competent body.",
    ]
    return AnnualReport(
        year=year, tracks=scope.tracks, figures=figures, metadata=metadata(scope, info, None, notes)
    )


def _ratio(numerator: int, denominator: int, k: int) -> tuple[float | None, bool]:
    if denominator < k:
        return None, True
    return round(numerator / denominator, 4), False


async def indicators(
    conn: Conn, settings: Settings, year: int | None, tracks: list[Track] | None
) -> IndicatorSet:
    k = settings.statistics_min_cell
    year = year or datetime.now(UTC).year
    scope = year_scope(year, tracks)
    reader = Reader(conn, scope, PeriodUnit.year, Sealer.from_settings(settings))
    await reader.begin()
    total = (await reader.sums([])).get((), Sums())
    by_outcome = await reader.sums([Dimension.outcome], durations=False)
    c = total.counters
    m = measures_of(total, k)
    found = sum(
        by_outcome.get((o.value,), Sums()).n
        for o in (FindingOutcome.violation_found, FindingOutcome.partially_founded)
    )
    with_findings = sum(by_outcome.get((o.value,), Sums()).n for o in FindingOutcome)

    def process(
        code: str,
        name: str,
        numerator: int,
        denominator: int,
        text: str,
        kind: IndicatorKind = IndicatorKind.process,
    ) -> Indicator:
        value, hidden = _ratio(numerator, denominator, k)
        return Indicator(
            code=code,
            name=name,
            kind=kind,
            value=value,
            unit="share",
            numerator=None if hidden else numerator,
            denominator=None if hidden else denominator,
            suppressed=hidden,
            description=text,
        )

    structural = [
        Indicator(
            code="S1",
            name="Complaint mechanism open to everyone, free, anonymous if wished",
            kind=IndicatorKind.structural,
            value=settings.anonymous_filing and settings.filing_fee == 0,
            unit="yes/no",
            description="From this office's configuration: anonymous filing "
            f"{'accepted' if settings.anonymous_filing else 'not accepted'}; "
            f"fee to file {'none' if settings.filing_fee == 0 else settings.filing_fee}; "
            "no account needed (Venice Principles 17; EU Directive 2019/1937 art. 6(2)).",
        ),
        Indicator(
            code="S2",
            name="Acknowledgement deadline on the anti-corruption track",
            kind=IndicatorKind.structural,
            value=settings.anti_corruption_acknowledge_days,
            unit="days",
            description="EU Directive 2019/1937 art. 9(1)(b): at most 7 days.",
        ),
        Indicator(
            code="S3",
            name="Feedback deadline on the anti-corruption track",
            kind=IndicatorKind.structural,
            value=settings.anti_corruption_feedback_months,
            unit="months",
            description="Months from acknowledgement; EU Directive 2019/1937 art. 9(1)(f) "
            "allows at most 3 for internal channels.",
        ),
        Indicator(
            code="S4",
            name="Decision target on the ombudsperson track",
            kind=IndicatorKind.structural,
            value=settings.ombudsperson_decision_months,
            unit="months",
            description="Months from acknowledgement to the office's decision.",
        ),
    ]
    own = total.own_initiative
    process_set = [
        process(
            "P1",
            "Share of complaints and inquiries received that were investigated",
            c["investigated"],
            total.n,
            "Cases that reached investigation, of those received in the year.",
        ),
        process(
            "P2",
            "Share acknowledged within the deadline",
            c["ack_on_time"],
            c["ack_settled"],
            "Of complaints acknowledged, those acknowledged in time.",
        ),
        process(
            "P3",
            "Share given feedback within the deadline",
            c["feedback_on_time"],
            c["feedback_settled"],
            "Of complaints given feedback, those given it in time.",
        ),
        process(
            "P4",
            "Share resolved within the decision deadline",
            c["decided_on_time"],
            c["decided"],
            "Of decisions taken, those taken by the decision target.",
        ),
        Indicator(
            code="P5",
            name="Own-initiative inquiries opened",
            kind=IndicatorKind.process,
            value=None if disclosure.is_small(own, k) else own,
            unit="count",
            suppressed=disclosure.is_small(own, k),
            description="Inquiries the office opened without a complaint (Venice Principles 14).",
        ),
        Indicator(
            code="P6",
            name="Median days to acknowledgement",
            kind=IndicatorKind.process,
            value=m.median_days_to_acknowledgement,
            unit="days",
            suppressed=m.median_days_to_acknowledgement is None,
            description="Median over complaints acknowledged (cases received in the year).",
        ),
    ]
    outcome_set = [
        process(
            "O1",
            "Remedy compliance rate",
            c["remedies_implemented"],
            c["remedies_recommended"],
            "Remedies the office assessed as implemented, of those recommended; a remedy "
            "merely accepted does not count (UN Basic Principles on the Right to a Remedy).",
            IndicatorKind.outcome,
        ),
        process(
            "O2",
            "Share of findings establishing a violation",
            found,
            with_findings,
            "Violation found in full or in part, of findings issued.",
            IndicatorKind.outcome,
        ),
        process(
            "O3",
            "Remedy response rate",
            c["remedies_responded"],
            c["remedies_recommended"],
            "Remedies the department answered, of those recommended.",
            IndicatorKind.outcome,
        ),
        Indicator(
            code="O4",
            name="Median days from receipt to a final state",
            kind=IndicatorKind.outcome,
            value=m.median_days_to_finish,
            unit="days",
            suppressed=m.median_days_to_finish is None,
            description="Median over cases received in the year that have finished.",
        ),
    ]
    every = [*structural, *process_set, *outcome_set]
    info = _disclosure(k, sum(i.suppressed for i in every), 0)
    return IndicatorSet(
        year=year,
        tracks=scope.tracks,
        framework=FRAMEWORK,
        indicators=every,
        metadata=metadata(scope, info, None, []),
    )
