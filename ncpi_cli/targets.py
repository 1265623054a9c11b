"""What can be built for a force, the options it is built with, and the names of its files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ncpi_cli.languages import LANGUAGES
from ncpi_cli.pdf import DEFAULT_VARIANT
from ncpi_cli.templating import PRESS_RELEASE_HTML, PRESS_RELEASE_TEXT, REPORT_HTML

#: What can be built for a force: the re-inspection report and the press release.
KINDS = ("report", "press-release")
#: The templates each kind renders; the PDF is made from the HTML.
ENTRY_TEMPLATES = {
    "report": (REPORT_HTML,),
    "press-release": (PRESS_RELEASE_HTML, PRESS_RELEASE_TEXT),
    # Not a force's: the national overview of `ncpi national` (national.py).
    "national": ("national.html.j2",),
}
#: The files each kind writes, as the last part of their names: build/essex/essex-report.pdf.
OUTPUT_SUFFIXES = {
    "report": ("report.html", "report.pdf"),
    "press-release": ("press-release.txt", "press-release.html", "press-release.pdf"),
}


@dataclass(frozen=True)
class BuildOptions:
    """How documents are built; part of what decides whether an output is up to date."""

    pdf_variant: str = DEFAULT_VARIANT
    final: bool = False

    def as_record(self) -> dict:
        """The options as the build manifest records them, with the dates' SOURCE_DATE_EPOCH."""
        return {
            "pdf_variant": self.pdf_variant,
            "final": self.final,
            "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
        }


@dataclass(frozen=True)
class Target:
    """One document set to build: a force's report (HTML + PDF) or its press release.

    In English, or in Welsh for the Welsh forces that have a Welsh file.
    """

    slug: str
    kind: str
    language: str = "en"

    def __str__(self) -> str:
        edition = " (Welsh)" if self.language == "cy" else ""
        return f"{self.slug} {self.kind.replace('-', ' ')}{edition}"

    @property
    def output_names(self) -> dict[str, str]:
        """Each output's file name, by suffix: {'report.pdf': 'essex-report.pdf', …}.

        A Welsh edition's names end in -cy: dyfed-powys-report-cy.pdf.
        """
        tail = LANGUAGES[self.language].file_suffix
        names = {}
        for suffix in OUTPUT_SUFFIXES[self.kind]:
            stem, extension = suffix.rsplit(".", 1)
            names[suffix] = f"{self.slug}-{stem}{tail}.{extension}"
        return names

    @property
    def manifest_name(self) -> str:
        """The file name of the target's build record, hidden beside its outputs."""
        return f".manifest-{self.kind}{LANGUAGES[self.language].file_suffix}.json"

    @property
    def pdf_suffix(self) -> str:
        """The suffix of the target's PDF output."""
        return f"{self.kind}.pdf"


def targets_of(slug: str, languages: list[str] | tuple[str, ...] = ("en",)) -> list[Target]:
    """Every target of one force, in each of its languages (see Project.languages)."""
    return [Target(slug, kind, language) for language in languages for kind in KINDS]


def output_paths(project, target: Target) -> dict[str, Path]:
    """Where each of a target's outputs is written, by suffix."""
    folder = project.build_dir / target.slug
    return {suffix: folder / name for suffix, name in target.output_names.items()}


def manifest_path(project, target: Target) -> Path:
    """Where a target's build record lives."""
    return project.build_dir / target.slug / target.manifest_name
