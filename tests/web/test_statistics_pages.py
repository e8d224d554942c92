"""The public pages of the statistics releases, read over HTTP as a browser reads them.

Every expected figure is written by hand from what `file_the_year` files (tests/web/conftest.py):
30 complaints received on 15 March 2025, all naming adequate housing; 20 on the ombudsperson
track (10 women also naming education, 10 men of whom 3 also name health), 10 on the
anti-corruption track (women). With the threshold k = 10, health (3) is hidden.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.web import charts
from app.web.i18n import Texts
from tests.web.conftest import MONTHS
from tests.web.page import Element, Page

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
YEAR, FIRST_MONTH, APRIL = 15, 1, 2  # release numbers, in the order they are published
RIGHTS = "Complaints by right concerned"
SEX = "Complaints by sex or gender (self-identified)"


async def page_at(reader: httpx.AsyncClient, url: str, status: int = 200) -> Page:
    """The page at `url`, checked for what every page must be whatever it says."""
    response = await reader.get(url)
    assert response.status_code == status, (url, response.text[:500])
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == PAGE_POLICY
    html = response.text
    assert "<script" not in html.lower()
    assert " style=" not in html and "<style" not in html.lower()  # the stylesheet only
    assert "Traceback" not in html
    page = Page.parse(html)
    assert page.doctype.lower() == "doctype html"
    assert page.one("html").attrs["lang"] == "en"
    assert page.one("html").attrs["dir"] == "ltr"
    links = [e.attrs for e in page.all("link")]
    assert {"rel": "stylesheet", "href": "/static/ombuds.css"} in links
    assert len(page.all("h1")) == 1
    for landmark in ("header", "main", "footer"):
        assert len(page.all(landmark)) == 1, landmark
    skip = page.all("a")[0]
    assert skip.attrs == {"class": "skip-link", "href": "#main"}
    assert page.one("main").attrs["id"] == "main"
    check_charts(page)
    return page


def check_charts(page: Page) -> None:
    """Every chart is one image to assistive technology, named by its title and description."""
    for svg in page.all("svg"):
        assert svg.attrs["role"] == "img"
        title, desc = svg.iter("title"), svg.iter("desc")
        assert len(title) == 1 and len(desc) == 1
        assert title[0].text() and desc[0].text()
        assert svg.attrs["aria-labelledby"] == f"{title[0].attrs['id']} {desc[0].attrs['id']}"
        page.by_id(title[0].attrs["id"])  # unique on the page
        page.by_id(desc[0].attrs["id"])


def section(page: Page, anchor: str) -> Element:
    return page.by_id(anchor)


async def test_the_list_links_every_release_newest_first_by_year(
    published: Any, reader: httpx.AsyncClient
) -> None:
    page = await page_at(reader, "/statistics")
    assert page.one("h1").text() == "Statistics releases"
    links = page.links()
    for n in range(1, 16):
        assert f"/statistics/releases/{n}" in links, n
        assert links[f"/v1/releases/{n}"] == f"JSON of release {n}"
        assert links[f"/v1/releases/{n}?format=csv"] == f"CSV of release {n}"
    assert links["/statistics/releases/15"] == "Year 2025"
    assert links["/statistics/releases/11"] == "First quarter of 2025"
    assert links["/statistics/releases/14"] == "Fourth quarter of 2025"
    assert links["/statistics/releases/1"] == "March 2025"
    assert links["/statistics/releases/10"] == "December 2025"
    assert page.one("h2").text() == "2025"
    assert [h.text() for h in page.all("h3")] == ["The whole year", "Quarters", "Months"]
    assert page.table("The yearly release of 2025") == [
        ["Year 2025", "15", "1", "2026-01-20", "JSON of release 15 CSV of release 15"]
    ]
    quarters = [row[0] for row in page.table("Quarterly releases of 2025")]
    assert quarters == [
        "Fourth quarter of 2025",
        "Third quarter of 2025",
        "Second quarter of 2025",
        "First quarter of 2025",
    ]
    months = [row[0] for row in page.table("Monthly releases of 2025")]
    assert months == [f"{m} 2025" for m in reversed(MONTHS)]
    intro = page.one("main").text()
    for says in ("received in one period", "never changes", "Counts from 1 to 9 are hidden"):
        assert says in intro
    assert "signed by the office" in intro


async def test_a_yearly_release_shows_its_figures_in_tables_and_charts(
    published: Any, reader: httpx.AsyncClient
) -> None:
    page = await page_at(reader, f"/statistics/releases/{YEAR}")
    assert page.one("h1").text() == "Statistics release: Year 2025"
    facts = page.one("dl").text()
    assert facts == (
        "Period 2025-01-01 to 2025-12-31 Release 15 Version 1 Computed on 2026-01-20 "
        "Figures for All tracks"
    )
    links = page.links()
    assert links["/v1/releases/15"] == "JSON: the signed release"
    assert links["/v1/releases/15?format=csv"] == "CSV: one row per figure"
    assert links["/v1/releases/15/csv-metadata.json"] == (
        "CSVW metadata: what each CSV column means"
    )
    # The disclosure rules, folded away.
    details = page.all("details")[0]
    assert details.iter("summary")[0].text() == "How these figures protect privacy"
    rules = [li.text() for li in details.iter("li")]
    assert "No count from 1 to k-1 is published." in rules
    assert "The privacy threshold of this release is 10." in details.text()

    assert page.rows("Totals: All tracks") == {
        "Complaints and own-initiative inquiries received": "30",
        "Remedies recommended for them": "0",
        "Cases finished in the year, whenever received": "0",
    }
    rights = page.rows(f"{RIGHTS}: All tracks")
    assert len(rights) == 26  # the taxonomy's 25 rights, and "none"
    assert rights["Adequate housing"] == "30"
    assert rights["Education"] == "10"
    assert rights["Health"] == "hidden"
    assert rights["Work and just conditions of work"] == "0"
    assert rights["No right named"] == "0"
    sexes = page.rows(f"{SEX}: All tracks")
    assert sexes == {
        "Woman": "20",
        "Man": "10",
        "Non-binary": "0",
        "Another identity": "0",
        "Prefer not to say": "0",
        "Not stated": "0",
    }
    caseload = page.rows("Caseload: All tracks")
    assert caseload == {
        "Complaints and inquiries received": "30",
        "Complaints from people": "30",
        "Own-initiative inquiries": "0",
        "Finished, of those received in the year": "0",
        "Cases finished in the year": "0",
    }
    assert page.rows("Mandate: All tracks") == {
        "Within the mandate": "30",
        "Outside the mandate": "0",
    }
    assert page.rows("Outcomes: All tracks")["No finding yet"] == "30"
    assert page.rows("Duration: All tracks")["Median days to a final state"] == "hidden"
    assert page.rows("Remedies: All tracks")["Remedies implemented"] == "hidden"
    indicators = {row[0]: row[1:] for row in page.table("Indicators: All tracks") if row[0]}
    assert indicators["S1"][1] == "Yes"
    assert indicators["S2"][1] == "7 days"
    assert indicators["S3"][1] == "3 months"
    assert indicators["P1"][1:] == ["0.0%", "0 of 30"]
    assert indicators["P5"][1] == "0"
    assert indicators["P2"][1:] == ["hidden", ""]
    shares = page.table("Shares: All tracks")
    assert shares[0] == ["Investigated, of those received", "0.0%", "0 of 30"]
    assert ["Remedies implemented", "hidden", ""] in shares
    durations = page.rows("Durations: All tracks")
    assert durations["Median days to acknowledgement"] == "hidden"

    # Two-way tables: the table only, for the track shown.
    crossed = page.table(
        "Complaints by right concerned and sex or gender (self-identified): All tracks"
    )
    by_right = {row[0]: row[1:] for row in crossed}
    # Columns: Woman, Man, Non-binary, Another identity, Prefer not to say, Not stated.
    assert by_right["Adequate housing"] == ["20", "10", "0", "0", "0", "0"]
    assert by_right["Education"] == ["10", "0", "0", "0", "0", "0"]
    assert by_right["Health"] == ["hidden"] * 6  # a group of 3 shows nothing, zeros included
    assert not section(page, "complaints_by_right_and_sex_gender").iter("svg")


async def test_a_hidden_value_is_a_marked_box_never_a_bar_or_zero(
    published: Any, reader: httpx.AsyncClient
) -> None:
    page = await page_at(reader, f"/statistics/releases/{YEAR}")
    rights = section(page, "complaints_by_right")
    svg = rights.iter("svg")[0]
    assert svg.iter("title")[0].text() == f"{RIGHTS}: All tracks"
    summary = (
        "Largest count: Adequate housing (30). 23 values are 0. "
        "1 value is hidden to protect privacy."
    )
    assert svg.iter("desc")[0].text() == summary
    assert rights.iter("figcaption")[0].text() == summary
    bars = [r for r in svg.iter("rect") if r.attrs["class"] == "chart-bar"]
    assert len(bars) == 2  # adequate housing and education: zeros get no bar
    widths = [float(bar.attrs["width"]) for bar in bars]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.2)  # 30 and 10
    marks = [r for r in svg.iter("rect") if r.attrs["class"] == "chart-hidden"]
    assert len(marks) == 1
    texts = [t.text() for t in svg.iter("text")]
    health = texts.index("Health")
    assert texts[health + 1] == "hidden"
    assert texts[texts.index("Adequate housing") + 1] == "30"
    assert texts[texts.index("Work and just conditions of work") + 1] == "0"
    # Every one-way table has its chart; the totals and two-way tables none.
    breakdowns = section(page, "breakdowns")
    assert len(breakdowns.iter("svg")) == 19
    assert len(page.all("svg")) == 19


async def test_the_track_switch_shows_each_tracks_figures(
    published: Any, reader: httpx.AsyncClient
) -> None:
    url = f"/statistics/releases/{YEAR}"
    everyone = await page_at(reader, url)
    switch = [a for a in everyone.all("a") if a.attrs["href"].startswith(url)][1:]
    assert [(a.attrs["href"], a.text(), a.attrs.get("aria-current")) for a in switch] == [
        (url, "All tracks", "page"),
        (f"{url}?track=ombudsperson", "Ombudsperson", None),
        (f"{url}?track=anti_corruption", "Anti-corruption", None),
    ]

    ombudsperson = await page_at(reader, f"{url}?track=ombudsperson")
    assert "Figures for Ombudsperson" in ombudsperson.one("dl").text()
    totals = ombudsperson.rows("Totals: Ombudsperson")
    assert totals["Complaints and own-initiative inquiries received"] == "20"
    rights = ombudsperson.rows(f"{RIGHTS}: Ombudsperson")
    assert (rights["Adequate housing"], rights["Education"], rights["Health"]) == (
        "20",
        "10",
        "hidden",
    )
    sexes = ombudsperson.rows(f"{SEX}: Ombudsperson")
    assert (sexes["Woman"], sexes["Man"]) == ("10", "10")
    # In the page's own navigation (the site's header marks "Statistics" as the current section).
    links = ombudsperson.one("main").iter("a")
    current = [a for a in links if a.attrs.get("aria-current") == "page"]
    assert [a.text() for a in current] == ["Year 2025", "Ombudsperson"]

    anti = await page_at(reader, f"{url}?track=anti_corruption")
    rights = anti.rows(f"{RIGHTS}: Anti-corruption")
    assert (rights["Adequate housing"], rights["Education"], rights["Health"]) == (
        "10",
        "0",
        "0",
    )
    sexes = anti.rows(f"{SEX}: Anti-corruption")
    assert (sexes["Woman"], sexes["Man"]) == ("10", "0")
    assert anti.rows("Caseload: Anti-corruption")["Complaints and inquiries received"] == "10"


async def test_a_monthly_release_has_charts_and_no_annual_report(
    published: Any, reader: httpx.AsyncClient
) -> None:
    page = await page_at(reader, f"/statistics/releases/{FIRST_MONTH}")
    assert page.one("h1").text() == "Statistics release: March 2025"
    assert page.one("dl").text().startswith("Period 2025-03-01 to 2025-03-31 Release 1")
    rights = page.rows(f"{RIGHTS}: All tracks")
    assert (rights["Adequate housing"], rights["Education"], rights["Health"]) == (
        "30",
        "10",
        "hidden",
    )
    assert [h.text() for h in page.all("h2") if h.attrs.get("id", "").endswith("heading")] == [
        "Download the data",
        "Show the figures for",
        "On this page",
        "Totals",
        "Breakdowns, with charts",
    ]
    assert len(page.all("svg")) == 3  # origin, right, department: what a month carries

    april = await page_at(reader, f"/statistics/releases/{APRIL}")
    origin = section(april, "complaints_by_origin")
    assert origin.iter("figcaption")[0].text() == "Every value shown is 0."
    assert april.rows("Complaints by how the case started: All tracks") == {
        "Complaint from a person": "0",
        "Own-initiative inquiry": "0",
    }


async def test_a_revision_says_what_it_revises_and_the_old_one_points_to_it(
    published: Any, client: httpx.AsyncClient, reader: httpx.AsyncClient, auth: Any
) -> None:
    reason = "A complaint was entered twice in March."
    response = await client.post(
        f"/v1/releases/{YEAR}/revisions",
        json={"reason": reason},
        headers=auth("ombudsperson"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["release"] == 16

    revised = await page_at(reader, "/statistics/releases/16")
    notice = [p for p in revised.all("p") if "revises" in p.text()]
    assert [p.text() for p in notice] == [
        f"This is version 2: it revises release 15 because: “{reason}”"
    ]
    assert revised.links()["/statistics/releases/15"] == "release 15"

    old = await page_at(reader, f"/statistics/releases/{YEAR}")
    warning = [p for p in old.all("p") if "newer version" in p.text()]
    assert [p.text() for p in warning] == [
        "A newer version exists. The office has revised these figures since: see release 16."
    ]
    listing = await page_at(reader, "/statistics")
    years = listing.table("The yearly release of 2025")
    assert [row[:3] for row in years] == [
        ["Year 2025", "16", "2"],
        ["Year 2025", "15", "1 revised since"],
    ]


async def test_unknown_releases_and_tracks_get_a_page_that_says_so(
    published: Any, reader: httpx.AsyncClient
) -> None:
    for url in ("/statistics/releases/999", "/statistics/releases/0", "/statistics/releases/x1"):
        page = await page_at(reader, url, status=404)
        assert page.one("h1").text() == "No such release"
        assert page.links()["/statistics"] == "See every statistics release"

    page = await page_at(reader, f"/statistics/releases/{YEAR}?track=nobody", status=422)
    assert page.one("h1").text() == "No such track"
    assert "nobody" not in page.one("main").text()  # what was asked is not echoed
    choices = [(a.attrs["href"], a.text()) for a in page.one("main").iter("ul")[0].iter("a")]
    assert choices == [
        ("/statistics/releases/15", "All tracks"),
        ("/statistics/releases/15?track=ombudsperson", "Ombudsperson"),
        ("/statistics/releases/15?track=anti_corruption", "Anti-corruption"),
    ]


async def test_pages_are_closed_when_the_office_publishes_to_monitors_only(
    settings: Settings, published: Any
) -> None:
    closed = create_app(settings.model_copy(update={"statistics_public": False}))
    async with closed.router.lifespan_context(closed):
        transport = httpx.ASGITransport(app=closed)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as reader:
            for url in ("/statistics", "/statistics/releases/15", "/statistics/releases/999"):
                page = await page_at(reader, url, status=403)
                assert page.one("h1").text() == "Statistics for monitors only"
                assert "to monitoring bodies only" in page.one("main").text()
                assert "Adequate housing" not in page.one("main").text()
            # The JSON keeps its own rule (401 without an account).
            assert (await reader.get("/v1/releases")).status_code == 401


async def test_the_policy_lets_pages_load_their_stylesheet_and_the_api_nothing(
    published: Any, reader: httpx.AsyncClient
) -> None:
    css = await reader.get("/static/ombuds.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers["content-security-policy"] == PAGE_POLICY
    api = await reader.get("/v1/releases")
    assert api.headers["content-security-policy"] == API_POLICY
    assert (await reader.get("/statistics")).headers["cache-control"] == "public, max-age=300"
    missing = await reader.get("/statistics/releases/999")
    assert missing.headers["cache-control"] == "no-store"


def test_the_stylesheet_uses_logical_properties_only() -> None:
    """So that a right-to-left language needs no second stylesheet."""
    css = (Path(__file__).parents[2] / "app/web/static/ombuds.css").read_text()
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right|top|bottom)\b"
        r"|(?<![-\w])(?:left|right|top|bottom)\s*:"
        r"|(?:text-align|float|clear)\s*:\s*(?:left|right)"
        r"|(?<![-\w])(?:width|height)\s*:",
        css,
    )
    assert physical == []
    assert ":focus-visible" in css


@pytest.mark.parametrize(
    ("values", "summary"),
    [
        ([5, 0, None], "Largest count: a (5). 1 value is 0. 1 value is hidden to protect privacy."),
        ([7, 7], "Largest counts: a; b (7 each)."),
        ([0, 0], "Every value shown is 0."),
        ([None, None, None], "All 3 values are hidden to protect privacy."),
        ([None], "The value is hidden to protect privacy."),
    ],
)
def test_the_text_alternative_says_what_the_chart_shows(
    values: list[int | None], summary: str
) -> None:
    bars = [charts.Bar(label, v) for label, v in zip("abc", values, strict=False)]
    assert charts.describe(bars, Texts()) == summary


def test_a_chart_escapes_what_it_is_given() -> None:
    svg = charts.bar_chart(
        "c<1>",
        [charts.Bar('<script>alert("x")</script> & co', 3), charts.Bar("zero", 0)],
        title="T <b>",
        desc='D "q"',
        hidden_word="hidden",
    )
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in svg
    assert 'id="c&lt;1&gt;-title"' in svg
    assert "<title" in svg and "T &lt;b&gt;</title>" in svg
    assert "D &#34;q&#34;</desc>" in svg
    page = Page.parse(str(svg))
    assert [r.attrs["class"] for r in page.all("rect")] == ["chart-bar"]  # 0 gets no bar
