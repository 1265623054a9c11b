"""Reading PDFs back: text by page (poppler), structure and metadata (pikepdf)."""

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
