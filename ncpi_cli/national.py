"""`ncpi national`: every force's checked report together, as a national overview, open data
and the site's index page.

The overview (build/national/, tagged PDF and HTML) counts the recommendations by area,
timescale and progress, sets each force's revisit against the six-month aim and totals the case
audits by grading scale. The data (build/data/) is one row per recommendation and per force,
as RFC 4180 CSV with CSV on the Web metadata beside it, and as JSON. build/index.html links
every document. Only what is computed here is in them: nothing is written twice by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ncpi_cli.model import AREAS, GRADES, PROGRESS_STATUSES, TIMESCALES, grade_scale
from ncpi_cli.registry import Force, forces
from ncpi_cli.rules import REVISIT_AIM_DAYS
from ncpi_cli.targets import BuildOptions, Target

if TYPE_CHECKING:
    from ncpi_cli.model import Common, Report
    from ncpi_cli.problems import Problem
    from ncpi_cli.project import Project

NATIONAL_FOLDER = "national"
DATA_FOLDER = "data"
INDEX = "index.html"
OVERVIEW = "national-overview"
NATIONAL_HTML = "national.html.j2"
INDEX_HTML = "index.html.j2"
MANIFEST = ".manifest-national.json"


@dataclass(frozen=True)
class Entry:
    """One force in the national picture: its registry entry and its checked report."""

    slug: str
    force: Force
    report: Report

    @property
    def revisit_days(self) -> int:
        """Days from the original report's publication to the follow-up's fieldwork."""
        return (self.report.reinspection.fieldwork.start - self.report.inspection.published).days


@dataclass
class National:
    """What `ncpi national` read: the reports that passed, those left out, and why."""

    entries: list[Entry]
    common: Common | None
    left_out: dict[str, list[Problem]] = field(default_factory=dict)


def read_national(project: Project) -> National:
    """Every report, checked as `validate` checks it; an invalid one is left out, with why."""
    from ncpi_cli.checking import check_project

    checked = check_project(project, dry_run=False)
    registry = forces()
    entries = [
        Entry(slug, registry[slug], checked.reports[slug])
        for slug in registry
        if slug in checked.reports
    ]
    left_out: dict[str, list] = {}
    for slug in project.report_slugs():
        if slug not in checked.reports:
            shown = {
                project.display(project.report_path(slug)),
                project.display(project.common_path),
            }
            left_out[slug] = [p for p in checked.errors if p.file in shown]
    return National(entries, checked.common, left_out)


# The numbers.


def _months(days: int) -> str:
    """Days as months to one decimal place, as people compare them with 'six months'."""
    return f"{days / (365.25 / 12):.1f}"


def national_context(national: National, links: dict[str, dict[str, str]]) -> dict:
    """Everything the overview's template sees, computed from the reports."""
    from markupsafe import Markup

    from ncpi_cli.render import CONTENTS_MARK, bar_chart
    from ncpi_cli.templating import date_range

    entries = national.entries
    common = national.common
    recommendations = [
        (entry, rec) for entry in entries for rec in entry.report.inspection.recommendations
    ]
    progress = {
        (entry.slug, p.recommendation): p.status
        for entry in entries
        for p in entry.report.reinspection.progress
    }
    total = len(recommendations)

    def counted_rows(labels: dict[str, str], key) -> list[tuple[str, int, int]]:
        counts = dict.fromkeys(labels, 0)
        for entry, rec in recommendations:
            counts[key(entry, rec)] += 1
        return [
            (labels[name], count, round(100 * count / total) if total else 0)
            for name, count in counts.items()
        ]

    by_area = counted_rows(AREAS, lambda entry, rec: rec.area)
    by_timescale = counted_rows(
        {t: t[:1].upper() + t[1:] for t in TIMESCALES}, lambda entry, rec: rec.timescale
    )
    by_status = counted_rows(
        PROGRESS_STATUSES, lambda entry, rec: progress.get((entry.slug, rec.id), "not started")
    )
    revisits = sorted(entries, key=lambda entry: (-entry.revisit_days, entry.force.name))
    audits: dict[tuple[str, ...], dict] = {}
    for entry in entries:
        audit = entry.report.case_audit
        if audit is None:
            continue
        scale = grade_scale(entry.report.reinspection.fieldwork.start)
        totals = audits.setdefault(
            scale, {"forces": 0, "cases": 0, "grades": dict.fromkeys(scale, 0)}
        )
        totals["forces"] += 1
        totals["cases"] += audit.cases
        for grade, count in audit.grades.items():
            totals["grades"][grade] = totals["grades"].get(grade, 0) + count
    published = [entry.report.reinspection.published for entry in entries]
    latest = max(published, default=dt.date.today())
    inspectorates = []
    for day in sorted(published):
        named = common.inspectorate_on(day)
        if named not in inspectorates:
            inspectorates.append(named)
    return {
        "entries": entries,
        "links": links,
        "total": total,
        "first": min(published, default=None),
        "last": max(published, default=None),
        "inspectorate": common.inspectorate_on(latest),
        "inspectorates": inspectorates,
        "published": latest,
        "modified": latest.isoformat(),
        "draft": False,
        "language": "en",
        "lang": "en-GB",
        "title": "National Child Protection Inspection: the national picture",
        "by_area": by_area,
        "by_timescale": by_timescale,
        "by_status": by_status,
        "area_chart": bar_chart(
            [(label, count) for label, count, _ in by_area], width=640, label_width=330
        ),
        "status_chart": bar_chart(
            [(label, count) for label, count, _ in by_status], width=640, label_width=330
        ),
        "revisits": revisits,
        "aim_days": REVISIT_AIM_DAYS,
        "late": [entry for entry in entries if entry.revisit_days > REVISIT_AIM_DAYS],
        "timescale_chart": bar_chart(
            [(label, count) for label, count, _ in by_timescale], width=640, label_width=330
        ),
        "revisit_rows": [(entry.force.name, entry.revisit_days) for entry in revisits],
        "contents_list": Markup(CONTENTS_MARK),
        "revisit_chart": bar_chart(
            [(entry.force.name, entry.revisit_days) for entry in revisits],
            width=640,
            label_width=330,
        ),
        "months": _months,
        "audits": [
            (
                "four grades (2014–15)" if len(scale) == 4 else "three grades (from 2016)",
                [GRADES[grade] for grade in scale],
                totals,
            )
            for scale, totals in sorted(audits.items(), key=lambda item: -len(item[0]))
        ],
        "grades": GRADES,
        "statuses": PROGRESS_STATUSES,
        "progress_of": lambda entry: _progress_summary(entry),
        "date_range": date_range,
    }


def _progress_summary(entry: Entry) -> str:
    """'2 met, 1 in progress': a force's recommendations by progress, best first."""
    counts: dict[str, int] = {}
    for assessment in entry.report.reinspection.progress:
        counts[assessment.status] = counts.get(assessment.status, 0) + 1
    return ", ".join(
        f"{counts[status]} {status}" for status in reversed(PROGRESS_STATUSES) if status in counts
    )


# The open data.

#: The columns of recommendations.csv: name, title, CSVW datatype, what it is.
RECOMMENDATION_COLUMNS = (
    ("force_slug", "Force id", "string", "The force's id, as in ncpi's registry."),
    ("force_name", "Force", "string", "The force's official name."),
    ("recommendation_id", "Recommendation id", "string", "The id the report gives it."),
    ("area", "Area", "string", "The area of the child's journey it concerns."),
    ("timescale", "Timescale", "string", "When the force was to act."),
    ("text", "Recommendation", "string", "What the force should do."),
    ("status", "Progress", "string", "Progress at the follow-up, on ncpi's scale."),
    ("inspection_published", "Inspection published", "date", "The original report's date."),
    ("follow_up_start", "Follow-up fieldwork start", "date", "First day of the follow-up."),
    ("follow_up_published", "Follow-up published", "date", "The follow-up report's date."),
    ("inspectorate", "Inspectorate", "string", "The inspectorate, as named on publication."),
)
#: Columns that may be empty: a follow-up without a case audit.
OPTIONAL_COLUMNS = frozenset({"cases_audited"})
FORCE_COLUMNS = (
    ("force_slug", "Force id", "string", "The force's id, as in ncpi's registry."),
    ("force_name", "Force", "string", "The force's official name."),
    ("region", "Region", "string", "The force's region."),
    ("kind", "Follow-up", "string", "Re-inspection or post-inspection review."),
    ("inspection_published", "Inspection published", "date", "The original report's date."),
    ("follow_up_start", "Follow-up fieldwork start", "date", "First day of the follow-up."),
    ("follow_up_end", "Follow-up fieldwork end", "date", "Last day of the follow-up."),
    ("follow_up_published", "Follow-up published", "date", "The follow-up report's date."),
    ("revisit_days", "Days to revisit", "integer", "From the report to the follow-up."),
    ("recommendations", "Recommendations", "integer", "How many the report made."),
    ("cases_audited", "Cases audited", "integer", "Case files audited; empty if none."),
    ("status", "Status", "string", "draft or final."),
)


def _recommendation_rows(entries: list[Entry], common: Common) -> list[dict]:
    rows = []
    for entry in entries:
        report = entry.report
        status = {p.recommendation: p.status for p in report.reinspection.progress}
        inspectorate = common.inspectorate_on(report.reinspection.published).abbreviation
        for rec in report.inspection.recommendations:
            rows.append(
                {
                    "force_slug": entry.slug,
                    "force_name": entry.force.name,
                    "recommendation_id": rec.id,
                    "area": AREAS[rec.area],
                    "timescale": rec.timescale,
                    "text": " ".join(rec.text.split()),
                    "status": status.get(rec.id, ""),
                    "inspection_published": report.inspection.published.isoformat(),
                    "follow_up_start": report.reinspection.fieldwork.start.isoformat(),
                    "follow_up_published": report.reinspection.published.isoformat(),
                    "inspectorate": inspectorate,
                }
            )
    return rows


def _force_rows(entries: list[Entry]) -> list[dict]:
    return [
        {
            "force_slug": entry.slug,
            "force_name": entry.force.name,
            "region": entry.force.region,
            "kind": entry.report.reinspection.kind,
            "inspection_published": entry.report.inspection.published.isoformat(),
            "follow_up_start": entry.report.reinspection.fieldwork.start.isoformat(),
            "follow_up_end": entry.report.reinspection.fieldwork.end.isoformat(),
            "follow_up_published": entry.report.reinspection.published.isoformat(),
            "revisit_days": str(entry.revisit_days),
            "recommendations": str(len(entry.report.inspection.recommendations)),
            "cases_audited": str(entry.report.case_audit.cases) if entry.report.case_audit else "",
            "status": entry.report.status,
        }
        for entry in entries
    ]


def csv_text(columns, rows: list[dict]) -> bytes:
    """RFC 4180: a header row, CRLF line ends, quotes only where needed; UTF-8, no BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, *_ in columns])
    for row in rows:
        writer.writerow([row[name] for name, *_ in columns])
    return buffer.getvalue().encode("utf-8")


def csvw_metadata(file_name: str, title: str, columns, primary_key: list[str]) -> bytes:
    """The CSV on the Web metadata of a CSV file: its columns, titles, datatypes, primary key."""
    metadata = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": file_name,
        "dc:title": title,
        "dc:publisher": "Made by ncpi from the National Child Protection Inspection reports",
        "dc:license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ","},
        "tableSchema": {
            "columns": [
                {
                    "name": name,
                    "titles": column_title,
                    "datatype": datatype,
                    "dc:description": description,
                    "required": name not in OPTIONAL_COLUMNS,
                }
                for name, column_title, datatype, description in columns
            ],
            "primaryKey": primary_key,
        },
    }
    return (json.dumps(metadata, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def open_data(entries: list[Entry], common: Common) -> dict[str, bytes]:
    """build/data/'s files, by name."""
    recommendations = _recommendation_rows(entries, common)
    force_rows = _force_rows(entries)
    return {
        "recommendations.csv": csv_text(RECOMMENDATION_COLUMNS, recommendations),
        "recommendations.csv-metadata.json": csvw_metadata(
            "recommendations.csv",
            "National Child Protection Inspection: every recommendation and its progress",
            RECOMMENDATION_COLUMNS,
            ["force_slug", "recommendation_id"],
        ),
        "forces.csv": csv_text(FORCE_COLUMNS, force_rows),
        "forces.csv-metadata.json": csvw_metadata(
            "forces.csv",
            "National Child Protection Inspection: every force with a report",
            FORCE_COLUMNS,
            ["force_slug"],
        ),
        "recommendations.json": (
            json.dumps(recommendations, indent=1, ensure_ascii=False) + "\n"
        ).encode("utf-8"),
    }


# The index page.


def _document_state(project: Project, target: Target) -> str:
    from ncpi_cli.listing import _output_state

    return _output_state(project, target)


def index_rows(project: Project, national: National) -> list[dict]:
    """Every force with a report: its documents' links and state (built, draft, out of date)."""
    rows = []
    included = {entry.slug: entry for entry in national.entries}
    for slug in project.report_slugs():
        if slug not in forces():
            continue
        entry = included.get(slug)
        documents = {}
        for kind in ("report", "press-release"):
            target = Target(slug, kind)
            state = _document_state(project, target)
            name = target.output_names[f"{kind}.html"]
            documents[kind] = {"href": f"{slug}/{name}", "state": state}
        if entry is None:
            state = "does not validate"
        elif entry.report.status == "draft":
            state = "draft"
        elif any(d["state"] != "up to date" for d in documents.values()):
            state = (
                "out of date"
                if any(d["state"] == "out of date" for d in documents.values())
                else "not built"
            )
        else:
            state = "built"
        rows.append({"slug": slug, "name": forces()[slug].name, "state": state, **documents})
    return rows


# Building it: incremental, as `build` is.


def _inputs_digest(project: Project, options: BuildOptions) -> str:
    """One SHA-256 of everything the overview and the data are made from."""
    from ncpi_cli.incremental import code_fingerprint, file_hash, input_folders, template_closure

    within = input_folders(project)
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(json.dumps(options.as_record(), sort_keys=True).encode())
    files = [project.common_path, *(project.report_path(s) for s in project.report_slugs())]
    for path in files:
        digest.update(f"{path}\0{file_hash(path, within)}\n".encode())
    closure = template_closure(project, "national") or {}
    for name, path in sorted(closure.items()):
        digest.update(f"{name}\0{path}\0{file_hash(path, within)}\n".encode())
    return digest.hexdigest()


@dataclass
class NationalOutcome:
    """What `ncpi national` did."""

    state: str  # "built" or "up to date"
    paths: list[Path]
    left_out: dict[str, list]
    entries: list[Entry]
    seconds: float = 0.0


def national_paths(project: Project) -> dict[str, Path]:
    """Where the overview and the data go."""
    national = project.build_dir / NATIONAL_FOLDER
    data = project.build_dir / DATA_FOLDER
    return {
        "html": national / f"{OVERVIEW}.html",
        "pdf": national / f"{OVERVIEW}.pdf",
        **{
            name: data / name
            for name in (
                "recommendations.csv",
                "recommendations.csv-metadata.json",
                "forces.csv",
                "forces.csv-metadata.json",
                "recommendations.json",
            )
        },
    }


def _recorded(project: Project) -> dict | None:
    from ncpi_cli.incremental import MAX_MANIFEST_BYTES
    from ncpi_cli.reading import UnsafeInput

    try:
        path = project.build_dir / NATIONAL_FOLDER / MANIFEST
        record = json.loads(project.read_input(path, MAX_MANIFEST_BYTES).decode("utf-8"))
    except (OSError, UnsafeInput, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _up_to_date(project: Project, digest: str) -> bool:
    from ncpi_cli.incremental import file_hash

    record = _recorded(project)
    if record is None or record.get("inputs") != digest:
        return False
    outputs = record.get("outputs")
    if not isinstance(outputs, dict):
        return False
    return all(
        outputs.get(path.name) == file_hash(path, [project.build_dir])
        for path in national_paths(project).values()
    )


def build_national(
    project: Project, options: BuildOptions = BuildOptions(), *, rebuild: bool = False
) -> NationalOutcome:
    """Write the overview, the data and the index; the overview and data only when stale."""
    import time

    started = time.perf_counter()
    digest = _inputs_digest(project, options)
    national = read_national(project)
    if national.common is None:
        from ncpi_cli.errors import ValidationFailed

        raise ValidationFailed(national.left_out.get("", []) or _common_problems(project))
    written = []
    state = "up to date"
    if rebuild or not _up_to_date(project, digest):
        written += _write_overview_and_data(project, national, options, digest)
        state = "built"
    written += _write_index(project, national)
    return NationalOutcome(
        state, written, national.left_out, national.entries, time.perf_counter() - started
    )


def _common_problems(project: Project) -> list:
    from ncpi_cli.checking import check_project

    return check_project(project, [], dry_run=False).errors


def _links(national: National) -> dict[str, dict[str, str]]:
    """Each force's documents, as the overview (in build/national/) links them."""
    links = {}
    for entry in national.entries:
        links[entry.slug] = {
            kind: f"../{entry.slug}/{Target(entry.slug, kind).output_names[kind + '.html']}"
            for kind in ("report", "press-release")
        }
    return links


def _write_overview_and_data(
    project: Project, national: National, options: BuildOptions, digest: str
) -> list[Path]:
    from ncpi_cli.build import make_pdf
    from ncpi_cli.outputs import write_outputs
    from ncpi_cli.render import render_template

    context = national_context(national, _links(national))
    html = render_template(NATIONAL_HTML, context, project.templates_dir)
    pdf, _ = make_pdf(project, html, options)
    paths = national_paths(project)
    outputs = {paths["html"]: html.encode("utf-8"), paths["pdf"]: pdf}
    for name, data in open_data(national.entries, national.common).items():
        outputs[paths[name]] = data
    written = write_outputs(project, outputs)
    record = {
        "inputs": digest,
        "outputs": {path.name: hashlib.sha256(data).hexdigest() for path, data in outputs.items()},
    }
    manifest = project.build_dir / NATIONAL_FOLDER / MANIFEST
    write_outputs(
        project, {manifest: (json.dumps(record, indent=1, sort_keys=True) + "\n").encode()}
    )
    return written


def _write_index(project: Project, national: National) -> list[Path]:
    """build/index.html, rewritten only when what it says changes."""
    from ncpi_cli.outputs import write_outputs
    from ncpi_cli.render import render_template

    rows = index_rows(project, national)
    context = {
        **national_context(national, _links(national)),
        "title": "National Child Protection Inspection reports",
        "rows": rows,
        "overview": f"{NATIONAL_FOLDER}/{OVERVIEW}.html",
        "overview_pdf": f"{NATIONAL_FOLDER}/{OVERVIEW}.pdf",
        "data": [
            (f"{DATA_FOLDER}/recommendations.csv", "Every recommendation (CSV)"),
            (
                f"{DATA_FOLDER}/recommendations.csv-metadata.json",
                "Its CSV on the Web metadata (JSON)",
            ),
            (f"{DATA_FOLDER}/forces.csv", "Every force with a report (CSV)"),
            (f"{DATA_FOLDER}/forces.csv-metadata.json", "Its CSV on the Web metadata (JSON)"),
            (f"{DATA_FOLDER}/recommendations.json", "Every recommendation (JSON)"),
        ],
    }
    html = render_template(INDEX_HTML, context, project.templates_dir).encode("utf-8")
    path = project.build_dir / INDEX
    from ncpi_cli.incremental import file_hash

    if path.is_file() and file_hash(path, [project.build_dir]) == hashlib.sha256(html).hexdigest():
        return []
    return write_outputs(project, {path: html})
