"""Golden files: a report's text read from its HTML, and comparing or regenerating them.

Regenerate every golden file after a reviewed change with:

    .venv/bin/python -m pytest tests/test_matrix.py --update-golden
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "golden"

# Elements that start a new line of text, as a reader sees the page.
_BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "li",
    "tr",
    "caption",
    "dt",
    "dd",
    "figcaption",
    "blockquote",
    "header",
    "section",
    "nav",
    "main",
    "div",
    "ul",
    "ol",
    "table",
    "figure",
}
_PREFIX = {"h1": "# ", "h2": "## ", "h3": "### ", "li": "- "}


class _TextOfPage(HTMLParser):
    """Collects the visible text of a page's body, a line per block, '|' between table cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current = ""
        self.hidden = 0
        self.in_body = False
        self.cells_in_row = 0
        self.links: list[str] = []

    def _flush(self):
        if self.current.strip():
            self.lines.append(" ".join(self.current.split()))
        self.current = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.in_body = True
        if tag in ("style", "script", "title"):
            self.hidden += 1
        if tag in _BLOCKS:
            if (
                self.current.strip() in _PREFIX.values()
                or self.current.strip() + " " in _PREFIX.values()
            ):
                pass  # A paragraph inside a list item continues the item's line.
            else:
                self._flush()
                self.current = _PREFIX.get(tag, "")
        if tag == "tr":
            self.cells_in_row = 0
        if tag in ("td", "th"):
            self.current += " | " if self.cells_in_row else ""
            self.cells_in_row += 1
        if tag == "img":
            self._flush()
            self.lines.append(f"[image: {attributes.get('alt', '')}]")
        if tag == "a":
            self.links.append(attributes.get("href") or "")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self.hidden -= 1
        if tag == "a" and self.links:
            href = self.links.pop()
            if not href.startswith("#"):  # The contents' links only repeat the headings.
                self.current += f" <{href}>"
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self.in_body and not self.hidden:
            self.current += data


def page_text(html: str) -> str:
    """The visible text of an HTML page, a line per paragraph, heading, list item or table row."""
    parser = _TextOfPage()
    parser.feed(html)
    parser.close()
    parser._flush()
    return "\n".join(parser.lines) + "\n"
