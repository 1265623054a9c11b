"""The small markup report text may use: emphasis, bulleted lists and links, converted safely.

    *emphasis*  **strong emphasis**  [the report](https://www.justiceinspectorates.gov.uk)

A paragraph whose every line starts with "- " (write it as a YAML literal block, `|`) is a
bulleted list; one whose first lines lead in and whose other lines start with "- " is a
paragraph followed by its list ("… in particular by:" and the sub-points of a recommendation). Everything else is text: it is HTML-escaped before any markup is converted, and a
link becomes a link only to an https://, http:// or mailto: address without brackets or spaces
(`validate` reports others).
The plain-text press release keeps the markup as typed, which reads naturally in an email.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
# Wider, for validation: anything that looks like a link, brackets in the address included.
LINK_LIKE = re.compile(r"\[([^\[\]\n]+)\]\((\S*)\)")
STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EMPHASIS = re.compile(r"\*(?=\S)([^*\n]+?)(?<=\S)\*")
ALLOWED_LINK = re.compile(r"^(https?://[^\s]+|mailto:[^\s]+)$", re.IGNORECASE)


def allowed_link(url: str) -> bool:
    """Whether a link may point at `url`: web and mail addresses only, never javascript: or file:."""
    return bool(ALLOWED_LINK.match(url))


def links_in(text: str) -> list[tuple[str, str]]:
    """Everything in a text that looks like [label](url), as (label, url)."""
    return LINK_LIKE.findall(text)


def _emphasis(escaped: str) -> str:
    escaped = STRONG.sub(r"<strong>\1</strong>", escaped)
    return EMPHASIS.sub(r"<em>\1</em>", escaped)


def inline(text: str) -> Markup:
    """A line of text as HTML: escaped, then emphasis and allowed links converted."""
    parts, position = [], 0
    for match in LINK.finditer(text):
        parts.append(_emphasis(str(escape(text[position:match.start()]))))
        label, url = match.group(1), match.group(2)
        if allowed_link(url):
            parts.append(f'<a href="{escape(url)}">{_emphasis(str(escape(label)))}</a>')
        else:  # Shown as typed: never a live link to javascript:, file: or anything else.
            parts.append(str(escape(match.group(0))))
        position = match.end()
    parts.append(_emphasis(str(escape(text[position:]))))
    return Markup("".join(parts))


def split_list(text: str) -> tuple[str, list[str]]:
    """A paragraph's lead-in and its list items ("- " lines); no items if it is not a list."""
    lines = [line.strip() for line in text.strip().splitlines()]
    first_item = next((i for i, line in enumerate(lines) if line.startswith("- ")), None)
    if first_item is None or len(lines) < 2:
        return text, []
    items = lines[first_item:]
    if not all(line.startswith("- ") for line in items):
        return text, []
    return " ".join(lines[:first_item]), [line[2:].strip() for line in items]


def block(text: str, lead: str = "") -> Markup:
    """A paragraph as HTML: a <p>, a <ul> when every line starts with "- ", or both.

    `lead` (HTML, already safe) begins the paragraph, e.g. "Immediately, Kent Police should".
    """
    opening, items = split_list(text)
    html = f"<p>{escape(lead)}{' ' if lead else ''}{inline(opening)}</p>" if (opening or lead) \
        else ""
    if items:
        html += "<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>"
    return Markup(html)


def plain(text: str) -> str:
    """The text without markup, e.g. for a PDF's metadata."""
    text = LINK.sub(lambda m: m.group(1), text)
    return html.unescape(EMPHASIS.sub(r"\1", STRONG.sub(r"\1", text)))
