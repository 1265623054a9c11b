"""What can be built for a force, the options it is built with, and the names of its files."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from ncpi.pdf import DEFAULT_VARIANT
from ncpi.render.names import (
    DOWNLOAD_LINK,
    FILE_SUFFIXES,
    PRESS_RELEASE_HTML,
    PRESS_RELEASE_TEXT,
    REPORT_HTML,
)

#: What can be built for a force: the re-inspection report and the press release.
KINDS = ("report", "press-release")
#: The redline of each against an earlier version (`ncpi diff`): built only when asked for.
CHANGES = {"report": "report-changes", "press-release": "press-release-changes"}
#: The template of a redline.
CHANGES_HTML = "changes.html.j2"
#: The report as a Word document, for review with tracked changes (`ncpi export --docx`).
WORD = "report-docx"
#: The whole-set outputs of `ncpi national`: the overview, and the open data beside it.
NATIONAL_FOLDER = "national"
DATA_FOLDER = "data"
OVERVIEW = "national-overview"
DATA_FILES = (
    "recommendations.csv",
    "recommendations.csv-metadata.json",
    "forces.csv",
    "forces.csv-metadata.json",
    "recommendations.json",
    # What the inspections of 2024 on add: judgments, causes of concern, areas for improvement.
    "judgments.csv",
    "judgments.csv-metadata.json",
    "causes-of-concern.csv",
    "causes-of-concern.csv-metadata.json",
    "areas-for-improvement.csv",
    "areas-for-improvement.csv-metadata.json",
)
#: The site's index page, build/index.html: every published document, linked.
INDEX = "index.html"
#: What `ncpi validate` found, and from which files: build/.check-record.json (check_record.py).
CHECK_RECORD = ".check-record.json"
#: Where `ncpi publish` writes its bundles: build/publish/FORCE/ and build/publish/FORCE.zip.
PUBLISH_FOLDER = "publish"
#: A bundle's own files, beside the documents.
BUNDLE_METADATA = "metadata.json"
BUNDLE_CHECKSUMS = "SHA256SUMS"
#: build/'s folders that are not a force's.
WHOLE_SET_FOLDERS = (NATIONAL_FOLDER, DATA_FOLDER, PUBLISH_FOLDER)
#: The templates each kind renders; the PDF is made from the HTML.
ENTRY_TEMPLATES = {
    "report": (REPORT_HTML, DOWNLOAD_LINK),
    "press-release": (PRESS_RELEASE_HTML, PRESS_RELEASE_TEXT),
    "report-changes": (CHANGES_HTML, REPORT_HTML),
    "press-release-changes": (CHANGES_HTML, PRESS_RELEASE_HTML),
    WORD: (REPORT_HTML,),
    # Not a force's: the national overview of `ncpi national` (national.py).
    "national": ("national.html.j2",),
}
#: The files each kind writes, as the last part of their names: build/essex/essex-report.pdf.
OUTPUT_SUFFIXES = {
    "report": ("report.html", "report.pdf"),
    "press-release": ("press-release.txt", "press-release.html", "press-release.pdf"),
    "report-changes": ("report-changes.html", "report-changes.pdf"),
    "press-release-changes": ("press-release-changes.html", "press-release-changes.pdf"),
    WORD: ("report.docx",),
}
#: The slug of the one whole-set target, `Target(NATIONAL, "national")`: not a force's.
NATIONAL = "national"


class BuildOptions(NamedTuple):
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


class Target(NamedTuple):
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
        if self.kind == "national":
            return {"html": f"{OVERVIEW}.html", "pdf": f"{OVERVIEW}.pdf"} | {
                name: name for name in DATA_FILES
            }
        tail = FILE_SUFFIXES[self.language]
        names = {}
        for suffix in OUTPUT_SUFFIXES[self.kind]:
            stem, extension = suffix.rsplit(".", 1)
            names[suffix] = f"{self.slug}-{stem}{tail}.{extension}"
        return names

    @property
    def manifest_name(self) -> str:
        """The file name of the target's build record, hidden beside its outputs."""
        return f".manifest-{self.kind}{FILE_SUFFIXES[self.language]}.json"

    @property
    def pdf_suffix(self) -> str:
        """The suffix of the target's PDF output."""
        return "pdf" if self.kind == "national" else f"{self.kind}.pdf"

    @property
    def preview_prefix(self) -> str:
        """How its preview pages are named: page-1.png, press-release-page-1.png, cy-page-1.png."""
        prefix = "page" if self.kind == "report" else f"{self.kind}-page"
        return f"cy-{prefix}" if self.language == "cy" else prefix


#: The national overview and the open data: one target, made from every report.
NATIONAL_TARGET = Target(NATIONAL, "national")
#: What a preview page's name may be: PREFIX-N.png for a prefix above (see Target).
PREVIEW_PAGE = re.compile(r"(cy-)?(press-release-)?page-\d{1,4}\.png")


def targets_of(slug: str, languages: list[str] | tuple[str, ...] = ("en",)) -> list[Target]:
    """Every target of one force, in each of its languages (see Project.languages)."""
    return [Target(slug, kind, language) for language in languages for kind in KINDS]


def asked_for_targets(slug: str) -> list[Target]:
    """The outputs built only when asked for, in each language: the redlines (`ncpi diff`)
    and the Word document (`ncpi export`), each named beside its document."""
    kinds = [*CHANGES.values(), WORD]
    return [Target(slug, kind, language) for language in FILE_SUFFIXES for kind in kinds]


def every_target_of(slug: str) -> list[Target]:
    """Every target a force's folder may hold a build record of: what `clean` asks."""
    return [*targets_of(slug, tuple(FILE_SUFFIXES)), *asked_for_targets(slug)]


def output_paths(project, target: Target) -> dict[str, Path]:
    """Where each of a target's outputs is written, by suffix."""
    folder = project.build_dir / target.slug
    if target.kind == "national":
        data = project.build_dir / DATA_FOLDER
        return {
            suffix: (data if suffix in DATA_FILES else folder) / name
            for suffix, name in target.output_names.items()
        }
    return {suffix: folder / name for suffix, name in target.output_names.items()}


def manifest_path(project, target: Target) -> Path:
    """Where a target's build record lives."""
    return project.build_dir / target.slug / target.manifest_name


def check_record_path(project) -> Path:
    """Where `ncpi validate` keeps what it found (see check_record.py)."""
    return project.build_dir / CHECK_RECORD


def index_path(project) -> Path:
    """The site's index page."""
    return project.build_dir / INDEX


def bundle_names(slug: str) -> set[str]:
    """The names of the files in a force's publication bundle folder."""
    every = targets_of(slug, tuple(FILE_SUFFIXES))
    documents = {name for target in every for name in target.output_names.values()}
    emails = {f"{slug}-press-release{FILE_SUFFIXES[code]}.eml" for code in FILE_SUFFIXES}
    return documents | emails | {BUNDLE_METADATA, BUNDLE_CHECKSUMS}


def bundle_paths(project, slug: str) -> tuple[Path, Path]:
    """A force's bundle folder and its zip."""
    publish = project.build_dir / PUBLISH_FOLDER
    return publish / slug, publish / f"{slug}.zip"


def every_output_name(project) -> dict[tuple[str, ...], set[str]]:
    """Every file name ncpi may write under build/, by folder (as parts below build/).

    What `clean` asks: a force's documents and records are read from its records, so this
    names the whole-set outputs, the index and each force's possible files.
    """
    names: dict[tuple[str, ...], set[str]] = {(): {INDEX, CHECK_RECORD}}
    for path in [*output_paths(project, NATIONAL_TARGET).values()]:
        names.setdefault(path.relative_to(project.build_dir).parts[:-1], set()).add(path.name)
    names[(NATIONAL_FOLDER,)].add(NATIONAL_TARGET.manifest_name)
    return names
