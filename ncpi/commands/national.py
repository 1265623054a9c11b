"""`ncpi national`: every force's checked report together, as a national overview, open data
and the site's index page.

The overview (build/national/, tagged PDF and HTML) counts the recommendations by area,
timescale and progress, sets each force's revisit against the six-month aim and totals the case
audits by grading scale. The data (build/data/) is one row per recommendation and per force,
as RFC 4180 CSV with CSV on the Web metadata beside it, and as JSON. build/index.html links
every published document. Only what is computed here is in them: nothing is written twice by
hand.

Only reports published as of a moment (publication.py) are counted: a draft, or a report whose
date or embargo is still to come, is left out and the pages say how many were. With
`include_unpublished` they are counted, marked in the data, and every page is watermarked.
The overview and the data are one target of the build graph (targets.NATIONAL_TARGET), kept
up to date by the same build record as every force's documents.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from ncpi.build.incremental import file_hash, manifest_text, why_stale
from ncpi.build.inputs import current_inputs
from ncpi.build.outputs import write_outputs
from ncpi.build.targets import (
    DATA_FILES,
    DATA_FOLDER,
    NATIONAL_FOLDER,
    NATIONAL_TARGET,
    BuildOptions,
    Target,
    index_path,
    manifest_path,
    output_paths,
    targets_of,
)
from ncpi.build.workers import PdfMaker, make_pdf
from ncpi.check.rules import REVISIT_AIM_DAYS
from ncpi.check.validate import check_project
from ncpi.commands.listing import output_state
from ncpi.errors import ValidationFailed
from ncpi.model import (
    AREAS,
    GRADES,
    INSPECTION_KIND,
    JUDGMENT_GRADES,
    PROGRAMMES,
    PROGRESS_STATUSES,
    TIMESCALES,
    follow_up,
    grade_scale,
    presented,
    programme,
)
from ncpi.publication import in_uk_time, now, why_unpublished
from ncpi.registry import Force, forces
from ncpi.render.documents import CONTENTS_MARK, bar_chart, render_template, report_url
from ncpi.render.languages import IN_ENGLISH
from ncpi.render.typography import typeset

if TYPE_CHECKING:
    from ncpi.model import Common, Report
    from ncpi.problems import Problem
    from ncpi.project import Project

NATIONAL_HTML = "national.html.j2"
INDEX_HTML = "index.html.j2"


@dataclass(frozen=True)
class Entry:
    """One force in the national picture: its registry entry and its checked report."""

    slug: str
    force: Force
    report: Report
    #: Why it is not published as of the overview's moment; counted only when asked to be.
    unpublished: str | None = None

    @property
    def initial(self) -> bool:
        """Whether the report is an initial inspection's own, not a follow-up."""
        return self.report.inspection.kind == INSPECTION_KIND

    @property
    def revisit_days(self) -> int:
        """Days from the original report's publication to the follow-up's fieldwork."""
        return (follow_up(self.report).fieldwork.start - self.report.inspection.published).days


@dataclass
class National:
    """What `ncpi national` read: the reports counted, those left out, and why."""

    entries: list[Entry]
    common: Common
    #: Reports that do not pass their checks, with their problems.
    left_out: dict[str, list[Problem]] = field(default_factory=dict)
    #: Reports not published as of the moment, left out, with why (a draft, a date to come).
    withheld: dict[str, str] = field(default_factory=dict)
    include_unpublished: bool = False
    #: The moment publication is judged at (UK time): SOURCE_DATE_EPOCH or now by default.
    as_of: dt.datetime | None = None

    @property
    def counts_unpublished(self) -> bool:
        """Whether an unpublished report is counted: then no page of it may be published."""
        return any(entry.unpublished for entry in self.entries)


def read_national(
    project: Project, as_of: dt.datetime, *, include_unpublished: bool = False
) -> National:
    """Every report, checked as `validate` checks it: those that pass and are published as of
    `as_of` (all that pass, with `include_unpublished`); the others left out, with why.

    Without valid common data nothing can be counted: its problems are raised.
    """

    checked = check_project(project, dry_run=False)
    if checked.common is None:
        raise ValidationFailed(checked.shared_errors)
    registry = forces()
    national = National(
        [], checked.common, include_unpublished=include_unpublished, as_of=in_uk_time(as_of)
    )
    for slug in project.report_slugs():
        verdict = checked.verdicts[(slug, "en")]
        if slug not in registry or not verdict.passed:
            national.left_out[slug] = verdict.problems
    for slug in registry:
        if slug not in checked.reports or slug in national.left_out:
            continue
        report = checked.reports[slug]
        reason = why_unpublished(report, as_of)
        if reason is not None and not include_unpublished:
            national.withheld[slug] = reason
        else:
            national.entries.append(Entry(slug, registry[slug], report, reason))
    return national


# The numbers.


#: The most bars one chart holds: 15 fit on an A4 page with their caption, whatever is above
#: them; a longer chart is split into parts of this many, each a figure of its own.
BARS_PER_CHART = 15


def chart_parts(rows: list[tuple[str, int]], mark: tuple[int, str] | None = None) -> list[dict]:
    """A chart as figures of at most BARS_PER_CHART bars, on one scale: each its image, its
    rows (for its alt text), which part of how many it is, and any mark drawn across it."""

    most = max(max((count for _, count in rows), default=0), mark[0] if mark else 0) or 1
    chunks = [rows[start : start + BARS_PER_CHART] for start in range(0, len(rows), BARS_PER_CHART)]
    return [
        {
            "src": bar_chart(chunk, width=640, label_width=330, most=most, mark=mark),
            "mark": mark,
            "rows": chunk,
            "part": number,
            "parts": len(chunks),
        }
        for number, chunk in enumerate(chunks or [[]], start=1)
    ]


def _months(days: int) -> str:
    """Days as months to one decimal place, as people compare them with 'six months'."""
    return f"{days / (365.25 / 12):.1f}"


def national_context(national: National, links: dict[str, str]) -> dict:
    """Everything the overview's template sees, computed from the reports."""

    # The follow-ups are counted as they always were; initial inspections apart, by programme.
    everything = national.entries
    entries = [entry for entry in everything if not entry.initial]
    common = typeset(national.common)  # "Her Majesty’s", as the documents write it
    recommendations = [
        (entry, rec) for entry in entries for rec in entry.report.inspection.recommendations
    ]
    progress = {
        (entry.slug, p.recommendation): p.status
        for entry in entries
        for p in follow_up(entry.report).progress
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
    published = [follow_up(entry.report).published for entry in entries]
    # With no report counted, the overview is dated by its moment, never by the clock alone.
    latest = max(
        (presented(entry.report).published for entry in everything),
        default=(national.as_of or in_uk_time(now())).date(),
    )
    # One publisher under the names it had: each name, and the day the next one took over.
    names: list[str] = []
    former: list[tuple[str, dt.date]] = []
    for day in sorted(published):
        named = common.inspectorate_on(day)
        if names and named.name != names[-1]:
            former.append((names[-1], named.since))
        if not names or named.name != names[-1]:
            names.append(named.name)
    return {
        "entries": entries,
        "links": links,
        "total": total,
        "first": min(published, default=None),
        "last": max(published, default=None),
        "inspectorate": common.inspectorate_on(latest),
        "publisher": names[-1] if names else None,
        "former_names": former,
        "published": latest,
        "modified": latest.isoformat(),
        # Counting an unpublished report: every page is watermarked, as a draft's are.
        "draft": national.counts_unpublished,
        "watermark": "Not for publication: counts unpublished reports",
        "withheld": len(national.withheld),
        "unpublished": [entry for entry in entries if entry.unpublished],
        "language": "en",
        "lang": "en-GB",
        "title": "National Child Protection Inspection: the national picture",
        "by_area": by_area,
        "by_timescale": by_timescale,
        "by_status": by_status,
        "area_chart": chart_parts([(label, count) for label, count, _ in by_area]),
        "status_chart": chart_parts([(label, count) for label, count, _ in by_status]),
        "revisits": revisits,
        "aim_days": REVISIT_AIM_DAYS,
        "late": [entry for entry in entries if entry.revisit_days > REVISIT_AIM_DAYS],
        "timescale_chart": chart_parts([(label, count) for label, count, _ in by_timescale]),
        "contents_list": Markup(CONTENTS_MARK),
        "revisit_chart": chart_parts(
            [(entry.force.name, entry.revisit_days) for entry in revisits],
            mark=(REVISIT_AIM_DAYS, "six months"),
        ),
        "months": _months,
        "audits": _audit_totals(entries),
        "grades": GRADES,
        "statuses": PROGRESS_STATUSES,
        "progress_of": lambda entry: _progress_summary(entry),
        "date_range": IN_ENGLISH.date_range,
        "programmes": _programme_summaries([entry for entry in everything if entry.initial]),
        "judgment_grades": JUDGMENT_GRADES,
    }


def _audit_totals(entries: list[Entry]) -> list[tuple[str, list[str], dict]]:
    """The case audits added up within each grading scale (of the audit's own fieldwork), the
    four-grade one first: its name, its grades' labels, and forces, cases and grades."""
    audits: dict[tuple[str, ...], dict] = {}
    for entry in entries:
        audit = entry.report.case_audit
        if audit is None:
            continue
        scale = grade_scale(presented(entry.report).fieldwork.start)
        totals = audits.setdefault(
            scale, {"forces": 0, "cases": 0, "grades": dict.fromkeys(scale, 0)}
        )
        totals["forces"] += 1
        totals["cases"] += audit.cases
        for grade, count in audit.grades.items():
            totals["grades"][grade] = totals["grades"].get(grade, 0) + count
    return [
        (
            "four grades (2014–15)" if len(scale) == 4 else "three grades (from 2016)",
            [GRADES[grade] for grade in scale],
            totals,
        )
        for scale, totals in sorted(audits.items(), key=lambda item: -len(item[0]))
    ]


def _programme_summaries(inspections: list[Entry]) -> list[dict]:
    """The initial inspections counted by programme, each apart, as grading scales are."""
    summaries = []
    for version, areas in PROGRAMMES.items():
        entries = [entry for entry in inspections if programme(entry.report) == version]
        if not entries:
            continue
        judged: dict[str, dict[str, int]] = {}
        for entry in entries:
            for judgment in entry.report.inspection.judgments:
                row = judged.setdefault(judgment.topic, dict.fromkeys(JUDGMENT_GRADES, 0))
                row[judgment.grade] += 1
        first = entries[0].report.inspection
        causes = sum(len(e.report.inspection.causes_of_concern) for e in entries)
        improvements = sum(len(e.report.inspection.areas_for_improvement) for e in entries)
        summaries.append(
            {
                "version": version,
                "entries": sorted(entries, key=lambda entry: entry.force.name),
                "recommendations": sum(len(e.report.inspection.recommendations) for e in entries),
                "causes": causes,
                "improvements": improvements,
                # The 2014 programme's reports made recommendations only: "found no causes of
                # concern" would suggest a finding the method never looked for.
                "concerns_counted": version != "2014" or bool(causes or improvements),
                "first": min(presented(e.report).published for e in entries),
                "last": max(presented(e.report).published for e in entries),
                "judgments": [(areas[topic], judged[topic]) for topic in areas if topic in judged],
                "grade_of": lambda entry, topic: next(
                    (j.grade for j in entry.report.inspection.judgments if j.topic == topic), None
                ),
                "topics": [topic for topic in areas if topic in judged],
                "areas": areas,
                "kind": first.kind,
                "audits": _audit_totals(entries),
            }
        )
    return summaries


def _progress_summary(entry: Entry) -> str:
    """'two met, one in progress': a force's recommendations by progress, best first, counted
    in words to nine as the house writes counts."""
    counts: dict[str, int] = {}
    for assessment in follow_up(entry.report).progress:
        counts[assessment.status] = counts.get(assessment.status, 0) + 1
    return ", ".join(
        f"{IN_ENGLISH.number_words(counts[status])} {status}"
        for status in reversed(PROGRESS_STATUSES)
        if status in counts
    )


# The open data.

#: The columns of recommendations.csv: name, title, CSVW datatype, what it is.
RECOMMENDATION_COLUMNS = (
    ("force_slug", "Force id", "string", "The force's id, as in ncpi's registry."),
    ("force_name", "Force", "string", "The force's official name."),
    ("recommendation_id", "Recommendation id", "string", "The id the report gives it."),
    ("area", "Area code", "string", "The area of the child's journey it concerns, as a code."),
    ("area_title", "Area", "string", "The same area, as the reports title it."),
    ("timescale", "Timescale", "string", "When the force was to act."),
    ("text", "Recommendation", "string", "What the force should do."),
    (
        "progress",
        "Progress",
        "string",
        "Progress at the follow-up, on ncpi's scale; empty for an inspection not yet followed up.",
    ),
    ("inspection_published", "Inspection published", "date", "The original report's date."),
    (
        "follow_up_start",
        "Follow-up fieldwork start",
        "date",
        "First day of the follow-up; empty for an inspection not yet followed up.",
    ),
    (
        "follow_up_published",
        "Follow-up published",
        "date",
        "The follow-up report's date; empty for an inspection not yet followed up.",
    ),
    ("inspectorate", "Inspectorate", "string", "The inspectorate, as named on publication."),
    ("published", "Published", "boolean", "Whether the report was published when this was made."),
)
#: Columns that may be empty: a follow-up without a case audit; the follow-up's columns, for an
#: initial inspection's own report (kind: inspection), which nothing has followed up yet.
OPTIONAL_COLUMNS = frozenset(
    {
        "cases_audited",
        "progress",
        "follow_up_start",
        "follow_up_end",
        "follow_up_published",
        "revisit_days",
    }
)
FORCE_COLUMNS = (
    ("force_slug", "Force id", "string", "The force's id, as in ncpi's registry."),
    ("force_name", "Force", "string", "The force's official name."),
    ("region", "Region", "string", "The force's region."),
    (
        "kind",
        "Report",
        "string",
        "Re-inspection or post-inspection review; inspection for an initial inspection's own.",
    ),
    ("inspection_published", "Inspection published", "date", "The original report's date."),
    ("follow_up_start", "Follow-up fieldwork start", "date", "First day of the follow-up."),
    ("follow_up_end", "Follow-up fieldwork end", "date", "Last day of the follow-up."),
    ("follow_up_published", "Follow-up published", "date", "The follow-up report's date."),
    ("revisit_days", "Days to revisit", "integer", "From the report to the follow-up."),
    ("recommendations", "Recommendations", "integer", "How many the report made."),
    ("cases_audited", "Cases audited", "integer", "Case files audited; empty if none."),
    ("report_status", "Report status", "string", "draft or final."),
    ("published", "Published", "boolean", "Whether the report was published when this was made."),
)


def _recommendation_rows(entries: list[Entry], common: Common) -> list[dict]:
    rows = []
    for entry in entries:
        report = entry.report
        followed = None if entry.initial else follow_up(report)
        status = {p.recommendation: p.status for p in followed.progress} if followed else {}
        inspectorate = common.inspectorate_on(presented(report).published).abbreviation
        areas = PROGRAMMES[programme(report)]
        for rec in report.inspection.recommendations:
            rows.append(
                {
                    "force_slug": entry.slug,
                    "force_name": entry.force.name,
                    "recommendation_id": rec.id,
                    "area": rec.area,
                    "area_title": areas[rec.area],
                    "timescale": rec.timescale,
                    "text": " ".join(rec.text.split()),
                    "progress": status.get(rec.id, ""),
                    "inspection_published": report.inspection.published.isoformat(),
                    "follow_up_start": followed.fieldwork.start.isoformat() if followed else "",
                    "follow_up_published": followed.published.isoformat() if followed else "",
                    "inspectorate": inspectorate,
                    "published": "false" if entry.unpublished else "true",
                }
            )
    return rows


def _follow_up_dates(entry: Entry) -> dict[str, str]:
    """A force row's follow-up columns: empty for an initial inspection's own report."""
    if entry.initial:
        return dict.fromkeys(
            ("follow_up_start", "follow_up_end", "follow_up_published", "revisit_days"), ""
        )
    followed = follow_up(entry.report)
    return {
        "follow_up_start": followed.fieldwork.start.isoformat(),
        "follow_up_end": followed.fieldwork.end.isoformat(),
        "follow_up_published": followed.published.isoformat(),
        "revisit_days": str(entry.revisit_days),
    }


def _force_rows(entries: list[Entry]) -> list[dict]:
    return [
        {
            "force_slug": entry.slug,
            "force_name": entry.force.name,
            "region": entry.force.region,
            "kind": INSPECTION_KIND if entry.initial else follow_up(entry.report).kind,
            "inspection_published": entry.report.inspection.published.isoformat(),
            **_follow_up_dates(entry),
            "recommendations": str(len(entry.report.inspection.recommendations)),
            "cases_audited": str(entry.report.case_audit.cases) if entry.report.case_audit else "",
            "report_status": entry.report.status,
            "published": "false" if entry.unpublished else "true",
        }
        for entry in entries
    ]


_FORCE_KEY = (
    ("force_slug", "Force id", "string", "The force's id, as in ncpi's registry."),
    ("force_name", "Force", "string", "The force's official name."),
)
_PUBLISHED = (
    "published",
    "Published",
    "boolean",
    "Whether the report was published when this was made.",
)
#: judgments.csv: an initial inspection's graded judgment on each topic (from April 2024).
JUDGMENT_COLUMNS = (
    *_FORCE_KEY,
    ("programme", "Programme", "string", "The programme's version: 2024 has graded topics."),
    ("topic", "Topic code", "string", "The topic judged, as a code."),
    ("topic_title", "Topic", "string", "The same topic, as the reports title it."),
    (
        "grade",
        "Grade",
        "string",
        "outstanding, good, adequate, requires improvement or inadequate.",
    ),
    ("inspection_published", "Inspection published", "date", "The inspection report's date."),
    _PUBLISHED,
)
#: causes-of-concern.csv: each cause of concern, with the recommendations that answer it.
CAUSE_COLUMNS = (
    *_FORCE_KEY,
    ("cause_id", "Cause of concern id", "string", "The id the report gives it."),
    ("text", "Cause of concern", "string", "The cause of concern."),
    (
        "recommendations",
        "Recommendations",
        "string",
        "The ids of the recommendations that answer it, separated by spaces (as in "
        "recommendations.csv).",
    ),
    ("inspection_published", "Inspection published", "date", "The inspection report's date."),
    _PUBLISHED,
)
#: areas-for-improvement.csv: each area for improvement.
IMPROVEMENT_COLUMNS = (
    *_FORCE_KEY,
    ("improvement_id", "Area for improvement id", "string", "The id the report gives it."),
    ("area", "Area code", "string", "The topic (or area) it concerns, as a code."),
    ("area_title", "Area", "string", "The same, as the reports title it."),
    ("text", "Area for improvement", "string", "What the force should improve."),
    ("inspection_published", "Inspection published", "date", "The inspection report's date."),
    _PUBLISHED,
)


def _inspection_rows(entries: list[Entry]) -> dict[str, list[dict]]:
    """The rows of judgments.csv, causes-of-concern.csv and areas-for-improvement.csv."""
    judgments: list[dict] = []
    causes: list[dict] = []
    improvements: list[dict] = []
    for entry in entries:
        first = entry.report.inspection
        areas = PROGRAMMES[programme(entry.report)]
        common = {
            "force_slug": entry.slug,
            "force_name": entry.force.name,
            "inspection_published": first.published.isoformat(),
            "published": "false" if entry.unpublished else "true",
        }
        judgments += [
            {
                **common,
                "programme": programme(entry.report),
                "topic": j.topic,
                "topic_title": areas.get(j.topic, j.topic),
                "grade": j.grade,
            }
            for j in first.judgments
        ]
        causes += [
            {
                **common,
                "cause_id": cause.id,
                "text": " ".join(cause.text.split()),
                "recommendations": " ".join(cause.recommendations),
            }
            for cause in first.causes_of_concern
        ]
        improvements += [
            {
                **common,
                "improvement_id": item.id,
                "area": item.area,
                "area_title": areas.get(item.area, item.area),
                "text": " ".join(item.text.split()),
            }
            for item in first.areas_for_improvement
        ]
    return {
        "judgments.csv": judgments,
        "causes-of-concern.csv": causes,
        "areas-for-improvement.csv": improvements,
    }


#: What a spreadsheet takes for the start of a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Said in the CSV on the Web metadata, so a reader of the data knows what the ' means.
FORMULA_NOTE = (
    "A text value that begins with =, +, -, @, a tab or a carriage return is written with a "
    "' before it, so that a spreadsheet shows it as text instead of running it as a formula "
    "(OWASP's advice on CSV injection). The JSON has every value exactly."
)


def spreadsheet_safe(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula: one that would begins with '."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_text(columns, rows: list[dict]) -> bytes:
    """RFC 4180: a header row, CRLF line ends, quotes only where needed; UTF-8, no BOM. Text
    cells are made spreadsheet-safe (FORMULA_NOTE)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, *_ in columns])
    for row in rows:
        writer.writerow(
            [
                spreadsheet_safe(row[name]) if datatype == "string" else row[name]
                for name, _, datatype, _ in columns
            ]
        )
    return buffer.getvalue().encode("utf-8")


def csvw_metadata(
    file_name: str, title: str, columns, primary_key: list[str], publisher: str
) -> bytes:
    """The CSV on the Web metadata of a CSV file: its publisher, columns, titles, datatypes,
    primary key."""
    metadata = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": file_name,
        "dc:title": title,
        "dc:publisher": publisher,
        "dc:license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        "dc:description": FORMULA_NOTE,
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


#: Each CSV table of build/data/, by file name: its title, columns and primary key.
DATA_TABLES: dict[str, tuple[str, tuple, list[str]]] = {
    "recommendations.csv": (
        "every recommendation and its progress",
        RECOMMENDATION_COLUMNS,
        ["force_slug", "recommendation_id"],
    ),
    "forces.csv": ("every force with a report", FORCE_COLUMNS, ["force_slug"]),
    "judgments.csv": (
        "every graded judgment of an inspection, by force and topic",
        JUDGMENT_COLUMNS,
        ["force_slug", "topic"],
    ),
    "causes-of-concern.csv": (
        "every cause of concern and the recommendations that answer it",
        CAUSE_COLUMNS,
        ["force_slug", "cause_id"],
    ),
    "areas-for-improvement.csv": (
        "every area for improvement",
        IMPROVEMENT_COLUMNS,
        ["force_slug", "improvement_id"],
    ),
}


def open_data(entries: list[Entry], common: Common) -> dict[str, bytes]:
    """build/data/'s files, by name, in the order targets.DATA_FILES names them."""
    recommendations = _recommendation_rows(entries, common)
    rows = {
        "recommendations.csv": recommendations,
        "forces.csv": _force_rows(entries),
        **_inspection_rows(entries),
    }
    # The inspectorate that published the reports, as it is named on the latest of them.
    latest = max((presented(entry.report).published for entry in entries), default=None)
    named = (
        common.inspectorate_on(latest)
        if latest
        else max(common.inspectorates, key=lambda inspectorate: inspectorate.since)
    )
    files = {}
    for name, (title, columns, key) in DATA_TABLES.items():
        files[name] = csv_text(columns, rows[name])
        files[f"{name}-metadata.json"] = csvw_metadata(
            name, f"National Child Protection Inspection: {title}", columns, key, named.name
        )
    files["recommendations.json"] = (
        json.dumps(
            [{**row, "published": row["published"] == "true"} for row in recommendations],
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    ).encode("utf-8")
    return {name: files[name] for name in DATA_FILES}


# The index page.


def _document_state(project: Project, target: Target) -> str:

    return output_state(project, target)


_LABELS = {
    ("report", "en"): "Report",
    ("press-release", "en"): "Press release",
    ("report", "cy"): "Adroddiad (Cymraeg)",
    ("press-release", "cy"): "Datganiad i’r wasg (Cymraeg)",
}


def index_rows(project: Project, national: National) -> list[dict]:
    """Each force counted: its documents (in each language), each linked only once it exists."""
    rows = []
    for entry in national.entries:
        documents: dict[str, list[dict]] = {"report": [], "press-release": []}
        states = []
        for target in targets_of(entry.slug, project.languages(entry.slug)):
            state = _document_state(project, target)
            states.append(state)
            name = target.output_names[f"{target.kind}.html"]
            built = (project.build_dir / entry.slug / name).is_file()
            documents[target.kind].append(
                {
                    "label": _LABELS[(target.kind, target.language)],
                    "href": f"{entry.slug}/{name}" if built else None,
                    "lang": "cy" if target.language == "cy" else None,
                }
            )
        if entry.unpublished:
            state = f"not published: {entry.unpublished}"
        elif all(s == "up to date" for s in states):
            state = "built"
        elif "out of date" in states:
            state = "out of date"
        else:
            state = "not built"
        rows.append({"slug": entry.slug, "name": entry.force.name, "state": state, **documents})
    return rows


# Building it: one target of the build graph, incremental as `build` is.


@dataclass
class NationalOutcome:
    """What `ncpi national` did."""

    state: str  # "built" or "up to date"
    paths: list[Path]
    left_out: dict[str, list]
    entries: list[Entry]
    withheld: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def _options_record(national: National, options: BuildOptions) -> dict:
    """The build record's options: the build's, and which reports are counted and how, as the
    moment decides it (so a report reaching its date makes the overview stale)."""
    return {
        **options.as_record(),
        "include_unpublished": national.include_unpublished,
        "counted": [[entry.slug, entry.unpublished or ""] for entry in national.entries],
    }


def build_national(
    project: Project,
    options: BuildOptions = BuildOptions(),
    *,
    as_of: dt.datetime | None = None,
    include_unpublished: bool = False,
    rebuild: bool = False,
    pdf_maker: PdfMaker | None = None,
) -> NationalOutcome:
    """Write the overview, the data and the index; the overview and data only when stale.

    `pdf_maker`: what makes the PDF (WeasyPrint's make_pdf unless a test gives a stand-in).
    """

    started = time.perf_counter()
    # Hashed before the checks read the files: an edit from now on means a rebuild.
    inputs = current_inputs(project, NATIONAL_TARGET)
    national = read_national(project, as_of or now(), include_unpublished=include_unpublished)
    record = _options_record(national, options)
    written = []
    state = "up to date"
    if rebuild or why_stale(project, NATIONAL_TARGET, record) is not None:
        maker = pdf_maker or make_pdf
        written += _write_overview_and_data(project, national, options, inputs, record, maker)
        state = "built"
    written += _write_index(project, national)
    return NationalOutcome(
        state,
        written,
        national.left_out,
        national.entries,
        national.withheld,
        time.perf_counter() - started,
    )


def public_links(national: National) -> dict[str, str]:
    """Each published force's report at its public address, as the overview links it in both
    its PDF and its web page: never a file of the build machine's. An unpublished report has
    no public address yet, so it is not linked."""

    return {
        entry.slug: report_url(entry.report, national.common, entry.force)
        for entry in national.entries
        if not entry.unpublished
    }


def _write_overview_and_data(
    project: Project,
    national: National,
    options: BuildOptions,
    inputs,
    record: dict,
    maker: PdfMaker,
) -> list[Path]:

    assets: dict[str, str] = {}
    context = national_context(national, public_links(national))
    html = render_template(NATIONAL_HTML, context, project.templates_dir, assets)
    pdf, served = maker(project, html, options)
    paths = output_paths(project, NATIONAL_TARGET)
    outputs = {paths["html"]: html.encode("utf-8"), paths["pdf"]: pdf}
    for name, data in open_data(national.entries, national.common).items():
        outputs[paths[name]] = data
    written = write_outputs(project, outputs)
    manifest = manifest_text(inputs, {**assets, **served}, outputs, record)
    write_outputs(project, {manifest_path(project, NATIONAL_TARGET): manifest.encode()})
    return written


def _write_index(project: Project, national: National) -> list[Path]:
    """build/index.html, rewritten only when what it says changes."""

    overview = output_paths(project, NATIONAL_TARGET)
    rows = index_rows(project, national)
    context = {
        **national_context(national, public_links(national)),
        "title": "National Child Protection Inspection reports",
        "rows": rows,
        "overview": f"{NATIONAL_FOLDER}/{overview['html'].name}",
        "overview_pdf": f"{NATIONAL_FOLDER}/{overview['pdf'].name}",
        "data": [
            (f"{DATA_FOLDER}/{name}", label)
            for name, label in zip(
                DATA_FILES,
                (
                    "Every recommendation (CSV)",
                    "Its CSV on the Web metadata (JSON)",
                    "Every force with a report (CSV)",
                    "Its CSV on the Web metadata (JSON)",
                    "Every recommendation (JSON)",
                    "Every graded judgment (CSV)",
                    "Its CSV on the Web metadata (JSON)",
                    "Every cause of concern (CSV)",
                    "Its CSV on the Web metadata (JSON)",
                    "Every area for improvement (CSV)",
                    "Its CSV on the Web metadata (JSON)",
                ),
                strict=True,
            )
        ],
    }
    html = render_template(INDEX_HTML, context, project.templates_dir).encode("utf-8")
    path = index_path(project)
    if path.is_file() and file_hash(path, [project.build_dir]) == hashlib.sha256(html).hexdigest():
        return []
    return write_outputs(project, {path: html})
