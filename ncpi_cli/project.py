"""A project folder: where reports, templates and outputs are, and which forces have reports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ncpi_cli.errors import UnknownForce
from ncpi_cli.registry import forces, suggest

COMMON_FILE = "_common.yaml"
_SLUG = re.compile(r"^[a-z][a-z-]*$")


@dataclass(frozen=True)
class Project:
    """The folder that holds reports/ (and optionally templates/); outputs go to build/."""

    root: Path

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def common_path(self) -> Path:
        return self.reports_dir / COMMON_FILE

    def report_path(self, slug: str) -> Path:
        return self.reports_dir / f"{slug}.yaml"

    def read_input(self, path: Path, limit: int) -> bytes:
        """An input file's bytes, bounded: a regular file inside the project (see reading.py)."""
        from ncpi_cli.reading import read_bounded

        return read_bounded(path, limit=limit, within=[self.root], name=self.display(path))

    def display(self, path: Path) -> str:
        """A path as messages show it: relative to the project, e.g. reports/essex.yaml."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def report_slugs(self) -> list[str]:
        """The forces that have a report file, by file name."""
        if not self.reports_dir.is_dir():
            return []
        return sorted(p.stem for p in self.reports_dir.glob("*.yaml") if not p.name.startswith("_"))

    def resolve_force(self, name: str) -> str:
        """A force named on the command line as a registry slug that has a report, or an error."""
        have = self.report_slugs()
        listing = f" Forces with reports: {', '.join(have)}." if have else " There are no reports yet."
        check_slug(name, have, listing)
        if name not in have:
            raise UnknownForce(
                f"{forces()[name].name} has no report: {self.display(self.report_path(name))} "
                f"does not exist.{listing}")
        return name


def check_slug(name: str, have: list[str] | None = None, listing: str = "") -> str:
    """`name` if it is a registry slug, else UnknownForce with a suggestion."""
    if not _SLUG.match(name) or name not in forces():
        # Only registry slugs are accepted, so a name can never be a path like ../../etc.
        hint = suggest(name, have or forces()) or suggest(name, forces())
        raise UnknownForce(f"'{name}' is not a force.{hint}{listing or ' `ncpi list` shows the 43.'}")
    return name
