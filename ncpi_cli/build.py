"""The pipeline: load → validate → render → write. The only module that knows all four stages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ncpi_cli.errors import NcpiError, ValidationFailed
from ncpi_cli.incremental import (
    KINDS, OUTPUT_SUFFIXES, BuildOptions, Inputs, Target, current_inputs, manifest_path,
    manifest_text,
)
from ncpi_cli.outputs import write_outputs, write_preview
from ncpi_cli.pdf import fonts_dir_for, weasyprint_pdf
from ncpi_cli.project import Project
from ncpi_cli.templating import (
    PRESS_RELEASE_HTML, PRESS_RELEASE_TEXT, REPORT_HTML, builtin_templates_dir,
)

if TYPE_CHECKING:  # Validation and rendering (pydantic, Jinja) load only where they run.
    from ncpi_cli.model import Common, Report


@dataclass(frozen=True)
class RenderedTarget:
    """A target's HTML and text, rendered; what is left is its PDF and writing it all."""

    target: Target
    files: dict[Path, bytes]  # the HTML and text outputs
    pdf_path: Path
    pdf_html: str  # the HTML the PDF is made from


def checked_report(project: Project, slug: str) -> tuple[Report, Common]:
    """The report and common data, or ValidationFailed carrying every problem found."""
    from ncpi_cli.checking import check_project

    result = check_project(project, [slug], dry_run=False)  # The build itself renders.
    if result.errors or slug not in result.reports or result.common is None:
        raise ValidationFailed(result.problems)
    return result.reports[slug], result.common


def pdf_settings(project: Project, options: BuildOptions) -> dict:
    """Where WeasyPrint finds the project's assets and fonts, and the PDF variant to make."""
    builtin = builtin_templates_dir()
    return {"base_dir": project.templates_dir if project.templates_dir.is_dir() else builtin,
            "fonts_dir": fonts_dir_for(project.templates_dir),
            "allowed_dirs": [project.templates_dir, builtin], "variant": options.pdf_variant}


def _pdf(project: Project, html: str, options: BuildOptions, served: dict[str, str]) -> bytes:
    """WeasyPrint's PDF, before its running headers are marked as artifacts."""
    return weasyprint_pdf(html, served=served, **pdf_settings(project, options))


def output_paths(project: Project, slug: str) -> dict[str, Path]:
    """Where each of a force's documents is written."""
    folder = project.build_dir / slug
    return {suffix: folder / f"{slug}-{suffix}"
            for kind in KINDS for suffix in OUTPUT_SUFFIXES[kind]}


def render_target(project: Project, target: Target, options: BuildOptions,
                  checked: tuple[Report, Common] | None = None) -> RenderedTarget:
    """Validate (unless `checked` is given), refuse a draft under --final, render the HTML."""
    from ncpi_cli.render import document_context, render_template

    report, common = checked or checked_report(project, target.slug)
    if options.final and report.status == "draft":
        raise NcpiError(f"{project.display(project.report_path(target.slug))} is a draft "
                        "(status: draft); --final refuses to build it")
    context = document_context(report, common)
    paths = output_paths(project, target.slug)
    if target.kind == "report":
        html = render_template(REPORT_HTML, context, project.templates_dir)
        return RenderedTarget(target, {paths["report.html"]: html.encode()},
                              paths["report.pdf"], html)
    text = render_template(PRESS_RELEASE_TEXT, context, project.templates_dir)
    html = render_template(PRESS_RELEASE_HTML, context, project.templates_dir)
    return RenderedTarget(target, {paths["press-release.txt"]: text.encode(),
                                   paths["press-release.html"]: html.encode()},
                          paths["press-release.pdf"], html)


def make_pdf(project: Project, rendered: RenderedTarget,
             options: BuildOptions) -> tuple[bytes, dict[str, str]]:
    """WeasyPrint's PDF of a rendered target, and the files it read (path -> SHA-256)."""
    served: dict[str, str] = {}
    return _pdf(project, rendered.pdf_html, options, served), served


def write_target(project: Project, rendered: RenderedTarget, pdf: bytes, served: dict[str, str],
                 options: BuildOptions, inputs: Inputs) -> list[Path]:
    """Finish the PDF, write every output atomically, and only then the build record."""
    from ncpi_cli.pdf_artifacts import mark_margins_as_artifacts

    outputs = {**rendered.files, rendered.pdf_path: mark_margins_as_artifacts(pdf)}
    written = write_outputs(project, outputs)
    write_outputs(project, {manifest_path(project, rendered.target):
                            manifest_text(inputs, served, outputs, options.as_record()).encode()})
    return written


def finish_target(project: Project, rendered: RenderedTarget, options: BuildOptions,
                  inputs: Inputs) -> list[Path]:
    """Make the PDF, write every output atomically, and only then the build record."""
    pdf, served = make_pdf(project, rendered, options)
    return write_target(project, rendered, pdf, served, options, inputs)


def build_target(project: Project, target: Target, options: BuildOptions = BuildOptions(), *,
                 checked: tuple[Report, Common] | None = None,
                 inputs: Inputs | None = None) -> list[Path]:
    """Build one target: validate (unless `checked` is given), render, write, then record.

    Inputs are hashed before they are read, so a file edited during the build makes the next
    build run again. The manifest is written only after every output is in place.
    """
    inputs = inputs or current_inputs(project, target)
    rendered = render_target(project, target, options, checked)
    return finish_target(project, rendered, options, inputs)


def build_report(project: Project, slug: str, options: BuildOptions = BuildOptions()) -> list[Path]:
    """Validate one force's report, then write its re-inspection report as HTML and PDF."""
    return build_target(project, Target(slug, "report"), options)


def build_press_release(project: Project, slug: str,
                        options: BuildOptions = BuildOptions()) -> list[Path]:
    """Validate one force's report, then write its press release as text, HTML and PDF."""
    return build_target(project, Target(slug, "press-release"), options)


def preview_pages(project: Project, slug: str) -> list[Path]:
    """Render the built report's pages as PNG images with poppler's pdftoppm, to look at.

    pdftoppm writes into a private temporary folder; the pages are then written into
    build/FORCE/preview/ the way every output is (never through a link), and recorded there.
    """
    import shutil
    import subprocess
    import tempfile

    pdf = output_paths(project, slug)["report.pdf"]
    if shutil.which("pdftoppm") is None:
        raise NcpiError("--png needs pdftoppm: install Debian's poppler-utils")
    with tempfile.TemporaryDirectory(prefix="ncpi-preview-") as private:
        done = subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf),
                               str(Path(private) / "page")], capture_output=True, text=True)
        if done.returncode != 0:
            raise NcpiError(f"pdftoppm failed: {done.stderr.strip()}")
        pages = {path.name: path.read_bytes() for path in sorted(Path(private).glob("page-*.png"))}
    return write_preview(project, slug, pages)
