"""The data model of a report and of the common data, field by field; also the JSON Schema.

Every model forbids unknown keys, so a misspelt key is an error, not silently ignored.
"""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, StrictStr, StringConstraints

# Strict: YAML values that are not text (numbers, dates, yes/no, binary) are errors, not coerced.
Text = Annotated[StrictStr, StringConstraints(min_length=1, pattern=r"\S")]


class _ProseMarker:
    """Marks a field as running prose, where a ' #' starting a YAML comment would cut text."""

    def __repr__(self) -> str:
        return "PROSE"


PROSE = _ProseMarker()


class _TranslatedMarker:
    """Marks a field that is not prose but differs by language: a title, a name, an address."""

    def __repr__(self) -> str:
        return "TRANSLATED"


#: Prose and these fields are what a Welsh file (reports/FORCE.cy.yaml) gives in Welsh.
TRANSLATED = _TranslatedMarker()
#: A value that starts with this is a blank still to fill in, as `ncpi new` writes them;
#: `validate` reports each one once, at its line.
BLANK_MARKER = "TODO:"

#: A report's fields never printed (so never translated, nor checked as writing): the
#: authors' notes to one another.
NOT_PUBLISHED = frozenset({"acknowledged", "review"})
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
#: The topics of the programme's inspections from April 2024, each graded, in report order.
TOPICS: dict[str, str] = {
    "leadership": "Leadership",
    "partnership-working": "Partnership working",
    "initial-response": "Initial response",
    "risk-assessment-and-referral": "Risk assessment and referral",
    "investigation": "Investigation",
}
#: The programme's versions, each with the areas (or topics) its reports discuss: the child's
#: journey of 2014–22, or the graded topics of the 2024 methodology.
PROGRAMMES: dict[str, dict[str, str]] = {"2014": AREAS, "2024": TOPICS}
#: The first day of the 2024 methodology: a report's programme defaults by its fieldwork.
PROGRAMME_2024_FROM = dt.date(2024, 4, 1)
# Each Literal is made from its list, so a choice is written once (the schema's enum comes from it).
# A type checker cannot follow a Literal made at run time: to it, a choice is text.
if TYPE_CHECKING:
    Area: TypeAlias = str
    Timescale: TypeAlias = str
    ProgressStatus: TypeAlias = str
    Grade: TypeAlias = str
    Kind: TypeAlias = str
    Programme: TypeAlias = str
    JudgmentGrade: TypeAlias = str
else:
    Area = Literal[tuple(dict.fromkeys([*AREAS, *TOPICS]))]
    Programme = Literal[tuple(PROGRAMMES)]

#: Timescales, as they lead a recommendation's sentence ("Within three months, …").
TIMESCALES = (
    "immediately",
    "within one month",
    "within three months",
    "within six months",
    "within twelve months",
)
if not TYPE_CHECKING:
    Timescale = Literal[TIMESCALES]

#: What HMIC called a follow-up inspection; it sets the report's title.
KINDS = ("re-inspection", "post-inspection review")
#: The kind of an initial inspection's own report (`inspection.kind`), the only kind from 2024.
INSPECTION_KIND = "inspection"
if not TYPE_CHECKING:
    Kind = Literal[KINDS]

#: Progress against a recommendation. HMIC judges progress in prose; this scale is ncpi's own,
#: so that a summary table can show every recommendation at a glance.
PROGRESS_STATUSES: dict[str, str] = {
    "not started": "Not started",
    "limited progress": "Limited progress",
    "in progress": "In progress",
    "substantially met": "Substantially met",
    "met": "Met",
}
if not TYPE_CHECKING:
    ProgressStatus = Literal[tuple(PROGRESS_STATUSES)]

#: Case file grades, in the order they are shown. Which grades a year may use is a domain rule.
GRADES: dict[str, str] = {
    "good": "Good",
    "adequate": "Adequate",
    "requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
if not TYPE_CHECKING:
    Grade = Literal[tuple(GRADES)]
#: The grade that the three-grade scale dropped.
RETIRED_GRADE = "adequate"

#: The first year of the three-grade scale; before it, "adequate" was a grade too (domain.md).
THREE_GRADE_SCALE_FROM = 2016


#: The grades of a judgment on a topic, best first (the methodology of April 2024).
JUDGMENT_GRADES: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "adequate": "Adequate",
    "requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
if not TYPE_CHECKING:
    JudgmentGrade = Literal[tuple(JUDGMENT_GRADES)]


def judgment_scale(fieldwork_start: dt.date) -> tuple[str, ...]:
    """The grades a topic could be given when an inspection's fieldwork started."""
    # None before the methodology of April 2024, which introduced graded judgments.
    return tuple(JUDGMENT_GRADES) if fieldwork_start >= PROGRAMME_2024_FROM else ()


def programme_of(programme: str | None, fieldwork_start: dt.date) -> str:
    """The programme a report follows: as given, else the one in use when its fieldwork began."""
    if programme is not None:
        return programme
    return "2024" if fieldwork_start >= PROGRAMME_2024_FROM else "2014"


def grade_scale(fieldwork_start: dt.date) -> tuple[str, ...]:
    """The grades in use when a follow-up's fieldwork started, in the order they are shown."""
    if fieldwork_start.year >= THREE_GRADE_SCALE_FROM:
        return tuple(grade for grade in GRADES if grade != RETIRED_GRADE)
    return tuple(GRADES)


def no_items() -> list:
    """A new empty list, the default of a list field.

    Not `list` itself: pydantic reads each default factory's signature as a model is made,
    and for a builtin that means parsing its text signature (2.4 ms of every start).
    """
    return []


class Model(BaseModel):
    """Base for every part of a report: unknown keys are errors, values are not coerced to text."""

    # Built when first validated: only the two files' models are validated on their own (see
    # the end of this module); each part's own validator, built at once, cost every start 3 ms.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Fieldwork(Model):
    """The days inspectors spent in the force, first and last."""

    start: dt.date = Field(description="First day of fieldwork.", examples=["2016-09-12"])
    end: dt.date = Field(
        description="Last day of fieldwork; on or after the start.", examples=["2016-09-16"]
    )


class ForceRef(Model):
    """The force inspected, as in the registry of the 43 forces."""

    slug: StrictStr = Field(
        description="The force's id in the registry; also the file's name.", examples=["essex"]
    )
    name: Text = Field(description="The force's official name.", examples=["Essex Police"])


class Recommendation(Model):
    """One recommendation of the inspection's report (the original one, in a follow-up)."""

    id: Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$")] = Field(
        description="A short id used to link progress to it.", examples=["R1"]
    )
    area: Area = Field(
        description="The area of the child's journey it concerns (a topic, in the 2024 programme).",
        examples=["investigation"],
    )
    timescale: Timescale = Field(
        description="When the force should act; leads the sentence.",
        examples=["within three months"],
    )
    text: Prose = Field(
        description="What the force should do, continuing '<Timescale>, <force> should …', "
        "e.g. 'ensure that officers record …'. Sub-points: a literal block (|) whose first "
        "line leads in ('… in particular by:') and whose other lines start with '- '.",
        examples=["ensure that officers record the views of the child"],
    )


class Inspector(Model):
    """The HM Inspector who led the re-inspection."""

    name: Text = Field(description="As the inspector spells it.", examples=["Zoë Billingham"])
    title: Annotated[Text, TRANSLATED] = Field(
        description="The inspector's title.", examples=["HM Inspector of Constabulary"]
    )


class HeadedPart(Model):
    """Paragraphs under a heading of their own: a part of the summary, or one finding whose
    sentence is its heading, as reports since 2021 set them."""

    heading: Annotated[Text, TRANSLATED] = Field(
        description="The heading: a few words, or the finding itself in one sentence.",
        examples=["Officers now assess the risk to missing children well"],
    )
    paragraphs: Paragraphs


class CaseExample(Model):
    """One child's case, anonymised, as an example of what inspectors found."""

    title: Annotated[Text, TRANSLATED] = Field(
        description="What the case shows, in a few words; the box is headed 'Case example: "
        "<title>'.",
        examples=["a missing 14-year-old"],
    )
    paragraphs: Paragraphs = Field(
        description="The case, anonymised: no names, dates of birth, addresses, schools or "
        "exact dates. Write 'a 14-year-old girl' or 'Child A'; validate refuses what looks "
        "identifying."
    )


#: The kinds of good practice an inspection points out, each a boxed part of its area.
PRACTICE_KINDS: dict[str, str] = {
    "promising": "Promising practice",
    "innovative": "Innovative practice",
    "notable": "Notable practice",
}
if not TYPE_CHECKING:
    PracticeKind = Literal[tuple(PRACTICE_KINDS)]
else:
    PracticeKind: TypeAlias = str


class Practice(Model):
    """Practice the inspectorate commends to other forces."""

    kind: PracticeKind = Field(
        description="Promising, innovative or notable; heads the box.", examples=["promising"]
    )
    title: Annotated[Text, TRANSLATED] = Field(
        description="What the practice is, in a few words.",
        examples=["a single point of contact for schools"],
    )
    paragraphs: Paragraphs = Field(description="What the force does, and why it works.")


class AreaFindings(Model):
    """What the re-inspection found in one area of the child's journey."""

    area: Area = Field(description="The area these findings are about.", examples=["leadership"])
    summary: Paragraphs | None = Field(
        default=None,
        description="Optional: the findings in brief, as post-inspection reviews since 2022 "
        "give them. The area then has 'Summary of findings' and 'Detailed findings' (the "
        "paragraphs) as its sub-headings.",
    )
    paragraphs: Paragraphs
    headed: list[HeadedPart] = Field(
        default_factory=no_items,
        description="Optional: findings after the paragraphs, each under its own sentence as "
        "a sub-heading, as reports since 2021 set them.",
    )
    case_examples: list[CaseExample] = Field(
        default_factory=no_items,
        description="Optional: anonymised cases that show the findings, each in a box after them.",
    )
    practice: list[Practice] = Field(
        default_factory=no_items,
        description="Optional: promising, innovative or notable practice in this area, each "
        "in a box after the findings.",
    )


class Progress(Model):
    """The re-inspection's assessment of one original recommendation."""

    recommendation: StrictStr = Field(
        description="The id of the recommendation assessed.", examples=["R1"]
    )
    status: ProgressStatus = Field(
        description="How far the force has come; ncpi's own scale.", examples=["substantially met"]
    )
    evidence: Paragraphs = Field(description="The evidence for the status, in prose.")


class Judgment(Model):
    """The inspectorate's graded judgment on one topic (inspections from April 2024)."""

    topic: Area = Field(
        description="The topic judged: one of the 2024 programme's five.", examples=["leadership"]
    )
    grade: JudgmentGrade = Field(
        description="outstanding, good, adequate, requires improvement or inadequate; the "
        "scale in use when the fieldwork started.",
        examples=["requires improvement"],
    )


class CauseOfConcern(Model):
    """A serious failing the inspectorate found, always answered by recommendations."""

    id: Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$")] = Field(
        description="A short id, e.g. 'C1'.", examples=["C1"]
    )
    text: Prose = Field(
        description="The cause of concern, as one or two sentences.",
        examples=["The force does not always identify children at risk of harm."],
    )
    recommendations: Annotated[list[StrictStr], Field(min_length=1)] = Field(
        description="The ids of the recommendations that answer it: at least one.",
        examples=[["R1", "R2"]],
    )


class AreaForImprovement(Model):
    """Something the force should do better, with no timescale and no recommendation."""

    id: Annotated[StrictStr, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$")] = Field(
        description="A short id, e.g. 'AFI1'.", examples=["AFI1"]
    )
    area: Area = Field(
        description="The topic (or area) it concerns.", examples=["partnership-working"]
    )
    text: Prose = Field(
        description="What the force should improve, continuing 'The force should …'.",
        examples=["make sure that officers record the voice of the child"],
    )


class Inspection(Model):
    """The inspection: a follow-up's original one, or (kind: inspection) the report's own."""

    kind: Literal["inspection"] | None = Field(
        default=None,
        description="Only in an initial inspection's own report (the only kind from 2024): "
        "`inspection`. The report then has no `reinspection`, and this part holds what a "
        "follow-up's `reinspection` holds: inspector, summary, context, findings by area and "
        "conclusion, with its judgments, causes of concern and areas for improvement.",
        examples=["inspection"],
    )
    programme: Programme | None = Field(
        default=None,
        description="The programme's version, which decides the areas (or topics) in use: "
        "'2014' (the child's journey) or '2024' (five graded topics). By default, the one in "
        "use when the fieldwork started (2024 from 1 April 2024).",
        examples=["2024"],
    )
    fieldwork: Fieldwork
    published: dt.date = Field(
        description="Date the inspection's report was published.", examples=["2015-10-20"]
    )
    findings: Paragraphs = Field(
        description="What the inspection found, in brief; in an initial inspection's own "
        "report, the summary's 'Main findings'."
    )
    recommendations: Annotated[list[Recommendation], Field(min_length=1)]
    inspector: Inspector | None = Field(
        default=None, description="kind: inspection only: the HM Inspector who led it."
    )
    isbn: StrictStr | None = Field(
        default=None,
        description="kind: inspection only: the report's ISBN, if it has one.",
        examples=["978-1-78655-301-7"],
    )
    url: Annotated[WebAddress, TRANSLATED] | None = Field(
        default=None,
        description="kind: inspection only: the report's public web address, if it differs "
        "from the one derived from the website and the title.",
    )
    foreword: Paragraphs | None = Field(
        default=None,
        description="kind: inspection only: the report's own foreword, in place of the "
        "standard one of its date.",
    )
    summary: Paragraphs | None = Field(
        default=None, description="kind: inspection only (required there): the summary."
    )
    summary_parts: list[HeadedPart] = Field(
        default_factory=no_items,
        description="kind: inspection only: the summary's parts after 'Main findings', each "
        "under its own heading.",
    )
    context: Paragraphs | None = Field(
        default=None,
        description="kind: inspection only (required there): context for the force, with "
        "recent inspections and any enhanced monitoring.",
    )
    judgments: list[Judgment] = Field(
        default_factory=no_items,
        description="kind: inspection only, from April 2024: a graded judgment per topic.",
    )
    causes_of_concern: list[CauseOfConcern] = Field(
        default_factory=no_items,
        description="kind: inspection only: causes of concern, each with the recommendations "
        "that answer it.",
    )
    areas_for_improvement: list[AreaForImprovement] = Field(
        default_factory=no_items,
        description="kind: inspection only: areas for improvement (no timescale).",
    )
    chapters: list[AreaFindings] = Field(
        default_factory=no_items,
        description="kind: inspection only: what the inspection found, one chapter per area "
        "or topic, in the programme's order; findings under their own sentences as `headed`.",
    )
    conclusion: Paragraphs | None = Field(
        default=None, description="kind: inspection only (required there): the conclusion."
    )
    next_steps: Paragraphs | None = Field(
        default=None, description="kind: inspection only: what happens next, if said."
    )
    methodology: Paragraphs | None = Field(
        default=None,
        description="kind: inspection only: Annex A's methodology in the report's own words.",
    )


#: What only an initial inspection's own report (`inspection.kind: inspection`) gives.
INSPECTION_REPORT_FIELDS = (
    "inspector",
    "isbn",
    "url",
    "foreword",
    "summary",
    "summary_parts",
    "context",
    "judgments",
    "causes_of_concern",
    "areas_for_improvement",
    "chapters",
    "conclusion",
    "next_steps",
    "methodology",
)
#: What an initial inspection's own report cannot do without.
INSPECTION_REPORT_REQUIRED = ("inspector", "summary", "context", "conclusion")


class Reinspection(Model):
    """The follow-up inspection this report presents."""

    kind: Kind = Field(
        description="What HMIC called the follow-up; it sets the report's title.",
        examples=["re-inspection"],
    )
    fieldwork: Fieldwork
    published: dt.date = Field(
        description="Publication date; also the PDF's creation date.", examples=["2016-12-14"]
    )
    inspector: Inspector
    isbn: StrictStr | None = Field(
        default=None,
        description="The report's ISBN, if it has one.",
        examples=["978-1-78655-301-7"],
    )
    url: Annotated[WebAddress, TRANSLATED] | None = Field(
        default=None,
        description="The report's public web address, if it differs from the one derived from "
        "the inspectorate's website and the report's title.",
        examples=["https://www.justiceinspectorates.gov.uk/hmicfrs/publications/kent-report/"],
    )
    foreword: Paragraphs | None = Field(
        default=None,
        description="Optional: the report's own foreword, before the summary, in place of the "
        "standard one in reports/_common.yaml (`forewords`, by date). A re-inspection only: a "
        "post-inspection review has none.",
    )
    summary: Paragraphs
    summary_parts: list[HeadedPart] = Field(
        default_factory=no_items,
        description="Optional: the summary's parts after its opening paragraphs, each under "
        "its own heading (a re-inspection of 2022: the earlier inspection, the re-inspection, "
        "main findings, conclusion); the progress table follows them.",
    )
    context: Paragraphs = Field(description="Context for the force: size, area, demand.")
    findings: list[AreaFindings]
    progress: list[Progress]
    conclusion: Paragraphs
    next_steps: Paragraphs
    methodology: Paragraphs | None = Field(
        default=None,
        description="Optional: Annex A's methodology in the report's own words, in place of "
        "the standard one of its date (`methodologies` in reports/_common.yaml) or, without "
        "one, the sentences ncpi writes from the report's facts.",
    )


class AreaAudit(Model):
    """The case files of one area of the child's journey, and their grades."""

    area: Area = Field(description="The area of these case files.", examples=["investigation"])
    cases: Annotated[int, Field(strict=True, ge=1)] = Field(
        description="Case files audited in this area.", examples=[25]
    )
    grades: dict[Grade, Annotated[int, Field(strict=True, ge=0)]] = Field(
        description="How many of them had each grade; the counts add up to `cases`, on the "
        "scale of the follow-up's year (as `case_audit.grades`).",
        examples=[{"good": 10, "requires improvement": 10, "inadequate": 5}],
    )


class CaseAudit(Model):
    """The audit of case files during the inspection or follow-up the report presents."""

    cases: Annotated[int, Field(strict=True, ge=1)] = Field(
        description="Number of case files audited.", examples=[60]
    )
    grades: dict[Grade, Annotated[int, Field(strict=True, ge=0)]] = Field(
        description="How many cases had each grade; the counts add up to `cases`. The grades "
        "are those of the follow-up's year: good, requires improvement and inadequate from 2016; "
        "adequate as well before 2016.",
        examples=[{"good": 20, "requires improvement": 30, "inadequate": 10}],
    )
    referred_back: Annotated[int, Field(strict=True, ge=0)] | None = Field(
        default=None, description="Cases referred back to the force for action.", examples=[4]
    )
    paragraphs: Paragraphs = Field(description="What the audit showed.")
    by_area: list[AreaAudit] = Field(
        default_factory=no_items,
        description="Optional: the results by area of child protection, shown as a table.",
    )


class Quote(Model):
    """The inspector's quote in the press release."""

    speaker: Text = Field(
        description="Must be the inspector who led the re-inspection.", examples=["Zoë Billingham"]
    )
    title: Annotated[Text, TRANSLATED] = Field(
        description="The speaker's title.", examples=["HM Inspector of Constabulary"]
    )
    paragraphs: Paragraphs


class PressRelease(Model):
    """The force-specific parts of the press release; the rest comes from the common data."""

    embargo: dt.datetime | None = Field(
        default=None,
        description="Optional: the release may not be published before this local (UK) date "
        "and time, YYYY-MM-DD HH:MM; on or before the publication date. Every edition then "
        "begins 'Embargoed until 00:01 Wednesday 14 December 2016'.",
        examples=["2016-12-14 00:01"],
    )
    headline: Prose = Field(
        description="A sentence-case verdict naming the force.",
        examples=["Child protection in Essex is improving but there is still more to do"],
    )
    standfirst: Prose | None = Field(
        default=None,
        description="Optional: the sentence under the headline that sums up the report, as "
        "releases since 2021 open.",
        examples=["Essex Police has improved how it protects children, a new report has found."],
    )
    paragraphs: Paragraphs = Field(description="The paragraphs after 'Get the report'.")
    pleased_lead_in: Prose | None = Field(
        default=None,
        description="Optional: what leads into `pleased`, in place of 'Inspectors were pleased "
        "to find:'; ends with a colon.",
        examples=["The inspectorate found several improvements, including:"],
    )
    pleased: list[Prose] = Field(
        default_factory=no_items, description="Items after 'Inspectors were pleased to find:'."
    )
    concerned_lead_in: Prose | None = Field(
        default=None,
        description="Optional: what leads into `concerned`, in place of 'However, inspectors "
        "were concerned to find:'; ends with a colon.",
        examples=["The inspectorate said it had several concerns, including that there is:"],
    )
    concerned: list[Prose] = Field(
        default_factory=no_items,
        description="Items after 'However, inspectors were concerned to find:'.",
    )
    quote: Quote
    notes: Annotated[list[StrictStr], Field(min_length=1)] = Field(
        description="Ids of the standard notes to editors, in order, from reports/_common.yaml.",
        examples=[["ncpi-programme", "follow-up", "press-office"]],
    )


class Acknowledgement(Model):
    """A warning the authors have checked and accept, so that `validate --strict` passes."""

    code: StrictStr = Field(
        description="The warning's code, as `validate` prints it.", examples=["late-revisit"]
    )
    reason: Prose = Field(description="Why the warning is accepted, for the next reader.")


#: What the inspectorate decided about a point the force raised in the factual accuracy check.
REVIEW_DECISIONS = ("accepted", "partly accepted", "rejected")
if not TYPE_CHECKING:
    ReviewDecision = Literal[REVIEW_DECISIONS]
else:
    ReviewDecision: TypeAlias = str


class ReviewPoint(Model):
    """One point raised in the factual accuracy check of a draft, and what was decided."""

    raised_by: Text = Field(
        description="Who raised it.", examples=["Essex Police, head of public protection"]
    )
    raised_on: dt.date = Field(description="When it was raised.", examples=["2016-11-02"])
    about: StrictStr = Field(
        description="Where in the report: a key path as validate prints them.",
        examples=["reinspection.findings[0].paragraphs[1]"],
    )
    request: Text = Field(
        description="What they asked.",
        examples=["The new referral unit opened in June 2016, not July."],
    )
    decision: ReviewDecision | None = Field(
        default=None,
        description="accepted, partly accepted or rejected; left out while undecided, which "
        "publish and build --final refuse.",
        examples=["accepted"],
    )
    reason: Text | None = Field(
        default=None,
        description="Why it was decided so; required with a decision.",
        examples=["Confirmed by the force's published annual report."],
    )


class Report(Model):
    """One force's report (a follow-up, or an initial inspection's own) and its press release."""

    status: Literal["draft", "final"] = Field(
        default="final",
        description="final if left out. A draft is watermarked, left out of the national "
        "documents (unless national --include-unpublished), and refused by build --final and "
        "publish.",
        examples=["draft"],
    )
    force: ForceRef
    inspection: Inspection
    reinspection: Reinspection | None = Field(
        default=None,
        description="The follow-up this report presents; required unless the report is an "
        "initial inspection's own (`inspection.kind: inspection`).",
    )
    case_audit: CaseAudit | None = None
    press_release: PressRelease
    acknowledged: list[Acknowledgement] = Field(
        default_factory=no_items,
        description="Warnings accepted after checking, each by its code and with a reason.",
    )
    review: list[ReviewPoint] = Field(
        default_factory=no_items,
        description="Optional: the log of the factual accuracy check, point by point; never "
        "in a published document. `ncpi review FORCE` prints it.",
    )


def report_kind(report) -> str:
    """What the report is: 'inspection' (an initial inspection's own), or the follow-up's kind."""
    if report.inspection.kind == INSPECTION_KIND:
        return INSPECTION_KIND
    return report.reinspection.kind


def follow_up(report: Report) -> Reinspection:
    """The follow-up a follow-up's report presents (a checked one always has it)."""
    if report.reinspection is None:
        raise ValueError("an initial inspection's own report presents no follow-up")
    return report.reinspection


def presented(report):
    """The part with the report's own dates, inspector, summary and conclusion."""
    if report.inspection.kind == INSPECTION_KIND:
        return report.inspection
    return report.reinspection


def programme(report) -> str:
    """The programme version the report's recommendations and findings follow."""
    first = report.inspection
    return programme_of(first.programme, first.fieldwork.start)


class Inspectorate(Model):
    """The inspectorate's name for publications from a date on."""

    since: dt.date = Field(
        description="First publication date this name applies to.", examples=["2017-07-19"]
    )
    name: Annotated[Text, TRANSLATED] = Field(
        description="Its full name.", examples=["HM Inspectorate of Constabulary"]
    )
    abbreviation: Text = Field(description="Its short name.", examples=["HMIC"])
    copyright: Text = Field(description="The copyright holder on the cover.", examples=["HMIC"])
    website: Annotated[
        StrictStr, StringConstraints(pattern=r"^[a-z0-9.-]+\.[a-z]+(/[\w./-]*)?$")
    ] = Field(
        description="Where its reports are published, without https://.",
        examples=["www.justiceinspectorates.gov.uk/hmic"],
    )
    press_office: (
        Annotated[StrictStr, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]+$")] | None
    ) = Field(
        default=None,
        description="The press office's email address: the sender of the email draft of the "
        "press release that `ncpi publish` writes.",
        examples=["press.office@example.gov.uk"],
    )


class NoteVersion(Model):
    """The text of a note to editors from a date on, until the next version's date."""

    since: dt.date = Field(
        description="The first publication date this text is used for.", examples=["2016-01-01"]
    )
    text: Prose


class StandardText(Model):
    """A standard part of a report (a foreword, a methodology) from a date on, until the next
    version's date."""

    since: dt.date = Field(
        description="The first publication date this text is used for.", examples=["2021-01-01"]
    )
    paragraphs: Paragraphs


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
        description="The inspectorate's names by date: each applies from its `since` on."
    )
    notes: dict[str, Annotated[list[NoteVersion], Field(min_length=1)]] = Field(
        description="The standard notes to editors, by id; each a list of dated versions, so "
        "that a release says what was true, under the name in force, on its date."
    )
    glossary: dict[str, Text] = Field(
        default_factory=dict,
        description="Optional: abbreviations and their words, in lower case unless a name "
        "('multi-agency safeguarding hub'). validate suggests them where an abbreviation is "
        "used before it is spelt out.",
        examples=[{"MASH": "multi-agency safeguarding hub"}],
    )
    renamed_notes: dict[str, StrictStr] = Field(
        default_factory=dict,
        description="Optional: notes whose id changed, each old id with its new one. A release "
        "that still names an old id gets the note, with a warning, for a release of ncpi, so "
        "that reports keep building while their authors update them.",
        examples=[{"about-hmic": "about-the-inspectorate"}],
    )
    forewords: list[StandardText] = Field(
        default_factory=no_items,
        description="Optional: the standard foreword of a re-inspection's or an initial "
        "inspection's report, by date (a post-inspection review has none); a report's own "
        "`foreword` replaces it.",
    )
    methodologies: list[StandardText] = Field(
        default_factory=no_items,
        description="Optional: Annex A's standard methodology, by date, in place of the "
        "sentences ncpi writes; a report's own `methodology` replaces it.",
    )

    def inspectorate_on(self, day: dt.date) -> Inspectorate:
        """The inspectorate as it was named on `day` (the first one for earlier days)."""
        return _on(self.inspectorates, day) or min(self.inspectorates, key=lambda i: i.since)

    def standard_text(self, texts: list[StandardText], day: dt.date) -> list[str] | None:
        """The paragraphs of a standard text for a report published on `day`, if it had one."""
        version = _on(texts, day)
        return list(version.paragraphs) if version else None

    def note_on(self, note_id: str, day: dt.date) -> str | None:
        """The text of a note for a release published on `day`, or None if it had none then."""
        if note_id not in self.notes:
            note_id = self.renamed_notes.get(note_id, note_id)
        version = _on(self.notes.get(note_id, ()), day)
        return version.text if version else None


# Built now, once, before validate shares the forces out between two processes: built on
# first use, each process would build the same validators. A part's model, validated on its
# own (the parts of a file that fail the schema), is built then.
Report.model_rebuild()
Common.model_rebuild()
