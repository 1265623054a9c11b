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
