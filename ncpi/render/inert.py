"""What no template may put in a document: a script, or a file attached to the PDF.

A project's templates are input like its reports (and `validate` renders them, in CI too):
the documents they make must stay inert. The HTML edition runs nothing in a reader's browser,
and the PDF carries no attachment, whatever its address (`data:` included).
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

#: Attributes whose value is an address a browser may follow or run.
_ADDRESS_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "xlink:href"})
#: What browsers ignore inside an address's scheme ("java\tscript:" runs as "javascript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")
#: Schemes that run code rather than fetch a document.
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript"})


class ActiveContent(NamedTuple):
    """One thing a document may not hold, at its line in the rendered HTML."""

    line: int
    what: str
    #: What finds it in a template's source, to point at the template's own line.
    pattern: str


def active_content(html: str) -> list[ActiveContent]:
    """Every script, event handler, script address and attachment in the HTML, in order."""
    parser = _finder_class()()
    parser.feed(html)
    parser.close()
    return parser.found


@cache
def _finder_class():
    """The HTML parser that finds active content, made on first use: only a project's own
    templates are looked through, and loading html.parser cost every validation 2.5 ms."""
    from html.parser import HTMLParser

    class Finder(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.found: list[ActiveContent] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            line = self.getpos()[0]
            if tag == "script":
                self.found.append(ActiveContent(line, "a <script> element", r"<\s*script"))
            for name, value in attrs:
                self._check_attribute(line, name, value or "")

        handle_startendtag = handle_starttag

        def _check_attribute(self, line: int, name: str, value: str) -> None:
            if name.startswith("on"):
                what = f"an event handler ({name}=…), which runs a script"
                self.found.append(ActiveContent(line, what, rf"\b{name}\s*="))
            elif name == "rel" and "attachment" in value.lower().split():
                what = "a file attached to the PDF (rel=attachment)"
                self.found.append(ActiveContent(line, what, r"attachment"))
            elif name in _ADDRESS_ATTRIBUTES:
                scheme = _IGNORED_IN_SCHEME.sub("", value).split(":", 1)[0].lower()
                if ":" in value and scheme in _SCRIPT_SCHEMES:
                    what = f"a {scheme}: address, which runs a script"
                    self.found.append(ActiveContent(line, what, rf"{scheme}\s*:"))

    return Finder


def line_in_source(source: str, found: ActiveContent) -> int:
    """The first line of a template's source that matches what was found; else line 1."""
    from html import unescape

    pattern = re.compile(found.pattern, re.IGNORECASE)
    for number, text in enumerate(source.splitlines(), start=1):
        # As a browser reads it too: "java&#x09;script:" is "javascript:".
        if pattern.search(text) or pattern.search(_IGNORED_IN_SCHEME.sub("", unescape(text))):
            return number
    return 1
