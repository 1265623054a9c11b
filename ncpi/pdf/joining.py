"""The parts' PDFs joined into one, written as they are read: one part open at a time.

qpdf, like every PDF library, holds the whole document it writes: joining the parts of a
report of 1,000 recommendations in one qpdf document took 80 MiB more than the rest of the
build (qpdf/qpdf#490). Here each object of a part is written out as soon as it is read, under
a number of the joined file's own, and the part is then let go; what outlives a part is small
(where each object was written, the keys of the parent tree, the anchors). The objects that
hold the whole (the catalogue, the page tree, the structure tree's root and its Document
element, the parent tree) are given numbers first and written last.

What the join writes is what finish_pdf writes for a PDF made in one piece: margins marked as
artifacts, the XMP metadata uncompressed, objects in object streams, an /ID derived from the
content, and no stream whose data ends in a carriage return (PDF/A-3 6.1.7.1).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING

from ncpi.pdf.artifacts import MARKED_CONTENT, compressed_without_cr, mark_margins_as_artifacts

if TYPE_CHECKING:
    import pikepdf

#: Objects per object stream, as qpdf writes them.
_PER_OBJECT_STREAM = 100
#: The link address a part gives a link to another part's anchor (see ncpi.pdf.parts).
LINK_TO_ANOTHER_PART = "ncpi-part-link:"
#: A literal string (qpdf escapes each parenthesis in one), or an indirect reference.
_STRING_OR_REFERENCE = re.compile(rb"\((?:[^\\()]|\\.)*\)|(?<![\w.#/+-])(\d+) (\d+) R\b", re.DOTALL)
#: The PDF header, with the comment of four bytes above 127 that PDF/A asks for.
_HEADER = b"%PDF-{version}\n%\xbf\xf7\xa2\xfe\n"
#: The catalogue's entries the join makes for the whole.
_MADE_FOR_THE_WHOLE = frozenset({"/Pages", "/StructTreeRoot", "/Names", "/Outlines"})


class CannotJoin(Exception):
    """A part is not shaped as WeasyPrint writes one: the document is made in one piece."""


def _real(value) -> bytes:
    """A number as PDF writes it: never with an exponent."""
    if isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode()


class _Output:
    """The joined file as it is written: streams at once, other objects in object streams."""

    def __init__(self, version: str):
        self.chunks: list[bytes] = []
        self.size = 0
        self.digest = hashlib.md5(usedforsecurity=False)
        # Each object's entry in the cross-reference stream, by number: its kind (1 written
        # in the file, 2 in an object stream), its offset or object stream, and its index
        # there. Arrays, not tuples: 17 bytes an object, where a dict of tuples took 150.
        self.kinds = array("b", [0])
        self.seconds = array("q", [0])
        self.thirds = array("l", [65535])
        self.pending: list[tuple[int, bytes]] = []  # objects for the next object stream
        self._put(_HEADER.replace(b"{version}", version.encode()))

    def number(self) -> int:
        """A new object's number."""
        self.kinds.append(0)
        self.seconds.append(0)
        self.thirds.append(0)
        return len(self.kinds) - 1

    def _place(self, number: int, kind: int, second: int, third: int) -> None:
        self.kinds[number], self.seconds[number], self.thirds[number] = kind, second, third

    def _put(self, data: bytes) -> None:
        self.chunks.append(data)
        self.digest.update(data)
        self.size += len(data)

    def stream(self, number: int, entries: bytes, data: bytes) -> None:
        """Write a stream object; `entries` is its dictionary's inside, without /Length."""
        self._place(number, 1, self.size, 0)
        self._put(
            b"%d 0 obj\n<<%s/Length %d>>\nstream\n" % (number, entries, len(data))
            + data
            + b"\nendstream\nendobj\n"
        )

    def object(self, number: int, body: bytes) -> None:
        """An object other than a stream, written in the next object stream."""
        self.pending.append((number, body))
        if len(self.pending) >= _PER_OBJECT_STREAM:
            self.flush()

    def flush(self) -> None:
        """Write the pending objects as one object stream."""
        if not self.pending:
            return
        stream_number = self.number()
        offsets, bodies, at = [], [], 0
        for index, (number, body) in enumerate(self.pending):
            self._place(number, 2, stream_number, index)
            offsets.append(b"%d %d" % (number, at))
            bodies.append(body)
            at += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        data, _ = compressed_without_cr(head + b"\n".join(bodies) + b"\n")
        self.pending = []
        self.stream(
            stream_number,
            b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode" % (len(offsets), len(head)),
            data,
        )

    def finish(self, root: int, info: bytes) -> bytes:
        """The cross-reference stream and trailer: the whole file."""
        self.flush()
        xref_number = self.number()
        identifier = self.digest.hexdigest().encode()
        at = self.size
        self._place(xref_number, 1, at, 0)
        count = len(self.kinds)
        width, data, compressed = cross_reference_table(self.kinds, self.seconds, self.thirds)
        entries = (
            b"/Type/XRef/Size %d/W[1 %d 2]/Root %d 0 R/Info %s/ID[<%s><%s>]"
            % (count, width, root, info, identifier, identifier)
        ) + (b"/Filter/FlateDecode" if compressed else b"")
        self.stream(xref_number, entries, data)
        self._put(b"startxref\n%d\n%%%%EOF\n" % at)
        return b"".join(self.chunks)


def cross_reference_table(kinds, seconds, thirds) -> tuple[int, bytes, bool]:
    """The cross-reference stream's entries, the width of their middle field, and whether
    they are compressed: not when compressed they would end in a carriage return.

    The entries cannot be padded, and written wider their bytes add up to the same checksum's
    last byte; uncompressed, they end in the zero after the stream's own offset.
    """
    width = max(1, (max(seconds).bit_length() + 7) // 8)
    table = b"".join(
        bytes([kind]) + second.to_bytes(width, "big") + third.to_bytes(2, "big")
        for kind, second, third in zip(kinds, seconds, thirds, strict=True)
    )
    data = zlib.compress(table)
    if data.endswith(b"\r"):
        return width, table, False
    return width, data, True


class _Source:
    """One PDF read into the output: each of its objects given a number when first named and
    written from a queue, so that a part is written whole before it is let go."""

    def __init__(self, pdf: pikepdf.Pdf, output: _Output, numbers: dict | None = None):
        self.pdf = pdf
        self.output = output
        self.numbers: dict[tuple[int, int], int] = dict(numbers or {})
        self.queue: deque = deque()

    def reference(self, obj) -> bytes:
        key = obj.objgen
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = self.output.number()
            self.queue.append(obj)
        return b"%d 0 R" % number

    def _renumber(self, match: re.Match) -> bytes:
        if match.group(1) is None:
            return match.group(0)  # a string, as it is
        key = (int(match.group(1)), int(match.group(2)))
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = self.output.number()
            self.queue.append(self.pdf.get_object(key))
        return b"%d 0 R" % number

    def renumbered(self, obj) -> bytes:
        """An object's own text, as qpdf writes it, its references renumbered.

        Some ten times quicker than walking the object in Python (a report of 1,000
        recommendations has 35,000 objects), and as exact: qpdf escapes every parenthesis in a
        literal string, so a string ends at the first one unescaped and what looks like a
        reference inside it is left alone.
        """
        return _STRING_OR_REFERENCE.sub(self._renumber, obj.unparse(resolved=True))

    def number_of(self, obj) -> int:
        self.reference(obj)
        return self.numbers[obj.objgen]

    def unparse(self, obj) -> bytes:
        """An object written in place: a reference if it is an indirect one."""
        import pikepdf

        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            return self.reference(obj)
        return self.body(obj)

    def body(self, obj) -> bytes:
        """An object's own text, its references renumbered."""
        import pikepdf

        if isinstance(obj, pikepdf.Dictionary):
            return b"<<" + self.entries(obj, ()) + b">>"
        if isinstance(obj, pikepdf.Array):
            return b"[" + b" ".join(self.unparse(item) for item in obj) + b"]"
        if isinstance(obj, pikepdf.Name | pikepdf.String):
            return obj.unparse()
        if obj is None:
            return b"null"
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if isinstance(obj, int):
            return b"%d" % obj
        if isinstance(obj, Decimal | float):
            return _real(obj)
        raise CannotJoin(f"an object of a kind WeasyPrint does not write: {type(obj)}")

    def entries(self, obj, leave_out) -> bytes:
        """A dictionary's entries, renumbered, but for those in `leave_out`."""
        import pikepdf

        return b"".join(
            pikepdf.Name(key).unparse() + b" " + self.unparse(value)
            for key, value in sorted(obj.items())
            if key not in leave_out
        )

    def drain(self) -> None:
        """Write every object named and not yet written."""
        import pikepdf

        while self.queue:
            obj = self.queue.popleft()
            number = self.numbers[obj.objgen]
            if isinstance(obj, pikepdf.Stream):
                self._stream(number, obj)
            else:
                self.output.object(number, self.renumbered(obj))

    def _stream(self, number: int, stream) -> None:
        """A stream as finish_pdf leaves it: compressed, none ending in CR, metadata plain."""
        filters = stream.get("/Filter")
        kept: tuple[str, ...] = ("/Length", "/Filter", "/DecodeParms")
        if stream.get("/Type") == "/Metadata":
            data, extra = stream.read_bytes(), b""
        elif filters is None or (
            filters == "/FlateDecode" and stream.read_raw_bytes().endswith(b"\r")
        ):
            data, length = compressed_without_cr(stream.read_bytes())
            extra = b"/Filter/FlateDecode"
            if "/Length1" in stream:  # a TrueType program's length, padding included
                extra += b"/Length1 %d" % length
                kept += ("/Length1",)
        else:
            data = stream.read_raw_bytes()
            kept = ("/Length",)
            extra = b""
        self.output.stream(number, self.entries(stream.stream_dict, kept) + extra, data)


class _Whole:
    """What the whole gathers from its parts: pages, structure, anchors; written last."""

    def __init__(self, output: _Output, pages: int, tagged: bool):
        self.output = output
        self.catalogue = output.number()
        self.page_tree = output.number()
        self.tagged = tagged
        if tagged:
            self.structure_root = output.number()
            self.document = output.number()
            self.parent_tree = output.number()
        self.page_count = pages
        self.pages: list[int] = []
        self.page_arrays: list[bytes] = []  # each page's marked contents' elements
        self.annotation_elements: list[bytes] = []  # each tagged annotation's element
        self.children: list[bytes] = []  # the Document element's children, in order
        self.anchors: list[tuple[str, bytes]] = []
        # Of the first part: the catalogue's, structure root's, Document's other entries.
        self.kept: dict[str, bytes] = {}
        self.structure_keys: tuple[bool, bool] = (True, False)
        self.info = b"null"


class _Margins:
    """The margins documents, read in turn as the pages come: one open at a time."""

    def __init__(self, documents: list[bytes], output: _Output):
        self.documents = documents
        self.output = output
        self.next = 0  # the next document to open
        self.first_page = 0  # the whole's number of the open document's first page
        self.source: _Source | None = None

    def form(self, number: int) -> int:
        """The object number of the whole's page `number`'s margins, as a form, written."""
        import pikepdf

        source = self.source
        while source is None or number >= self.first_page + len(source.pdf.pages):
            if source is not None:
                self.first_page += len(source.pdf.pages)
                source.pdf.close()
            if self.next >= len(self.documents):
                raise CannotJoin("the margins documents have fewer pages than the parts")
            pdf = pikepdf.open(BytesIO(self.documents[self.next]))
            self.next += 1
            source = self.source = _Source(pdf, self.output)
        form = source.pdf.pages[number - self.first_page].as_form_xobject()
        # WeasyPrint marks margin content for a structure element it never links: here it is
        # an artifact, as finish_pdf makes it in a PDF made in one piece.
        form.write(MARKED_CONTENT.sub(b"/Artifact BMC", form.read_bytes()))
        drawn = source.number_of(form)
        source.drain()
        return drawn

    def close(self) -> None:
        if self.source is not None:
            self.source.pdf.close()


def page_count(documents: list[bytes]) -> int:
    """How many pages the documents have, each opened in turn."""
    import pikepdf

    total = 0
    for data in documents:
        with pikepdf.open(BytesIO(data)) as opened:
            total += len(opened.pages)
    return total


def join_parts(
    parts: list[bytes],
    margins: list[bytes],
    outline: Callable[[list[int]], list],
) -> bytes:
    """The parts' PDFs as one, each page's margins (from the margins documents, a page for
    each page, in order) drawn over it as an artifact.

    `outline(pages)` gives the outline's items for the whole (see outline_items), given each
    page's object number.
    """
    import pikepdf

    total = page_count(margins)
    with pikepdf.open(BytesIO(parts[0])) as first:
        output = _Output(first.pdf_version)
        whole = _Whole(output, total, "/StructTreeRoot" in first.Root)
    drawn = _Margins(margins, output)
    try:
        for index, data in enumerate(parts):
            # One part open at a time: written out, then let go.
            with pikepdf.open(BytesIO(data)) as part:
                _take(whole, part, drawn, first=index == 0)
    finally:
        drawn.close()
    if len(whole.pages) != total:
        raise CannotJoin("the margins documents have more pages than the parts")
    return _finish(whole, outline(whole.pages))


def _take(whole: _Whole, part, margins: _Margins, first: bool) -> None:
    """Write a part's pages and everything they and its structure elements hold."""
    import pikepdf

    root = part.Root
    tree = root.get("/StructTreeRoot")
    if ("/StructTreeRoot" in root) != whole.tagged:
        raise CannotJoin("some parts are tagged and some are not")
    page_tree = root.Pages
    if set(page_tree.keys()) - {"/Type", "/Kids", "/Count"}:
        raise CannotJoin("a page tree with inherited attributes")
    fixed = {page_tree.objgen: whole.page_tree}
    if tree is not None:
        document = tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K
        if set(tree.keys()) - {"/Type", "/K", "/ParentTree", "/ParentTreeNextKey", "/RoleMap"}:
            raise CannotJoin("a structure tree with entries the join does not carry")
        fixed |= {
            tree.objgen: whole.structure_root,
            document.objgen: whole.document,
            tree.ParentTree.objgen: whole.parent_tree,
        }
        mark_margins_as_artifacts(part)
    source = _Source(part, whole.output, fixed)
    pages = list(part.pages)
    for page in pages:
        if page.obj.get("/Parent") is None or page.obj.Parent.objgen != page_tree.objgen:
            raise CannotJoin("a page tree of more than one level")
        _draw_margins(part, page, len(whole.pages), margins.form(len(whole.pages)), source)
        whole.pages.append(source.number_of(page.obj))
    if tree is not None:
        _take_structure(whole, part, source, tree, document, pages)
    names = root.get("/Names", {})
    if set(names.keys()) - {"/Dests"}:
        raise CannotJoin("a name tree other than the anchors'")
    dests = names.get("/Dests")
    if dests is not None:
        if "/Names" not in dests:
            raise CannotJoin("anchors in a name tree of more than one level")
        flat = dests.Names
        whole.anchors += [
            (str(flat[i]), source.unparse(flat[i + 1])) for i in range(0, len(flat), 2)
        ]
    if first:
        whole.kept["catalogue"] = source.entries(root, _MADE_FOR_THE_WHOLE | {"/Type"})
        info = part.trailer.get("/Info")
        whole.info = source.unparse(info) if info is not None else b"null"
        if tree is not None:
            whole.structure_keys = (isinstance(tree.K, pikepdf.Array), "/ParentTreeNextKey" in tree)
            whole.kept["structure"] = source.entries(
                tree, {"/Type", "/K", "/ParentTree", "/ParentTreeNextKey"}
            )
            whole.kept["document"] = source.entries(document, {"/K"})
    source.drain()


def _draw_margins(part, page, number: int, drawn: int, source: _Source) -> None:
    """Draw the form numbered `drawn` (page `number`'s margins) over the page, as an artifact
    (it is one), and give its links to another part's anchors their anchors again."""
    import pikepdf

    # A stand-in in the part for the form, which is another file's: written as its number.
    stand_in = part.make_indirect(pikepdf.Dictionary())
    source.numbers[stand_in.objgen] = drawn
    # Named by page: the pages of a part share one resource dictionary.
    name = page.add_resource(stand_in, pikepdf.Name.XObject, pikepdf.Name(f"/NcpiM{number}"))
    contents = page.obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):
        raise CannotJoin("a page of more than one content stream")
    page.obj.Contents = part.make_stream(
        b"q\n" + contents.read_bytes() + b"\nQ\n/Artifact BMC q " + bytes(name) + b" Do Q EMC\n"
    )
    for annotation in page.obj.get("/Annots", []):
        action = annotation.get("/A")
        uri = str(action.get("/URI", "")) if action is not None else ""
        if uri.startswith(LINK_TO_ANOTHER_PART):
            # A link to another part's anchor: internal again, as WeasyPrint writes one.
            del annotation.A
            annotation.Dest = pikepdf.String(uri[len(LINK_TO_ANOTHER_PART) :])
            if "/StructParent" in annotation:
                annotation.Contents = annotation.Dest


def _take_structure(whole: _Whole, part, source: _Source, tree, document, pages) -> None:
    """The part's pages and annotations in the parent tree, its elements under Document."""
    import pikepdf

    nums = tree.ParentTree.get("/Nums")
    if nums is None:
        raise CannotJoin("a parent tree of more than one level")
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for page in pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parents:
            raise CannotJoin("a page outside the parent tree")
        page.obj.StructParents = len(whole.page_arrays)
        whole.page_arrays.append(source.unparse(parents[int(key)]))
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                element = parents[int(annotation.StructParent)]
                annotation.StructParent = whole.page_count + len(whole.annotation_elements)
                whole.annotation_elements.append(source.unparse(element))
    kids = document.K if isinstance(document.K, pikepdf.Array) else [document.K]
    whole.children += [source.unparse(kid) for kid in kids]


def _finish(whole: _Whole, outline: list) -> bytes:
    """The objects of the whole, then the cross-reference stream."""
    output = whole.output
    kids = b" ".join(b"%d 0 R" % number for number in whole.pages)
    output.object(whole.page_tree, b"<</Type/Pages/Count %d/Kids[%s]>>" % (len(whole.pages), kids))
    catalogue = [b"/Type/Catalog/Pages %d 0 R" % whole.page_tree, whole.kept["catalogue"]]
    if whole.tagged:
        nums = [b"%d %s" % (key, array) for key, array in enumerate(whole.page_arrays)]
        nums += [
            b"%d %s" % (key, element)
            for key, element in enumerate(whole.annotation_elements, whole.page_count)
        ]
        output.object(whole.parent_tree, b"<</Nums[" + b" ".join(nums) + b"]>>")
        output.object(
            whole.document,
            b"<<" + whole.kept["document"] + b"/K[" + b" ".join(whole.children) + b"]>>",
        )
        in_array, next_key = whole.structure_keys
        document = b"%d 0 R" % whole.document
        structure = [
            b"<</Type/StructTreeRoot",
            whole.kept["structure"],
            b"/K" + (b"[" + document + b"]" if in_array else b" " + document),
            b"/ParentTree %d 0 R" % whole.parent_tree,
        ]
        if next_key:
            count = len(whole.page_arrays) + len(whole.annotation_elements)
            structure.append(b"/ParentTreeNextKey %d" % count)
        output.object(whole.structure_root, b"".join(structure) + b">>")
        catalogue.append(b"/StructTreeRoot %d 0 R" % whole.structure_root)
    if whole.anchors:
        import pikepdf

        flat = b" ".join(
            pikepdf.String(name).unparse() + b" " + dest
            for name, dest in sorted(whole.anchors, key=lambda pair: pair[0])
        )
        catalogue.append(b"/Names<</Dests<</Names[" + flat + b"]>>>>")
    if outline:
        catalogue.append(b"/Outlines %d 0 R" % _write_outline(output, outline))
    output.object(whole.catalogue, b"<<" + b"".join(catalogue) + b">>")
    return output.finish(whole.catalogue, whole.info)


def _write_outline(output: _Output, items: list) -> int:
    """The outline: `items` are (title, page number, x, y, children, closed)."""
    import pikepdf

    outlines = output.number()

    def add(entries, parent: int) -> tuple[list[int], int]:
        numbers = [output.number() for _ in entries]
        count = len(entries)
        for index, (title, page, x, y, children, closed) in enumerate(entries):
            kids, kids_count = add(children, numbers[index])
            if not closed:
                count += kids_count
            body = [
                b"/Title " + pikepdf.String(title).unparse(),
                b"/Dest[%d 0 R/XYZ %s %s 0]" % (page, _real(x), _real(y)),
                b"/Parent %d 0 R" % parent,
                b"/Count %d" % (-kids_count if closed else kids_count),
            ]
            if index:
                body.append(b"/Prev %d 0 R" % numbers[index - 1])
            if index + 1 < len(entries):
                body.append(b"/Next %d 0 R" % numbers[index + 1])
            if kids:
                body.append(b"/First %d 0 R/Last %d 0 R" % (kids[0], kids[-1]))
            output.object(numbers[index], b"<<" + b"".join(body) + b">>")
        return numbers, count

    numbers, count = add(items, outlines)
    output.object(
        outlines,
        b"<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>" % (numbers[0], numbers[-1], count),
    )
    return outlines


def outline_items(bookmark_tree, pages: list[int]) -> list:
    """WeasyPrint's bookmark tree as the outline's items, each page given its object number."""
    return [
        (title, pages[page], x, y, outline_items(children, pages), state == "closed")
        for title, (page, x, y), children, state in bookmark_tree
    ]
