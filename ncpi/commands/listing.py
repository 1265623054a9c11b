"""`ncpi list`: every force of the registry with the state of its report and outputs."""

from __future__ import annotations

import json

from ncpi.build.check_record import Snapshot, rendered_before
from ncpi.build.incremental import built_editions, read_manifest, why_stale
from ncpi.build.targets import KINDS, Target, manifest_path
from ncpi.check.loading import MAX_FILE_BYTES
from ncpi.check.validate import check_project
from ncpi.errors import NcpiError
from ncpi.processes import default_jobs
from ncpi.project import Project
from ncpi.registry import forces


def output_state(project: Project, target: Target) -> str:
    """A target's outputs: "not built", "out of date" or "up to date" (with its last options)."""
    if not manifest_path(project, target).is_file():
        return "not built"
    record = read_manifest(project, target)
    if record is None:
        return "out of date"
    # Up to date with the options it was last built with.
    return "up to date" if why_stale(project, target, record["options"]) is None else "out of date"


def force_rows(project: Project) -> list[dict]:
    """One row per registry force, in registry order."""
    have = set(project.report_slugs())
    named = sorted(have & set(forces()))
    # As validate's dry run: not again what a build or a validation rendered from these files.
    rendered = built_editions(project, named) | rendered_before(project, named, Snapshot(project))
    checked = (
        check_project(project, named, rendered=rendered, jobs=default_jobs()) if have else None
    )
    rows = []
    for slug, force in forces().items():
        row = {
            "slug": slug,
            "name": force.name,
            "region": force.region,
            "report": slug in have,
            "status": None,
            "valid": None,
            "errors": None,
            "outputs": None,
            # For a Welsh force: its Welsh edition's state ("missing", "not built", …).
            "welsh": None,
        }
        if slug in have and checked is not None:  # checked whenever a report exists
            errors = checked.verdict(slug).problems
            report = checked.reports.get(slug)
            row.update(
                status=report.status if report else _status_from_text(project, slug),
                valid=not errors,
                errors=len(errors),
                outputs={kind: output_state(project, Target(slug, kind)) for kind in KINDS},
                welsh=_welsh_state(project, slug) if force.is_welsh else None,
            )
        rows.append(row)
    return rows


def _welsh_state(project: Project, slug: str) -> str:
    """Whether a Welsh force's Welsh edition exists, and if so whether it is up to date."""
    if not project.welsh_path(slug).is_file():
        return "missing"
    states = {output_state(project, Target(slug, kind, "cy")) for kind in KINDS}
    return states.pop() if len(states) == 1 else "out of date"


def _status_from_text(project: Project, slug: str) -> str | None:
    # An invalid report still usually says whether it is a draft; read just that line.

    try:
        text = project.read_input(project.report_path(slug), MAX_FILE_BYTES).decode("utf-8")
        for line in text.splitlines():
            if line.startswith("status:"):
                value = line.split(":", 1)[1].split("#")[0].strip()
                return value if value in ("draft", "final") else None
    except (OSError, UnicodeDecodeError, NcpiError):
        return None
    return "final"  # The schema's default.


def _outputs_cell(outputs: dict | None) -> str:
    if outputs is None:
        return "–"
    states = set(outputs.values())
    if len(states) == 1:
        return states.pop()
    return ", ".join(f"{kind}: {state}" for kind, state in outputs.items())


def rows_as_table(rows: list[dict]) -> str:
    """The rows as an aligned text table, with a count at the end."""
    header = ("Slug", "Force", "Region", "Report", "Status", "Valid", "Outputs")
    cells = [header]
    for row in rows:
        valid = (
            "–"
            if row["valid"] is None
            else ("yes" if row["valid"] else f"no ({row['errors']} error(s))")
        )
        cells.append(
            (
                row["slug"],
                row["name"],
                row["region"],
                "yes" if row["report"] else "–",
                row["status"] or "–",
                valid,
                _outputs_cell(row["outputs"])
                + (f"; Welsh: {row['welsh']}" if row["welsh"] is not None else ""),
            )
        )
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    with_reports = sum(1 for row in rows if row["report"])
    lines.append(f"\n{len(rows)} forces, {with_reports} with a report.")
    return "\n".join(lines)


def rows_as_json(rows: list[dict]) -> str:
    """The rows as JSON, for tools."""
    return json.dumps(rows, indent=2, ensure_ascii=False)
