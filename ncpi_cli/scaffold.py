"""`ncpi new`: a report file for a force, with what is known filled in and the rest marked TODO."""

from __future__ import annotations

from ncpi_cli.errors import NcpiError
from ncpi_cli.model import AREAS, BLANK_MARKER, PROGRESS_STATUSES, TIMESCALES
from ncpi_cli.outputs import write_new_file
from ncpi_cli.project import Project
from ncpi_cli.registry import forces

#: The template of a new report; a project's templates/ folder may have its own.
NEW_REPORT_TEMPLATE = "new-report.yaml.j2"


def scaffold_text(project: Project, slug: str) -> str:
    """The new report file's text for a registry force."""
    import json

    from ncpi_cli.render import render_template

    def blank(what: str) -> str:
        # JSON's string syntax is YAML's double-quoted one: the blank is valid YAML as written.
        return json.dumps(f"{BLANK_MARKER} {what}", ensure_ascii=False)

    context = {"force": forces()[slug], "areas": list(AREAS), "timescales": list(TIMESCALES),
               "statuses": list(PROGRESS_STATUSES), "blank": blank}
    return render_template(NEW_REPORT_TEMPLATE, context, project.templates_dir)


def new_report(project: Project, name: str):
    """Write reports/FORCE.yaml for a registry force; never overwrite an existing report."""
    from ncpi_cli.project import check_slug

    slug = check_slug(name)
    path = project.report_path(slug)
    if path.exists():
        raise NcpiError(f"{project.display(path)} already exists; ncpi new never overwrites a "
                        "report. Edit it, or delete it first to start again")
    write_new_file(path, scaffold_text(project, slug).encode("utf-8"))
    return path
