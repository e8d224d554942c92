"""What the statistics pages show, built from what the API serves: the listing of releases and a
release document, turned into named, formatted, translated rows for the templates.

Nothing here counts or decides what may be shown: every figure is the release's own, a hidden one
stays hidden (shown as a word, never as 0), and the order of rows is the release's order. The
templates only lay these out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from markupsafe import Markup

from app.statistics import releases
from app.statistics.schemas import PeriodUnit
from app.web import charts, labels
from app.web.i18n import N_, Texts, iso_date

TRACK_CHOICES: tuple[str, ...] = (releases.ALL, *releases.TRACKS)
MAX_RELEASE = 2**62  # as the API's path parameter


# Addresses.


def page_url(release: int, track: str = releases.ALL) -> str:
    base = f"/statistics/releases/{release}"
    return base if track == releases.ALL else f"{base}?track={track}"


def json_url(release: int) -> str:
    return f"/v1/releases/{release}"


def csv_url(release: int) -> str:
    return f"/v1/releases/{release}?format=csv"


def csvw_url(release: int) -> str:
    return f"/v1/releases/{release}/csv-metadata.json"


# Reading what the address says.


def release_number(text: str) -> int | None:
    """The release a path names, or None when it names none (a page, not a validation error)."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_RELEASE else None


def track_of(text: str) -> str | None:
    """The track a query asks for, or None when there is no such track."""
    return text if text in TRACK_CHOICES else None


# Periods in words.


def period_name(label: str, t: Texts) -> str:
    """The period in words: "Year 2025", "First quarter of 2025" or "March 2025"."""
    period = releases.parse_period(label)
    first = period.months[0]
    if period.unit is PeriodUnit.year:
        return t("Year %(year)s", year=period.year)
    if period.unit is PeriodUnit.quarter:
        return t(labels.QUARTERS[(first.month - 1) // 3], year=period.year)
    return t("%(month)s %(year)s", month=t(labels.MONTHS[first.month - 1]), year=period.year)


def period_range(label: str, t: Texts) -> str:
    """The first and last day of a period."""
    period = releases.parse_period(label)
    last = period.end - timedelta(days=1)
    return t("%(first)s to %(last)s", first=iso_date(period.months[0]), last=iso_date(last))


# The list of releases.


def largest_hidden(min_cell: int) -> int:
    """The largest count never published: releases show 0 and counts from k up."""
    return min_cell - 1


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    current: bool = False


@dataclass(frozen=True)
class IndexEntry:
    release: int
    name: str
    period: str
    version: int
    computed: str
    current: bool
    page: str
    json: str
    csv: str


@dataclass(frozen=True)
class IndexGroup:
    heading: str
    caption: str
    entries: list[IndexEntry]


@dataclass(frozen=True)
class IndexYear:
    year: int
    groups: list[IndexGroup]


_GROUPS = (
    (PeriodUnit.year, N_("The whole year"), N_("The yearly release of %(year)s")),
    (PeriodUnit.quarter, N_("Quarters"), N_("Quarterly releases of %(year)s")),
    (PeriodUnit.month, N_("Months"), N_("Monthly releases of %(year)s")),
)


def index(rows: Iterable[Mapping[str, Any]], t: Texts) -> list[IndexYear]:
    """The releases by year, newest year first; in each, the year, then quarters, then months,
    newest period and newest version first."""
    by_year: dict[int, dict[PeriodUnit, list[tuple[Any, IndexEntry]]]] = {}
    for row in rows:
        period = releases.parse_period(row["period"])
        entry = IndexEntry(
            release=row["release"],
            name=period_name(row["period"], t),
            period=row["period"],
            version=row["version"],
            computed=iso_date(row["computed_at"]),
            current=bool(row["current"]),
            page=page_url(row["release"]),
            json=json_url(row["release"]),
            csv=csv_url(row["release"]),
        )
        key = (period.months[0], row["version"])
        by_year.setdefault(period.year, {}).setdefault(period.unit, []).append((key, entry))
    years = []
    for year in sorted(by_year, reverse=True):
        groups = []
        for unit, heading, caption in _GROUPS:
            found = by_year[year].get(unit)
            if found:
                entries = [e for _, e in sorted(found, key=lambda pair: pair[0], reverse=True)]
                groups.append(IndexGroup(t(heading), t(caption, year=year), entries))
        years.append(IndexYear(year, groups))
    return years


# One release.


@dataclass(frozen=True)
class Row:
    """A figure as shown: its name, its formatted value (or the word for hidden)."""

    label: str
    value: str
    hidden: bool
    detail: str = ""


@dataclass(frozen=True)
class Breakdown:
    """A one-way table: a chart, the sentence that says what it shows, and its data table."""

    anchor: str
    title: str
    caption: str
    dimension: str
    measure: str
    rows: list[Row]
    chart: Markup
    summary: str
    note: str


@dataclass(frozen=True)
class CrossRow:
    label: str
    cells: list[Row]


@dataclass(frozen=True)
class CrossTable:
    """A two-way table, one dimension down the side and the other across."""

    anchor: str
    title: str
    caption: str
    row_dimension: str
    column_dimension: str
    columns: list[str]
    rows: list[CrossRow]
    note: str


@dataclass(frozen=True)
class FigureGroup:
    heading: str
    rows: list[Row]


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    name: str
    description: str
    value: str
    hidden: bool
    detail: str


@dataclass(frozen=True)
class IndicatorGroup:
    heading: str
    rows: list[IndicatorRow]


@dataclass(frozen=True)
class Disclosure:
    method: str
    min_cell: int
    suppressed: int
    checked_with: list[str]
    rules: list[str]


@dataclass(frozen=True)
class ReleasePage:
    release: int
    name: str
    period: str
    period_range: str
    yearly: bool
    version: int
    computed: str
    supersedes: Link | None
    reason: str | None
    newer: Link | None
    downloads: list[Link]
    key_id: str
    disclosure: Disclosure
    track: str
    track_name: str
    tracks: list[Link]
    contents: list[Link]
    totals: list[Row]
    annual: list[FigureGroup]
    indicators: list[IndicatorGroup]
    shares: list[Row]
    durations: list[Row]
    breakdowns: list[Breakdown]
    crosstables: list[CrossTable]


def _count_row(label: str, value: int | None, t: Texts) -> Row:
    """A count, or the word for a hidden one: never 0 in its place."""
    return Row(label, t("hidden"), True) if value is None else Row(label, t.count(value), False)


def _days_text(value: float, t: Texts) -> str:
    if float(value).is_integer():
        return t.plural("%(num)s day", "%(num)s days", int(value))
    return t("%(n)s days", n=t.days(value))


def _share_row(label: str, share: Mapping[str, Any], t: Texts) -> Row:
    if share["value"] is None:
        return Row(label, t("hidden"), True)
    detail = t(
        "%(numerator)s of %(denominator)s",
        numerator=t.count(share["numerator"]),
        denominator=t.count(share["denominator"]),
    )
    return Row(label, t.percent(share["value"]), False, detail)


def _annual_value(section: str, item: str, value: float | None, t: Texts) -> Row:
    label = labels.name(labels.ANNUAL_ITEMS, item, t)
    if value is None:
        return Row(label, t("hidden"), True)
    if section == "duration":
        return Row(label, _days_text(value, t), False)
    if item.endswith(("_rate", "_share")):
        return Row(label, t.percent(value), False)
    return Row(label, t.count(int(value)), False)


def _indicator(entry: Mapping[str, Any], t: Texts) -> IndicatorRow:
    value, unit = entry["value"], entry["unit"]
    detail = ""
    if entry.get("suppressed") or value is None:
        shown, hidden = t("hidden"), True
    else:
        hidden = False
        if unit == "share":
            shown = t.percent(value)
            detail = t(
                "%(numerator)s of %(denominator)s",
                numerator=t.count(entry["numerator"]),
                denominator=t.count(entry["denominator"]),
            )
        elif unit == "yes/no":
            shown = t("Yes") if value else t("No")
        elif unit == "days":
            shown = _days_text(value, t)
        elif unit == "months":
            shown = t.plural("%(num)s month", "%(num)s months", int(value))
        else:
            shown = t.count(int(value))
    return IndicatorRow(
        code=entry["code"],
        name=t(entry["name"]),
        description=t(entry["description"]),
        value=shown,
        hidden=hidden,
        detail=detail,
    )


def _note(dimensions: Iterable[str], t: Texts) -> str:
    if any(d in releases.MULTI for d in dimensions):
        return t(
            "A complaint can name several rights or grounds and counts under each, so these "
            "counts can add up to more than the number of complaints."
        )
    return ""


def _cells(table: Mapping[str, Any], track: str) -> list[Mapping[str, Any]]:
    return [c for c in table["cells"] if c["track"] == track]


def _breakdown(table: Mapping[str, Any], track: str, track_name: str, t: Texts) -> Breakdown:
    dim = table["dimensions"][0]
    title = labels.table_title(table["id"], table["population"], table["dimensions"], t)
    cells = _cells(table, track)
    bars = [charts.Bar(labels.value_name(dim, c["group"][dim], t), c["value"]) for c in cells]
    summary = charts.describe(bars, t)
    caption = t("%(title)s: %(track)s", title=title, track=track_name)
    return Breakdown(
        anchor=table["id"],
        title=title,
        caption=caption,
        dimension=labels.name(labels.DIMENSIONS, dim, t),
        measure=labels.name(labels.MEASURES, table["population"], t),
        rows=[_count_row(b.label, b.value, t) for b in bars],
        chart=charts.bar_chart(
            f"chart-{table['id']}",
            bars,
            title=caption,
            desc=summary,
            hidden_word=t("hidden"),
            number=t.count,
        ),
        summary=summary,
        note=_note(table["dimensions"], t),
    )


def _crosstable(table: Mapping[str, Any], track: str, track_name: str, t: Texts) -> CrossTable:
    cells = _cells(table, track)
    values: dict[str, list[str]] = {d: [] for d in table["dimensions"]}
    for cell in cells:
        for dim, value in cell["group"].items():
            if value not in values[dim]:
                values[dim].append(value)
    # The dimension with more values runs down the side, so the table stays narrow.
    down, across = sorted(table["dimensions"], key=lambda d: -len(values[d]))
    found = {(c["group"][down], c["group"][across]): c["value"] for c in cells}
    title = labels.table_title(table["id"], table["population"], table["dimensions"], t)
    return CrossTable(
        anchor=table["id"],
        title=title,
        caption=t("%(title)s: %(track)s", title=title, track=track_name),
        row_dimension=labels.name(labels.DIMENSIONS, down, t),
        column_dimension=labels.name(labels.DIMENSIONS, across, t),
        columns=[labels.value_name(across, v, t) for v in values[across]],
        rows=[
            CrossRow(
                labels.value_name(down, d, t),
                [_count_row("", found[(d, a)], t) for a in values[across]],
            )
            for d in values[down]
        ],
        note=_note(table["dimensions"], t),
    )


def track_links(release: int, current: str | None, t: Texts) -> list[Link]:
    """The release's page for each track, the one shown marked as current."""
    return [
        Link(page_url(release, choice), labels.name(labels.TRACKS, choice, t), choice == current)
        for choice in TRACK_CHOICES
    ]


def newer_version(doc: Mapping[str, Any], versions: Iterable[Mapping[str, Any]]) -> int | None:
    """The latest release of the same period, when it is a later version than `doc`."""
    later = [
        row
        for row in versions
        if row["period"] == doc["period"] and row["version"] > doc["version"]
    ]
    return max(later, key=lambda row: row["version"])["release"] if later else None


def release_page(doc: Mapping[str, Any], newer: int | None, track: str, t: Texts) -> ReleasePage:
    """A release, its figures for one track (or all)."""
    number = doc["release"]
    track_name = labels.name(labels.TRACKS, track, t)
    yearly = doc["unit"] == PeriodUnit.year.value
    totals, breakdowns, crosstables = [], [], []
    for table in doc["tables"]:
        if not table["dimensions"]:
            value = _cells(table, track)[0]["value"]
            totals.append(_count_row(labels.name(labels.TOTALS, table["id"], t), value, t))
        elif len(table["dimensions"]) == 1:
            breakdowns.append(_breakdown(table, track, track_name, t))
        else:
            crosstables.append(_crosstable(table, track, track_name, t))
    # Figures and indicators under one heading per section or kind, in the order they first
    # come in the release.
    annual: dict[str, FigureGroup] = {}
    for figure in (doc.get("annual_report") or {}).get(track, []):
        section = labels.name(labels.ANNUAL_SECTIONS, figure["section"], t)
        row = _annual_value(figure["section"], figure["item"], figure["value"], t)
        annual.setdefault(section, FigureGroup(section, [])).rows.append(row)
    indicators: dict[str, IndicatorGroup] = {}
    for entry in (doc.get("indicators") or {}).get("tracks", {}).get(track, []):
        kind = labels.name(labels.INDICATOR_KINDS, entry["kind"], t)
        indicators.setdefault(kind, IndicatorGroup(kind, [])).rows.append(_indicator(entry, t))
    shares = [
        _share_row(labels.name(labels.SHARES, s["id"], t), s, t)
        for s in doc.get("shares") or []
        if s["track"] == track
    ]
    durations = [
        Row(
            labels.name(labels.DURATIONS, d["id"], t),
            *((t("hidden"), True) if d["value"] is None else (_days_text(d["value"], t), False)),
        )
        for d in doc.get("durations") or []
        if d["track"] == track
    ]
    sections = [
        ("totals", t("Totals"), bool(totals)),
        ("annual-report", t("Annual report"), bool(annual)),
        ("indicators", t("Indicators"), bool(indicators)),
        ("shares", t("Shares"), bool(shares)),
        ("durations", t("Durations"), bool(durations)),
        ("breakdowns", t("Breakdowns, with charts"), bool(breakdowns)),
        ("crosstables", t("Two-way tables"), bool(crosstables)),
    ]
    disclosure = doc["disclosure"]
    return ReleasePage(
        release=number,
        name=period_name(doc["period"], t),
        period=doc["period"],
        period_range=period_range(doc["period"], t),
        yearly=yearly,
        version=doc["version"],
        computed=iso_date(doc["computed_at"]),
        supersedes=(
            Link(page_url(doc["supersedes"]), t("release %(n)s", n=doc["supersedes"]))
            if doc["supersedes"]
            else None
        ),
        reason=doc["reason"],
        newer=Link(page_url(newer), t("release %(n)s", n=newer)) if newer else None,
        downloads=[
            Link(json_url(number), t("JSON: the signed release")),
            Link(csv_url(number), t("CSV: one row per figure")),
            Link(csvw_url(number), t("CSVW metadata: what each CSV column means")),
        ],
        key_id=doc["signature"]["key_id"],
        disclosure=Disclosure(
            method=t(disclosure["method"]),
            min_cell=disclosure["min_cell"],
            suppressed=disclosure["suppressed"],
            checked_with=list(disclosure["checked_with"]),
            rules=[t(rule) for rule in disclosure["rules"]],
        ),
        track=track,
        track_name=track_name,
        tracks=track_links(number, track, t),
        contents=[Link(f"#{anchor}", text) for anchor, text, present in sections if present],
        totals=totals,
        annual=list(annual.values()),
        indicators=list(indicators.values()),
        shares=shares,
        durations=durations,
        breakdowns=breakdowns,
        crosstables=crosstables,
    )
