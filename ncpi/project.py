"""A project folder: where reports, templates and outputs are, and which forces have reports."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ncpi.errors import NoReport, NotAProject, UnknownForce
from ncpi.problems import excerpt
from ncpi.reading import read_bounded
from ncpi.registry import find_force, forces, nearest_forces

COMMON_FILE = "_common.yaml"
#: The Welsh common data: the notes to editors and the inspectorates' names in Welsh.
WELSH_COMMON_FILE = "_common.cy.yaml"
#: The folder that makes a folder a project, as .git makes a repository.
REPORTS_FOLDER = "reports"


@dataclass(frozen=True)
class Project:
    """The folder that holds reports/ (and optionally templates/); outputs go to build/."""

    root: Path

    @classmethod
    def find(cls, start: Path) -> Project:
        """The project that holds `start`: the nearest folder upward with a reports/ folder.

        As git finds its repository, so that ncpi works from any subfolder of a project.
        """
        start = start.resolve()
        for folder in (start, *start.parents):
            if (folder / REPORTS_FOLDER).is_dir():
                return cls(folder)
        raise NotAProject(
            f"{start} is not in an ncpi project: neither it nor a folder above it "
            "has a reports/ folder. Run ncpi in a project, or start one with "
            "`ncpi init`"
        )

    # Cached: asked a thousand times in a validation of 43 reports, each time a new Path.
    @cached_property
    def reports_dir(self) -> Path:
        return self.root / REPORTS_FOLDER

    @cached_property
    def build_dir(self) -> Path:
        return self.root / "build"

    @cached_property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @cached_property
    def common_path(self) -> Path:
        return self.reports_dir / COMMON_FILE

    @cached_property
    def welsh_common_path(self) -> Path:
        return self.reports_dir / WELSH_COMMON_FILE

    def report_path(self, slug: str) -> Path:
        return self.reports_dir / f"{slug}.yaml"

    def welsh_path(self, slug: str) -> Path:
        """The Welsh text of a force's report, beside it: reports/dyfed-powys.cy.yaml."""
        return self.reports_dir / f"{slug}.cy.yaml"

    def source_path(self, slug: str, language: str = "en") -> Path:
        """The file an edition's own text is in: the report, or its Welsh mirror."""
        return self.welsh_path(slug) if language == "cy" else self.report_path(slug)

    def languages(self, slug: str) -> list[str]:
        """The editions a force's documents are built in: English, and Welsh if it has a file."""
        return ["en", "cy"] if self.welsh_path(slug).is_file() else ["en"]

    def read_input(self, path: Path, limit: int) -> bytes:
        """An input file's bytes, bounded: a regular file inside the project (see reading.py)."""

        return read_bounded(path, limit=limit, within=[self.root], name=self.display(path))

    def display(self, path: Path) -> str:
        """A path as messages show it: relative to the project, e.g. reports/essex.yaml."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def report_slugs(self) -> list[str]:
        """The forces that have a report file, by file name (a Welsh mirror is not a report)."""
        if not self.reports_dir.is_dir():
            return []
        return sorted(
            p.stem
            for p in self.reports_dir.glob("*.yaml")
            if not p.name.startswith("_") and "." not in p.stem
        )

    def resolve_force(self, name: str) -> str:
        """The slug of a force named on the command line that has a report, or an error."""
        slug = check_slug(name)
        if slug not in self.report_slugs():
            raise NoReport(
                f"{forces()[slug].name} has no report yet: "
                f"{self.display(self.report_path(slug))} does not exist. "
                f"`ncpi new {slug}` starts one"
            )
        return slug


def check_slug(name: str) -> str:
    """The registry slug of a force named by any of its names, else UnknownForce.

    Only registry slugs come out, so a name can never become a path like ../../etc.
    """
    slug = find_force(name)
    if slug is None:
        nearest = nearest_forces(name)
        hint = (" Did you mean " + " or ".join(f"'{s}'" for s in nearest) + "?") if nearest else ""

        raise UnknownForce(
            f"'{excerpt(name, 60)}' is not one of the 43 forces.{hint} `ncpi list` shows them all"
        )
    return slug
