"""The pipeline: load → validate → render → write. The only module that knows all four stages."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ncpi_cli.checking import check_project
from ncpi_cli.errors import NcpiError, ValidationFailed
from ncpi_cli.model import Common, Report
from ncpi_cli.incremental import (
    KINDS, OUTPUT_SUFFIXES, Inputs, Target, current_inputs, manifest_path, manifest_text,
)
from ncpi_cli.outputs import write_atomically, write_outputs
from ncpi_cli.pdf import DEFAULT_VARIANT, html_to_pdf
from ncpi_cli.project import Project
from ncpi_cli.render import render_documents
from ncpi_cli.templating import builtin_templates_dir


@dataclass(frozen=True)
class BuildOptions:
    """How documents are built; part of what decides whether an output is up to date."""

    pdf_variant: str = DEFAULT_VARIANT
    final: bool = False

    def as_record(self) -> dict:
        """The options as the build manifest records them, with the dates' SOURCE_DATE_EPOCH."""
        return {"pdf_variant": self.pdf_variant, "final": self.final,
                "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", "")}


def checked_report(project: Project, slug: str) -> tuple[Report, Common]:
    """The report and common data, or ValidationFailed carrying every problem found."""
    result = check_project(project, [slug])
    if result.errors or slug not in result.reports or result.common is None:
        raise ValidationFailed(result.problems)
    return result.reports[slug], result.common


def _pdf(project: Project, html: str, options: BuildOptions, served: dict[str, str]) -> bytes:
    builtin = builtin_templates_dir()
    fonts_dir = project.templates_dir / "fonts"
    if not (fonts_dir / "Lato-Regular.ttf").is_file():
        fonts_dir = builtin / "fonts"
    return html_to_pdf(html, base_dir=project.templates_dir if project.templates_dir.is_dir()
                       else builtin, fonts_dir=fonts_dir,
                       allowed_dirs=[project.templates_dir, builtin], variant=options.pdf_variant,
                       served=served)


def output_paths(project: Project, slug: str) -> dict[str, Path]:
    """Where each of a force's documents is written."""
    folder = project.build_dir / slug
    return {suffix: folder / f"{slug}-{suffix}"
            for kind in KINDS for suffix in OUTPUT_SUFFIXES[kind]}


def build_target(project: Project, target: Target, options: BuildOptions = BuildOptions(), *,
                 checked: tuple[Report, Common] | None = None,
                 inputs: Inputs | None = None) -> list[Path]:
    """Build one target: validate (unless `checked` is given), render, write, then record.

    Inputs are hashed before they are read, so a file edited during the build makes the next
    build run again. The manifest is written only after every output is in place.
    """
    inputs = inputs or current_inputs(project, target)
    report, common = checked or checked_report(project, target.slug)
    if options.final and report.status == "draft":
        raise NcpiError(f"{project.display(project.report_path(target.slug))} is a draft "
                        "(status: draft); --final refuses to build it")
    documents = render_documents(report, common, project.templates_dir)
    paths = output_paths(project, target.slug)
    served: dict[str, str] = {}
    if target.kind == "report":
        outputs = {paths["report.html"]: documents.report_html.encode(),
                   paths["report.pdf"]: _pdf(project, documents.report_html, options, served)}
    else:
        outputs = {paths["press-release.txt"]: documents.press_release_text.encode(),
                   paths["press-release.html"]: documents.press_release_html.encode(),
                   paths["press-release.pdf"]: _pdf(project, documents.press_release_html,
                                                     options, served)}
    written = write_outputs(outputs)
    write_atomically(manifest_path(project, target),
                     manifest_text(inputs, served, outputs, options.as_record()).encode())
    return written


def build_report(project: Project, slug: str, options: BuildOptions = BuildOptions()) -> list[Path]:
    """Validate one force's report, then write its re-inspection report as HTML and PDF."""
    return build_target(project, Target(slug, "report"), options)


def build_press_release(project: Project, slug: str,
                        options: BuildOptions = BuildOptions()) -> list[Path]:
    """Validate one force's report, then write its press release as text, HTML and PDF."""
    return build_target(project, Target(slug, "press-release"), options)


def preview_pages(project: Project, slug: str) -> list[Path]:
    """Render the built report's pages as PNG images with poppler's pdftoppm, to look at."""
    import shutil
    import subprocess

    pdf = output_paths(project, slug)["report.pdf"]
    folder = pdf.parent / "preview"
    if shutil.which("pdftoppm") is None:
        raise NcpiError("--png needs pdftoppm: install Debian's poppler-utils")
    folder.mkdir(exist_ok=True)
    for old in folder.glob("page-*.png"):
        old.unlink()
    done = subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(folder / "page")],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise NcpiError(f"pdftoppm failed: {done.stderr.strip()}")
    return sorted(folder.glob("page-*.png"))
