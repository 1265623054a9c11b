"""`ncpi diff`: a redline of a force's report (or press release) against an earlier version.

The earlier version is a git revision of the project (`--from HEAD~3`, `--from v1-draft`) or a
path to an earlier copy of the report's YAML file. Both versions are checked and rendered as a
build renders them, and compared as a reader sees them (render/redline.py), so that a derived
sentence that changed shows too. The redline is written beside the documents, as HTML and PDF
(build/FORCE/FORCE-report-changes.*), with a build record that `clean` reads.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ncpi.build.incremental import current_inputs, manifest_text
from ncpi.build.outputs import write_outputs
from ncpi.build.pipeline import make_pdf, render_edition
from ncpi.build.targets import (
    CHANGES,
    CHANGES_HTML,
    BuildOptions,
    Target,
    manifest_path,
    output_paths,
)
from ncpi.check.loading import MAX_FILE_BYTES
from ncpi.check.validate import check_earlier, check_project
from ncpi.errors import NcpiError, ValidationFailed
from ncpi.project import Project
from ncpi.reading import UnsafeInput, read_bounded
from ncpi.render.documents import document_context, render_template
from ncpi.render.redline import redline

#: How long `git show` may take to give an earlier version.
GIT_SECONDS = 30


@dataclass(frozen=True)
class Changes:
    """What `ncpi diff` wrote, and how many changes in how many sections."""

    paths: list[Path]
    changes: int
    sections: int


def earlier_version(project: Project, slug: str, since: str) -> tuple[bytes, str]:
    """The report's YAML as it was: from a file, if `since` names one, else from git; and how
    the messages name it."""
    path = Path(since)
    if path.is_file():
        try:
            return read_bounded(path, limit=MAX_FILE_BYTES, within=[path.resolve().parent]), since
        except (OSError, UnsafeInput) as error:
            raise NcpiError(f"cannot read {since}: {error}") from error
    relative = project.report_path(slug).relative_to(project.root).as_posix()
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
) -> Changes:
    """Write the redline of the force's report (or press release) since an earlier version."""
    checked = check_project(project, [slug])
    verdict = checked.verdict(slug)
    if verdict.edition is None:
        raise ValidationFailed(verdict.problems or checked.errors)
    report, common = verdict.edition
    raw, shown = earlier_version(project, slug, since)
    earlier, problems = check_earlier(raw, shown, slug, common)
    if earlier is None:
        raise ValidationFailed([p for p in problems if p.severity == "error"])
    document = Target(slug, kind)
    old = render_edition(project, document, earlier, common)[f"{kind}.html"]
    new = render_edition(project, document, report, common)[f"{kind}.html"]
    sections = redline(old, new)
    changed = [section for section in sections if section.changes]
    context = document_context(report, common, "en", project.templates_dir)
    what = "report" if kind == "report" else "press release"
    context |= {
        "changes_title": f"Changes to the {what}: {context['title']}",
        "since": since,
        "sections": sections,
        "changed_sections": changed,
        "change_count": sum(len(section.changes) for section in changed),
    }
    target = Target(slug, CHANGES[kind])
    inputs = current_inputs(project, target)
    html = render_template(CHANGES_HTML, context, project.templates_dir)
    pdf, served = (pdf_maker or make_pdf)(project, html, options)
    paths = output_paths(project, target)
    outputs = {paths[f"{target.kind}.html"]: html.encode("utf-8"), paths[target.pdf_suffix]: pdf}
    written = write_outputs(project, outputs)
    record = manifest_text(inputs, served, outputs, options.as_record() | {"since": since})
    write_outputs(project, {manifest_path(project, target): record.encode()})
    return Changes(written, context["change_count"], len(changed))
