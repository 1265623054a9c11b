"""The small markup report text may use: emphasis, bulleted lists and links, converted safely.

    *emphasis*  **strong emphasis**  [the report](https://www.justiceinspectorates.gov.uk)
    [In harm’s way]{lang=en}  (words in another language: English in a Welsh text)

A paragraph whose every line starts with "- " (write it as a YAML literal block, `|`) is a
bulleted list; one whose first lines lead in and whose other lines start with "- " is a
paragraph followed by its list ("… in particular by:" and the sub-points of a recommendation).
Everything else is text: it is HTML-escaped before any markup is converted, and a
link becomes a link only to an https://, http:// or mailto: address without brackets or spaces
(`validate` reports others).
The plain-text press release and the email's text part get plain text (`plain`): emphasis
marks dropped, a link as its words and then its address in brackets.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

ALLOWED_LINK = re.compile(r"^(https?://[^\s]+|mailto:[^\s]+)$", re.IGNORECASE)

# The markup is found by scanning, not by regular expressions: the obvious patterns
# (r"\*\*(?=\S)(.+?)(?<=\S)\*\*", r"\[…\]\((\S*)\)") backtrack, and a paragraph of 32,000
# "**a " took 39 s. Each scanner below makes one pass, with "where is the next …" tables built
# in one backward pass, so time grows linearly with the text.


def _next_index(text: str, wanted) -> list[int]:
    """For each position, the first position at or after it whose character is `wanted`."""
    table = [len(text)] * (len(text) + 1)
    for position in range(len(text) - 1, -1, -1):
        table[position] = position if wanted(text[position]) else table[position + 1]
    return table


def _find_links(text: str, *, strict: bool) -> list[tuple[int, int, str, str]]:
    """Each [label](url) as (start, end, label, url), left to right, never overlapping.

    The label has no brackets or line break. Strictly, the address has no brackets or spaces
    (a live link); otherwise it runs to the last ')' before a space (what validation checks).
    """
    if "[" not in text:
        return []
    bracket = _next_index(text, lambda c: c in "[]\n")
    if strict:
        stop = _next_index(text, lambda c: c in "()" or c.isspace())
    else:
        space = _next_index(text, str.isspace)
        last_close = [-1] * (len(text) + 1)  # The last ')' before each position.
        for position, character in enumerate(text):
            last_close[position + 1] = position if character == ")" else last_close[position]
    found: list[tuple[int, int, str, str]] = []
    position = 0
    while True:
        opening = text.find("[", position)
        if opening < 0:
            return found
        closing = bracket[opening + 1]
        if (
            closing > opening + 1
            and closing < len(text)
            and text[closing] == "]"
            and text[closing + 1 : closing + 2] == "("
        ):
            start = closing + 2
            if strict:
                end = stop[start]
                ok = end > start and end < len(text) and text[end] == ")"
            else:
                end = last_close[space[start]]
                ok = end >= start
            if ok:
                found.append((opening, end + 1, text[opening + 1 : closing], text[start:end]))
                position = end + 1
                continue
        position = opening + 1


def find_live_links(text: str) -> list[tuple[int, int, str, str]]:
    """Each [label](url) that can be a link, as (start, end, label, url), left to right."""
    return _find_links(text, strict=True)


def link_mistake(url: str) -> str | None:
    """Why a link may not go to `url`, or None: web and mail addresses only (never javascript:
    or file:), without brackets (which end a link early), and a mail address alone."""
    if not ALLOWED_LINK.match(url):
        return "links may only go to https://, http:// or mailto: addresses"
    if "(" in url or ")" in url:
        return "a bracket in an address ends the link early: write ( as %28 and ) as %29"
    if url.lower().startswith("mailto:") and ("?" in url or "," in url):
        return (
            "a mailto: link may only name one address: '?' (bcc=, cc=, body=) or ',' would add "
            "recipients or text to the reader's email"
        )
    return None


def allowed_link(url: str) -> bool:
    """Whether a link may go to `url` (see link_mistake)."""
    return link_mistake(url) is None


def links_in(text: str) -> list[tuple[str, str]]:
    """Everything in a text that looks like [label](url), as (label, url)."""
    return [(label, url) for _, _, label, url in _find_links(text, strict=False)]


def _strong(text: str, tags: tuple[str, str] = ("<strong>", "</strong>")) -> str:
    """**text** as <strong>: opened before a non-space, closed after one, on one line."""
    if "**" not in text:
        return text
    newline = _next_index(text, lambda c: c == "\n")
    # For each position, the first "**" at or after it that follows a non-space character.
    closer = [len(text)] * (len(text) + 2)
    for position in range(len(text) - 2, -1, -1):
        is_closer = (
            text[position : position + 2] == "**"
            and position > 0
            and not text[position - 1].isspace()
        )
        closer[position] = position if is_closer else closer[position + 1]
    parts, done, position = [], 0, 0
    while True:
        opening = text.find("**", position)
        if opening < 0 or opening + 2 >= len(text):
            break
        if not text[opening + 2].isspace():
            end = closer[opening + 3]  # opening + 2 < len(text), so this is within the table
            if end < newline[opening]:  # On the same line; newline[…] is len(text) at most.
                parts += [text[done:opening], tags[0], text[opening + 2 : end], tags[1]]
                done = position = end + 2
                continue
        position = opening + 1
    return "".join(parts) + text[done:]


def _em(text: str, tags: tuple[str, str] = ("<em>", "</em>")) -> str:
    """*text* as <em>: no asterisk or line break inside, opened and closed beside non-spaces."""
    if "*" not in text:
        return text
    star = _next_index(text, lambda c: c == "*")
    newline = _next_index(text, lambda c: c == "\n")
    parts, done, position = [], 0, 0
    while True:
        opening = text.find("*", position)
        if opening < 0 or opening + 1 >= len(text):
            break
        first = text[opening + 1]
        if not first.isspace() and first != "*":
            end = star[opening + 1]
            # Before the line's end (newline[…] is len(text) at most), after a non-space.
            if end < newline[opening] and not text[end - 1].isspace():
                parts += [text[done:opening], tags[0], text[opening + 1 : end], tags[1]]
                done = position = end + 1
                continue
        position = opening + 1
    return "".join(parts) + text[done:]


# A UK telephone number as written: "07836 217 729", "020 3513 0600", "0300 123 1234".
_PHONE_NUMBER = re.compile(r"(?<![\w/.])0\d{2,4}(?: \d{3,4}){1,2}(?![\w/])")


def _emphasis(escaped: str) -> str:
    # A telephone number never breaks across lines: "07836 217" / "729" cannot be dialled.
    unbroken = _PHONE_NUMBER.sub(r'<span class="nowrap">\g<0></span>', escaped)
    return _nested(_em(_strong(unbroken)))


_EMPHASIS_TAG = re.compile(r"(</?(?:strong|em)>)")


def _nested(html: str) -> str:
    """Emphasis tags properly nested: '***x***' gives <strong><em>x</strong></em>, which
    browsers and PDF tags each mend their own way; an element closed before one opened
    inside it is closed and reopened around it. Only ncpi writes these tags (text is escaped
    first), and they nest two deep at most, so this is one pass."""
    if "</" not in html:
        return html
    open_tags: list[str] = []
    parts: list[str] = []
    for piece in _EMPHASIS_TAG.split(html):
        if not _EMPHASIS_TAG.fullmatch(piece):
            parts.append(piece)
        elif not piece.startswith("</"):
            open_tags.append(piece[1:-1])
            parts.append(piece)
        else:
            name = piece[2:-1]
            if name not in open_tags:  # Never written so; kept as it is, should it be.
                parts.append(piece)
                continue
            inside = open_tags[len(open_tags) - open_tags[::-1].index(name) :]
            parts += [f"</{tag}>" for tag in reversed(inside)] + [piece]
            parts += [f"<{tag}>" for tag in inside]
            open_tags = [tag for tag in open_tags if tag != name]
    return re.sub(r"<(strong|em)></\1>", "", "".join(parts))


#: The languages a span of text may be marked as, and their tags in HTML and the PDF.
SPAN_LANGUAGES = {"en": "en-GB", "cy": "cy"}
_SPAN_OPENING = "]{lang="


def find_language_spans(text: str) -> list[tuple[int, int, str, str]]:
    """Each [words]{lang=en} as (start, end, words, language), left to right: a title in
    another language than the text around it, which a screen reader should say in its own.
    The words have no brackets or line break; the language is one of SPAN_LANGUAGES."""
    if _SPAN_OPENING not in text:
        return []
    bracket = _next_index(text, lambda c: c in "[]\n")
    found: list[tuple[int, int, str, str]] = []
    position = 0
    while True:
        closing = text.find(_SPAN_OPENING, position)
        if closing < 0:
            return found
        after = closing + len(_SPAN_OPENING)
        end = text.find("}", after, after + 3)
        language = text[after:end] if end > 0 else ""
        # The opening bracket: the last "[" before this "]" with no bracket or line between.
        opening = text.rfind("[", position, closing)
        words = opening >= 0 and closing > opening + 1 and bracket[opening + 1] == closing
        if words and language in SPAN_LANGUAGES:
            found.append((opening, end + 1, text[opening + 1 : closing], language))
            position = end + 1
            continue
        position = closing + 1


def inline(text: str) -> Markup:
    """A line of text as HTML: escaped, then emphasis, allowed links and language spans
    converted."""
    parts, position = [], 0
    for start, end, words, language in find_language_spans(text):
        parts += [_inline(text[position:start]), f'<span lang="{SPAN_LANGUAGES[language]}">']
        parts += [_inline(words), "</span>"]
        position = end
    parts.append(_inline(text[position:]))
    return Markup("".join(parts))


def _inline(text: str) -> str:
    """Text without language spans as HTML: escaped, emphasis and allowed links converted."""
    parts, position = [], 0
    for start, end, label, url in _find_links(text, strict=True):
        parts.append(_emphasis(str(escape(text[position:start]))))
        if allowed_link(url):
            parts.append(f'<a href="{escape(url)}">{_emphasis(str(escape(label)))}</a>')
        else:  # Shown as typed: never a live link to javascript:, file: or anything else.
            parts.append(str(escape(text[start:end])))
        position = end
    parts.append(_emphasis(str(escape(text[position:]))))
    return "".join(parts)


def plain(text: str) -> str:
    """Text as a plain-text edition shows it: 'the *real* report' as 'the real report',
    '[the report](https://…)' as 'the report (https://…)', '[words]{lang=en}' as 'words';
    what is not markup stays as typed."""
    spans = find_language_spans(text)
    if spans:
        pieces, position = [], 0
        for start, end, words, _ in spans:
            pieces += [plain(text[position:start]), plain(words)]
            position = end
        return "".join(pieces) + plain(text[position:])
    unmarked = ("", "")
    parts, position = [], 0
    for start, end, label, url in _find_links(text, strict=True):
        parts.append(_em(_strong(text[position:start], unmarked), unmarked))
        if allowed_link(url):
            words = _em(_strong(label, unmarked), unmarked)
            address = url[len("mailto:") :] if url.lower().startswith("mailto:") else url
            parts.append(address if words == address else f"{words} ({address})")
        else:  # As typed, as the HTML edition shows it.
            parts.append(text[start:end])
        position = end
    parts.append(_em(_strong(text[position:], unmarked), unmarked))
    return "".join(parts)


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
    html = (
        f"<p>{escape(lead)}{' ' if lead else ''}{inline(opening)}</p>" if (opening or lead) else ""
    )
    if items:
        html += "<ul>" + "".join(f"<li>{inline(item)}</li>" for item in items) + "</ul>"
    return Markup(html)
