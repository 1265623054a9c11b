"""Long documents laid out a part at a time, so a PDF's memory does not grow with its length.

WeasyPrint keeps every laid-out page until it writes the PDF: about 18 KiB for each table cell
or line of text, so the national overview of 800 reports took 400 MiB and a report of 1,000
recommendations 450 MiB. A long document is cut into parts of about ELEMENTS_PER_PART
elements, between the children of a long element (table rows, list items, the blocks of a
section). Each part is the document with everything outside it taken out of the tree, laid
out, written and let go; the parts' PDFs are then joined into one.

The join is the PDF WeasyPrint makes in one piece (tests compare them page by page):
- WeasyPrint tags each page on its own (a table over three pages is three Table elements), so
  the parts' structure trees join page after page.
- A part ends where a page ends: it is laid out with more to spare, its last page is dropped,
  and the next part starts with the element that starts that page, if every element around it
  began on an earlier page. A part after the first is laid out after a page of nothing, so its
  first page is not the document's first: margins at its top are truncated as at the top of
  any later page. Around it, a box continued from the part before has no top padding or
  border, a table shows its head again, and an ordered list carries on its numbers.
- A long table's columns are as wide as the whole table makes them: a first pass measures
  every cell, a stretch at a time, and each part's table is given those widths.
- Where siblings are taken out, an empty hidden copy of the nearest stays, so `:first-child`,
  `:last-child` and `+` match as in the whole (`tr:last-child { break-before: avoid }` must
  not move a part's last row).
- Parts are laid out without page margins. The margins (running title, "Page 3 of 40") are
  laid out once the page count is known, as a document of empty pages, and each of its pages
  is drawn over its page as an artifact, as finish_pdf marks margins in a PDF made in one piece.
- A part whose pages hold a link to an anchor (the contents, with `target-counter(attr(href),
  page)` read from an attribute) is laid out again once every anchor's page is known; the
  others are written as they are laid out. The first part, which holds the contents, is kept
  short. A link to another part's anchor is written with a placeholder address and made an
  internal link again in the join; the outline is made for the whole, from every page.

A document that uses another page-based feature, a long table with a spanning cell, a list
numbered by hand, or text beside the elements it would be cut between is laid out in one
piece, as before; so is one that never starts a page where it may be cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from ncpi.pdf.artifacts import give_back_memory, no_stream_ends_in_cr
from ncpi.pdf.joining import LINK_TO_ANOTHER_PART, CannotJoin, join_parts, outline_items

#: A part is about this many elements of the body: 200 rows of a five-column table, or some
#: 40 recommendations with their quotations and progress notes; about 30 MiB laid out.
ELEMENTS_PER_PART = 1500

#: A part may end between the children of an element with at least this many (table rows,
#: list items, the blocks of a section), where a page starts with one of them.
LONG_CONTAINER = 40

#: The page margins are laid out in documents of this many empty pages each.
MARGIN_PAGES = 100

#: A document is cut when its body holds more than two parts. Below, one piece takes no more
#: memory than the parts of the longest documents (the overview of 100 reports, 1,632
#: elements, 131 MiB; of 800 in parts, 158) and is 15 to 40 % quicker; above, one piece grows
#: with the document (200 reports, 3,053 elements: 168 MiB in one piece, 130 in parts).
LONG_DOCUMENT = 2 * ELEMENTS_PER_PART

#: Elements whose children are not cut between: a table's head and columns, a row's cells.
_NOT_CUT = frozenset({"thead", "tfoot", "colgroup", "tr", "table", "p", "a", "span", "svg"})

_CONTINUED = "data-ncpi-continued"
_FILLER = "data-ncpi-filler"
_HIDDEN = "data-ncpi-elsewhere"
_PAGE_OF_TARGET = "data-ncpi-page"
_PART_STYLE = (
    f"[{_CONTINUED}] {{ margin-top: 0 !important; padding-top: 0 !important; "
    f"border-top-width: 0 !important; }} [{_HIDDEN}] {{ display: none !important; }} "
    # A page's worth of nothing before a part: its first page is then not the document's
    # first, and the margins at its top are truncated as at the top of any later page.
    f"[{_FILLER}] {{ display: block !important; height: 2000mm !important; margin: 0 !important; "
    "padding: 0 !important; border: 0 !important; }"
)
_PAGE_BREAK = "data-ncpi-page-break"
_AT = "data-ncpi-at"
_MARGIN_BOXES = [
    f"{side}-{place}"
    for side, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("right", ("top", "middle", "bottom")),
        ("bottom", ("right-corner", "right", "center", "left", "left-corner")),
        ("left", ("bottom", "middle", "top")),
    )
    for place in places
]
#: A part has no page margins: they are drawn from the margins document, whose pages are
#: only margins (no background, which would cover the page under it).
_NO_MARGIN_BOXES = " ".join(f"@{box} {{ content: none !important; }}" for box in _MARGIN_BOXES)
_NO_MARGINS = " ".join(f"@page{selector} {{ {_NO_MARGIN_BOXES} }}" for selector in ("", " :first"))
_MARGINS_STYLE = (
    f"html, body {{ background: none !important; }} @page {{ background: none !important; }} "
    f'[{_PAGE_BREAK}=""] {{ break-before: page; }}'
)
_TARGET_COUNTER = "target-counter(attr(href), page)"
_STRING_SET = re.compile(r"\.([\w-]+)\s*\{[^{}]*?string-set:\s*([\w-]+)\s+content\(\)")
#: What the parts cannot carry across (another kind of page selector, page counter, target,
#: running element, counter of the document's own, or a count of rows or sections: a stand-in
#: keeps `:first-child` true, not `:nth-child`): a document using one is not cut.
_UNSUPPORTED = re.compile(
    r"target-(?:counter|text)|running\(|element\(|counter-(?:reset|increment)|footnote|"
    r"@page[^{]*:(?:left|right|blank|nth)|(?<!td)(?<!th):nth-|:nth-last|-of-type|~"
)


def _stand_in(sibling):
    """An empty, hidden copy of an element taken out, to stand for its siblings."""
    return Element(sibling.tag, {**sibling.attrib, _HIDDEN: ""})


class CannotCut(Exception):
    """The document is not one the parts can reproduce: it is laid out in one piece."""


class _Measured(Exception):
    """A long table's cells are measured: the rest of the layout is not needed."""


@dataclass
class _Part:
    """A stretch of the body in document order (from `first`, up to `after`), and its pages."""

    first: int
    after: int
    start: object | None  # the row the part starts with, if it starts inside a table
    pages: int = 0
    anchors: dict[str, int] = field(default_factory=dict)
    strings: dict[str, int] = field(default_factory=dict)  # running string -> page it is set on
    written: tuple[bytes, list[_PageMarks]] | None = None


class _Tree:
    """The parsed document, numbered in document order, with the elements a part may start at."""

    def __init__(self, root):
        self.root = root
        self.body = root.find("body")
        self.styles = root.findall(".//style")
        if self.body is None or not self.styles:
            raise CannotCut("no body or no stylesheet")
        self.order: dict[int, tuple[int, int]] = {}  # id(element) -> (first, after its last)
        self.parent: dict[int, Element] = {}
        self.end = self._number(self.body, 0)
        containers = [
            element
            for element in self.body.iter()
            if element.tag not in _NOT_CUT and len(element) >= LONG_CONTAINER
        ]
        self.cuts = sorted(
            (child for box in containers for child in box if isinstance(child.tag, str)),
            key=self.position,
        )
        if not self.cuts:
            raise CannotCut("nothing long")
        self.cut_ids = {id(element) for element in self.cuts}
        self.bodies = [element for element in containers if element.tag == "tbody"]
        self.tables = {id(self.parent[id(body)]) for body in self.bodies}
        for body in self.bodies:
            table = self.parent[id(body)]
            if table.find(".//table") is not None or any(
                cell.get("colspan") or cell.get("rowspan")
                for cell in table.iter()
                if cell.tag in ("td", "th")
            ):
                raise CannotCut("a long table holds a table or a spanning cell")
        if self.body.find(".//ol[@reversed]") is not None:
            raise CannotCut("a list numbered backwards")
        if self.body.find(".//li[@value]") is not None:
            raise CannotCut("a list numbered by hand")
        self.strings: dict[str, Element] = {}  # running strings, and the element setting each

    def _number(self, element, first: int) -> int:
        after = first + 1
        for child in element:
            if isinstance(child.tag, str):
                self.parent[id(child)] = element
                after = self._number(child, after)
        self.order[id(element)] = (first, after)
        return after

    def position(self, element) -> int:
        return self.order[id(element)][0]

    def ancestors(self, element) -> list:
        found = []
        while id(element) in self.parent:
            element = self.parent[id(element)]
            found.append(element)
        return found

    def table_of_cell(self, cell):
        """The long table a cell is in, or None."""
        row = self.parent.get(id(cell))
        group = self.parent.get(id(row)) if row is not None else None
        table = self.parent.get(id(group)) if group is not None else None
        return table if table is not None and id(table) in self.tables else None

    def check_cut(self, row) -> None:
        """A cut before `row` hides no text: its ancestors hold elements only."""
        for ancestor in self.ancestors(row):
            loose = [ancestor.text, *(child.tail for child in ancestor)]
            if any(text and text.strip() for text in loose):
                raise CannotCut("text beside a long table's ancestors")

    def cut_out(self, part: _Part) -> list[tuple[object, list]]:
        """Take out of the body everything outside the part; what to put back, and where.

        Taken out, not hidden: WeasyPrint matches every stylesheet against every element in
        the tree, so a hidden row would still cost each part its time. Where a run of siblings
        is taken out, an empty hidden copy of its nearest one stays, so that `:first-child`,
        `:last-child` and `+` match as in the whole (the last row of a part is not the last of
        its table: `tr:last-child { break-before: avoid }` must not move it).
        """
        continued = [] if part.start is None else self.ancestors(part.start)[:-1]  # not body
        heads = {id(element) for element in continued}
        taken = []
        pending = [self.body]
        while pending:
            element = pending.pop()
            children = list(element)
            kept: list = []
            run: list = []  # the siblings being taken out, in a row
            for child in children:
                if not isinstance(child.tag, str):
                    kept.append(child)
                    continue
                start, end = self.order[id(child)]
                outside = end <= part.first or start >= part.after
                # A table continued from the part before shows its head again.
                if outside and not (child.tag in ("thead", "colgroup") and id(element) in heads):
                    run.append(child)
                    continue
                if run:
                    kept.append(_stand_in(run[-1]))
                    run = []
                kept.append(child)
                if not outside and not (part.first <= start and end <= part.after):
                    pending.append(child)  # partly inside: its children are sorted too
            if run:
                kept.append(_stand_in(run[0]))
            if kept != children:  # elements compare by identity
                taken.append((element, children))
                element[:] = kept
        for element in continued:
            element.set(_CONTINUED, "")
        taken.append((None, continued))
        if part.start is not None:
            taken.append((None, self._number_lists(part.start)))
            taken.append((self.body, list(self.body)))
            self.body.insert(0, Element("div", {_FILLER: ""}))
        return taken

    def _number_lists(self, start) -> list:
        """Give each ordered list a part starts inside the number of its first item here."""
        numbered = []
        child = start
        for ancestor in self.ancestors(start):
            if ancestor.tag == "ol" and child.tag == "li":
                items = [item for item in ancestor if item.tag == "li"]
                child.set("value", str(int(ancestor.get("start") or 1) + items.index(child)))
                numbered.append(child)
            child = ancestor
        return numbered


def pdf_in_parts(html: str, render: Callable, write: Callable) -> bytes | None:
    """The finished PDF of a document with a long table, made a part at a time; None if the
    document is not one to cut (see finish_pdf for what finished means).

    `render(root)` lays out a parsed document; `write(document, pages)` writes those pages.
    """
    size = ELEMENTS_PER_PART  # read now: tests set it, and the thresholds
    if html.count("</") < LONG_DOCUMENT:
        return None  # cheap: most documents are short, and are not parsed here
    import tinyhtml5

    root = tinyhtml5.parse(html, namespace_html_elements=False)
    try:
        tree = _Tree(root)
        if tree.end < LONG_DOCUMENT:
            return None
        css = [style.text or "" for style in tree.styles]
        if any(_UNSUPPORTED.search(text.replace(_TARGET_COUNTER, "")) for text in css):
            raise CannotCut("a page-based feature the parts cannot carry")
        strings = _running_strings(tree, css)
        widths: dict[tuple, tuple[float, float]] = {}
        with _column_widths(tree, widths, measuring=True):
            _measure(tree, render, css, size)
        with _column_widths(tree, widths, measuring=False):
            parts = _plan(tree, render, write, css, strings, size)
            if len(parts) < 2:
                return None
            for part in parts:
                if part.written is None:
                    part.written = _write_part(tree, part, parts, render, write, css)
                    give_back_memory()
        margins = _margins_pdfs(tree, render, write, css, parts)
        give_back_memory()  # the margins laid out: what the join reads takes their place
        return _join([part.written for part in parts if part.written is not None], margins)
    except (CannotCut, RecursionError):  # RecursionError: nested deeper than ncpi's own HTML
        return None


@contextmanager
def _column_widths(tree: _Tree, widths: dict, measuring: bool) -> Iterator[None]:
    """While laying out, each long table's cells are as wide as the widest of their column.

    WeasyPrint sizes a table's columns by the widest content of each (CSS's automatic table
    layout); a part holds only some of the rows, so each of its cells reports the widest
    content of its column in the whole table, measured first (`measuring`).
    """
    from weasyprint.layout import preferred, table

    cell_widths = preferred.table_cell_min_max_content_width
    table_widths = table.table_and_columns_preferred_widths

    def widest_of_column(context, box, outer=True):
        long_table = tree.table_of_cell(box.element) if box.element is not None else None
        if long_table is None:
            return cell_widths(context, box, outer)
        key = (id(long_table), box.grid_x, outer)
        if not measuring and key in widths:
            # Measured once: measuring each cell is most of the time a table's layout takes.
            return widths[key]
        low, high = cell_widths(context, box, outer)
        seen_low, seen_high = widths.get(key, (0, 0))
        widths[key] = low, high = max(low, seen_low), max(high, seen_high)
        return low, high

    def measured(context, box, outer=True):
        result = table_widths(context, box, outer)
        if measuring and id(box.get_wrapped_table().element) in tree.tables:
            raise _Measured
        return result

    preferred.table_cell_min_max_content_width = widest_of_column
    table.table_and_columns_preferred_widths = measured
    try:
        yield
    finally:
        preferred.table_cell_min_max_content_width = cell_widths
        table.table_and_columns_preferred_widths = table_widths


def _measure(tree: _Tree, render: Callable, css: list[str], size: int) -> None:
    """Measure every cell of each long table, a stretch of rows at a time."""
    plain = _css_of_part(css)
    for body in tree.bodies:
        rows = [row for row in body if row.tag == "tr"]
        step = max(1, size * len(rows) // (tree.order[id(body)][1] - tree.position(body)))
        for index in range(0, len(rows), step):
            rest = rows[index + step : index + step + 1]
            after = tree.position(rest[0]) if rest else tree.order[id(body)][1]
            part = _Part(tree.position(rows[index]), after, rows[index])
            try:
                _laid_out(tree, part, render, plain)
            except _Measured:
                continue
            raise CannotCut("a long table was not laid out")


def _running_strings(tree: _Tree, css: list[str]) -> dict[str, Element]:
    """Each `string-set: NAME content()` on a class: NAME and its class's first element."""
    strings = {}
    for text in css:
        if text.count("string-set") != len(_STRING_SET.findall(text)):
            raise CannotCut("a string-set the parts cannot carry")
        for name_class, name in _STRING_SET.findall(text):
            for element in tree.body.iter():
                if name_class in (element.get("class") or "").split():
                    strings[name] = element
                    break
    tree.strings = strings
    return strings


def _css_of_part(css: list[str]) -> list[str]:
    """The document's stylesheets as a part needs them: no page margins (the margins
    document draws them), the contents' page numbers from the links."""
    done = [text.replace(_TARGET_COUNTER, f"attr({_PAGE_OF_TARGET})") for text in css]
    done[-1] += "\n" + _PART_STYLE + "\n" + _NO_MARGINS
    return done


def _css_string(text: str) -> str:
    """Text as the inside of a CSS string: a report's words are never read as CSS."""
    text = re.sub(r"[\n\r\f]", " ", text)
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _laid_out(tree: _Tree, part: _Part, render: Callable, css: list[str]):
    """The part laid out: the body outside it taken out, its stylesheets as given."""
    taken = tree.cut_out(part)
    saved = [style.text for style in tree.styles]
    try:
        for style, text in zip(tree.styles, css, strict=True):
            style.text = text
        return render(tree.root)
    finally:
        for element, children in reversed(taken):
            if element is None:
                for marked in children:
                    marked.attrib.pop(_CONTINUED, None)
                    marked.attrib.pop("value", None)
            else:
                element[:] = children
        for style, text in zip(tree.styles, saved, strict=True):
            style.text = text


def _plan(
    tree: _Tree,
    render: Callable,
    write: Callable,
    css: list[str],
    strings: dict[str, Element],
    size: int,
) -> list[_Part]:
    """The first pass: where each part starts and ends, its pages, anchors and running
    strings; a part whose pages need no number from another part is written now."""
    _give_pages(tree, {})
    linking = [tree.position(a) for a in tree.body.iter("a") if (a.get("href") or "")[:1] == "#"]
    styles = _css_of_part(css)
    parts: list[_Part] = []
    # The first part holds the contents, whose page numbers are known only once every part
    # is laid out: it is laid out again then, so it is kept short.
    first, start, reach = 0, None, size // 4
    while True:
        end = next((cut for cut in tree.cuts if tree.position(cut) >= first + reach), None)
        part = _Part(first, tree.position(end) if end is not None else tree.end, start)
        document = _laid_out(tree, part, render, styles)
        pages = document.pages[1:] if start is not None else document.pages  # not the filler
        cut = None
        if end is not None:
            cut = _first_cut_of_last_page(tree, pages)
            if cut is None or tree.position(cut) <= first:
                # The last page starts inside something that may not be cut (a paragraph
                # over two pages, a table that began on it): the part takes more.
                del document, pages
                reach += size
                continue
            tree.check_cut(cut)
            pages = pages[:-1]
            part.after = tree.position(cut)
        part.pages = len(pages)
        part.anchors = {name: number for number, page in enumerate(pages) for name in page.anchors}
        part.strings = _strings_set(tree, pages, strings)
        if not any(part.first <= at < part.after for at in linking):
            # Its pages hold no number of another part's (margins are drawn apart): done.
            part.written = _written(write, document, pages, set(part.anchors))
        parts.append(part)
        del document, pages
        give_back_memory()
        if cut is None:
            return parts
        first, start, reach = tree.position(cut), cut, size


def _strings_set(tree: _Tree, pages, strings: dict[str, Element]) -> dict[str, int]:
    """The page of the part each running string's element is on, for those it holds."""
    wanted = {id(element): name for name, element in strings.items()}
    found: dict[str, int] = {}
    for number, page in enumerate(pages):
        if not wanted:
            break
        pending = [page._page_box]
        while pending:
            box = pending.pop()
            name = wanted.pop(id(box.element), None) if box.element is not None else None
            if name is not None:
                found[name] = number
            pending.extend(getattr(box, "children", ()))
    return found


def _written(write: Callable, document, pages, here: set[str]) -> tuple[bytes, list[_PageMarks]]:
    """Some pages of a part as a PDF, with their links to another part's anchors marked."""
    for page in pages:
        page.links[:] = [
            ("external", LINK_TO_ANOTHER_PART + target, rectangle, box)
            if kind == "internal" and target not in here
            else (kind, target, rectangle, box)
            for kind, target, rectangle, box in page.links
        ]
    return write(document, pages), [_PageMarks(page.bookmarks, page.height) for page in pages]


def _first_cut_of_last_page(tree: _Tree, pages):
    """The element a part may start at that starts the last page, if only the head of its
    table comes before it on the page; None if the page starts otherwise."""
    from weasyprint.formatting_structure import boxes

    def in_order(page):
        pending = [
            c for c in reversed(page._page_box.children) if not isinstance(c, boxes.MarginBox)
        ]
        while pending:
            box = pending.pop()
            yield box
            pending.extend(reversed(getattr(box, "children", ())))

    if len(pages) < 2:
        return None
    before = {id(box.element) for box in in_order(pages[-2]) if box.element is not None}
    for box in in_order(pages[-1]):
        element = box.element
        if not isinstance(box, boxes.TextBox | boxes.ReplacedBox):
            continue
        chain = [element, *tree.ancestors(element)]
        if any(above.tag == "thead" for above in chain):
            continue  # a table's head, repeated at the top of the page
        # The outermost element that starts on this page, if it may be cut before and every
        # element around it began on an earlier page (and is continued here, as in a part).
        starting = [above for above in chain if id(above) not in before]
        cut = starting[-1] if starting else None
        if cut is None or id(cut) not in tree.cut_ids:
            return None
        return cut
    return None


def _give_pages(tree: _Tree, pages: dict[str, int]) -> None:
    """Give each link to an anchor the page its target is on (in the first pass, a guess)."""
    for link in tree.body.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#"):
            link.set(_PAGE_OF_TARGET, str(pages.get(href[1:], 88)))


def _write_part(
    tree: _Tree, part: _Part, parts: list[_Part], render: Callable, write: Callable, css: list[str]
) -> tuple[bytes, list[_PageMarks]]:
    """The second pass: a part with links to anchors laid out again with their pages known."""
    where: dict[str, int] = {}
    offset = 0
    for other in parts:
        for name, page in other.anchors.items():
            where.setdefault(name, offset + page + 1)
        offset += other.pages
    _give_pages(tree, where)
    document = _laid_out(tree, part, render, _css_of_part(css))
    pages = document.pages[1:] if part.start is not None else document.pages  # not the filler
    if len(pages) != part.pages:
        raise CannotCut("the second pass laid the part out differently")
    return _written(write, document, pages, set(part.anchors))


def _margins_pdfs(
    tree: _Tree, render: Callable, write: Callable, css: list[str], parts: list[_Part]
) -> list[bytes]:
    """The page margins of the whole (running title, "Page 3 of 40"), one empty page each, in
    documents of MARGIN_PAGES pages: laid out at once, 300 pages of margins took 14 MiB.

    Laid out as WeasyPrint lays out the whole document's margins: page 1 is `:first`,
    `counter(pages)` counts every page, and each running string is set on its page. A document
    after the first starts with a page of its own, dropped, that is `:first` in its place,
    holds the page counter and sets each running string as the pages before left it.
    """
    total = sum(part.pages for part in parts)
    setting: dict[int, list[tuple[str, str]]] = {}
    offset = 0
    for part in parts:
        for name, page in part.strings.items():
            text = _css_string(" ".join("".join(tree.strings[name].itertext()).split()))
            setting.setdefault(offset + page, []).append((name, text))
        offset += part.pages
    # Every page counts them all: the count is written in, as one document of them would.
    whole_css = [text.replace("counter(pages)", f'"{total}"') for text in css]
    size = MARGIN_PAGES  # read now: tests set it
    documents = []
    for start in range(0, total, size):
        end = min(total, start + size)
        numbers = range(start, end)
        pages = [Element("div", {_PAGE_BREAK: "" if n else "first", _AT: str(n)}) for n in numbers]
        strings = {n: setting[n] for n in numbers if n in setting}
        rules = []
        if start:
            pages.insert(0, Element("div", {_PAGE_BREAK: "first", _AT: "before"}))
            before = {name: text for n in sorted(setting) if n < start for name, text in setting[n]}
            strings[-1] = list(before.items())
            # Not incremented on a page whose counter is set: the next page is start + 1.
            rules.append(f"@page :first {{ counter-reset: page {start} }}")
        rules += [
            f'[{_AT}="{"before" if n < 0 else n}"] {{ string-set: '
            + ", ".join(f'{name} "{text}"' for name, text in values)
            + "; }"
            for n, values in sorted(strings.items())
            if values
        ]
        document = _margins_document(tree, render, whole_css, rules, pages)
        laid_out = document.pages[1:] if start else document.pages
        if len(laid_out) != end - start:
            raise CannotCut("the margins document has another number of pages")
        documents.append(write(document, laid_out))
        del document, laid_out
    return documents


def _margins_document(tree: _Tree, render: Callable, css: list[str], rules: list[str], pages):
    """The document laid out with `pages` for its body and the margins' stylesheet."""
    saved = list(tree.body)
    saved_css = [style.text for style in tree.styles]
    tree.body[:] = pages
    try:
        for style, text in zip(tree.styles, css, strict=True):
            style.text = text
        tree.styles[-1].text += "\n" + _MARGINS_STYLE + "\n" + "\n".join(rules)
        return render(tree.root)
    finally:
        tree.body[:] = saved
        for style, text in zip(tree.styles, saved_css, strict=True):
            style.text = text


class _PageMarks:
    """What outlines need of a written page: its bookmarks and its height."""

    def __init__(self, bookmarks, height):
        self.bookmarks, self.height = bookmarks, height


def _join(written: list[tuple[bytes, list[_PageMarks]]], margins: list[bytes]) -> bytes:
    """The parts' PDFs as one, finished: every page, one structure tree, each page's margins
    drawn over it, and the outline of the whole; written a part at a time (ncpi.pdf.joining)."""
    marks = [page for _, pages in written for page in pages]

    def outline(page_numbers: list[int]) -> list:
        from weasyprint.document import Document

        # The outline of the whole, made from every page's bookmarks as WeasyPrint makes it.
        holder = type("Pages", (), {"pages": marks})()
        tree = Document.make_bookmark_tree(holder, 0.75, transform_pages=True)
        return outline_items(tree, page_numbers)

    try:
        joined = join_parts([data for data, _ in written], margins, outline)
    except CannotJoin as error:
        raise CannotCut(str(error)) from error
    return no_stream_ends_in_cr(joined)
