"""Stage 2b, domain rules: what the schema cannot say, across fields, files and the registry."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter

from ncpi_cli.loading import LoadedYaml
from ncpi_cli.model import Common, Report
from ncpi_cli.problems import Problem
from ncpi_cli.registry import forces, suggest

#: HMIC aims to revisit a force no later than six months after publishing the initial report.
REVISIT_AIM_DAYS = 183

#: Case file grades in use by year: the 2014–15 scale, then the one from 2016.
GRADES_BEFORE_2016 = {"good", "adequate", "requires improvement", "inadequate"}
GRADES_FROM_2016 = {"good", "requires improvement", "inadequate"}

_PHONE = re.compile(r"(?<![\w])(?:\+44\s?|0)\d[\d ]{7,14}\d(?![\w])")


def _fold(text: str) -> str:
    """Text without accents and case, to tell 'Zoe' from 'Zoë' as a spelling, not a person."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def check_report(report: Report, loaded: LoadedYaml, common: Common | None,
                 file_slug: str, *, sections: set[str] | None = None) -> list[Problem]:
    """Every domain rule for one report, or those whose `sections` passed the schema.

    With `sections`, `report` may be any object with those sections as attributes: a file with
    a schema error in one part still has its other parts' rules checked in the same run.
    """
    groups = [
        ({"force"}, lambda: _force_rules(report, loaded, file_slug)),
        ({"inspection", "reinspection"}, lambda: _recommendation_rules(report, loaded)),
        ({"inspection", "reinspection"}, lambda: _date_rules(report, loaded)),
        ({"case_audit", "reinspection"}, lambda: _case_audit_rules(report, loaded)),
        ({"press_release", "reinspection", "force"},
         lambda: _press_release_rules(report, loaded, common)),
    ]
    problems: list[Problem] = []
    for needs, rules in groups:
        if sections is None or needs <= sections:
            problems += rules()
    return problems


def _force_rules(report: Report, loaded: LoadedYaml, file_slug: str) -> list[Problem]:
    registry = forces()
    slug = report.force.slug
    if slug not in registry:
        return [loaded.problem(("force", "slug"),
                               f"'{slug}' is not a force in the registry of 43.{suggest(slug, registry)}",
                               code="unknown-force")]
    problems = []
    if slug != file_slug:
        problems.append(loaded.problem(
            ("force", "slug"),
            f"the file is named {file_slug}.yaml but describes '{slug}': rename the file or fix "
            "the slug", code="slug-mismatch"))
    official = registry[slug].name
    if report.force.name != official:
        problems.append(loaded.problem(
            ("force", "name"), f"'{report.force.name}' is not the force's official name "
            f"'{official}'", code="force-name"))
    return problems


def _recommendation_rules(report: Report, loaded: LoadedYaml) -> list[Problem]:
    problems = []
    recommendations = report.inspection.recommendations
    seen: dict[str, int] = {}
    for index, rec in enumerate(recommendations):
        if rec.id in seen:
            problems.append(loaded.problem(
                ("inspection", "recommendations", index, "id"),
                f"recommendation id '{rec.id}' is used twice (also item {seen[rec.id]})",
                code="duplicate-id"))
        else:
            seen[rec.id] = index
    ids = list(seen)
    assessed = Counter()
    for index, progress in enumerate(report.reinspection.progress):
        path = ("reinspection", "progress", index, "recommendation")
        if progress.recommendation not in seen:
            problems.append(loaded.problem(
                path, f"there is no recommendation '{progress.recommendation}' in the original "
                f"inspection.{suggest(progress.recommendation, ids)} Recommendations: "
                f"{', '.join(ids)}.", code="unknown-recommendation"))
            continue
        assessed[progress.recommendation] += 1
        if assessed[progress.recommendation] == 2:
            problems.append(loaded.problem(
                path, f"recommendation '{progress.recommendation}' is assessed more than once",
                code="duplicate-progress"))
    for rec_id, index in seen.items():
        if not assessed[rec_id]:
            problems.append(loaded.problem(
                ("inspection", "recommendations", index, "id"),
                f"recommendation '{rec_id}' has no progress assessment in reinspection.progress",
                code="missing-progress"))
    areas_with_findings: dict[str, int] = {}
    for index, findings in enumerate(report.reinspection.findings):
        if findings.area in areas_with_findings:
            problems.append(loaded.problem(
                ("reinspection", "findings", index, "area"),
                f"area '{findings.area}' has findings twice: merge them into one", code="duplicate-area"))
        areas_with_findings[findings.area] = index
    for index, rec in enumerate(recommendations):
        if rec.area not in areas_with_findings:
            problems.append(loaded.problem(
                ("inspection", "recommendations", index, "area"),
                f"recommendation '{rec.id}' concerns '{rec.area}', but reinspection.findings has "
                "no findings for that area", code="missing-findings"))
    return problems


def _date_rules(report: Report, loaded: LoadedYaml) -> list[Problem]:
    problems = []
    first, second = report.inspection, report.reinspection
    for section, work in (("inspection", first.fieldwork), ("reinspection", second.fieldwork)):
        if work.end < work.start:
            problems.append(loaded.problem(
                (section, "fieldwork", "end"),
                f"fieldwork ends ({work.end}) before it starts ({work.start})", code="date-order"))
    ordered = [
        (("inspection", "fieldwork", "end"), first.fieldwork.end, "the original fieldwork ended"),
        (("inspection", "published"), first.published, "the original report was published"),
        (("reinspection", "fieldwork", "start"), second.fieldwork.start,
         "the re-inspection fieldwork started"),
        (("reinspection", "published"), second.published, "the re-inspection report was published"),
    ]
    for (_, earlier, earlier_what), (path, later, later_what) in zip(ordered, ordered[1:]):
        if later <= earlier:
            problems.append(loaded.problem(
                path, f"{later_what} on {later}, not after {earlier_what} ({earlier})",
                code="date-order"))
    gap = (second.fieldwork.start - first.published).days
    if gap > REVISIT_AIM_DAYS:
        problems.append(loaded.problem(
            ("reinspection", "fieldwork", "start"),
            f"the follow-up began {gap} days after the original report was published; the "
            "inspectorate aims to revisit within six months", severity="warning",
            code="late-revisit"))
    return problems


def _case_audit_rules(report: Report, loaded: LoadedYaml) -> list[Problem]:
    audit = report.case_audit
    if audit is None:
        return []
    problems = []
    total = sum(audit.grades.values())
    if total != audit.cases:
        problems.append(loaded.problem(
            ("case_audit", "grades"),
            f"the graded cases add up to {total}, but {audit.cases} cases were audited",
            code="audit-total"))
    year = report.reinspection.fieldwork.start.year
    allowed = GRADES_FROM_2016 if year >= 2016 else GRADES_BEFORE_2016
    for grade in audit.grades:
        if grade not in allowed:
            problems.append(loaded.problem(
                ("case_audit", "grades", grade),
                f"grade '{grade}' was not on the scale in {year}; it was: "
                f"{', '.join(sorted(allowed))}", key=True, code="audit-grade"))
    return problems


def _press_release_rules(report: Report, loaded: LoadedYaml, common: Common | None) -> list[Problem]:
    problems = []
    release, inspector = report.press_release, report.reinspection.inspector
    quoted = release.quote.speaker
    if quoted != inspector.name:
        if _fold(quoted) == _fold(inspector.name):
            message = (f"the speaker is spelt '{quoted}' here but '{inspector.name}' in "
                       "reinspection.inspector.name: keep the name exactly as spelt")
        else:
            message = (f"the quote is by '{quoted}', but the re-inspection was led by "
                       f"'{inspector.name}'")
        problems.append(loaded.problem(("press_release", "quote", "speaker"), message,
                                       code="speaker"))
    if release.quote.title != inspector.title:
        problems.append(loaded.problem(
            ("press_release", "quote", "title"),
            f"the speaker's title '{release.quote.title}' differs from reinspection.inspector.title "
            f"'{inspector.title}'", code="speaker-title"))
    published = report.reinspection.published
    for index, note in enumerate(release.notes):
        if common is not None and note not in common.notes:
            problems.append(loaded.problem(
                ("press_release", "notes", index),
                f"there is no note '{note}' in reports/_common.yaml.{suggest(note, common.notes)}",
                code="unknown-note"))
        elif common is not None and common.note_on(note, published) is None:
            first = min(v.since for v in common.notes[note])
            problems.append(loaded.problem(
                ("press_release", "notes", index),
                f"note '{note}' has no text for a release published on {published}: its first "
                f"version is used from {first}", code="note-date"))
    for note, count in Counter(release.notes).items():
        if count > 1:
            problems.append(loaded.problem(
                ("press_release", "notes", release.notes.index(note)),
                f"note '{note}' is listed {count} times", code="duplicate-note"))
    force = forces().get(report.force.slug)
    if force is not None and _fold(force.area_name) not in _fold(release.headline):
        problems.append(loaded.problem(
            ("press_release", "headline"), f"the headline does not name the force ('{force.area_name}')",
            severity="warning", code="headline"))
    return problems


def check_common(common: Common, loaded: LoadedYaml) -> list[Problem]:
    """Rules for the common data: each note names only the inspectorate in force while it is
    used, and its phone numbers are valid UK numbers."""
    problems = []
    by_date = sorted(common.inspectorates, key=lambda i: i.since)
    # Each name's period: from its date (the first from the start) to the next name's date.
    periods = [(i, dt.date.min if n == 0 else i.since,
                by_date[n + 1].since if n + 1 < len(by_date) else dt.date.max)
               for n, i in enumerate(by_date)]
    for note_id, versions in common.notes.items():
        for index, version in enumerate(versions):
            later = [v.since for v in versions if v.since > version.since]
            until = min(later) if later else dt.date.max
            in_force = [i for i, start, end in periods if start < until and end > version.since]
            path = ("notes", note_id, index, "text")
            problems += _other_inspectorate(loaded, path, version, until, in_force, by_date)
            problems += _phone_problems(loaded, path, version.text)
    return problems


def _other_inspectorate(loaded: LoadedYaml, path, version, until, in_force, every):
    """A problem if a note's version spans a change of name, or names another inspectorate."""
    if len(in_force) > 1:
        change = in_force[1].since
        used_until = "on" if until == dt.date.max else f"until {until}"
        return [loaded.problem(path, f"this version is used from {version.since} {used_until}, "
                               f"but the inspectorate's name changed on {change}: add a "
                               f"version from {change}", code="inspectorate-name")]
    current = in_force[0]
    for other in every:
        if other is not current and re.search(rf"\b{re.escape(other.abbreviation)}\b",
                                               version.text):
            return [loaded.problem(path, f"names {other.abbreviation}, but from "
                                   f"{version.since} the inspectorate was "
                                   f"{current.abbreviation}", code="inspectorate-name")]
    return []


def _phone_problems(loaded: LoadedYaml, path, text: str) -> list[Problem]:
    problems = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("44"):
            digits = "0" + digits[2:]
        # UK numbers have 11 digits; a few 01 area codes and 0800 numbers have 10.
        valid = (len(digits) == 11 and digits[1] in "1235789") or (
            len(digits) == 10 and digits.startswith(("01", "0800")))
        if not valid:
            problems.append(loaded.problem(
                path, f"'{match.group()}' is not a valid UK phone number", code="phone"))
    return problems
