"""`ncpi export FORCE --docx`: the report as a Word document, for a force's factual accuracy
check; with `--from`, what changed since an earlier version as Word's tracked changes.

The document is made from the report's HTML as a build renders it (render/word.py), and
written beside the documents as build/FORCE/FORCE-report.docx, with a build record that
`clean` reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ncpi.build.incremental import current_inputs, manifest_text
from ncpi.build.outputs import write_outputs
from ncpi.build.pipeline import render_edition
from ncpi.build.targets import WORD, BuildOptions, Target, manifest_path, output_paths
from ncpi.check.validate import check_earlier, check_project
from ncpi.commands.diff import earlier_version
from ncpi.errors import ValidationFailed
from ncpi.project import Project
from ncpi.render.documents import document_context
from ncpi.render.word import document_items, word_document


@dataclass(frozen=True)
class Exported:
    """What `ncpi export` wrote, and how many revisions it marks (0 without --from)."""

    path: Path
    revisions: int


def export_word(project: Project, slug: str, since: str | None = None) -> Exported:
    """Write build/FORCE/FORCE-report.docx; with `since`, its changes as tracked revisions."""
    checked = check_project(project, [slug])
    verdict = checked.verdict(slug)
    if verdict.edition is None:
        raise ValidationFailed(verdict.problems or checked.errors)
    report, common = verdict.edition
    document = Target(slug, "report")
    items = document_items(render_edition(project, document, report, common)["report.html"])
    earlier = None
    if since is not None:
        raw, shown = earlier_version(project, slug, since)
        old, problems = check_earlier(raw, shown, slug, common)
        if old is None:
            raise ValidationFailed([p for p in problems if p.severity == "error"])
        earlier = document_items(render_edition(project, document, old, common)["report.html"])
    context = document_context(report, common, "en", project.templates_dir)
    # Dated by the report's own data, so that the same report gives the same bytes.
    date = f"{context['modified']}T00:00:00Z"
    author = context["inspectorate"].name
    data, revisions = word_document(items, context["title"], author, date, earlier)
    target = Target(slug, WORD)
    inputs = current_inputs(project, target)
    path = output_paths(project, target)["report.docx"]
    write_outputs(project, {path: data})
    options = BuildOptions().as_record() | {"since": since or ""}
    record = manifest_text(inputs, {}, {path: data}, options)
    write_outputs(project, {manifest_path(project, target): record.encode()})
    return Exported(path, revisions)
