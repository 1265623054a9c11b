"""Reading PDFs back: text by page (poppler), structure and metadata (pikepdf), and where
things are drawn on each page (pdfminer.six)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def page_texts(pdf: Path, mode: str = "-layout") -> list[str]:
    """The text of each page, as poppler's pdftotext extracts it (-raw for rotated text)."""
    out = subprocess.run(
        ["pdftotext", mode, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def squash(text: str) -> str:
    """Text with every run of white space made one space, to compare across line wrapping.

    A line broken after a hyphen ("Re-" / "inspection") is joined without a space.
    """
    text = re.sub(r"(?<=\w-)\s*\n\s*(?=\w)", "", text)
    return re.sub(r"\s+", " ", text).strip()


def flowing_text(pdf: Path, running_header: str | None = None) -> str:
    """All pages' text as one squashed string, without page footers (and running header)."""
    kept = []
    for page in page_texts(pdf):
        for line in page.splitlines():
            if re.fullmatch(r"\s*Page \d+ of \d+\s*", line):
                continue
            if running_header and line.strip() == running_header:
                continue
            kept.append(line)
    return squash("\n".join(kept))


#: A4 in points, and the report's bottom margin (22 mm): nothing but the footer goes below it.
A4_WIDTH, A4_HEIGHT = 595.28, 841.89
BOTTOM_MARGIN = 22 / 25.4 * 72


def drawn_boxes(pdf: Path) -> list[dict]:
    """Each page's drawings (rectangles, lines, curves) and text boxes, with their boxes in
    points from the page's bottom left, and a drawing's fill colour."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTCurve, LTTextContainer

    pages = []
    for page in extract_pages(str(pdf)):
        drawings, texts = [], []
        for item in page:
            if isinstance(item, LTCurve):  # LTRect and LTLine are curves too
                drawings.append({"box": item.bbox, "fill": item.non_stroking_color})
            elif isinstance(item, LTTextContainer):
                texts.append({"box": item.bbox, "text": item.get_text().strip()})
        pages.append({"box": page.bbox, "drawings": drawings, "texts": texts})
    return pages


def bar_labels(page: dict, colour=(0.114, 0.31, 0.569)) -> list[str]:
    """The label beside each bar of a bar chart on a page: the text box left of the bar whose
    middle is within the bar's height."""
    labels = []
    for drawing in page["drawings"]:
        fill = drawing["fill"]
        if not (
            isinstance(fill, tuple)
            and all(abs(a - b) < 0.01 for a, b in zip(fill, colour, strict=True))
        ):
            continue
        x0, y0, _, y1 = drawing["box"]
        beside = [
            text["text"]
            for text in page["texts"]
            if text["box"][2] <= x0 and y0 <= (text["box"][1] + text["box"][3]) / 2 <= y1
        ]
        labels += beside[:1]
    return labels


def link_addresses(pdf: Path) -> list[str]:
    """Every web address a PDF's link annotations point to (/URI actions), page by page."""
    import pikepdf

    addresses = []
    with pikepdf.open(pdf) as opened:
        for page in opened.pages:
            for annotation in page.obj.get("/Annots", []):
                action = annotation.get("/A")
                if action is not None and "/URI" in action:
                    addresses.append(str(action.URI))
    return addresses


def watermarks_drawn(pdf: Path) -> list[bool]:
    """For each page, whether its background is a drawing marked as an artifact that fills
    paths and writes no text: the draft watermark as ncpi draws it."""
    import pikepdf

    found = []
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            content = page.Contents.read_bytes()
            drawn = re.search(rb"/Artifact\s+BMC\s[^/]*?re\s+W\s+n\s+(/\w+)\s+Do\s+EMC", content)
            found.append(
                drawn is not None
                and _drawing_without_text(page.Resources.XObject[drawn[1].decode()])
            )
    return found


def _drawing_without_text(form) -> bool:
    """Whether a form XObject, with the forms inside it, fills paths and writes no text."""
    forms, contents = [form], []
    while forms:
        current = forms.pop()
        contents.append(current.read_bytes())
        inner = current.get("/Resources", {}).get("/XObject", {})
        forms += [inner[name] for name in inner]
    return not any(b"BT" in c for c in contents) and any(
        re.search(rb"\sf\*?\s", c) for c in contents
    )
