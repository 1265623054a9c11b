"""The data model of a report and of the common data, field by field; also the JSON Schema.

Every model forbids unknown keys, so a misspelt key is an error, not silently ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints

# Strict: YAML values that are not text (numbers, dates, yes/no, binary) are errors, not coerced.
Text = Annotated[StrictStr, StringConstraints(min_length=1, pattern=r"\S")]


class _ProseMarker:
    """Marks a field as running prose, where a ' #' starting a YAML comment would cut text."""

    def __repr__(self) -> str:
        return "PROSE"


PROSE = _ProseMarker()
#: Sentences a reader sees: paragraphs, list items, recommendation text, the headline.
Prose = Annotated[Text, PROSE]
Paragraphs = Annotated[list[Prose], Field(min_length=1)]
#: A public web address, e.g. of a published report.
# No backslash escapes beyond \s: the JSON Schema's regex dialect (ECMA-262) refuses them.
WebAddress = Annotated[StrictStr, StringConstraints(pattern=r'^https://[^\s<>"]+$')]

#: The areas of the child's journey, in the order reports discuss them.
AREAS: dict[str, str] = {
    "initial-contact": "Initial contact",
    "assessment-and-help": "Assessment and help",
    "investigation": "Investigation",
    "decision-making": "Decision making",
    "trusted-adult": "Trusted adult",
    "managing-risk": "Managing those posing a risk to children",
    "police-detention": "Police detention",
    "leadership": "Leadership, management and governance",
}
Area = Literal[
    "initial-contact", "assessment-and-help", "investigation", "decision-making",
    "trusted-adult", "managing-risk", "police-detention", "leadership",
]

#: Timescales, as they lead a recommendation's sentence ("Within three months, …").
TIMESCALES = (
    "immediately", "within one month", "within three months", "within six months",
    "within twelve months",
)
Timescale = Literal[
    "immediately", "within one month", "within three months", "within six months",
    "within twelve months",
]

#: Progress against a recommendation. HMIC judges progress in prose; this scale is ncpi's own,
#: so that a summary table can show every recommendation at a glance.
PROGRESS_STATUSES: dict[str, str] = {
    "not started": "Not started",
    "limited progress": "Limited progress",
    "in progress": "In progress",
    "substantially met": "Substantially met",
    "met": "Met",
}
ProgressStatus = Literal["not started", "limited progress", "in progress", "substantially met", "met"]

#: Case file grades, in the order they are shown. Which grades a year may use is a domain rule.
GRADES: dict[str, str] = {
    "good": "Good",
    "adequate": "Adequate",
    "requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
Grade = Literal["good", "adequate", "requires improvement", "inadequate"]

#: The first year of the three-grade scale; before it, "adequate" was a grade too (domain.md).
THREE_GRADE_SCALE_FROM = 2016


def grade_scale(fieldwork_start: dt.date) -> tuple[str, ...]:
    """The grades in use when a follow-up's fieldwork started, in the order they are shown."""
    if fieldwork_start.year >= THREE_GRADE_SCALE_FROM:
        return ("good", "requires improvement", "inadequate")
    return ("good", "adequate", "requires improvement", "inadequate")


class Model(BaseModel):
    """Base for every part of a report: unknown keys are errors, values are not coerced to text."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Fieldwork(Model):
    """The days inspectors spent in the force, first and last."""

    start: dt.date = Field(description="First day of fieldwork, e.g. 2016-09-12.")
    end: dt.date = Field(description="Last day of fieldwork; on or after the start.")


class ForceRef(Model):
    """The force inspected, as in the registry of the 43 forces."""

    slug: StrictStr = Field(description="The force's id in the registry, e.g. essex; also the file name.")
    name: Text = Field(description="The force's official name, e.g. Essex Police.")


class Recommendation(Model):
    """One recommendation of the original inspection report."""

    id: Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$")] = Field(
        description="A short id used to link progress to it, e.g. R1.")
    area: Area = Field(description="The area of the child's journey it concerns.")
    timescale: Timescale = Field(description="When the force should act; leads the sentence.")
    text: Prose = Field(
        description="What the force should do, continuing '<Timescale>, <force> should …', "
        "e.g. 'ensure that officers record …'. Sub-points: a literal block (|) whose first "
        "line leads in ('… in particular by:') and whose other lines start with '- '.")


class Inspection(Model):
    """The original inspection, whose recommendations the re-inspection follows up."""

    fieldwork: Fieldwork
    published: dt.date = Field(description="Date the original report was published.")
    findings: Paragraphs = Field(description="What the original inspection found, in brief.")
    recommendations: Annotated[list[Recommendation], Field(min_length=1)]


class Inspector(Model):
    """The HM Inspector who led the re-inspection."""

    name: Text = Field(description="As the inspector spells it, e.g. Zoë Billingham.")
    title: Text = Field(description="e.g. HM Inspector of Constabulary.")


class AreaFindings(Model):
    """What the re-inspection found in one area of the child's journey."""

    area: Area
    paragraphs: Paragraphs


class Progress(Model):
    """The re-inspection's assessment of one original recommendation."""

    recommendation: StrictStr = Field(description="The id of the recommendation assessed, e.g. R1.")
    status: ProgressStatus
    evidence: Paragraphs = Field(description="The evidence for the status, in prose.")


class Reinspection(Model):
    """The follow-up inspection this report presents."""

    kind: Literal["re-inspection", "post-inspection review"] = Field(
        description="What HMIC called the follow-up; it sets the report's title.")
    fieldwork: Fieldwork
    published: dt.date = Field(description="Publication date; also the PDF's creation date.")
    inspector: Inspector
    isbn: StrictStr | None = Field(default=None, description="The report's ISBN, if it has one.")
    url: WebAddress | None = Field(
        default=None,
        description="The report's public web address, if it differs from the one derived from "
        "the inspectorate's website and the report's title.")
    summary: Paragraphs
    context: Paragraphs = Field(description="Context for the force: size, area, demand.")
    findings: list[AreaFindings]
    progress: list[Progress]
    conclusion: Paragraphs
    next_steps: Paragraphs


class AreaAudit(Model):
    """The case files of one area of the child's journey, and their grades."""

    area: Area
    cases: Annotated[int, Field(ge=1)] = Field(description="Case files audited in this area.")
    grades: dict[Grade, Annotated[int, Field(ge=0)]] = Field(
        description="How many of them had each grade; the counts add up to `cases`.")


class CaseAudit(Model):
    """The audit of case files during the re-inspection."""

    cases: Annotated[int, Field(ge=1)] = Field(description="Number of case files audited.")
    grades: dict[Grade, Annotated[int, Field(ge=0)]] = Field(
        description="How many cases had each grade; the counts add up to `cases`.")
    referred_back: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Cases referred back to the force for action.")
    paragraphs: Paragraphs = Field(description="What the audit showed.")
    by_area: list[AreaAudit] = Field(
        default_factory=list,
        description="Optional: the results by area of child protection, shown as a table.")


class Quote(Model):
    """The inspector's quote in the press release."""

    speaker: Text = Field(description="Must be the inspector who led the re-inspection.")
    title: Text = Field(description="e.g. HM Inspector of Constabulary.")
    paragraphs: Paragraphs


class PressRelease(Model):
    """The force-specific parts of the press release; the rest comes from the common data."""

    headline: Prose = Field(description="A sentence-case verdict naming the force.")
    paragraphs: Paragraphs = Field(description="The paragraphs after 'Get the report'.")
    pleased: list[Prose] = Field(
        default_factory=list, description="Items after 'Inspectors were pleased to find:'.")
    concerned: list[Prose] = Field(
        default_factory=list,
        description="Items after 'However, inspectors were concerned to find:'.")
    quote: Quote
    notes: Annotated[list[StrictStr], Field(min_length=1)] = Field(
        description="Ids of the standard notes to editors, in order, from reports/_common.yaml.")


class Acknowledgement(Model):
    """A warning the authors have checked and accept, so that `validate --strict` passes."""

    code: StrictStr = Field(description="The warning's code, as `validate` prints it, e.g. "
                            "late-revisit.")
    reason: Prose = Field(description="Why the warning is accepted, for the next reader.")


class Report(Model):
    """One force's re-inspection: the report and its press release."""

    status: Literal["draft", "final"] = Field(
        default="final", description="A draft is watermarked and refused by build --final.")
    force: ForceRef
    inspection: Inspection
    reinspection: Reinspection
    case_audit: CaseAudit | None = None
    press_release: PressRelease
    acknowledged: list[Acknowledgement] = Field(
        default_factory=list,
        description="Warnings accepted after checking, each by its code and with a reason.")


class Inspectorate(Model):
    """The inspectorate's name for publications from a date on."""

    since: dt.date = Field(description="First publication date this name applies to.")
    name: Text = Field(description="e.g. HM Inspectorate of Constabulary.")
    abbreviation: Text = Field(description="e.g. HMIC.")
    copyright: Text = Field(description="The copyright holder on the cover, e.g. HMIC.")
    website: Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9.-]+\.[a-z]+(/[\w./-]*)?$")] = (
        Field(description="Where its reports are published, without https://, e.g. "
              "www.justiceinspectorates.gov.uk/hmic."))


class NoteVersion(Model):
    """The text of a note to editors from a date on, until the next version's date."""

    since: dt.date = Field(description="The first publication date this text is used for.")
    text: Prose


def _on(versions, day: dt.date):
    """The version in force on `day`: the latest whose `since` is not after it, or None."""
    current = None
    for candidate in sorted(versions, key=lambda v: v.since):
        if candidate.since <= day:
            current = candidate
    return current


class Common(Model):
    """What is the same for every force: written once in reports/_common.yaml."""

    inspectorates: Annotated[list[Inspectorate], Field(min_length=1)] = Field(
        description="The inspectorate's names by date: each applies from its `since` on.")
    notes: dict[str, Annotated[list[NoteVersion], Field(min_length=1)]] = Field(
        description="The standard notes to editors, by id; each a list of dated versions, so "
        "that a release says what was true, under the name in force, on its date.")

    def inspectorate_on(self, day: dt.date) -> Inspectorate:
        """The inspectorate as it was named on `day` (the first one for earlier days)."""
        return _on(self.inspectorates, day) or min(self.inspectorates, key=lambda i: i.since)

    def note_on(self, note_id: str, day: dt.date) -> str | None:
        """The text of a note for a release published on `day`, or None if it had none then."""
        version = _on(self.notes.get(note_id, ()), day)
        return version.text if version else None
