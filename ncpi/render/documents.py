"""Stage 3, render: a checked report and the common data into HTML and text, from templates."""

from __future__ import annotations

import base64
import datetime as dt
import re
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

import jinja2
from markupsafe import Markup
from markupsafe import escape as escaped

from ncpi.errors import RenderError, source_date_epoch
from ncpi.model import (
    GRADES,
    INSPECTION_KIND,
    JUDGMENT_GRADES,
    PRACTICE_KINDS,
    PROGRAMMES,
    PROGRESS_STATUSES,
    TIMESCALES,
    Common,
    Report,
    follow_up,
    presented,
    programme,
    report_kind,
)
from ncpi.registry import Force, forces
from ncpi.render.inert import active_content, line_in_source
from ncpi.render.languages import LANGUAGES
from ncpi.render.names import DOWNLOAD_LINK, PRESS_RELEASE_HTML, PRESS_RELEASE_TEXT, REPORT_HTML
from ncpi.render.templating import (
    ASSETS_READ,
    EMBED_EMPTY,
    make_environment,
    slugify,
    template_source,
    translator,
)
from ncpi.render.typography import typeset, typeset_shared


class AreaSection(NamedTuple):
    """One area of the child's journey as the report presents it."""

    key: str
    label: str
    recommendations: list
    findings: list[str]
    progress: list
    #: The findings in brief, if the report gives them ("Summary of findings").
    summary: list[str] | None
    #: Findings under their own sentences, then boxes: anonymised cases, practice commended.
    headed: list
    case_examples: list
    practice: list


def _english(text: str) -> str:
    return text


def report_title(report: Report, force: Force, gettext=_english) -> str:
    """'Essex – National Child Protection Re-inspection', as on the cover and 'Get the report'."""
    if report.inspection.kind == INSPECTION_KIND:
        title = "%(area)s – National Child Protection Inspection"
    elif follow_up(report).kind == "post-inspection review":
        title = "%(area)s – National Child Protection Inspection Post-Inspection Review"
    else:
        title = "%(area)s – National Child Protection Re-inspection"
    return gettext(title) % {"area": force.area_name}


def report_url(report: Report, common: Common, force: Force, gettext=_english) -> str:
    """The report's public web address: as given, else the inspectorate's website and title."""
    own = presented(report)
    if own.url:
        return own.url
    website = common.inspectorate_on(own.published).website
    return f"https://{website}/publications/{slugify(report_title(report, force, gettext))}/"


def _audit_chart(report: Report, labels: dict[str, str]) -> str | None:
    """The case audit as a bar chart: an SVG data URL, so the HTML stays one file."""
    audit = report.case_audit
    if audit is None:
        return None
    return bar_chart([(labels[g], audit.grades[g]) for g in GRADES if g in audit.grades])


def bar_chart(
    rows: list[tuple[str, int]],
    *,
    width: int = 480,
    label_width: int = 170,
    most: int | None = None,
    mark: tuple[int, str] | None = None,
) -> str:
    """Horizontal bars, one per (label, count), as an SVG data URL; the page gives its alt text.

    `mark` (a count and its label, e.g. an aim) is drawn as a dashed line across the bars.
    `most` is the count a full bar stands for (by default the largest here), so that the parts
    of a chart split over several pages share one scale.
    """

    # Compact enough that a chart of nine bars fits under its table on a page (it was pushed
    # to the next one, leaving two-fifths of the page empty); its labels keep their size.
    bar_height, gap = 22, 6
    top = 22 if mark else 0  # room above the bars for the mark's label
    height = top + len(rows) * (bar_height + gap) + gap
    most = max(most or max((count for _, count in rows), default=0) or 1, mark[0] if mark else 0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Lato, Arial, sans-serif" font-size="14">'
    ]
    counts = []
    for index, (label, count) in enumerate(rows):
        y = top + gap + index * (bar_height + gap)
        bar = round((width - label_width - 50) * count / most)
        parts.append(
            f'<text x="0" y="{y + 16}" fill="#0b0c0c">{escaped(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{bar}" height="{bar_height}" fill="#1d4f91"/>'
        )
        number = f'<text x="{label_width + bar + 6}" y="{y + 16}" fill="#0b0c0c">{count}</text>'
        if mark:
            # On white, so that the mark's line never runs through the figure.
            number = (
                f'<rect x="{label_width + bar + 3}" y="{y + 1}" width="{8 * len(str(count)) + 6}" '
                f'height="20" fill="#ffffff"/>{number}'
            )
            counts.append(number)
        else:
            parts.append(number)
    if mark:
        # A dashed line across the bars at the mark (an aim, a limit), labelled above them,
        # under the figures.
        x = label_width + round((width - label_width - 50) * mark[0] / most)
        parts.append(
            f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{height}" stroke="#0b0c0c" '
            f'stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{x}" y="{top - 8}" text-anchor="middle" fill="#0b0c0c">'
            f"{escaped(mark[1])}</text>"
        )
    parts += counts
    parts.append("</svg>")
    return "data:image/svg+xml;base64," + base64.b64encode("".join(parts).encode()).decode()


#: Integrated care boards took the place of clinical commissioning groups in England on this
#: day (Health and Care Act 2022); before it, the partners' sentence would name a body that
#: did not exist.
INTEGRATED_CARE_BOARDS_FROM = dt.date(2022, 7, 1)


def _working_together(report: Report, force: Force) -> str | None:
    """What an initial inspection's introduction says of the statutory guidance: nothing for a
    force in Wales, where England's Working Together does not apply; the guidance alone; or
    with the three safeguarding partners as they are named from July 2022."""
    if force.is_welsh:
        return None
    start = presented(report).fieldwork.start
    return "partners" if start >= INTEGRATED_CARE_BOARDS_FROM else "guidance"


def document_context(
    report: Report, common: Common, language: str = "en", user_templates: Path | None = None
) -> dict:
    """Everything the templates see; what can be derived is derived here or in the templates.

    For a Welsh edition, `report` and `common` hold the Welsh text (see bilingual.py), and the
    names of areas, grades, statuses and timescales come from the Welsh catalogue.
    """

    gettext = _located(translator(user_templates, language))
    # Curly apostrophes and quotation marks, as the house writes them (typography.py).
    report, common = typeset(report), typeset_shared(common)
    force = forces()[report.force.slug].in_language(language)
    recommendations = report.inspection.recommendations
    initial = report.inspection.kind == INSPECTION_KIND
    # What the report found, by area: an initial inspection's chapters, or the follow-up's.
    chapters = report.inspection.chapters if initial else follow_up(report).findings
    progress_by_id = {} if initial else {p.recommendation: p for p in follow_up(report).progress}
    findings_by_area = {f.area: f.paragraphs for f in chapters}
    summary_by_area = {f.area: f.summary for f in chapters}
    after_by_area = {f.area: (f.headed, f.case_examples, f.practice) for f in chapters}
    sections = []
    # The areas of the report's programme: the child's journey, or the 2024 topics.
    areas = {key: gettext(label) for key, label in PROGRAMMES[programme(report)].items()}
    grades = {key: gettext(label) for key, label in GRADES.items()}
    for key, label in areas.items():
        recs = [r for r in recommendations if r.area == key]
        if recs or key in findings_by_area:
            sections.append(
                AreaSection(
                    key,
                    label,
                    recs,
                    findings_by_area.get(key, []),
                    [(r, progress_by_id[r.id]) for r in recs if r.id in progress_by_id],
                    summary_by_area.get(key),
                    *after_by_area.get(key, ([], [], [])),
                )
            )
    audit = report.case_audit
    audit_rows, audit_grades = [], []
    if audit is not None:
        audit_rows = [
            (grades[g], audit.grades[g], round(100 * audit.grades[g] / audit.cases))
            for g in GRADES
            if g in audit.grades
        ]
        # The by-area table has a column for every grade used anywhere in the audit.
        used = set(audit.grades).union(*(set(a.grades) for a in audit.by_area))
        audit_grades = [g for g in GRADES if g in used]
    own = presented(report)
    kind = report_kind(report)
    inspectorate = common.inspectorate_on(own.published)
    title = report_title(report, force, gettext)
    return {
        "report": report,
        "common": common,
        "force": force,
        # Each named as it was on the day of the event described: the original inspection, the
        # follow-up's fieldwork, and the publication (cover, copyright, website, notes).
        "inspectorate": inspectorate,
        "first_inspectorate": common.inspectorate_on(report.inspection.fieldwork.start),
        "follow_up_inspectorate": common.inspectorate_on(own.fieldwork.start),
        "kind": gettext(kind),
        # The part with the report's own dates, inspector, summary and conclusion.
        "own": own,
        "initial": initial,
        "title": title,
        "report_url": report_url(report, common, force, gettext),
        "areas": areas,
        "grades": grades,
        "timescales": {timescale: gettext(timescale) for timescale in TIMESCALES},
        "practice_kinds": {kind: gettext(label) for kind, label in PRACTICE_KINDS.items()},
        "lang": LANGUAGES[language].tag,
        "sections": sections,
        # Where the contents list goes; filled from the headings the template wrote.
        "contents_list": Markup(CONTENTS_MARK),
        # Where the HTML links its PDF; filled once the PDF is made (its pages and size).
        "download_link": Markup(DOWNLOAD_MARK),
        "statuses": {key: gettext(label) for key, label in PROGRESS_STATUSES.items()},
        "progress_by_id": progress_by_id,
        "audit_rows": audit_rows,
        "audit_grades": audit_grades,
        "audit_chart": _audit_chart(report, grades),
        "notes": [
            text
            for text in (common.note_on(n, own.published) for n in report.press_release.notes)
            if text is not None
        ],
        "draft": report.status == "draft",
        # The same documents in the force's other language, if it has one: see other_edition.
        "other_edition": None,
        "language": language,
        "published": own.published,
        "modified": _modified_date(report),
        # A re-inspection's or an inspection's foreword: its own, or the standard one of its
        # date. A post-inspection review has none (a rule refuses one).
        "foreword": own.foreword
        or (
            common.standard_text(common.forewords, own.published)
            if kind != "post-inspection review"
            else None
        ),
        # Annex A in the inspectorate's words, if the report or its date has them.
        "methodology": own.methodology or common.standard_text(common.methodologies, own.published),
        # The 2024 shape puts the case file analysis after leadership, its first chapter; the
        # child's journey ends with leadership, and the analysis follows every area.
        "case_file_after_first": programme(report) == "2024",
        "working_together": _working_together(report, force),
        # An initial inspection's graded judgments, causes of concern, areas for improvement.
        "judgments": [
            (j.topic, areas.get(j.topic, j.topic), gettext(JUDGMENT_GRADES[j.grade]), j.grade)
            for j in report.inspection.judgments
        ],
        "causes_of_concern": report.inspection.causes_of_concern,
        "areas_for_improvement": report.inspection.areas_for_improvement,
    }


def other_edition(
    language: str,
    report: Report,
    common: Common,
    pages: dict[str, str],
    user_templates: Path | None = None,
) -> dict:
    """What an edition says of the force's edition in another language (its report and common
    data given, and its web pages' file names by kind): its language, its pages, and its
    report's public address.

    The web page links the other edition's web page beside it; the PDF links the other
    report's public address, never a file.
    """
    context = document_context(report, common, language, user_templates)
    return {
        "language": language,
        "lang": LANGUAGES[language].tag.split("-")[0],
        "report_html": pages["report"],
        "press_release_html": pages["press-release"],
        "report_url": context["report_url"],
    }


def _located(gettext):
    """A gettext whose missing translation is a RenderError, like a template's mistake."""

    def located(text: str) -> str:
        try:
            return gettext(text)
        except jinja2.TemplateError as error:
            raise RenderError(str(error)) from error

    return located


def _modified_date(report: Report) -> str:
    """The PDF's modification date: SOURCE_DATE_EPOCH if set, else the publication date.

    Never the clock, so rebuilding the same inputs gives the same bytes.
    """
    epoch = source_date_epoch()
    if epoch is not None:
        moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return presented(report).published.isoformat()


def _template_location(error: BaseException) -> tuple[str | None, int]:
    """The template file and line of an error: its innermost template frame, if it has one."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return (error.filename or error.name, error.lineno)
    frames = []  # As traceback.extract_tb finds them, without loading it (0.5 ms a run).
    step = error.__traceback__
    while step is not None:
        frames.append((step.tb_frame.f_code.co_filename, step.tb_lineno))
        step = step.tb_next
    for filename, line in reversed(frames):
        if filename.endswith(".j2"):
            return (filename, line or 1)
    return (None, 1)


#: Stands for the link to the PDF until the PDF exists; see with_download_link.
DOWNLOAD_MARK = "<!-- ncpi:download -->"


def with_download_link(
    html: str,
    pdf_name: str,
    pdf: bytes,
    language: str = "en",
    user_templates: Path | None = None,
    pages: int | None = None,
) -> str:
    """The HTML with its download mark replaced by a link to its PDF, with pages and size.

    The link is for the web page only (class web-only, not printed), so the PDF, made from
    the same HTML before the link existed, does not depend on it.
    """
    if DOWNLOAD_MARK not in html:
        return html

    if pages is None:  # not counted by the worker that made it
        import pikepdf

        with pikepdf.open(BytesIO(pdf)) as opened:
            pages = len(opened.pages)

    size = f"{-(-len(pdf) // 1024):,} KB"  # rounded up: never "0 KB"
    text = translator(user_templates, language)("Download the report (PDF, %(pages)s, %(size)s)")
    words = text % {"pages": LANGUAGES[language].page_count(pages), "size": size}
    return html.replace(DOWNLOAD_MARK, download_link(pdf_name, words, user_templates), 1)


def download_link(
    href: str, words: str, user_templates: Path | None, *, download: bool = True
) -> str:
    """The web page's link to its PDF, from templates/download-link.html.j2."""

    context = {"href": href, "words": words, "download": download}
    return render_template(DOWNLOAD_LINK, context, user_templates)


#: Stands for the contents list while a template renders; replaced by links to its headings.
CONTENTS_MARK = "<!-- ncpi:contents -->"
_TAG = re.compile(r"<[^<>]*>")
_HEADING = re.compile(r'<h2 id="([^"<>]+)"[^<>]*>(.*?)</h2>', re.DOTALL)


def with_contents(html: str) -> str:
    """The HTML with its contents mark replaced by a link to each <h2> heading that follows it.

    Made from the headings the template wrote, so a template that renames, adds or drops a
    section gets a contents list that matches.
    """
    before, mark, after = html.partition(CONTENTS_MARK)
    if not mark:
        return html
    # The link holds the heading's text only, as one run: WeasyPrint tags a link with an
    # element inside it (the number's <span>) so that its annotation is not in the Link
    # element PDF/UA-1 asks for (WeasyPrint #185), and a screen reader reads one link anyway.
    items = "\n".join(
        f'<li><a href="#{anchor}">{_TAG.sub("", label)}</a></li>'
        for anchor, label in _HEADING.findall(after)
    )
    return before + items + after


def render_template(
    name: str,
    context: dict,
    user_templates: Path | None,
    assets: dict[str, str] | None = None,
    *,
    look_for_active_content: bool = True,
) -> str:
    """Render one template; a template's mistake becomes a RenderError naming file and line.

    The files the template embedded with asset() are recorded in `assets` (path -> SHA-256).
    """
    env = make_environment(user_templates, context.get("language", "en"))
    token = ASSETS_READ.set(assets)
    try:
        rendered = with_contents(env.get_template(name).render(context))
        if look_for_active_content and name.endswith(".html.j2"):
            refuse_active_content(env, name, rendered)
        return rendered
    except jinja2.TemplateError as error:
        # Not found is also a template's mistake when an include or extends names the file.
        if isinstance(error, jinja2.TemplateNotFound):
            message = f"template not found: {error.name}"
        else:
            message = error.message or type(error).__name__
        template, line = _template_location(error)
        if template is None:
            raise RenderError(message) from error
        raise RenderError(f"{template}:{line}: {message}", template, line) from error
    except (RenderError, MemoryError, RecursionError):
        raise
    except Exception as error:
        # An expression that fails ({{ 1 / 0 }}, text + a number, a filter given the wrong
        # type) is the template's mistake, at its line; an error with no template frame is ncpi's.
        template, line = _template_location(error)
        if template is None:
            raise
        message = f"{type(error).__name__}: {error}"
        raise RenderError(f"{template}:{line}: {message}", template, line) from error
    finally:
        ASSETS_READ.reset(token)


def refuse_active_content(env: jinja2.Environment, name: str, html: str) -> None:
    """A RenderError at the template's line if its HTML holds a script or an attachment."""
    found = active_content(html)
    if not found:
        return
    source, filename = template_source(env, name)
    first = found[0]
    line = line_in_source(source, first)
    message = (
        f"the document would hold {first.what} (line {first.line} of its HTML): templates may "
        "not put scripts or attachments in a document"
    )
    raise RenderError(f"{filename}:{line}: {message}", filename, line)


class RenderedDocuments(NamedTuple):
    """The HTML and text of one force's documents, before any PDF is made."""

    report_html: str
    press_release_html: str
    press_release_text: str


def render_documents(
    report: Report,
    common: Common,
    user_templates: Path | None,
    language: str = "en",
    *,
    dry_run: bool = False,
) -> RenderedDocuments:
    """Render the report and the press release from one context, so they never disagree.

    A script or an attachment is looked for only when the project has templates of its own:
    ncpi's put none in a document (the hostile-input tests prove it, whatever the text), and
    every build looks again in each document it writes. A third of a dry run's time is saved.

    A `dry_run` (validate's: the documents are not kept) of ncpi's templates alone embeds each
    file asset() finds empty; a project's own templates may use what asset() gives them, so
    with those it embeds every file whole, as a build does.
    """
    context = document_context(report, common, language, user_templates)
    look = user_templates is not None and user_templates.is_dir()
    token = EMBED_EMPTY.set(dry_run and not look)
    try:
        return RenderedDocuments(
            *(
                render_template(name, context, user_templates, look_for_active_content=look)
                for name in (REPORT_HTML, PRESS_RELEASE_HTML, PRESS_RELEASE_TEXT)
            )
        )
    finally:
        EMBED_EMPTY.reset(token)
