"""CSV renderings: one row per group or figure, with the metadata as leading `#` lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from app.statistics.schemas import (
    AnnualReport,
    Measures,
    StatisticsMetadata,
    StatisticsTable,
)

MEDIA_TYPE = "text/csv"
ALL = "(all)"


def wants_csv(accept: str | None) -> bool:
    """Content negotiation: CSV when the client prefers it over JSON."""
    if not accept:
        return False
    best: tuple[float, str] = (-1.0, "")
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.strip().lower()
        if media in (MEDIA_TYPE, "application/json") and quality > best[0]:
            best = (quality, media)
    return best[1] == MEDIA_TYPE and best[0] > 0


def _metadata_lines(metadata: StatisticsMetadata) -> Iterable[str]:
    yield f"# computed_at: {metadata.computed_at.isoformat()}"
    yield f"# months: {' to '.join(metadata.months)}"
    yield f"# tracks: {' '.join(metadata.tracks)}"
    if metadata.disclosure is not None:
        d = metadata.disclosure
        yield (
            f"# disclosure: {d.method}, k={d.min_cell}, primary_suppressed={d.primary_suppressed}"
            f", secondary_suppressed={d.secondary_suppressed}"
        )
        for rule in d.rules:
            yield f"# rule: {rule}"
    if metadata.privacy is not None:
        p = metadata.privacy
        yield (
            f"# privacy: {p.mechanism}, epsilon={p.epsilon}, sensitivity={p.sensitivity}, "
            f"noise_scale={p.noise_scale}, budget {p.budget_period}: {p.budget_remaining} of "
            f"{p.budget_per_period} left"
        )
    for note in metadata.notes:
        yield f"# note: {note}"


def _text(value: object) -> str:
    return "" if value is None else str(value)


def table_csv(table: StatisticsTable) -> str:
    out = io.StringIO()
    for line in _metadata_lines(table.metadata):
        out.write(line + "\n")
    writer = csv.writer(out, lineterminator="\n")
    dims = [d.value for d in table.group_by]
    measures = list(Measures.model_fields)
    writer.writerow([*dims, "complaints", "suppressed", *measures])
    for row in [*table.rows, *table.totals]:
        m = row.measures.model_dump()
        writer.writerow(
            [
                *(row.group.get(d, ALL) for d in dims),
                _text(row.complaints),
                "true" if row.suppressed else "false",
                *(_text(m[name]) for name in measures),
            ]
        )
    return out.getvalue()


def annual_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    out.write(f"# annual report {report.year}\n")
    for line in _metadata_lines(report.metadata):
        out.write(line + "\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "value", "suppressed"])
    for f in report.figures:
        writer.writerow([f.section, f.item, _text(f.value), "true" if f.suppressed else "false"])
    return out.getvalue()
