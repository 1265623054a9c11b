"""Where ncpi's own files are: the templates, fonts and catalogues it ships."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache  # Asked for each template and file a build record names; the answer never changes.
def builtin_templates_dir() -> Path:
    """The package's own templates: bundled in the wheel, or the checkout's templates/."""
    here = Path(__file__).resolve().parent
    bundled = here / "_templates"
    return bundled if bundled.is_dir() else here.parent / "templates"


@cache  # One filter is enough, however many times fonts are read.
def quiet_font_tools() -> None:
    """fontTools without its warning, on every read of the shipped Lato's `head` table, that
    the file's creation date is "very low": a fact about the font's file that no author can
    act on, printed among problems. Called wherever fontTools is loaded, WeasyPrint included."""
    from fontTools.ttLib.tables._h_e_a_d import log

    log.addFilter(lambda record: "timestamp" not in record.getMessage())
