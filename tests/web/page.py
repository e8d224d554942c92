"""Reading a served page as a person's tools would: its tables by caption, its links, its charts.

The standard library's HTML parser, so that a test says what a page shows (a row of a table, a
link) rather than matching markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"meta", "link", "br", "img", "input", "hr", "col", "source", "wbr"}
BLOCKS = {
    *("div", "p", "dl", "dt", "dd", "ul", "ol", "li", "section", "nav", "header", "footer"),
    *("main", "h1", "h2", "h3", "table", "caption", "thead", "tbody", "tr", "th", "td"),
    *("figure", "figcaption", "details", "summary", "svg", "title", "desc", "text"),
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        """The text inside, whitespace collapsed, as a screen reader would read it (blocks,
        cells and chart texts apart, inline elements run on)."""
        return " ".join(self._raw().split())

    def _raw(self) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag in BLOCKS:
                parts.append(f" {child._raw()} ")
            else:
                parts.append(child._raw())
        return "".join(parts)

    def iter(self, tag: str | None = None) -> list[Element]:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if tag is None or child.tag == tag:
                    found.append(child)
                found.extend(child.iter(tag))
        return found

    def ancestors(self) -> list[Element]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.node = self.root
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(element)
        if tag not in VOID:
            self.node = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.node.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.node))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"</{tag}> closes nothing"
        self.node = node.parent

    def handle_data(self, data: str) -> None:
        self.node.children.append(data)


@dataclass
class Page:
    root: Element
    doctype: str

    @classmethod
    def parse(cls, html: str) -> Page:
        builder = _Builder()
        builder.feed(html)
        builder.close()
        assert builder.node is builder.root, f"<{builder.node.tag}> is never closed"
        return cls(builder.root, builder.doctype)

    def all(self, tag: str) -> list[Element]:
        return self.root.iter(tag)

    def one(self, tag: str) -> Element:
        found = self.all(tag)
        assert len(found) == 1, f"{len(found)} <{tag}>"
        return found[0]

    def by_id(self, ident: str) -> Element:
        found = [e for e in self.root.iter() if e.attrs.get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
        return found[0]

    def links(self, within: str = "main") -> dict[str, str]:
        """Each link's address and its text, in the main content by default (the last one wins
        when an address repeats)."""
        scope = self.one(within).iter("a")
        return {a.attrs["href"]: a.text() for a in scope if "href" in a.attrs}

    def table(self, caption: str) -> list[list[str]]:
        """The body rows of the table with this caption, each as the text of its cells."""
        tables = [
            t for t in self.all("table") if any(c.text() == caption for c in t.iter("caption"))
        ]
        assert len(tables) == 1, f"{len(tables)} tables captioned {caption!r}"
        return [
            [cell.text() for cell in row.children if isinstance(cell, Element)]
            for body in tables[0].iter("tbody")
            for row in body.iter("tr")
        ]

    def rows(self, caption: str) -> dict[str, str]:
        """A two-column table as {row heading: value}."""
        return {row[0]: row[1] for row in self.table(caption) if len(row) >= 2}
