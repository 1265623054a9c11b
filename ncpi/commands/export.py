"""`ncpi export FORCE --docx`: the report as a Word document, for a force's factual accuracy
check; with `--from`, what changed since an earlier version as Word's tracked changes.

The document is made from the report's HTML as a build renders it (render/word.py), and
written beside the documents as build/FORCE/FORCE-report.docx (FORCE-report-cy.docx for the
Welsh edition), with a build record that `clean` reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ncpi.build.incremental import manifest_text
from ncpi.build.inputs import current_inputs
from ncpi.build.outputs import write_outputs
from ncpi.build.pipeline import render_edition
from ncpi.build.targets import WORD, BuildOptions, Target, manifest_path, output_paths
from ncpi.commands.diff import current_edition, earlier_edition
from ncpi.project import Project
from ncpi.render.documents import document_context
from ncpi.render.templating import translator
from ncpi.render.word import WordDocument, document_items, word_document


@dataclass(frozen=True)
class Exported:
    """What `ncpi export` wrote, and how many revisions it marks (0 without --from)."""

    path: Path
    revisions: int


def export_word(
    project: Project, slug: str, since: str | None = None, language: str = "en"
) -> Exported:
    """Write build/FORCE/FORCE-report.docx (-cy.docx in Welsh); with `since`, its changes as
    tracked revisions."""
    report, common = current_edition(project, slug, language)
    document = Target(slug, "report", language)
    items = document_items(render_edition(project, document, report, common)["report.html"])
    earlier = None
    if since is not None:
        old = earlier_edition(project, slug, since, language)
        earlier = document_items(render_edition(project, document, old, common)["report.html"])
    context = document_context(report, common, language, project.templates_dir)
    # Dated by the report's own data, so that the same report gives the same bytes.
    date = f"{context['modified']}T00:00:00Z"
    words = WordDocument(
        title=context["title"],
        author=context["inspectorate"].name,
        language=context["lang"],
        page_of_pages=translator(project.templates_dir, language)("Page %(page)s of %(pages)s"),
    )
    data, revisions = word_document(items, words, date, earlier)
    target = Target(slug, WORD, language)
    inputs = current_inputs(project, target)
    path = output_paths(project, target)["report.docx"]
    write_outputs(project, {path: data})
    options = BuildOptions().as_record() | {"since": since or ""}
    record = manifest_text(inputs, {}, {path: data}, options)
    write_outputs(project, {manifest_path(project, target): record.encode()})
    return Exported(path, revisions)
