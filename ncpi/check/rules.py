"""Stage 2b, domain rules: what the schema cannot say, across fields, files and the registry."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable

from ncpi.check.anonymity import case_example_problems
from ncpi.check.loading import LoadedYaml
from ncpi.check.partial import UnavailablePart
from ncpi.check.plain_english import plain_english_problems
from ncpi.model import (
    INSPECTION_KIND,
    INSPECTION_REPORT_FIELDS,
    INSPECTION_REPORT_REQUIRED,
    PROGRAMMES,
    Common,
    Report,
    grade_scale,
    judgment_scale,
    presented,
    programme,
)
from ncpi.problems import KeyPath, Problem, excerpt, odd_character, parse_path
from ncpi.registry import forces, suggest
from ncpi.render.languages import IN_ENGLISH

#: The inspectorate aims to revisit a force no later than six months after the initial report.
REVISIT_AIM_DAYS = 183

#: Warnings a report may acknowledge (`acknowledged:` with a reason); errors never.
WARNING_CODES = {
    "late-revisit",
    "headline",
    "audit-by-area-total",
    "inspectorate-name",
    "repeats-generated",
    # Plain English (plain_english.py).
    "long-sentence",
    "long-paragraph",
    "word-to-avoid",
    "abbreviation",
}

_PHONE = re.compile(r"(?<![\w])(?:\+44\s?|0)\d[\d ]{7,14}\d(?![\w])")
#: A UK number's digits (+44 written as 0): 11 digits; a few 01 area codes and 0800 have 10.
_UK_NUMBER = re.compile(r"0[1235789]\d{9}|01\d{8}|0800\d{6}")
#: At most this many ids are listed in a message, so that messages stay short for any report.
_MAX_LISTED = 10


def _fold(text: str) -> str:
    """Text without accents and case, to tell 'Zoe' from 'Zoë' as a spelling, not a person."""
    # str() first: a part that failed the schema then stops the rule (C functions would raise
    # TypeError instead).
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _listing(items: list[str], total: int) -> str:
    """At most _MAX_LISTED items, then how many more: a message stays short for any report."""
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f" and {total - _MAX_LISTED:,} more" if total > _MAX_LISTED else "")


class _Rules:
    """The report's rules, each a method returning its problems; run one by one."""

    def __init__(self, report: Report, loaded: LoadedYaml, common: Common | None, file_slug: str):
        self.report, self.loaded, self.common, self.file_slug = report, loaded, common, file_slug
        self.problem = loaded.problem

    @property
    def follow_up(self):
        """The follow-up the report presents; a rule about one is skipped without it."""
        reinspection = self.report.reinspection
        if reinspection is None or self.report.inspection.kind == INSPECTION_KIND:
            raise UnavailablePart
        return reinspection

    @property
    def own(self):
        """The part with the report's own dates and inspector (see model.presented)."""
        part = presented(self.report)
        if part is None:
            raise UnavailablePart
        return part

    @property
    def initial(self) -> bool:
        """Whether the report is an initial inspection's own (inspection.kind: inspection)."""
        return self.report.inspection.kind == INSPECTION_KIND

    @property
    def _own_key(self) -> str:
        return "inspection" if self.initial else "reinspection"

    def force(self) -> Iterable[Problem]:
        registry = forces()
        slug = self.report.force.slug
        if slug not in registry:
            yield self.problem(
                ("force", "slug"),
                f"'{excerpt(slug)}' is not a force in the registry of 43.{suggest(slug, registry)}",
                code="unknown-force",
            )
            return
        if slug != self.file_slug:
            yield self.problem(
                ("force", "slug"),
                f"the file is named {self.file_slug}.yaml but "
                f"describes '{excerpt(slug)}': rename the file or fix the slug",
                code="slug-mismatch",
            )
        official = registry[slug].name
        if self.report.force.name != official:
            yield self.problem(
                ("force", "name"),
                f"'{excerpt(self.report.force.name)}' is not the "
                f"force's official name '{official}'",
                code="force-name",
            )

    def recommendation_ids(self) -> Iterable[Problem]:
        seen: dict[str, int] = {}
        for index, rec in enumerate(self.report.inspection.recommendations):
            if rec.id in seen:
                yield self.problem(
                    ("inspection", "recommendations", index, "id"),
                    f"recommendation id '{excerpt(rec.id)}' is used twice (also item "
                    f"{seen[rec.id]})",
                    code="duplicate-id",
                )
            else:
                seen[rec.id] = index

    def progress(self) -> Iterable[Problem]:
        recommendations = self.report.inspection.recommendations
        first_index: dict[str, int] = {}
        for index, rec in enumerate(recommendations):
            first_index.setdefault(rec.id, index)
        ids = list(first_index)
        assessed: Counter = Counter()
        for index, progress in enumerate(self.follow_up.progress):
            path = ("reinspection", "progress", index, "recommendation")
            odd = next((c for c in progress.recommendation if not c.isascii()), None)
            if progress.recommendation not in first_index and odd is not None:
                yield self.problem(path, odd_character(odd, "type the id again"), code="look-alike")
                continue
            if progress.recommendation not in first_index:
                listed = ids[:_MAX_LISTED]
                yield self.problem(
                    path,
                    f"there is no recommendation '{excerpt(progress.recommendation)}'"
                    f" in the original inspection.{suggest(progress.recommendation, ids)}"
                    f" Recommendations: {_listing([excerpt(i) for i in listed], len(ids))}.",
                    code="unknown-recommendation",
                )
                continue
            assessed[progress.recommendation] += 1
            if assessed[progress.recommendation] == 2:
                yield self.problem(
                    path,
                    f"recommendation '{excerpt(progress.recommendation)}' is assessed "
                    "more than once",
                    code="duplicate-progress",
                )
        for rec_id, index in first_index.items():
            if not assessed[rec_id]:
                yield self.problem(
                    ("inspection", "recommendations", index, "id"),
                    f"recommendation '{excerpt(rec_id)}' has no progress assessment in "
                    "reinspection.progress",
                    code="missing-progress",
                )

    def findings_areas(self) -> Iterable[Problem]:
        areas_with_findings: set[str] = set()
        where = ("inspection", "chapters") if self.initial else ("reinspection", "findings")
        chapters = self.report.inspection.chapters if self.initial else self.follow_up.findings
        for index, findings in enumerate(chapters):
            if findings.area in areas_with_findings:
                yield self.problem(
                    (*where, index, "area"),
                    f"area '{findings.area}' has findings twice: merge them into one",
                    code="duplicate-area",
                )
            areas_with_findings.add(findings.area)
        for index, rec in enumerate(self.report.inspection.recommendations):
            if rec.area not in areas_with_findings:
                yield self.problem(
                    ("inspection", "recommendations", index, "area"),
                    f"recommendation '{excerpt(rec.id)}' concerns '{rec.area}', but "
                    f"{'.'.join(where)} has no findings for that area",
                    code="missing-findings",
                )

    def fieldwork_dates(self) -> Iterable[Problem]:
        for section in ("inspection",) if self.initial else ("inspection", "reinspection"):
            part = getattr(self.report, section)
            if part is None:
                continue
            work = part.fieldwork
            if work.end < work.start:
                yield self.problem(
                    (section, "fieldwork", "end"),
                    f"fieldwork ends ({work.end}) before it starts ({work.start})",
                    code="date-order",
                )

    def date_order(self) -> Iterable[Problem]:
        if self.initial:
            first = self.report.inspection
            if first.published <= first.fieldwork.end:
                yield self.problem(
                    ("inspection", "published"),
                    f"the report was published on {first.published}, not after the fieldwork "
                    f"ended ({first.fieldwork.end})",
                    code="date-order",
                )
            return
        first, second = self.report.inspection, self.follow_up
        # (where a date out of order is reported, the date, what it is); the first date is
        # never out of order itself, so it has no place.
        ordered: list[tuple[KeyPath | None, dt.date, str]] = [
            (None, first.fieldwork.end, "the original fieldwork ended"),
            (("inspection", "published"), first.published, "the original report was published"),
            (
                ("reinspection", "fieldwork", "start"),
                second.fieldwork.start,
                "the follow-up's fieldwork started",
            ),
            (("reinspection", "published"), second.published, "this report was published"),
        ]
        for (_, earlier, earlier_what), (path, later, later_what) in itertools.pairwise(ordered):
            if path is not None and later <= earlier:
                yield self.problem(
                    path,
                    f"{later_what} on {later}, not after {earlier_what} ({earlier})",
                    code="date-order",
                )

    def revisit(self) -> Iterable[Problem]:
        gap = (self.follow_up.fieldwork.start - self.report.inspection.published).days
        if gap > REVISIT_AIM_DAYS:
            yield self.problem(
                ("reinspection", "fieldwork", "start"),
                f"the follow-up began {gap} days after the original report was "
                "published; the inspectorate aims to revisit within six months",
                severity="warning",
                code="late-revisit",
            )

    def case_audit(self) -> Iterable[Problem]:
        audit = self.report.case_audit
        if audit is None:
            return
        total = sum(audit.grades.values())
        if total != audit.cases:
            yield self.problem(
                ("case_audit", "grades"),
                f"the graded cases add up to {total}, but {_cases(audit.cases, 'was', 'were')} "
                "audited",
                code="audit-total",
            )
        yield from self._grades_on_scale(audit.grades, ("case_audit", "grades"))
        # The section opens with a sentence ncpi writes from the counts (schema/format.md,
        # "What ncpi writes itself"): a paragraph that gives them again repeats it.
        # A count, as numerals or words, and what says what it counts, in one sentence.
        repeats = [("audited", audit.cases, "cases", r"{n}\s+(?:[\w-]+\s+){{0,2}}(?:case|file)")]
        if audit.referred_back:
            for pattern in (r"{n}[^.]*?referred", r"referred\b[^.]*?{n}"):
                repeats.append(("referred back", audit.referred_back, "referred_back", pattern))
        warned: set[tuple[int, str]] = set()
        for what, count, key, pattern in repeats:
            words = {str(count), f"{count:,}", IN_ENGLISH.number_words(count), *_spelt(count)}
            number = rf"\b(?:{'|'.join(map(re.escape, words))})\b"
            said = re.compile(pattern.format(n=number), re.IGNORECASE)
            for index, paragraph in enumerate(audit.paragraphs):
                if (index, what) not in warned and said.search(paragraph):
                    warned.add((index, what))
                    yield self.problem(
                        ("case_audit", "paragraphs", index),
                        f"this paragraph gives the number of case files {what} ({count}), "
                        "which the section's first sentence already says (ncpi writes it from "
                        f"case_audit.{key}): leave the number out here",
                        severity="warning",
                        code="repeats-generated",
                    )

    def case_audit_by_area(self) -> Iterable[Problem]:
        audit = self.report.case_audit
        if audit is None or not audit.by_area:
            return
        seen: set[str] = set()
        for index, row in enumerate(audit.by_area):
            path = ("case_audit", "by_area", index)
            if row.area in seen:
                yield self.problem(
                    (*path, "area"), f"area '{row.area}' is listed twice", code="duplicate-area"
                )
            seen.add(row.area)
            total = sum(row.grades.values())
            if total != row.cases:
                yield self.problem(
                    (*path, "grades"),
                    f"the graded cases add up to {total}, but "
                    f"{_cases(row.cases, 'is', 'are')} given for this area",
                    code="audit-total",
                )
            yield from self._grades_on_scale(row.grades, (*path, "grades"))
        by_area = sum(row.cases for row in audit.by_area)
        if by_area != audit.cases:
            yield self.problem(
                ("case_audit", "by_area"),
                f"the areas' cases add up to {by_area}, but {_cases(audit.cases, 'was', 'were')} "
                "audited",
                severity="warning",
                code="audit-by-area-total",
            )

    def _grades_on_scale(self, grades, path) -> Iterable[Problem]:
        started = self.own.fieldwork.start
        scale = grade_scale(started)
        which = "the inspection's" if self.initial else "the follow-up's"
        for grade in grades:
            if grade not in scale:
                yield self.problem(
                    (*path, grade),
                    f"grade '{grade}' was not on the scale in use "
                    f"when {which} fieldwork started ({started}); it was: "
                    f"{', '.join(scale)}",
                    key=True,
                    code="audit-grade",
                )

    def speaker(self) -> Iterable[Problem]:
        quoted, inspector = (
            self.report.press_release.quote.speaker,
            self.own.inspector,
        )
        if inspector is None:
            return  # an initial inspection without one: the shape rule says so
        if quoted == inspector.name:
            return
        if _fold(quoted) == _fold(inspector.name):
            message = (
                f"the speaker is spelt '{excerpt(quoted)}' here but '{excerpt(inspector.name)}' in "
                f"{self._own_key}.inspector.name: keep the name exactly as spelt"
            )
        else:
            message = (
                f"the quote is by '{excerpt(quoted)}', but the "
                f"{'inspection' if self.initial else 'follow-up'} was led by "
                f"'{excerpt(inspector.name)}'"
            )
        yield self.problem(("press_release", "quote", "speaker"), message, code="speaker")

    def embargo(self) -> Iterable[Problem]:
        """An embargo is a local time, lifted no later than the day the report is published."""
        embargo = self.report.press_release.embargo
        if embargo is None:
            return
        path = ("press_release", "embargo")
        if embargo.tzinfo is not None:
            yield self.problem(
                path,
                "write the embargo as local UK time, without a time zone, e.g. 2016-12-14 00:01",
                code="embargo",
            )
            return
        published = self.own.published
        if embargo.date() > published:
            yield self.problem(
                path,
                f"the embargo ends on {embargo.date()}, after the report is published "
                f"({published}): the release would be held back from a published report",
                code="embargo",
            )

    def speaker_title(self) -> Iterable[Problem]:
        title, inspector = self.report.press_release.quote.title, self.own.inspector
        if inspector is not None and title != inspector.title:
            yield self.problem(
                ("press_release", "quote", "title"),
                f"the speaker's title "
                f"'{excerpt(title)}' differs from {self._own_key}.inspector.title "
                f"'{excerpt(inspector.title)}'",
                code="speaker-title",
            )

    def notes(self) -> Iterable[Problem]:
        notes, common = self.report.press_release.notes, self.common
        for note, count in Counter(notes).items():
            if count > 1:
                yield self.problem(
                    ("press_release", "notes", notes.index(note)),
                    f"note '{excerpt(note)}' is listed {count} times",
                    code="duplicate-note",
                )
        if common is None:
            return
        published = self.own.published
        for index, note in enumerate(notes):
            renamed = common.renamed_notes.get(note) if note not in common.notes else None
            if renamed is not None and renamed in common.notes:
                # Kept working for a release, so that a report builds while it is updated.
                yield self.problem(
                    ("press_release", "notes", index),
                    f"note '{note}' is now called '{renamed}' (reports/_common.yaml, "
                    f"renamed_notes): write '{renamed}'; the old id still works, but a later "
                    "release will refuse it",
                    code="renamed-note",
                    severity="warning",
                )
                if renamed in notes:
                    yield self.problem(
                        ("press_release", "notes", index),
                        f"note '{note}' is '{renamed}' under its old id, which is listed too",
                        code="duplicate-note",
                    )
                note = renamed
            if note not in common.notes:
                yield self.problem(
                    ("press_release", "notes", index),
                    f"there is no note "
                    f"'{excerpt(note)}' in reports/_common.yaml.{suggest(note, common.notes)}",
                    code="unknown-note",
                )
            elif common.note_on(note, published) is None:
                first = min(v.since for v in common.notes[note])
                yield self.problem(
                    ("press_release", "notes", index),
                    f"note '{note}' has no "
                    f"text for a release published on {published}: its first "
                    f"version is used from {first}",
                    code="note-date",
                )

    def headline(self) -> Iterable[Problem]:
        force = forces().get(self.report.force.slug)
        headline = self.report.press_release.headline
        if "\n" in headline or "\r" in headline:
            # It is also the email draft's subject, which is one line (RFC 5322).
            yield self.problem(
                ("press_release", "headline"),
                "the headline runs over more than one line (or ends with a line break), but "
                "it is one line, and the subject of the email: write it on one line, without "
                "| or >",
                code="headline-lines",
            )
        if force is not None and _fold(force.area_name) not in _fold(headline):
            yield self.problem(
                ("press_release", "headline"),
                f"the headline does not name the force ('{force.area_name}')",
                severity="warning",
                code="headline",
            )

    def inspectorate_in_release(self) -> Iterable[Problem]:
        """The release's own text names the inspectorate as it was on the publication date."""
        if self.common is None:
            return
        published = self.own.published
        current = self.common.inspectorate_on(published)
        others = [i.abbreviation for i in self.common.inspectorates if i is not current]
        release = self.report.press_release
        texts: list[tuple[KeyPath, str]] = [
            (("press_release", "paragraphs", n), t) for n, t in enumerate(release.paragraphs)
        ]
        texts += [
            (("press_release", "quote", "paragraphs", n), t)
            for n, t in enumerate(release.quote.paragraphs)
        ]
        for path, text in texts:
            for other in others:
                if re.search(rf"\b{re.escape(other)}\b", text):
                    yield self.problem(
                        path,
                        f"names {other}, but on {published} the "
                        f"inspectorate was {current.abbreviation}",
                        severity="warning",
                        code="inspectorate-name",
                    )
                    break


def _holds(data: object, path: KeyPath) -> bool:
    """Whether the report's data has a value at the key path."""
    for part in path:
        if isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
            continue
        if not (isinstance(data, dict) and part in data):
            return False
        data = data[part]
    return True


def _review(rules: _Rules) -> Iterable[Problem]:
    """Each point of the factual accuracy check is about a place in the report, and is decided
    with a reason; an undecided one is a warning, which publish and build --final refuse."""
    for index, point in enumerate(rules.report.review):
        place = parse_path(point.about)
        if place is None or not place or not _holds(rules.loaded.data, place):
            shown = excerpt(point.about)
            yield rules.problem(
                ("review", index, "about"),
                f"there is no '{shown}' in this report: give the key path of the text the point "
                "is about, as validate prints them (e.g. reinspection.findings[0].paragraphs[1])",
                code="review",
            )
        if point.decision is None:
            yield rules.problem(
                ("review", index),
                f"point {index + 1} ({excerpt(point.request)}) is undecided: give its decision "
                "(accepted, partly accepted or rejected) and the reason; publish and build "
                "--final refuse a report with an undecided point",
                severity="warning",
                code="review-undecided",
            )
        elif point.reason is None:
            yield rules.problem(
                ("review", index, "decision"),
                f"'{point.decision}' needs its reason: say why, for the force and the next reader",
                code="review",
            )


def _foreword(rules: _Rules) -> Iterable[Problem]:
    """A foreword belongs to a re-inspection: a post-inspection review has none."""
    reinspection = rules.follow_up
    if reinspection.foreword is not None and reinspection.kind == "post-inspection review":
        yield rules.problem(
            ("reinspection", "foreword"),
            "a post-inspection review has no foreword: remove it, or give its words in the summary",
            key=True,
            code="foreword",
        )


def _report_shape(rules: _Rules) -> Iterable[Problem]:
    """A follow-up has its `reinspection`; an initial inspection's own report has none."""
    first = rules.report.inspection
    data: dict = rules.loaded.data if isinstance(rules.loaded.data, dict) else {}
    inspection = data.get("inspection")
    given: dict = inspection if isinstance(inspection, dict) else {}
    if first.kind == INSPECTION_KIND:
        if "reinspection" in data:
            yield rules.problem(
                ("reinspection",),
                "an initial inspection's own report (inspection.kind: inspection) has no "
                "reinspection: give its summary, findings and conclusion in `inspection`, or "
                "remove `kind` if this report is a follow-up",
                key=True,
                code="report-shape",
            )
        for name in INSPECTION_REPORT_REQUIRED:
            if name not in given:
                yield rules.problem(
                    ("inspection",),
                    f"missing required key '{name}': an initial inspection's own report "
                    "(inspection.kind: inspection) gives it",
                    key=True,
                    code="missing-key",
                )
        return
    if "reinspection" not in data:
        yield rules.problem(
            (),
            "missing required key 'reinspection': the follow-up this report presents (or, for "
            "an initial inspection's own report, write `kind: inspection` in `inspection`)",
            key=True,
            code="missing-key",
        )
    for name in INSPECTION_REPORT_FIELDS:
        if name in given:
            yield rules.problem(
                ("inspection", name),
                f"'{name}' belongs to an initial inspection's own report (inspection.kind: "
                "inspection); a follow-up gives it in `reinspection`, or not at all",
                key=True,
                code="report-shape",
            )


def _programme_areas(rules: _Rules) -> Iterable[Problem]:
    """Every area named is one of the report's programme's (the journey, or the 2024 topics)."""
    version = programme(rules.report)
    areas = PROGRAMMES[version]
    first = rules.report.inspection
    named: list[tuple[KeyPath, str]] = [
        (("inspection", "recommendations", i, "area"), rec.area)
        for i, rec in enumerate(first.recommendations)
    ]
    follow_up = rules.report.reinspection
    chapters = first.chapters if rules.initial else (follow_up.findings if follow_up else [])
    where = ("inspection", "chapters") if rules.initial else ("reinspection", "findings")
    named += [((*where, i, "area"), chapter.area) for i, chapter in enumerate(chapters)]
    named += [
        (("inspection", "areas_for_improvement", i, "area"), item.area)
        for i, item in enumerate(first.areas_for_improvement)
    ]
    if rules.report.case_audit is not None:
        named += [
            (("case_audit", "by_area", i, "area"), row.area)
            for i, row in enumerate(rules.report.case_audit.by_area)
        ]
    for path, area in named:
        if area not in areas:
            yield rules.problem(
                path,
                f"'{area}' is not an area of the {version} programme, which this report "
                f"follows; its areas are: {', '.join(areas)}",
                code="programme-area",
            )


def _judgments(rules: _Rules) -> Iterable[Problem]:
    """One judgment per topic of the 2024 programme, each on the scale of its fieldwork's date."""
    first = rules.report.inspection
    started = first.fieldwork.start
    scale = judgment_scale(started)
    topics = PROGRAMMES["2024"]
    version = programme(rules.report)
    if first.judgments and version != "2024":
        yield rules.problem(
            ("inspection", "judgments"),
            f"graded judgments are on the 2024 programme's topics, but this report follows the "
            f'{version} programme: remove them, or write programme: "2024"',
            key=True,
            code="judgment",
        )
        return
    judged: set[str] = set()
    for index, judgment in enumerate(first.judgments):
        path = ("inspection", "judgments", index)
        if judgment.topic not in topics:
            yield rules.problem(
                (*path, "topic"),
                f"'{judgment.topic}' is not a graded topic; they are: {', '.join(topics)}",
                code="judgment",
            )
        elif judgment.topic in judged:
            yield rules.problem(
                (*path, "topic"), f"'{judgment.topic}' is judged twice", code="judgment"
            )
        judged.add(judgment.topic)
        if judgment.grade not in scale:
            in_use = (
                f"it was: {', '.join(scale)}"
                if scale
                else "topics were not graded before the methodology of 1 April 2024"
            )
            yield rules.problem(
                (*path, "grade"),
                f"grade '{judgment.grade}' was not on the scale in use when the inspection's "
                f"fieldwork started ({started}); {in_use}",
                code="judgment-grade",
            )


def _causes_of_concern(rules: _Rules) -> Iterable[Problem]:
    """Each cause of concern is answered by recommendations of this report, named by id."""
    first = rules.report.inspection
    ids = [rec.id for rec in first.recommendations]
    ids_by_kind: tuple[tuple[str, list[str]], ...] = (
        ("causes_of_concern", [cause.id for cause in first.causes_of_concern]),
        ("areas_for_improvement", [item.id for item in first.areas_for_improvement]),
    )
    for kind, item_ids in ids_by_kind:
        seen: set[str] = set()
        for index, item_id in enumerate(item_ids):
            if item_id in seen:
                yield rules.problem(
                    ("inspection", kind, index, "id"),
                    f"id '{excerpt(item_id)}' is used twice in {kind}",
                    code="duplicate-id",
                )
            seen.add(item_id)
    listed = _listing([excerpt(i) for i in ids], len(ids))
    for index, cause in enumerate(first.causes_of_concern):
        for position, rec_id in enumerate(cause.recommendations):
            if rec_id not in ids:
                yield rules.problem(
                    ("inspection", "causes_of_concern", index, "recommendations", position),
                    f"there is no recommendation '{excerpt(rec_id)}' in this report."
                    f"{suggest(rec_id, ids)} Recommendations: {listed}.",
                    code="unknown-recommendation",
                )


def _lead_ins(rules: _Rules) -> Iterable[Problem]:
    """A list's own lead-in leads into that list, and ends with a colon as the standard ones do."""
    release = rules.report.press_release
    for name, lead_in, items in (
        ("pleased", release.pleased_lead_in, release.pleased),
        ("concerned", release.concerned_lead_in, release.concerned),
    ):
        if lead_in is None:
            continue
        path = ("press_release", f"{name}_lead_in")
        if not items:
            yield rules.problem(
                path,
                f"there is no `{name}` list for this lead-in to lead into: add its items, or "
                "remove the lead-in",
                key=True,
                code="lead-in",
            )
        elif not lead_in.rstrip().endswith(":"):
            yield rules.problem(
                path,
                f"a list's lead-in ends with a colon, as the list follows it: "
                f"'{excerpt(lead_in)}:'",
                code="lead-in",
            )


_RULES: list[Callable[[_Rules], Iterable[Problem]]] = [
    _report_shape,
    _programme_areas,
    _judgments,
    _causes_of_concern,
    _Rules.force,
    _Rules.recommendation_ids,
    _Rules.progress,
    _Rules.findings_areas,
    _Rules.fieldwork_dates,
    _Rules.date_order,
    _Rules.revisit,
    _Rules.case_audit,
    _Rules.case_audit_by_area,
    _Rules.speaker,
    _Rules.speaker_title,
    _Rules.embargo,
    _Rules.notes,
    _Rules.headline,
    _Rules.inspectorate_in_release,
    _review,
    _foreword,
    _lead_ins,
    lambda rules: plain_english_problems(rules.report, rules.loaded, rules.common),
    lambda rules: case_example_problems(rules.report, rules.loaded),
]


#: Counts in words, for finding a count an author spelt out.
_UNITS = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _spelt(count: int) -> list[str]:
    """A count below 100 in words, as an author may write it: 'sixty', 'sixty-two'."""
    if count < 20:
        return [_UNITS[count]]
    if count >= 100:
        return []
    tens, units = divmod(count, 10)
    if not units:
        return [_TENS[tens]]
    return [f"{_TENS[tens]}{joiner}{_UNITS[units]}" for joiner in ("-", " ")]


def _cases(count: int, singular_verb: str, plural_verb: str) -> str:
    """'1 case was', '60 cases were': a number of case files in a message."""
    return f"{count} case {singular_verb}" if count == 1 else f"{count} cases {plural_verb}"


def check_report(
    report: Report, loaded: LoadedYaml, common: Common | None, file_slug: str
) -> list[Problem]:
    """Every domain rule for one report, or for the parts of it that passed the schema.

    `report` may be partial (see ncpi.check.partial): a rule that needs a part that failed the
    schema is skipped, and the others still run, so one mistake never hides another.
    """
    rules = _Rules(report, loaded, common, file_slug)
    problems: list[Problem] = []
    for rule in _RULES:
        try:
            for problem in rule(rules):  # One by one: what a rule found before it stopped counts.
                problems.append(problem)
        except UnavailablePart:
            continue
    return _apply_acknowledgements(report, loaded, problems)


def _apply_acknowledgements(report, loaded: LoadedYaml, problems: list[Problem]) -> list[Problem]:
    """Warnings the report acknowledges become notes; an acknowledgement must still be needed."""
    try:
        acknowledged = list(report.acknowledged)
    except UnavailablePart:
        return problems
    raised = {p.code for p in problems if p.severity == "warning"}
    reasons = {}
    for index, ack in enumerate(acknowledged):
        path = ("acknowledged", index, "code")
        if ack.code not in WARNING_CODES:
            problems.append(
                loaded.problem(
                    path,
                    f"'{excerpt(ack.code)}' is not a warning that can be acknowledged; these can: "
                    f"{', '.join(sorted(WARNING_CODES))}.{suggest(ack.code, WARNING_CODES)}",
                    code="acknowledgement",
                )
            )
        elif ack.code not in raised:
            problems.append(
                loaded.problem(
                    path,
                    f"acknowledges '{ack.code}', but there is no such warning any more: "
                    "remove the acknowledgement",
                    severity="warning",
                    code="unused-acknowledgement",
                )
            )
        reasons[ack.code] = ack.reason
    # One line for each acknowledged kind of warning, at its first place: a report whose
    # published sentences are long would otherwise repeat the same reason at each of them.
    accepted = Counter(p.code for p in problems if p.severity == "warning" and p.code in reasons)
    shown: list[Problem] = []
    said: set[str] = set()
    for p in problems:
        if not (p.severity == "warning" and p.code in reasons):
            shown.append(p)
        elif p.code not in said:
            said.add(p.code)
            more = accepted[p.code] - 1
            others = f" (and {more} more like it in this file)" if more else ""
            message = f"{p.message}{others}; accepted because: {reasons[p.code]}"
            shown.append(Problem(p.file, p.line, p.column, p.path, message, "acknowledged", p.code))
    return shown


def check_common(common: Common, loaded: LoadedYaml) -> list[Problem]:
    """Rules for the common data: each note names only the inspectorate in force while it is
    used, and its phone numbers are valid UK numbers."""
    problems = []
    by_date = sorted(common.inspectorates, key=lambda i: i.since)
    # Each name's period: from its date (the first from the start) to the next name's date.
    periods = [
        (
            i,
            dt.date.min if n == 0 else i.since,
            by_date[n + 1].since if n + 1 < len(by_date) else dt.date.max,
        )
        for n, i in enumerate(by_date)
    ]
    for note_id, versions in common.notes.items():
        for index, version in enumerate(versions):
            later = [v.since for v in versions if v.since > version.since]
            until = min(later) if later else dt.date.max
            in_force = [i for i, start, end in periods if start < until and end > version.since]
            path = ("notes", note_id, index, "text")
            problems += _other_inspectorate(loaded, path, version, until, in_force, by_date)
            problems += _phone_problems(loaded, path, version.text)
    for index, inspectorate in enumerate(common.inspectorates):
        address = inspectorate.press_office
        if address is not None and not _one_mailbox(address):
            problems.append(
                loaded.problem(
                    ("inspectorates", index, "press_office"),
                    f"'{excerpt(address)}' is not one email address, which the email draft's "
                    "sender must be: write one address, like press.office@example.gov.uk",
                    code="email",
                )
            )
    return problems


#: RFC 5322's dot-atom, in ASCII, on each side of the @ (press.office@example.gov.uk): an
#: address the email package reads as one, as typed, and writes into the draft's From line
#: as typed. A quoted local part ("press office"@…), or a domain in other letters (written
#: there as an encoded word that mail programs do not read), is refused.
_DOT_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_ONE_MAILBOX = re.compile(rf"{_DOT_ATOM}@{_DOT_ATOM}")


def _one_mailbox(text: str) -> bool:
    """Whether text is exactly one email address that the email draft can be sent from."""
    # Not the email package's parser: loading it was a thirtieth of a first validation, and
    # it raised on some addresses ('press@.example.com') instead of refusing them.
    return _ONE_MAILBOX.fullmatch(text) is not None


def _other_inspectorate(loaded: LoadedYaml, path, version, until, in_force, every):
    """A problem if a note's version spans a change of name, or names another inspectorate.

    The notes name the inspectorate by its abbreviation, so a new version of its details (a
    press office's address, "His Majesty's" for "Her Majesty's") needs no new version of them.
    """
    renamed = [i for i in in_force if i.abbreviation != in_force[0].abbreviation]
    if renamed:
        change = renamed[0].since
        used_until = "on" if until == dt.date.max else f"until {until}"
        return [
            loaded.problem(
                path,
                f"this version is used from {version.since} {used_until}, "
                f"but the inspectorate's name changed on {change}: add a "
                f"version from {change}",
                code="inspectorate-name",
            )
        ]
    current = in_force[0]
    for other in every:
        if other.abbreviation != current.abbreviation and re.search(
            rf"\b{re.escape(other.abbreviation)}\b", version.text
        ):
            return [
                loaded.problem(
                    path,
                    f"names {other.abbreviation}, but from "
                    f"{version.since} the inspectorate was "
                    f"{current.abbreviation}",
                    code="inspectorate-name",
                )
            ]
    return []


def _phone_problems(loaded: LoadedYaml, path, text: str) -> list[Problem]:
    problems = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("44"):
            digits = "0" + digits[2:]
        if not _UK_NUMBER.fullmatch(digits):
            problems.append(
                loaded.problem(
                    path, f"'{match.group()}' is not a valid UK phone number", code="phone"
                )
            )
    return problems
