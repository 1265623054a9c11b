"""The report as a Word document, for a force to review with tracked changes on.

Made from the report's HTML as a build renders it, so that it says what the PDF says: the
headings as Word's heading styles, paragraphs, numbered and bulleted lists, tables (with
their header rows), each recommendation as a quote box, page numbers in the footer. Given an
earlier rendering, the differences are native Word revisions (w:ins and w:del, author "ncpi"),
so that the reviewer sees exactly what changed since the draft they saw.

python-docx is imported here only, when a Word document is asked for.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ncpi.render.redline import word_changes

#: Word's built-in styles for each heading level (python-docx's default template has them).
_HEADINGS = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
#: Parts of the page that are not the document: the contents list (Word makes its own), and
#: what the web page alone shows.
_SKIPPED_CLASSES = frozenset({"web-only", "contents", "download"})
#: Who the revisions are by.
AUTHOR = "ncpi"


@dataclass
class Run:
    """Text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Paragraph:
    """A paragraph of the document: its Word style and its runs."""

    style: str
    runs: list[Run] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Table:
    """A table: its caption, its rows of cell texts, how many rows are its header."""

    caption: str
    rows: list[list[str]] = field(default_factory=list)
    header_rows: int = 0

    @property
    def text(self) -> str:
        return "\n".join(" | ".join(row) for row in self.rows)


Item = Paragraph | Table


def document_items(html: str) -> list[Item]:
    """The paragraphs and tables of a rendered report's <main>, in order."""
    reader = _ItemReader()
    reader.feed(html)
    reader.close()
    return [item for item in reader.items if item.text.strip()]


class _ItemReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[Item] = []
        # Each open element: (tag, skipped, makes bold, makes italic).
        self.stack: list[tuple[str, bool, bool, bool]] = []
        self.lists: list[str] = []  # "ol" or "ul", innermost last
        self.paragraph: Paragraph | None = None
        self.table: Table | None = None
        self.cell: list[str] | None = None
        self.in_main = False
        self.in_thead = False
        self.bold = self.italic = self.quote = 0

    @property
    def skipping(self) -> bool:
        return any(entry[1] for entry in self.stack)

    def handle_starttag(self, tag: str, attrs) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "main":
            self.in_main = True
        if tag in ("br", "img", "meta", "link", "input", "hr", "wbr"):
            return
        skipped = bool(classes & _SKIPPED_CLASSES) or tag in ("nav", "style")
        bold = tag in ("strong", "b") or "rec-id" in classes
        italic = tag in ("em", "i")
        self.stack.append((tag, skipped, bold, italic))
        self.bold += bold
        self.italic += italic
        if self.in_main and not self.skipping:
            self._start(tag)

    def _start(self, tag: str) -> None:
        if tag in ("ol", "ul"):
            self.lists.append(tag)
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "table":
            self.table = Table("")
        elif tag == "thead":
            self.in_thead = True
        elif tag == "tr" and self.table is not None:
            self.table.rows.append([])
            self.table.header_rows += self.in_thead
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
        elif tag in _HEADINGS or tag in ("p", "li", "caption", "dt", "dd"):
            self._open_paragraph(tag)

    def _in_list_item(self) -> bool:
        return self.paragraph is not None and self.paragraph.style.startswith("List")

    def _open_paragraph(self, tag: str) -> None:
        if tag == "p" and self._in_list_item():
            return  # A <p> inside an <li>: the list item's paragraph.
        self._close_paragraph()
        if tag in _HEADINGS:
            style = _HEADINGS[tag]
        elif tag == "li":
            style = "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
        elif tag == "caption":
            style = "Caption"
        else:
            style = "Intense Quote" if self.quote else "Normal"
        self.paragraph = Paragraph(style)

    def _close_paragraph(self) -> None:
        if self.paragraph is not None and self.table is None:
            self.items.append(self.paragraph)
        elif self.paragraph is not None and self.table is not None:
            self.table.caption = self.paragraph.text.strip()
        self.paragraph = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._close_paragraph()
            self.in_main = False
        while self.stack:
            open_tag, skipped, bold, italic = self.stack.pop()
            self.bold -= bold
            self.italic -= italic
            if self.in_main and not self.skipping and not skipped:
                self._end(open_tag)
            if open_tag == tag:
                return

    def _end(self, tag: str) -> None:
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote -= 1
        elif tag == "thead":
            self.in_thead = False
        elif tag in ("td", "th") and self.table is not None and self.cell is not None:
            self.table.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table" and self.table is not None:
            self.items.append(self.table)
            self.table = None
        elif (
            tag in _HEADINGS
            or tag in ("li", "caption", "dt", "dd")
            or (tag == "p" and not self._in_list_item())
        ):
            self._close_paragraph()

    def handle_data(self, data: str) -> None:
        if not self.in_main or self.skipping:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.paragraph is not None:
            text = re.sub(r"\s+", " ", data)
            if not self.paragraph.runs:
                text = text.lstrip()
            if text:
                self.paragraph.runs.append(Run(text, self.bold > 0, self.italic > 0))


@dataclass(frozen=True)
class WordDocument:
    """What a Word document says of itself, in its edition's language."""

    title: str
    author: str
    #: The edition's language tag (en-GB, cy): Word checks the spelling in that language.
    language: str
    #: The footer, with %(page)s and %(pages)s: "Page %(page)s of %(pages)s".
    page_of_pages: str


#: Word's names for the languages whose tag it does not take as it is.
_WORD_LANGUAGES = {"cy": "cy-GB"}


def word_document(
    items: list[Item], words: WordDocument, date: str, earlier: list[Item] | None = None
) -> tuple[bytes, int]:
    """The .docx's bytes (the same for the same items), and how many revisions it marks."""
    import docx  # python-docx: loaded only when a Word document is asked for
    from docx.shared import Pt

    document = docx.Document()
    language = _WORD_LANGUAGES.get(words.language, words.language)
    document.core_properties.title = words.title
    document.core_properties.author = words.author
    document.core_properties.last_modified_by = AUTHOR
    document.core_properties.language = language
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    _set_language(normal, language)
    _page_numbers(document, words.page_of_pages)
    document.add_paragraph(words.title, style="Title")
    revisions = _Revisions(date)
    pairs = _aligned(earlier, items) if earlier is not None else [(None, i, SAME) for i in items]
    for old, item, state in pairs:
        if isinstance(item, Table):
            _add_table(document, old, item, state, revisions)
        else:
            _add_paragraph(document, old, item, state, revisions)
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue()), revisions.count


#: How an item stands against the earlier version: the same, changed, added, or gone.
SAME, CHANGED, ADDED, GONE = "same", "changed", "added", "gone"


def _aligned(earlier: list[Item], items: list[Item]) -> list[tuple[Item | None, Item, str]]:
    """Each item, with its earlier version where it changed, and how it stands (an item that
    is gone comes as itself, from the earlier version)."""
    before = [(type(i).__name__, getattr(i, "style", ""), i.text) for i in earlier]
    after = [(type(i).__name__, getattr(i, "style", ""), i.text) for i in items]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    pairs: list[tuple[Item | None, Item, str]] = []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            pairs += [(None, item, SAME) for item in items[j1:j2]]
            continue
        old, new = earlier[i1:i2], items[j1:j2]
        paired = 0
        for one, other in zip(old, new, strict=False):
            if type(one) is not type(other):
                break
            pairs.append((one, other, CHANGED))
            paired += 1
        pairs += [(None, item, GONE) for item in old[paired:]]
        pairs += [(None, item, ADDED) for item in new[paired:]]
    return pairs


class _Revisions:
    """Numbers each w:ins and w:del, all by ncpi on one date."""

    def __init__(self, date: str):
        self.date, self.count = date, 0

    def element(self, kind: str):
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.count += 1
        revision = OxmlElement(f"w:{kind}")
        revision.set(qn("w:id"), str(self.count))
        revision.set(qn("w:author"), AUTHOR)
        revision.set(qn("w:date"), self.date)
        return revision


def _run_element(text: str, deleted: bool = False):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    body = OxmlElement("w:delText" if deleted else "w:t")
    body.set(qn("xml:space"), "preserve")
    body.text = text
    run.append(body)
    return run


def _revised_runs(paragraph, old: str, new: str, revisions: _Revisions) -> None:
    """The new text in the paragraph, word by word, with what changed as revisions."""
    before, after, opcodes = word_changes(old, new)
    for operation, i1, i2, j1, j2 in opcodes:
        if operation == "equal":
            paragraph.add_run("".join(after[j1:j2]))
            continue
        if i2 > i1:
            deletion = revisions.element("del")
            deletion.append(_run_element("".join(before[i1:i2]), deleted=True))
            paragraph._p.append(deletion)
        if j2 > j1:
            insertion = revisions.element("ins")
            insertion.append(_run_element("".join(after[j1:j2])))
            paragraph._p.append(insertion)


def _add_paragraph(document, old, item: Paragraph, state: str, revisions: _Revisions) -> None:
    paragraph = document.add_paragraph(style=item.style)
    if state == SAME:
        for run in item.runs:
            added = paragraph.add_run(run.text)
            added.bold, added.italic = run.bold or None, run.italic or None
    elif state == CHANGED:
        _revised_runs(paragraph, old.text, item.text, revisions)
    else:
        revision = revisions.element("ins" if state == ADDED else "del")
        revision.append(_run_element(item.text, deleted=state == GONE))
        paragraph._p.append(revision)


def _add_table(document, old, item: Table, state: str, revisions: _Revisions) -> None:
    if item.caption:
        document.add_paragraph(item.caption, style="Caption")
    columns = max(len(row) for row in item.rows) if item.rows else 1
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    old_rows = old.rows if state == CHANGED else []
    for index, row in enumerate(item.rows):
        cells = table.add_row().cells
        earlier = old_rows[index] if index < len(old_rows) else None
        for column, text in enumerate(row[:columns]):
            paragraph = cells[column].paragraphs[0]
            before = earlier[column] if earlier is not None and column < len(earlier) else None
            if state in (ADDED, GONE):
                revision = revisions.element("ins" if state == ADDED else "del")
                revision.append(_run_element(text, deleted=state == GONE))
                paragraph._p.append(revision)
            elif before is not None and before != text:
                _revised_runs(paragraph, before, text, revisions)
            else:
                run = paragraph.add_run(text)
                run.bold = True if index < item.header_rows else None


def _set_language(style, language: str) -> None:
    """The style's text is in `language`, for Word's spelling and a screen reader's voice."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = style.element.get_or_add_rPr()
    for old in properties.findall(qn("w:lang")):
        properties.remove(old)
    tag = OxmlElement("w:lang")
    tag.set(qn("w:val"), language)
    properties.append(tag)


def _page_numbers(document, page_of_pages: str) -> None:
    """'Page N of M' in every page's footer, as PAGE and NUMPAGES fields that Word fills in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = document.sections[0].footer.paragraphs[0]
    for part in re.split(r"(%\((?:page|pages)\)s)", page_of_pages):
        if part in ("%(page)s", "%(pages)s"):
            field_element = OxmlElement("w:fldSimple")
            field_element.set(qn("w:instr"), "PAGE" if part == "%(page)s" else "NUMPAGES")
            field_element.append(_run_element("1"))
            footer._p.append(field_element)
        elif part:
            footer._p.append(_run_element(part))


#: Every member's time in the .docx, as in the publication bundle: fixed, so that the same
#: report gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _reproducible(data: bytes) -> bytes:
    """The .docx with fixed member times and order (python-docx stamps the current time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o100644 << 16
            fixed.create_system = 3
            target.writestr(fixed, source.read(info.filename), compresslevel=9)
    return buffer.getvalue()
