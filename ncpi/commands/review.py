"""`ncpi review`: the log of a draft's factual accuracy check, as a table or as CSV.

The log (`review:` in a report) is the inspectorate's record of each point a force raised and
what was decided; it is printed here, for the authors and for the file sent back to the force,
and never appears in a published document.
"""

from __future__ import annotations

from ncpi.check.validate import check_project
from ncpi.commands.national import csv_text
from ncpi.errors import ValidationFailed
from ncpi.problems import Problem
from ncpi.project import Project

#: The log's columns: (name, title for people, datatype of the CSV, what it holds).
COLUMNS = (
    ("point", "Point", "integer", "The point's number, in the order of the log."),
    ("raised_by", "Raised by", "string", "Who raised it."),
    ("raised_on", "Raised on", "date", "When."),
    ("about", "About", "string", "The key path of the text it is about."),
    ("request", "Request", "string", "What was asked."),
    ("decision", "Decision", "string", "accepted, partly accepted, rejected, or undecided."),
    ("reason", "Reason", "string", "Why it was decided so."),
)


def review_rows(project: Project, slug: str) -> list[dict]:
    """The force's review log, one row per point; the report must pass its checks."""
    checked = check_project(project, [slug], dry_run=False)
    verdict = checked.verdict(slug)
    if verdict.report is None or verdict.problems:
        problems: list[Problem] = verdict.problems or checked.errors
        raise ValidationFailed(problems)
    return [
        {
            "point": number,
            "raised_by": point.raised_by,
            "raised_on": point.raised_on.isoformat(),
            "about": point.about,
            "request": point.request,
            "decision": point.decision or "undecided",
            "reason": point.reason or "",
        }
        for number, point in enumerate(verdict.report.review, start=1)
    ]


def review_csv(rows: list[dict]) -> bytes:
    """The log as RFC 4180 CSV (UTF-8, CRLF), its text cells safe from spreadsheet formulas."""
    return csv_text(COLUMNS, rows)


def review_table(rows: list[dict]) -> str:
    """The log for people: one block per point, then how many are still undecided."""
    if not rows:
        return "No points raised: the report has no review log."
    lines = []
    for row in rows:
        lines.append(
            f"{row['point']}. {row['about']} (raised by {row['raised_by']}, {row['raised_on']})"
        )
        lines.append(f"   Request:  {row['request']}")
        reason = f": {row['reason']}" if row["reason"] else ""
        lines.append(f"   Decision: {row['decision']}{reason}")
    undecided = sum(row["decision"] == "undecided" for row in rows)
    lines.append(f"{len(rows)} point(s), {undecided} undecided.")
    return "\n".join(lines)
