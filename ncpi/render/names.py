"""The names of ncpi's templates, languages and catalogues, and the file a template name leads to.

What a build's records need to tell whether a target is up to date, without Jinja, pydantic or
Babel: a build with nothing to do imports this module and not the renderer.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

from ncpi.defaults import builtin_templates_dir

#: The templates that make the documents; a user's templates/ folder may override each.
REPORT_HTML = "report.html.j2"
PRESS_RELEASE_HTML = "press-release.html.j2"
PRESS_RELEASE_TEXT = "press-release.txt.j2"
#: The web page's link to its PDF, filled in once the PDF exists (see with_download_link).
DOWNLOAD_LINK = "download-link.html.j2"
#: A template name so prefixed is always ncpi's own, even where the project overrides it.
DEFAULT_PREFIX = "default:"

#: The language every report is written in; the default edition.
ENGLISH = "en"
#: The second language of the four Welsh forces (Welsh Language Standards).
WELSH = "cy"
#: What each language adds to an edition's file names: "essex-report.pdf", "gwent-report-cy.pdf".
FILE_SUFFIXES = {ENGLISH: "", WELSH: "-cy"}
#: Where the catalogue of a language lives, under a templates folder.
CATALOGUE = "locale/{code}/LC_MESSAGES/ncpi.po"


def catalogue_paths(code: str, user_templates: Path | None) -> list[Path]:
    """The catalogues of a language that exist: ncpi's own, then the user's (which wins)."""
    folders = [builtin_templates_dir(), user_templates]
    return [
        folder / CATALOGUE.format(code=code)
        for folder in dict.fromkeys(folders)
        if folder is not None and (folder / CATALOGUE.format(code=code)).is_file()
    ]


def _name_parts(name: str) -> list[str] | None:
    """A template name's folders and file, as Jinja splits them; None if it leaves its folder."""
    parts = []
    for part in name.split("/"):
        if os.sep in part or (os.altsep and os.altsep in part) or part == os.pardir:
            return None
        if part and part != ".":
            parts.append(part)
    return parts


def find_template(user_templates: Path | None, name: str) -> Path | None:
    """The file a template name leads to: the project's templates folder first, then ncpi's
    own; a 'default:' name only ncpi's own. None if no folder has it."""
    folders = [builtin_templates_dir()]
    if name.startswith(DEFAULT_PREFIX):
        name = name[len(DEFAULT_PREFIX) :]
    elif user_templates is not None:
        folders.insert(0, user_templates)
    parts = _name_parts(name)
    if not parts:
        return None
    for folder in folders:
        # posixpath, as Jinja's own loader: no drive or UNC part may lead out of the folder.
        path = posixpath.join(str(folder), *parts)
        if os.path.isfile(path):
            return Path(os.path.normpath(path))
    return None
