"""`ncpi diff`: a redline of a force's report (or press release) against an earlier version.

The earlier version is a git revision of the project (`--from HEAD~3`, `--from v1-draft`) or a
path to an earlier copy of the report's YAML file. Both versions are checked and rendered as a
build renders them, in English or in Welsh, and compared as a reader sees them
(render/redline.py), so that a derived sentence that changed shows too. The redline is written
beside the documents, as HTML and PDF (build/FORCE/FORCE-report-changes.*, -cy for the Welsh),
with a build record that `clean` reads.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ncpi.build.incremental import manifest_text
from ncpi.build.inputs import current_inputs
from ncpi.build.outputs import write_outputs
from ncpi.build.pipeline import render_edition
from ncpi.build.targets import (
    CHANGES,
    CHANGES_HTML,
    BuildOptions,
    Target,
    manifest_path,
    output_paths,
)
from ncpi.build.workers import make_pdf
from ncpi.check.loading import MAX_FILE_BYTES
from ncpi.check.validate import check_earlier, check_project
from ncpi.errors import NcpiError, ValidationFailed
from ncpi.model import Common, Report
from ncpi.project import Project
from ncpi.reading import UnsafeInput, read_bounded
from ncpi.registry import forces
from ncpi.render.documents import document_context, render_template
from ncpi.render.redline import REDLINE_MARKS, redline
from ncpi.render.templating import translator

#: How long `git show` may take to give an earlier version.
GIT_SECONDS = 30


@dataclass(frozen=True)
class Changes:
    """What `ncpi diff` wrote, and how many changes in how many sections."""

    paths: list[Path]
    changes: int
    sections: int


def current_edition(project: Project, slug: str, language: str = "en") -> tuple[Report, Common]:
    """The force's report in one language as it is now, checked: or the problems that stop it."""
    if language not in project.languages(slug):
        force = forces().get(slug)
        if force is not None and not force.is_welsh:
            raise NcpiError(f"{force.name} is not a Welsh force: its documents are in English only")
        welsh = project.display(project.welsh_path(slug))
        raise NcpiError(
            f"{slug} has no Welsh edition yet: {welsh} does not exist "
            f"(`ncpi new {slug} --welsh` starts it)"
        )
    checked = check_project(project, [slug])
    verdict = checked.verdict(slug, language)
    if verdict.edition is None:
        raise ValidationFailed(verdict.problems or checked.errors)
    return verdict.edition


def earlier_edition(project: Project, slug: str, since: str, language: str = "en") -> Report:
    """The force's report in one language as it was at `since`, checked as its files were."""
    english, welsh = earlier_files(project, slug, since, language)
    common = check_project(project, [slug]).common
    earlier, problems = check_earlier(*english, slug, common, welsh)
    if earlier is None:
        raise ValidationFailed([p for p in problems if p.severity == "error"])
    return earlier


def earlier_files(
    project: Project, slug: str, since: str, language: str = "en"
) -> tuple[tuple[bytes, str], tuple[bytes, str] | None]:
    """The report's files as they were, each with how the messages name it: its English, and
    its Welsh for the Welsh edition.

    From git, both as they were at the revision `since`. From a file, `since` is the earlier
    copy of the edition's own file; a Welsh copy (FORCE.cy.yaml) takes its English from the
    copy beside it (FORCE.yaml) if there is one, else from the English as it is now.
    """
    path = Path(since)
    if path.is_file():
        if language == "en":
            return _earlier_file(path, since), None
        english = path.with_name(path.name.removesuffix(".cy.yaml") + ".yaml")
        if english == path or not english.is_file():
            english = project.report_path(slug)
        return _earlier_file(english, project.display(english)), _earlier_file(path, since)
    welsh = _from_git(project, since, project.welsh_path(slug)) if language == "cy" else None
    return _from_git(project, since, project.report_path(slug)), welsh


def _earlier_file(path: Path, shown: str) -> tuple[bytes, str]:
    """A file's bytes, bounded as every input is, and how the messages name it."""
    try:
        return read_bounded(path, limit=MAX_FILE_BYTES, within=[path.resolve().parent]), shown
    except (OSError, UnsafeInput) as error:
        raise NcpiError(f"cannot read {shown}: {error}") from error


def _from_git(project: Project, since: str, path: Path) -> tuple[bytes, str]:
    """A project file as it was at the git revision `since`, and how the messages name it."""
    relative = path.relative_to(project.root).as_posix()
    name = f"{since}:./{relative}"
    size = _git(project, since, relative, "cat-file", "-s", name)
    if int(size or b"0") > MAX_FILE_BYTES:  # Bounded, as every input: asked before it is read.
        raise NcpiError(f"{since}:{relative} is larger than {MAX_FILE_BYTES:,} bytes")
    return _git(project, since, relative, "show", name), f"{since}:{relative}"


def _git(project: Project, since: str, relative: str, *args: str) -> bytes:
    """What a git command prints in the project, or an error that says what was asked."""
    if since.startswith("-"):  # Never an option of git's.
        raise NcpiError(f"'{since}' is neither a file nor a git revision")
    try:
        done = subprocess.run(
            ["git", "-C", str(project.root), *args],
            capture_output=True,
            timeout=GIT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NcpiError(f"cannot ask git for {since}:{relative} ({error})") from error
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NcpiError(
            f"'{since}' is neither a file nor a git revision that has {relative}"
            + (f" (git: {said[-1]})" if said else "")
        )
    return done.stdout


def build_changes(
    project: Project,
    slug: str,
    since: str,
    kind: str = "report",
    options: BuildOptions = BuildOptions(),
    pdf_maker=None,
    language: str = "en",
) -> Changes:
    """Write the redline of the force's report (or press release) since an earlier version,
    in one of its languages."""
    report, common = current_edition(project, slug, language)
    earlier = earlier_edition(project, slug, since, language)
    document = Target(slug, kind, language)
    old = render_edition(project, document, earlier, common)[f"{kind}.html"]
    new = render_edition(project, document, report, common)[f"{kind}.html"]
    gettext = translator(project.templates_dir, language)
    sections = redline(old, new, {mark: gettext(word) for mark, word in REDLINE_MARKS.items()})
    changed = [section for section in sections if section.changes]
    context = document_context(report, common, language, project.templates_dir)
    context |= {
        "changes_of": kind,
        "since": since,
        "sections": sections,
        "changed_sections": changed,
        "change_count": sum(len(section.changes) for section in changed),
    }
    target = Target(slug, CHANGES[kind], language)
    inputs = current_inputs(project, target)
    html = render_template(CHANGES_HTML, context, project.templates_dir)
    pdf, served = (pdf_maker or make_pdf)(project, html, options)
    paths = output_paths(project, target)
    outputs = {paths[f"{target.kind}.html"]: html.encode("utf-8"), paths[target.pdf_suffix]: pdf}
    written = write_outputs(project, outputs)
    record = manifest_text(inputs, served, outputs, options.as_record() | {"since": since})
    write_outputs(project, {manifest_path(project, target): record.encode()})
    return Changes(written, context["change_count"], len(changed))
