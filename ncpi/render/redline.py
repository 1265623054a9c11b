"""A redline of two renderings of one document: what a reader would see change, block by block.

The documents are compared as built, not as YAML, so that a derived sentence that changed (a
count, a date, a wording rule) shows too. Each document is read into its blocks (headings,
paragraphs, list items, table rows, captions), grouped by section (each <h2>); the blocks are
aligned with difflib, and a changed block is compared word by word. Deleted and inserted words
are marked <del> and <ins>, each with words a screen reader says ("deleted:", "inserted:"), so
that colour is never the only sign.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markupsafe import Markup, escape

#: The elements read as blocks of text; anything else is part of the block around it.
_BLOCKS = frozenset({"h1", "h2", "h3", "h4", "p", "li", "caption", "tr", "dt", "dd"})
#: Parts of <main> that restate the rest (the contents list) or are not text.
_SKIPPED = frozenset({"nav", "style", "script"})
_WORDS = re.compile(r"\s+|[^\s]+")
#: What a screen reader says before deleted and inserted words, in English: the redline of a
#: Welsh edition passes the catalogue's words (see commands/diff.py).
REDLINE_MARKS = {"del": "deleted", "ins": "inserted"}


@dataclass
class Block:
    """A block of text as a reader sees it: its element and its words."""

    tag: str
    text: str


@dataclass
class Section:
    """The blocks under one <h2> heading (the cover before the first)."""

    heading: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ShownBlock:
    """A block of the redline: its HTML, and its change's number if it changed."""

    tag: str
    html: Markup
    change: int | None = None


@dataclass
class ShownSection:
    """A section of the redline: its heading, and its blocks if anything in it changed."""

    heading: str
    anchor: str
    blocks: list[ShownBlock]

    @property
    def changes(self) -> list[int]:
        return [block.change for block in self.blocks if block.change is not None]


def sections_of(html: str) -> list[Section]:
    """A rendered document's blocks, by section, from its <main> element."""
    reader = _BlockReader()
    reader.feed(html)
    reader.close()
    reader.flush()
    return [section for section in reader.sections if section.blocks]


class _BlockReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections = [Section("Cover", "cover")]
        self.in_main = False
        self.skipping = 0
        self.tag: str | None = None
        self.words: list[str] = []
        self.anchor = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS and not self.skipping:
            self.flush()
            self.tag, self.words = tag, []
            self.anchor = dict(attrs).get("id") or ""
        elif tag in ("td", "th") and self.words:
            self.words.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.flush()
            self.in_main = False
        elif tag in _SKIPPED and self.skipping:
            self.skipping -= 1
        elif tag == self.tag:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skipping and self.tag is not None:
            self.words.append(data)

    def flush(self) -> None:
        if self.tag is None:
            return
        text = " ".join("".join(self.words).split())
        if text:
            if self.tag == "h2":
                anchor = self.anchor or f"section-{len(self.sections)}"
                self.sections.append(Section(text, anchor))
            self.sections[-1].blocks.append(Block(self.tag, text))
        self.tag, self.words = None, []


def _marked(kind: str, words: list[str], marks: dict[str, str]) -> str:
    said = marks[kind]
    text = escape("".join(words))
    return f'<{kind}><span class="said">[{said}: </span>{text}<span class="said">]</span></{kind}>'


def word_redline(old: str, new: str, marks: dict[str, str] = REDLINE_MARKS) -> Markup:
    """One block's words, old against new, with deletions and insertions marked."""
    before, after, opcodes = word_changes(old, new)
    parts: list[str] = []
    for operation, i1, i2, j1, j2 in opcodes:
        if operation == "equal":
            parts.append(str(escape("".join(before[i1:i2]))))
            continue
        if i2 > i1:
            parts.append(_marked("del", before[i1:i2], marks))
        if j2 > j1:
            parts.append(_marked("ins", after[j1:j2], marks))
    return Markup("".join(parts))


def word_changes(old: str, new: str) -> tuple[list[str], list[str], list]:
    """Two texts as words (spaces kept), and difflib's opcodes from one to the other, with a
    phrase replaced by another as one change (see _whole_phrases)."""
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return before, after, _whole_phrases(matcher.get_opcodes(), before)


def _whole_phrases(opcodes: Sequence[tuple[str, int, int, int, int]], before: list[str]) -> list:
    """The opcodes with a space alone between two changes taken into them, so that a phrase
    replaced by another reads as one deletion and one insertion, not word by word."""
    merged: list[tuple[str, int, int, int, int]] = []
    for index, (operation, i1, i2, j1, j2) in enumerate(opcodes):
        between = 0 < index < len(opcodes) - 1 and operation == "equal"
        if between and all(not word.strip() for word in before[i1:i2]):
            operation = "replace"
        if merged and operation != "equal" and merged[-1][0] != "equal":
            merged[-1] = ("replace", merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append((operation, i1, i2, j1, j2))
    return merged


def redline(
    old_html: str, new_html: str, marks: dict[str, str] = REDLINE_MARKS
) -> list[ShownSection]:
    """Every section of either document, in the new one's order (a section only in the old
    one where it was), each with its blocks marked and numbered where they changed; `marks`
    are the words said before a deletion and an insertion."""
    old = _keyed(sections_of(old_html))
    new = _keyed(sections_of(new_html))
    order = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    shown: list[ShownSection] = []
    counter = [0]
    for operation, i1, i2, j1, j2 in order.get_opcodes():
        for key in list(old)[i1:i2]:
            if operation != "equal" and key not in new:  # a section removed
                gone = Section(old[key].heading, old[key].anchor)
                shown.append(_section(old[key], gone, counter, marks))
        for key in list(new)[j1:j2]:
            section = new[key]
            earlier = old.get(key, Section(section.heading, section.anchor))
            shown.append(_section(earlier, section, counter, marks))
    return shown


def _keyed(sections: list[Section]) -> dict[tuple[str, int], Section]:
    """Sections by heading and by which of that heading they are: a press release has two
    "Get the report" sections."""
    seen: dict[str, int] = {}
    keyed = {}
    for section in sections:
        seen[section.heading] = seen.get(section.heading, 0) + 1
        if seen[section.heading] > 1:
            section.anchor = f"{section.anchor}-{seen[section.heading]}"
        keyed[(section.heading, seen[section.heading])] = section
    return keyed


def _section(old: Section, new: Section, counter: list[int], marks: dict[str, str]) -> ShownSection:
    """One section's blocks: unchanged ones as they are, changed ones marked and numbered."""
    blocks: list[ShownBlock] = []
    before = [(block.tag, block.text) for block in old.blocks]
    after = [(block.tag, block.text) for block in new.blocks]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)

    def changed(tag: str, html: Markup) -> None:
        counter[0] += 1
        blocks.append(ShownBlock(tag, html, counter[0]))

    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            blocks += [ShownBlock(tag, Markup(escape(text))) for tag, text in after[j1:j2]]
            continue
        pairs = min(i2 - i1, j2 - j1) if operation == "replace" else 0
        for (_, old_text), (tag, new_text) in zip(
            before[i1 : i1 + pairs], after[j1 : j1 + pairs], strict=True
        ):
            changed(tag, word_redline(old_text, new_text, marks))
        for tag, text in before[i1 + pairs : i2]:
            changed(tag, Markup(_marked("del", [text], marks)))
        for tag, text in after[j1 + pairs : j2]:
            changed(tag, Markup(_marked("ins", [text], marks)))
    return ShownSection(new.heading, new.anchor, blocks)
