"""Bar charts as inline SVG, drawn on the server: no script, nothing fetched, readable in print.

Pure functions from figures to markup. Every text that goes into the markup is escaped here
(`markupsafe.escape`), so a label can hold anything. A chart is an image to assistive technology
(`role="img"`, named by its `<title>` and `<desc>`); the data table next to it carries the figures
themselves. A hidden (suppressed) value is never drawn as a bar: it gets a hatched box and the word
the caller gives for it, so that it cannot be read as zero or as a small number. Colours come from
the stylesheet (classes), with presentation attributes as the fallback when it is missing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.web.i18n import Texts, count

WIDTH = 480  # the viewBox width; the stylesheet scales the chart down on narrow screens
PAD = 8
LABEL_SIZE = 14  # px of the viewBox
LINE = 17  # label line height
BAR = 13  # bar thickness
GAP = 7  # space under each bar
VALUE_ROOM = 72  # room after the longest bar for its value (or the word for hidden)
WRAP = 58  # characters per label line
HIDDEN_BOX = 22  # width of the marker of a hidden value
BAR_COLOUR = "#1d4f91"  # 8.3:1 on white (WCAG non-text contrast asks 3:1)
INK = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    """One value of a dimension: its label and count, None when hidden to protect privacy."""

    label: str
    value: int | None


def _attrs(**attrs: object) -> Markup:
    """XML attributes, each value escaped (`class_` for `class`, `aria_x` for `aria-x`)."""
    parts = []
    for key, value in attrs.items():
        attr = key.rstrip("_").replace("_", "-")
        name = Markup(attr)  # noqa: S704 (attribute names are this module's, never input)
        parts.append(Markup(' {}="{}"').format(name, value))
    return Markup("").join(parts)


def bar_chart(
    chart_id: str,
    bars: Sequence[Bar],
    *,
    title: str,
    desc: str,
    hidden_word: str,
    number: Callable[[int], str] = count,
) -> Markup:
    """A horizontal bar chart, one row per bar in the order given: the label above its bar, the
    value after it. Bars are scaled to the largest value shown; a zero gets no bar and its 0."""
    top = max((b.value for b in bars if b.value is not None), default=0)
    span = WIDTH - 2 * PAD - VALUE_ROOM
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    hatch_id = f"{chart_id}-hatch"
    rows: list[Markup] = []
    y = PAD
    for bar in bars:
        lines = textwrap.wrap(bar.label, WRAP) or [""]
        for line in lines:
            y += LINE
            rows.append(
                Markup("<text{}>{}</text>").format(
                    _attrs(x=PAD, y=y - 4, class_="chart-label", fill=INK), escape(line)
                )
            )
        y += 2
        baseline = y + BAR / 2 + LABEL_SIZE / 2 - 2
        rows.append(
            Markup("<line{}/>").format(
                _attrs(x1=PAD, y1=y - 2, x2=PAD, y2=y + BAR + 2, class_="chart-axis", stroke=INK)
            )
        )
        if bar.value is None:
            rows.append(
                Markup("<rect{}/>").format(
                    _attrs(
                        x=PAD + 1.5,
                        y=y + 0.5,
                        width=HIDDEN_BOX,
                        height=BAR - 1,
                        class_="chart-hidden",
                        fill=f"url(#{hatch_id})",
                        stroke=INK,
                        stroke_dasharray="3 2",
                    )
                )
            )
            rows.append(
                Markup("<text{}>{}</text>").format(
                    _attrs(
                        x=PAD + HIDDEN_BOX + 8, y=baseline, class_="chart-value-hidden", fill=INK
                    ),
                    escape(hidden_word),
                )
            )
        else:
            length = round(span * bar.value / top, 1) if top else 0.0
            if length:
                rows.append(
                    Markup("<rect{}/>").format(
                        _attrs(
                            x=PAD + 1,
                            y=y,
                            width=length,
                            height=BAR,
                            class_="chart-bar",
                            fill=BAR_COLOUR,
                        )
                    )
                )
            rows.append(
                Markup("<text{}>{}</text>").format(
                    _attrs(x=PAD + 1 + length + 6, y=baseline, class_="chart-value", fill=INK),
                    escape(number(bar.value)),
                )
            )
        y += BAR + GAP
    height = y + PAD - GAP
    hatch = Markup(
        '<defs><pattern{}><path d="M0 6 L6 0" class="chart-hatch" stroke="{}"'
        ' stroke-width="1.5"/></pattern></defs>'
    ).format(
        _attrs(id=hatch_id, width=6, height=6, patternUnits="userSpaceOnUse"),
        INK,
    )
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg"{}><title{}>{}</title><desc{}>{}</desc>{}{}</svg>'
    ).format(
        _attrs(
            class_="chart",
            role="img",
            aria_labelledby=f"{title_id} {desc_id}",
            viewBox=f"0 0 {WIDTH} {height:g}",
            width=WIDTH,
            height=f"{height:g}",
            font_size=LABEL_SIZE,
        ),
        _attrs(id=title_id),
        escape(title),
        _attrs(id=desc_id),
        escape(desc),
        hatch,
        Markup("").join(rows),
    )


def describe(bars: Sequence[Bar], t: Texts) -> str:
    """The chart in one or two sentences: its largest value(s) and how many are hidden, so that
    nobody needs to see the bars to get what they show."""
    shown = [b for b in bars if b.value is not None]
    hidden = len(bars) - len(shown)
    if not shown:
        return t.plural(
            "The value is hidden to protect privacy.",
            "All %(num)s values are hidden to protect privacy.",
            hidden,
        )
    top = max(b.value or 0 for b in shown)
    if top == 0:
        sentences = [t("Every value shown is 0.")]
    else:
        leaders = [b.label for b in shown if b.value == top]
        if len(leaders) == 1:
            sentences = [t("Largest count: %(label)s (%(n)s).", label=leaders[0], n=t.count(top))]
        else:
            sentences = [
                t(
                    "Largest counts: %(labels)s (%(n)s each).",
                    labels=t("; ").join(leaders),
                    n=t.count(top),
                )
            ]
        zeros = sum(1 for b in shown if b.value == 0)
        if zeros:
            sentences.append(t.plural("%(num)s value is 0.", "%(num)s values are 0.", zeros))
    if hidden:
        sentences.append(
            t.plural(
                "%(num)s value is hidden to protect privacy.",
                "%(num)s values are hidden to protect privacy.",
                hidden,
            )
        )
    return " ".join(sentences)
