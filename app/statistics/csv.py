"""CSV renderings: a header row first, one row per figure, nothing else in the file.

The metadata a CSV file cannot carry goes in a companion document: for a release, a CSV on the
Web (CSVW, W3C) metadata file at `/v1/releases/{n}/csv-metadata.json`, linked from the CSV
response's `Link` header as `describedby`.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from app.statistics.schemas import AnnualReport, StatisticsTable

MEDIA_TYPE = "text/csv"
ALL = "all"

# The columns of a release's CSV, with what each means (the CSVW metadata says the same).
RELEASE_COLUMNS: list[tuple[str, str, str]] = [
    ("kind", "string", "table, share or duration"),
    ("id", "string", "the table, share or duration, e.g. complaints_by_right"),
    ("track", "string", "ombudsperson, anti_corruption, or all"),
    ("dimension_1", "string", "the first dimension of the group (empty for a total)"),
    ("value_1", "string", "its value"),
    ("dimension_2", "string", "the second dimension of the group, if any"),
    ("value_2", "string", "its value"),
    ("value", "decimal", "the count, share or number of days; empty when suppressed"),
    ("suppressed", "boolean", "true when withheld by disclosure control"),
]


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


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def table_csv(table: StatisticsTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    dims = [d.value for d in table.group_by]
    writer.writerow([*dims, "complaints"])
    for row in [*table.rows, *table.totals]:
        writer.writerow([*(row.group.get(d, ALL) for d in dims), _text(row.complaints)])
    return out.getvalue()


def annual_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "value", "suppressed"])
    for f in report.figures:
        writer.writerow([f.section, f.item, _text(f.value), _flag(f.suppressed)])
    return out.getvalue()


def release_csv(doc: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _, _ in RELEASE_COLUMNS])
    for table in doc["tables"]:
        for cell in table["cells"]:
            pairs = [(d, cell["group"][d]) for d in table["dimensions"]]
            pairs += [("", "")] * (2 - len(pairs))
            writer.writerow(
                [
                    "table",
                    table["id"],
                    cell["track"],
                    pairs[0][0],
                    pairs[0][1],
                    pairs[1][0],
                    pairs[1][1],
                    _text(cell["value"]),
                    _flag(cell["suppressed"]),
                ]
            )
    for kind, entries in (
        ("share", doc.get("shares") or []),
        ("duration", doc.get("durations") or []),
    ):
        for entry in entries:
            writer.writerow(
                [
                    kind,
                    entry["id"],
                    entry["track"],
                    "",
                    "",
                    "",
                    "",
                    _text(entry["value"]),
                    _flag(entry["suppressed"]),
                ]
            )
    return out.getvalue()


def release_csvw(doc: dict[str, Any], csv_url: str) -> dict[str, Any]:
    """The CSVW metadata of a release's CSV: its columns and what the release says of itself."""
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_url,
        "dc:title": f"Complaint statistics, {doc['period']} (release {doc['release']}, "
        f"version {doc['version']})",
        "dc:issued": doc["computed_at"],
        "dc:description": " ".join(doc["disclosure"]["rules"]),
        "dialect": {"header": True, "encoding": "utf-8"},
        "tableSchema": {
            "columns": [
                {"name": name, "titles": name, "datatype": kind, "dc:description": text}
                for name, kind, text in RELEASE_COLUMNS
            ],
        },
        "notes": [
            {
                "period": doc["period"],
                "months": doc["months"],
                "min_cell": doc["disclosure"]["min_cell"],
                "signature": doc["signature"],
            }
        ],
    }
