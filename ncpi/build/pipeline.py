"""The pipeline, for one target or many: find what is stale, check, render, make PDFs, write.

The only module that knows every stage. The command line and the tests both call
`build_targets`; `build_report` and `build_press_release` are the same call for one force.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ncpi.build.incremental import Inputs, manifest_text, why_stale
from ncpi.build.inputs import current_inputs
from ncpi.build.outcomes import Events, Outcome, failed_outcome
from ncpi.build.outputs import write_outputs, write_preview
from ncpi.build.targets import KINDS, BuildOptions, Target, manifest_path, output_paths
from ncpi.build.workers import (
    MadePdf,
    PdfMaker,
    WorkerPool,
    make_pdf,
    make_pdf_in_worker,
)
from ncpi.check.validate import check_project, template_problem
from ncpi.errors import NcpiError, RenderError, ValidationFailed
from ncpi.problems import Problem
from ncpi.project import Project
from ncpi.registry import forces
from ncpi.render.documents import (
    document_context,
    other_edition,
    render_template,
    with_download_link,
)
from ncpi.render.names import PRESS_RELEASE_HTML, PRESS_RELEASE_TEXT, REPORT_HTML

# Validation, rendering and PDF modules (pydantic, Jinja, WeasyPrint, pikepdf) are imported only
# when something is out of date, so that a build with nothing to do returns at once.
if TYPE_CHECKING:
    from ncpi.check.validate import CheckResult
    from ncpi.model import Common, Report


@dataclass(frozen=True)
class Stale:
    """A target to rebuild, why, and its inputs hashed before anything read them."""

    target: Target
    reason: str
    inputs: Inputs


@dataclass(frozen=True)
class Rendered:
    """A target's HTML and text, rendered; what is left is its PDF and writing it all."""

    stale: Stale
    files: dict[Path, bytes]  # the HTML and text outputs
    pdf_path: Path
    pdf_html: str  # the HTML the PDF is made from
    assets: dict[str, str]  # files the templates embedded (path -> SHA-256)

    @property
    def target(self) -> Target:
        return self.stale.target


@dataclass(frozen=True)
class Run:
    """How a build runs: PDFs `jobs` at a time, everything again with `rebuild`, and with
    `in_process` the PDFs made in this process instead of workers (a long-lived `watch`, or
    where worker processes cannot start)."""

    jobs: int = 1
    rebuild: bool = False
    in_process: bool = False
    #: What makes each PDF from its HTML: WeasyPrint's make_pdf, unless a test gives a stand-in.
    pdf_maker: PdfMaker | None = None
    #: Workers the caller started early (the command line, before loading this module); the
    #: build uses them and closes them.
    workers: WorkerPool | None = None


def build_targets(
    project: Project,
    targets: list[Target],
    options: BuildOptions = BuildOptions(),
    run: Run = Run(),
    *,
    events: Events = Events(),
    checked: CheckResult | None = None,
) -> list[Outcome]:
    """Build the targets that are out of date (all of them with `run.rebuild`), `run.jobs` PDFs
    at a time.

    Workers start (and import WeasyPrint) while this process checks the reports; with
    `run.in_process`, PDFs are made here instead. One target failing does not stop the others:
    every outcome is returned. `checked`: the project as the caller already checked it, so
    that a command checks once.
    """
    # What has no build record will be built: start the workers (and their 1 s import of
    # WeasyPrint) at once. Otherwise only once the hashes show something to do.
    certain = run.rebuild or any(not manifest_path(project, t).is_file() for t in targets)
    pool = run.workers
    if pool is None and certain and not run.in_process:
        pool = WorkerPool.start(run.jobs, len(targets), events.on_note)
    try:
        fresh, stale = find_stale(project, targets, options, run.rebuild)
        for outcome in fresh:
            events.on_done(outcome)
        if not stale:
            return fresh
        if pool is None and not run.in_process and not certain:
            pool = WorkerPool.start(run.jobs, len(stale), events.on_note)
        maker = run.pdf_maker or make_pdf
        return fresh + list(_build_stale(project, stale, options, pool, events, maker, checked))
    except BaseException:
        if pool is not None:  # Interrupted (Ctrl-C, SIGTERM): stop the workers now, not later.
            pool.kill()
            pool = None
        raise
    finally:
        if pool is not None:
            pool.close()


def build_report(project: Project, slug: str, options: BuildOptions = BuildOptions()) -> list[Path]:
    """Validate one force's report, then write its re-inspection report as HTML and PDF."""
    return _build_one(project, Target(slug, "report"), options)


def build_press_release(
    project: Project, slug: str, options: BuildOptions = BuildOptions()
) -> list[Path]:
    """Validate one force's report, then write its press release as text, HTML and PDF."""
    return _build_one(project, Target(slug, "press-release"), options)


def _build_one(project: Project, target: Target, options: BuildOptions) -> list[Path]:
    """Build one target in this process, always; its failure is raised."""
    [outcome] = build_targets(project, [target], options, run=Run(rebuild=True, in_process=True))
    if outcome.state == "failed":
        raise ValidationFailed(outcome.problems) if outcome.problems else NcpiError(outcome.reason)
    return outcome.paths


# Step 1: what is stale.


def find_stale(
    project: Project, targets: list[Target], options: BuildOptions, rebuild: bool
) -> tuple[list[Outcome], list[Stale]]:
    """The targets that are up to date (as outcomes), and those to rebuild, with why."""
    fresh, stale = [], []
    for target in targets:
        reason = "--force" if rebuild else why_stale(project, target, options.as_record())
        if reason is None:
            fresh.append(Outcome(target, "up to date"))
        else:
            # Hashed before validation reads the files: an edit from now on means a rebuild.
            stale.append(Stale(target, reason, current_inputs(project, target)))
    return fresh, stale


# Step 2: check the reports, all together.


#: Warnings a final build refuses, as publish does: a Welsh text behind its English.
REFUSED_WHEN_FINAL = frozenset({"welsh-behind"})


def check_reports(
    project: Project, slugs: list[str], checked: CheckResult | None = None, final: bool = False
) -> dict[tuple[str, str], tuple[Report, Common] | list]:
    """Each edition's checked report and common data, or the problems that stop its build;
    from `checked` when the caller has checked the project already. With `final`, the
    warnings REFUSED_WHEN_FINAL stop both editions of their force, published together."""
    if checked is None:
        checked = check_project(project, slugs, dry_run=False)  # The build itself renders.
    refused: dict[str, list] = {}
    for problem in checked.warnings if final else []:
        if problem.code in REFUSED_WHEN_FINAL:
            slug = PurePosixPath(problem.file).name.split(".", 1)[0]
            refused.setdefault(slug, []).append(problem)
    return {
        key: (verdict.edition if not refused.get(key[0]) else None)
        or [*verdict.problems, *refused.get(key[0], [])]
        for key, verdict in checked.verdicts.items()
        if key[0] in slugs
    }


# Step 3: render the HTML and text.


def render_target(
    project: Project,
    stale: Stale,
    options: BuildOptions,
    report: Report,
    common: Common,
    other: tuple[str, Report, Common] | None = None,
) -> Rendered:
    """A checked report's HTML and text outputs; a draft, or one with an undecided point in
    its factual accuracy check, is refused under --final.

    `other` is the force's edition in its other language (language, report, common data),
    which each edition names and links.
    """
    slug = stale.target.slug
    if options.final and report.status == "draft":
        raise NcpiError(
            f"{project.display(project.report_path(slug))} is a draft "
            "(status: draft); --final refuses to build it"
        )
    undecided = [i + 1 for i, point in enumerate(report.review) if point.decision is None]
    if options.final and undecided:
        raise NcpiError(
            f"{project.display(project.report_path(slug))} has undecided points in its "
            f"factual accuracy check (review: {', '.join(map(str, undecided))}); --final refuses "
            "to build it until each has its decision"
        )
    if options.final and forces()[slug].is_welsh and not project.welsh_path(slug).is_file():
        raise NcpiError(
            f"{forces()[slug].name} is a Welsh force and "
            f"{project.display(project.welsh_path(slug))} does not exist; --final refuses to "
            "build one language without the other"
        )
    assets: dict[str, str] = {}
    texts = render_edition(project, stale.target, report, common, other, assets)
    paths = output_paths(project, stale.target)
    files = {paths[suffix]: text.encode() for suffix, text in texts.items()}
    html = texts[f"{stale.target.kind}.html"]
    return Rendered(stale, files, paths[stale.target.pdf_suffix], html, assets)


def render_edition(
    project: Project,
    target: Target,
    report: Report,
    common: Common,
    other: tuple[str, Report, Common] | None = None,
    assets: dict[str, str] | None = None,
) -> dict[str, str]:
    """A checked edition's HTML (and text) by output suffix, from one context: what `build`
    writes and `serve` shows. The files its templates embedded are added to `assets`."""

    context = document_context(report, common, target.language, project.templates_dir)
    if other is not None:
        language, other_report, other_common = other
        pages = {
            kind: Target(target.slug, kind, language).output_names[f"{kind}.html"] for kind in KINDS
        }
        context["other_edition"] = other_edition(
            language, other_report, other_common, pages, project.templates_dir
        )
    templates = {
        "report": {"report.html": REPORT_HTML},
        "press-release": {
            "press-release.txt": PRESS_RELEASE_TEXT,
            "press-release.html": PRESS_RELEASE_HTML,
        },
    }[target.kind]
    return {
        suffix: render_template(name, context, project.templates_dir, assets)
        for suffix, name in templates.items()
    }


# Step 4: make the PDF, in this process or a worker.


# Step 5: write the outputs, then the build record.


def write_target(
    project: Project, rendered: Rendered, made: MadePdf, options: BuildOptions
) -> list[Path]:
    """Link the PDF from the HTML, write every output atomically, then the build record."""

    pdf = made.pdf
    if pdf is None:  # A failed PDF's outcome is returned before anything is written.
        raise NcpiError(f"{rendered.target}: no PDF was made")
    language = rendered.target.language
    files = {
        path: with_download_link(
            data.decode(), rendered.pdf_path.name, pdf, language, project.templates_dir, made.pages
        ).encode()
        if path.suffix == ".html"
        else data
        for path, data in rendered.files.items()
    }
    outputs = {**files, rendered.pdf_path: pdf}
    written = write_outputs(project, outputs)
    read = {**rendered.assets, **made.served}  # by the templates, then by WeasyPrint
    record = manifest_text(rendered.stale.inputs, read, outputs, options.as_record())
    write_outputs(project, {manifest_path(project, rendered.target): record.encode()})
    return written


def _written(project: Project, rendered: Rendered, made: MadePdf, options: BuildOptions) -> Outcome:
    """The outcome of a target whose PDF is made: written, or failed while writing."""
    if made.failure is not None:
        return made.failure
    started = time.perf_counter()
    try:
        paths = write_target(project, rendered, made, options)
        outcome = Outcome(rendered.target, "built", paths, reason=rendered.stale.reason)
    except Exception as error:
        outcome = failed_outcome(rendered.target, error)
    outcome.seconds = made.seconds + time.perf_counter() - started
    outcome.peak_memory_kib, outcome.process_id = made.peak_memory_kib, made.process_id
    return outcome


# The steps together.


def _build_stale(
    project: Project,
    stale: list[Stale],
    options: BuildOptions,
    pool: WorkerPool | None,
    events: Events,
    maker: PdfMaker,
    already: CheckResult | None = None,
) -> Iterator[Outcome]:
    """Check the stale targets' reports together, render each, make its PDF, write it."""
    slugs = list(dict.fromkeys(s.target.slug for s in stale))
    checked = check_reports(project, slugs, already, final=options.final)
    pdfs = (
        _PdfsInWorkers(project, options, pool, events, maker)
        if pool
        else _PdfsHere(project, options, events, maker)
    )
    for item in stale:
        edition = checked[(item.target.slug, item.target.language)]
        rendered = _render_checked(project, item, options, edition, _other(project, item, checked))
        if isinstance(rendered, Outcome):
            events.on_done(rendered)
            yield rendered
        else:
            pdfs.add(rendered)
    for outcome in pdfs.outcomes():
        events.on_done(outcome)
        yield outcome


def _other(project: Project, stale: Stale, checked: dict) -> tuple[str, Report, Common] | None:
    """The target's force in its other language, if it has one and it passed its checks."""
    return other_language(project, stale.target, checked)


def other_language(
    project: Project, target: Target, checked: dict
) -> tuple[str, Report, Common] | None:
    """A target's force in its other language (language, report, common data), if it has one
    and it passed its checks; `checked` as check_reports gives it."""
    others = [code for code in project.languages(target.slug) if code != target.language]
    if not others:
        return None
    edition = checked.get((target.slug, others[0]))
    return None if edition is None or isinstance(edition, list) else (others[0], *edition)


def _render_checked(
    project: Project,
    stale: Stale,
    options: BuildOptions,
    checked: tuple[Report, Common] | list,
    other: tuple[str, Report, Common] | None = None,
) -> Rendered | Outcome:
    """A checked target rendered, or the outcome of one that failed its checks or its render."""

    if isinstance(checked, list):
        return _failed_checks(stale.target, checked)
    try:
        return render_target(project, stale, options, *checked, other)
    except RenderError as error:  # A template's mistake: shown as FILE:LINE like the others.
        if error.template is None:
            return failed_outcome(stale.target, error)
        return _failed_checks(stale.target, [template_problem(project, error)])
    except Exception as error:
        return failed_outcome(stale.target, error)


class _PdfsHere:
    """Makes each PDF in this process, one after another, once every target is rendered."""

    def __init__(self, project: Project, options: BuildOptions, events: Events, maker: PdfMaker):
        self.project, self.options, self.events, self.maker = project, options, events, maker
        self.pending: list[Rendered] = []

    def add(self, rendered: Rendered) -> None:
        self.pending.append(rendered)

    def outcomes(self) -> Iterator[Outcome]:
        for rendered in self.pending:
            self.events.on_start(rendered.target)
            made = make_pdf_in_worker(
                self.project, rendered.target, rendered.pdf_html, self.options, self.maker
            )
            yield _written(self.project, rendered, made, self.options)


class _PdfsInWorkers:
    """Sends each rendered target to the pool at once; writes each PDF here as it comes back."""

    def __init__(
        self,
        project: Project,
        options: BuildOptions,
        pool: WorkerPool,
        events: Events,
        maker: PdfMaker,
    ):
        self.project, self.options, self.pool, self.events = project, options, pool, events
        self.maker = maker
        self.running: dict[Future, Rendered] = {}
        self.queue: list[Rendered] = []  # in the order they were sent, for on_start

    def add(self, rendered: Rendered) -> None:
        made = self.pool.submit(
            make_pdf_in_worker,
            self.project,
            rendered.target,
            rendered.pdf_html,
            self.options,
            self.maker,
        )
        self.running[made] = rendered
        self.queue.append(rendered)
        if len(self.queue) <= self.pool.workers:
            self.events.on_start(rendered.target)

    def outcomes(self) -> Iterator[Outcome]:
        started = min(self.pool.workers, len(self.queue))
        while self.running:
            done, _ = wait(self.running, return_when=FIRST_COMPLETED)
            for future in done:
                rendered = self.running.pop(future)
                try:
                    outcome = _written(self.project, rendered, future.result(), self.options)
                except Exception as error:
                    outcome = Outcome(
                        rendered.target, "failed", reason=f"the worker process stopped ({error})"
                    )
                if started < len(self.queue):
                    self.events.on_start(self.queue[started].target)
                    started += 1
                yield outcome


def _failed_checks(target: Target, problems: list[Problem]) -> Outcome:
    return Outcome(
        target, "failed", reason=f"{len(problems)} problem(s) found; not built", problems=problems
    )


# After the build: pages to look at.


def preview_pages(project: Project, target: Target) -> list[Path]:
    """Render a built target's PDF pages as PNG images with poppler's pdftoppm, to look at.

    pdftoppm writes into a private temporary folder; the pages are then written into
    build/FORCE/preview/ the way every output is (never through a link), and recorded there.
    """

    pdf = output_paths(project, target)[target.pdf_suffix]
    if shutil.which("pdftoppm") is None:
        raise NcpiError("--png needs pdftoppm: install Debian's poppler-utils")
    prefix = target.preview_prefix
    with tempfile.TemporaryDirectory(prefix="ncpi-preview-") as private:
        done = subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(pdf), str(Path(private) / prefix)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise NcpiError(f"pdftoppm failed: {done.stderr.strip()}")
        pages = {
            path.name: path.read_bytes() for path in sorted(Path(private).glob(f"{prefix}-*.png"))
        }
    return write_preview(project, target.slug, pages, prefix)
