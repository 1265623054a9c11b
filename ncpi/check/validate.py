"""Stage 2, validate: load, schema, domain rules and a dry-run render, for every file at once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

import jinja2

from ncpi.check.anonymity import case_example_problems
from ncpi.check.loading import LoadedYaml, load_yaml_file, load_yaml_text
from ncpi.check.partial import partial_model
from ncpi.check.rules import check_common, check_report
from ncpi.check.schema import check_schema
from ncpi.check.welsh_pair import check_pair, welsh_loaded
from ncpi.defaults import builtin_templates_dir
from ncpi.errors import RenderError
from ncpi.model import BLANK_MARKER, PROSE, Common, Report
from ncpi.model_walk import field_at
from ncpi.pdf.fonts import (
    EVERYDAY_DRAWABLE,
    drawable_characters,  # fontTools only, never WeasyPrint
    fonts_dir_for,
)
from ncpi.problems import Findings, Problem, character_name, format_path, printable
from ncpi.processes import code_loaded, collect_as_usual, shared_out
from ncpi.project import Project
from ncpi.registry import forces, suggest
from ncpi.render.documents import render_documents
from ncpi.render.markup import link_mistake, links_in
from ncpi.render.templating import make_environment


class Verdict(NamedTuple):
    """One edition's verdict: its checked report and common data, or the problems that stop it.

    A Welsh edition holds the English facts with the Welsh text. A problem outside the forces'
    own files (the common data, a template) stops every edition; a problem in either file of a
    pair stops both editions, which are published together.
    """

    report: Report | None
    common: Common | None
    problems: list[Problem]
    #: Whether the edition's own files passed every check, the dry run included. Its report
    #: is then `report`, unless the check kept none (check_project's keep_reports).
    checked: bool

    @property
    def edition(self) -> tuple[Report, Common] | None:
        """The checked report and its common data, if it passed and was kept."""
        if not self.passed or self.report is None or self.common is None:
            return None
        return self.report, self.common

    @property
    def passed(self) -> bool:
        return self.checked and self.common is not None and not self.problems


#: The code of a Welsh file that has no English report beside it.
ORPHAN_WELSH = "orphan-welsh"


@dataclass
class CheckResult(Findings):
    """What validation found: the reports that passed, the common data, every problem."""

    reports: dict[str, Report] = field(default_factory=dict)
    common: Common | None = None
    #: The Welsh editions that passed: English facts with Welsh text (see bilingual.py).
    welsh: dict[str, Report] = field(default_factory=dict)
    welsh_common: Common | None = None
    #: Each edition checked, by (force, language): ("essex", "en"), ("dyfed-powys", "cy").
    verdicts: dict[tuple[str, str], Verdict] = field(default_factory=dict)
    #: The errors outside the forces' own files (the common data, a template): they stop all.
    shared_errors: list[Problem] = field(default_factory=list)
    #: What checking each force's files found (its problems, the files it read), by force:
    #: what validate remembers of the force, to repeat while its files stay the same.
    by_force: dict[str, Findings] = field(default_factory=dict)
    #: The forces whose findings were repeated from `remembered`, not checked: they have no
    #: report and no verdict here.
    repeated: set[str] = field(default_factory=set)
    #: The editions (force, language) whose own files passed every check: those whose report
    #: is in `reports` or `welsh`, or would be if the check kept them (keep_reports).
    passed_own: set[tuple[str, str]] = field(default_factory=set)

    def verdict(self, slug: str, language: str = "en") -> Verdict:
        """One edition's verdict (see Verdict)."""
        return self.verdicts[(slug, language)]


def template_problem(project: Project, error: RenderError) -> Problem:
    """A template's render error as a problem at the template's file and line.

    Without a template to blame (a text missing from the catalogue, asked for by Python),
    the problem is put on the templates folder.
    """
    if error.template is None:
        shown, message = project.display(project.templates_dir), str(error.message)
    else:
        shown = project.display(Path(error.template))
        message = str(error.message).removeprefix(f"{error.template}:{error.line}: ")
    return Problem(shown, error.line, 1, "", f"template: {message}", code="template")


def check_templates(project: Project) -> list[Problem]:
    """Every template of the project's own parses (ncpi's are parsed by its tests)."""
    if not project.templates_dir.is_dir():
        return []
    env = make_environment(None)  # Parsing needs the extensions only, not the loader.
    problems = []
    for path in sorted(project.templates_dir.rglob("*.j2")):
        try:
            env.parse(path.read_text(encoding="utf-8"))
        except jinja2.TemplateSyntaxError as error:
            problems.append(
                Problem(
                    project.display(path),
                    error.lineno,
                    1,
                    "",
                    f"template syntax: {error.message}",
                    code="template",
                )
            )
    return problems


def check_project(
    project: Project,
    slugs: list[str] | None = None,
    *,
    dry_run: bool = True,
    rendered: frozenset[tuple[str, str]] = frozenset(),
    remembered: dict[str, Findings] | None = None,
    jobs: int = 1,
    keep_reports: bool = True,
) -> CheckResult:
    """Check the common data and the named reports (all of them by default).

    `rendered`: editions (force, language) whose documents a build made from these very
    files, as its records show; the dry run would only render them again, so it does not.
    `remembered`: what checking a force found before, from these very files, templates and
    common data: repeated, not checked again (validate's record; see check_record.py).
    `jobs`: with 2 or more, the forces are shared out between this process and a copy of it.
    `keep_reports`: False where only the verdicts are wanted (validate): no checked report is
    kept, so the copy need not send its reports back (2 ms of pickling at the end of a run).
    """
    code_loaded()  # The checker, the model and the templates' code: loaded once for all.
    result = CheckResult()
    common_display = project.display(project.common_path)
    if not project.common_path.is_file():
        result.problems.append(
            Problem(
                common_display, 1, 1, "", "the common data file is missing", code="missing-common"
            )
        )
    else:
        loaded, problems = load_yaml_file(project.common_path, common_display, project)
        result.files_checked += 1
        if loaded is not None:
            problems += blank_problems(loaded)
            problems += text_problems(loaded, project, Common, problems)
            # All at once, as for a report: the schema's problems elsewhere in the file too.
            usable = not problems
            common, schema_problems = check_schema(loaded, Common)
            reported = {problem.path for problem in problems}
            problems += [p for p in schema_problems if p.path not in reported]
            if common is not None:
                problems += check_common(common, loaded)
                result.common = common if usable else None
        result.problems += problems
        # The Welsh common data is checked with the Welsh files that use it.
        named = project.report_slugs() if slugs is None else slugs
        welsh = any(project.welsh_path(slug).is_file() for slug in named)
        if welsh and project.welsh_common_path.is_file():
            _check_welsh_common(project, loaded if result.common is not None else None, result)
    template_problems = check_templates(project) if dry_run else []
    result.problems += template_problems
    if slugs is None:
        result.problems += orphan_welsh_files(project)
    remembered = remembered or {}
    named = project.report_slugs() if slugs is None else slugs
    checked = _check_forces(
        project,
        [slug for slug in named if slug not in remembered],
        result,
        dry_run=dry_run and not template_problems,
        rendered=rendered,
        jobs=jobs,
        keep_reports=keep_reports,
    )
    for slug in named:  # In the order named, however the forces were shared out.
        if slug in remembered:
            result.problems += remembered[slug].problems
            result.files_checked += remembered[slug].files_checked
            result.repeated.add(slug)
            continue
        own = checked[slug]
        result.problems += own.problems
        result.files_checked += own.files_checked
        result.reports.update(own.reports)
        result.welsh.update(own.welsh)
        result.by_force.update(own.by_force)
        result.passed_own |= own.passed_own
    result.problems.sort(key=_reading_order)
    result.verdicts = _verdicts(project, result, project.report_slugs() if slugs is None else slugs)
    collect_as_usual()  # Checked: what follows (a build, the live preview) makes cycles.
    return result


#: Fewer forces than this are checked in one process: a copy of it costs more than it saves.
SIDE_BY_SIDE_FROM = 4


def _check_forces(
    project: Project,
    slugs: list[str],
    common: CheckResult,
    *,
    dry_run: bool,
    rendered: frozenset[tuple[str, str]],
    jobs: int,
    keep_reports: bool,
) -> dict[str, CheckResult]:
    """What checking each force found, each in a CheckResult of its own, by force.

    With `jobs` of 2 or more, this process and a copy of it each check the next force that
    neither has begun, until none is left. Each loads the templates for its first force: the
    copy starts at once rather than wait while this process loads them alone.
    """

    def check(slug: str) -> CheckResult:
        return _check_force(
            project, slug, common, dry_run=dry_run, rendered=rendered, keep_reports=keep_reports
        )

    if jobs < 2 or len(slugs) < SIDE_BY_SIDE_FROM:
        return {slug: check(slug) for slug in slugs}
    return dict(zip(slugs, shared_out(slugs, check), strict=True))


def _check_force(
    project: Project,
    slug: str,
    common: CheckResult,
    *,
    dry_run: bool,
    rendered: frozenset[tuple[str, str]],
    keep_reports: bool = True,
) -> CheckResult:
    """What checking one force found: its problems, files and (if they passed) its editions.

    `common` holds the common data, English and Welsh, already checked. A failure of ncpi's
    own is a problem at the report's first line, and leaves the force out of `by_force`.
    """
    own = CheckResult(common=common.common, welsh_common=common.welsh_common)
    try:
        _check_one(project, slug, own, dry_run=dry_run, rendered=rendered)
        own.by_force[slug] = Findings(own.problems, own.files_checked)
    except Exception as error:
        own.problems.append(
            Problem(
                project.display(project.report_path(slug)),
                1,
                1,
                "",
                f"ncpi could not check this file ({type(error).__name__}: {error}); "
                "please report this as a bug in ncpi",
                code="internal-error",
            )
        )
    own.passed_own = {(slug, "en") for slug in own.reports} | {(slug, "cy") for slug in own.welsh}
    if not keep_reports:
        own.reports, own.welsh = {}, {}
    # Not sent back from a copy: the caller has them.
    own.common = own.welsh_common = None
    return own


def orphan_welsh_files(project: Project) -> list[Problem]:
    """A Welsh file with no English report beside it (a misspelt name, a report removed):
    nothing would ever read it, so it is an error at its first line."""
    if not project.reports_dir.is_dir():
        return []
    slugs = project.report_slugs()
    problems = []
    for path in sorted(project.reports_dir.glob("*.cy.yaml")):
        slug = path.name.removesuffix(".cy.yaml")
        if slug.startswith("_") or slug in slugs:
            continue
        english = project.display(project.report_path(slug))
        problems.append(
            Problem(
                project.display(path),
                1,
                1,
                "",
                f"there is no {english}: a Welsh file is the Welsh text of an English report, "
                f"and is read only beside it.{suggest(slug, slugs)} Rename this file to match "
                "its report, or remove it",
                code=ORPHAN_WELSH,
            )
        )
    return problems


def _verdicts(
    project: Project, result: CheckResult, slugs: list[str]
) -> dict[tuple[str, str], Verdict]:
    """Each edition's verdict, from the problems' files (see Verdict)."""
    errors = result.errors
    own_files = {
        slug: {
            project.display(project.report_path(slug)),
            project.display(project.welsh_path(slug)),
        }
        for slug in slugs
    }
    everyone = set().union(*own_files.values()) if own_files else set()
    welsh_common = project.display(project.welsh_common_path)
    # A Welsh file with no report is its own mistake: it stops no force's documents.
    shared = [
        p for p in errors if p.file not in everyone | {welsh_common} and p.code != ORPHAN_WELSH
    ]
    result.shared_errors = shared
    welsh_shared = [p for p in errors if p.file == welsh_common]
    verdicts = {}
    for slug in slugs:
        if slug in result.repeated:
            continue
        own = [p for p in errors if p.file in own_files[slug]]
        verdicts[(slug, "en")] = Verdict(
            result.reports.get(slug), result.common, shared + own, (slug, "en") in result.passed_own
        )
        verdicts[(slug, "cy")] = Verdict(
            result.welsh.get(slug),
            result.welsh_common,
            shared + own + welsh_shared,
            (slug, "cy") in result.passed_own,
        )
    return verdicts


def _reading_order(problem: Problem) -> tuple:
    """File by file, each English file just before its Welsh mirror; in a file, line by line."""
    welsh = problem.file.endswith(".cy.yaml")
    stem = problem.file.removesuffix(".cy.yaml" if welsh else ".yaml")
    return (stem, welsh, problem.line, problem.column)


def _check_welsh_common(project: Project, english: LoadedYaml | None, result: CheckResult) -> None:
    """Check reports/_common.cy.yaml against the English common data, as a pair."""

    path = project.welsh_common_path
    welsh, problems = load_yaml_file(path, project.display(path), project)
    result.files_checked += 1
    if welsh is not None:
        problems += blank_problems(welsh)
        problems += text_problems(welsh, project, Common, problems)
        if english is not None:
            problems += check_pair(english, welsh, Common)
    result.problems += problems
    if english is None or welsh is None or any(p.severity == "error" for p in problems):
        return
    result.welsh_common, problems = check_schema(welsh_loaded(english, welsh, Common), Common)
    result.problems += problems


def blank_problems(loaded: LoadedYaml) -> list[Problem]:
    """A problem for every value still "TODO: …", as `ncpi new` writes them."""
    return [
        loaded.problem(
            path, "not filled in yet: " + text.removeprefix(BLANK_MARKER).strip(), code="blank"
        )
        for path, text in loaded.strings()
        if text.startswith(BLANK_MARKER)
    ]


def _is_prose(path: tuple, model: type) -> bool:
    """Whether the value at `path` in a file of `model` is running prose (see model.PROSE)."""

    found = field_at(model, path)
    return found is not None and PROSE in found[1]


def comment_problems(loaded: LoadedYaml, model: type = Report) -> list[Problem]:
    """A problem for each ' #' that cut a paragraph short: YAML read the rest as a comment."""
    problems = []
    for path, (line, column) in loaded.comments_after_plain_text.items():
        if _is_prose(path, model):
            problems.append(
                Problem(
                    loaded.file,
                    line,
                    column,
                    format_path(path),
                    "the text from ' #' to the end of the line is read as a YAML comment and left "
                    "out of the report: put the whole paragraph in quotes, or write it as a block "
                    "(>- on the line before)",
                    code="comment-in-text",
                )
            )
    return problems


# Characters that cannot be printed, or that YAML and the outputs would turn into something else:
# C0 and C1 controls but tab and line feed, DEL, line and paragraph separators, noncharacters.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)


# Invisible characters that change how text displays or compares: bidirectional controls,
# zero-width spaces and joiners outside emoji, the byte-order mark.
INVISIBLE = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def control_character_problems(loaded: LoadedYaml) -> list[Problem]:
    """A problem for each text value holding a character that cannot be printed or is invisible."""

    problems = []
    for path, text in loaded.strings():
        found = _UNPRINTABLE.search(text)
        if found:
            problems.append(
                loaded.problem(
                    path,
                    f"contains a control character (U+{ord(found.group()):04X}) that cannot "
                    "be printed: delete it (it may have come with pasted text)",
                    code="control",
                )
            )
            continue
        found = INVISIBLE.search(text)
        if found:
            character = found.group()
            problems.append(
                loaded.problem(
                    path,
                    f"contains an invisible character, U+{ord(character):04X} "
                    f"({unicodedata.name(character)}), which can make text look "
                    "different from what it says: delete it",
                    code="invisible",
                )
            )
    return problems


@cache
def _drawable(fonts_dir: Path) -> frozenset[int] | None:

    return drawable_characters(fonts_dir)


def font_problems(loaded: LoadedYaml, project: Project) -> list[Problem]:
    """A problem for each text with a character the PDF's font cannot draw.

    WeasyPrint would draw it in whatever font the machine has: a font outside the build record,
    which would make the PDF differ from machine to machine.
    """

    texts = [(path, text) for path, text in loaded.strings() if not text.isascii()]
    fonts_dir = fonts_dir_for(project.templates_dir)
    everyday = EVERYDAY_DRAWABLE if fonts_dir == builtin_templates_dir() / "fonts" else ()
    if all(ord(c) <= 0xFF or c in everyday for _, text in texts for c in text):
        return []  # Lato draws Latin-1 and the everyday marks: no need to read the font.
    drawable = _drawable(fonts_dir)
    if drawable is None:
        return []
    problems = []
    for path, text in texts:
        missing = next((c for c in text if ord(c) not in drawable and c not in "\n\t"), None)
        if missing is not None:
            name = character_name(missing)
            problems.append(
                loaded.problem(
                    path,
                    f"'{printable(missing)}' (U+{ord(missing):04X} {name}) is not in the "
                    "report's font (Lato): the PDF would draw it in a font of this machine's. "
                    "Remove it or write it in words",
                    code="font",
                )
            )
    return problems


def link_problems(loaded: LoadedYaml) -> list[Problem]:
    """A problem for every [label](address) that may not be a live link (see link_mistake)."""
    return [
        loaded.problem(
            path, f"the link '[{label}]({url})' may not go to '{url}': {mistake}", code="link"
        )
        for path, text in loaded.strings()
        for label, url in links_in(text)
        if (mistake := link_mistake(url)) is not None
    ]


def text_problems(
    loaded: LoadedYaml, project: Project, model: type, found: list[Problem]
) -> list[Problem]:
    """The checks of every text in a file but blanks: cut paragraphs, characters, links, font.

    One message for a place is enough: a text with a problem already `found`, or an invisible
    character, is not also said to be outside the font.
    """
    problems = comment_problems(loaded, model) + control_character_problems(loaded)
    problems += link_problems(loaded)
    reported = {problem.path for problem in found + problems}
    return problems + [p for p in font_problems(loaded, project) if p.path not in reported]


def _check_one(
    project: Project,
    slug: str,
    result: CheckResult,
    *,
    dry_run: bool,
    rendered: frozenset[tuple[str, str]] = frozenset(),
) -> None:
    """Check one report, adding every problem (and the report, if it passed) to `result`."""

    path = project.report_path(slug)
    loaded, load_problems = load_yaml_file(path, project.display(path), project)
    result.files_checked += 1
    if loaded is None:  # Not YAML at all: nothing further can be read.
        result.problems += load_problems
        return
    blanks = blank_problems(loaded)
    report, schema_problems = check_schema(loaded, Report)
    # A value the loader refused (a date that does not exist) or a blank is reported once, not
    # again as "not a date"; every other part of the file is still checked in the same run.
    # (The schema reports a refused value's missing keys at the value, never below it.)
    known = load_problems + blanks
    known_paths = {problem.path for problem in known}  # A set: linear, not problems x blanks.
    problems = known + [p for p in schema_problems if p.path not in known_paths]
    problems += text_problems(loaded, project, Report, problems)
    if not blanks:  # A scaffold's rules would only repeat its blanks.
        checked = report if report is not None else partial_model(Report, loaded.data)
        problems += check_report(checked, loaded, result.common, slug)
    problems += _welsh_edition_warning(project, slug, loaded)
    result.problems += problems  # Put in reading order by check_project.
    english_ok = report is not None and not any(p.severity == "error" for p in problems)
    if project.welsh_path(slug).is_file():
        welsh_dry_run = dry_run and (slug, "cy") not in rendered
        _check_welsh(project, slug, loaded, english_ok, result, dry_run=welsh_dry_run)
    if not english_ok or result.common is None:
        return
    if dry_run and (slug, "en") not in rendered:
        try:
            render_documents(report, result.common, project.templates_dir, dry_run=True)
        except RenderError as error:
            result.problems.append(template_problem(project, error))
            return
    result.reports[slug] = report


def check_earlier(
    raw: bytes,
    display: str,
    slug: str,
    common: Common | None,
    welsh: tuple[bytes, str] | None = None,
) -> tuple[Report | None, list[Problem]]:
    """An earlier version of a report (for a redline), checked as its files once were: the
    report if its schema passes, and every problem found. With `welsh` (the Welsh file's bytes
    and name), the Welsh edition: the English facts with that Welsh text. No dry run."""
    loaded, problems = load_yaml_text(raw, display)
    if loaded is None:
        return None, problems
    report, schema_problems = check_schema(loaded, Report)
    problems += schema_problems
    if report is not None:
        problems += check_report(report, loaded, common, slug)
    if welsh is None or report is None:
        return report, problems
    translation, welsh_problems = load_yaml_text(*welsh)
    if translation is None:
        return None, problems + welsh_problems
    pair_problems = check_pair(loaded, translation, Report)
    problems += welsh_problems + pair_problems
    if any(p.severity == "error" for p in pair_problems):
        return None, problems  # Text that does not mirror its English cannot be placed in it.
    edition, schema_problems = check_schema(welsh_loaded(loaded, translation, Report), Report)
    return edition, problems + schema_problems


def _welsh_edition_warning(project: Project, slug: str, loaded: LoadedYaml) -> list[Problem]:
    """A warning for a Welsh force whose report has no Welsh text beside it."""

    force = forces().get(slug)
    if force is None or not force.is_welsh or project.welsh_path(slug).is_file():
        return []
    welsh = project.display(project.welsh_path(slug))
    return [
        loaded.problem(
            ("force",),
            f"{force.name} is a Welsh force: its report and press release must also be "
            f"published in Welsh, at the same time, but {welsh} does not exist yet. "
            f"`ncpi new {slug} --welsh` starts it from this file",
            key=True,
            code="welsh-edition",
            severity="warning",
        )
    ]


def _check_welsh(
    project: Project,
    slug: str,
    english: LoadedYaml,
    english_ok: bool,
    result: CheckResult,
    *,
    dry_run: bool,
) -> None:
    """Check a report's Welsh file: its own text, then as the English file's mirror."""

    path = project.welsh_path(slug)
    welsh, problems = load_yaml_file(path, project.display(path), project)
    result.files_checked += 1
    if welsh is not None:
        problems += blank_problems(welsh)
        problems += text_problems(welsh, project, Report, problems)
        problems += check_pair(english, welsh, Report)
    if project.common_path.is_file() and not project.welsh_common_path.is_file():
        problems.append(
            Problem(
                project.display(path),
                1,
                1,
                "",
                f"{project.display(project.welsh_common_path)} does not exist: the Welsh editions "
                "need the notes to editors and the inspectorates' names in Welsh",
                code="welsh-common",
            )
        )
    result.problems += problems
    errors = any(p.severity == "error" for p in problems)
    if welsh is None or errors or not english_ok or result.welsh_common is None:
        return
    merged = welsh_loaded(english, welsh, Report)
    report, schema_problems = check_schema(merged, Report)
    result.problems += schema_problems
    if report is None:
        return
    # A translation can name what the English does not: its case examples are checked too.
    identifying = list(case_example_problems(report, merged))
    result.problems += identifying
    if identifying:
        return
    if dry_run:
        try:
            render_documents(report, result.welsh_common, project.templates_dir, "cy", dry_run=True)
        except RenderError as error:
            result.problems.append(template_problem(project, error))
            return
    result.welsh[slug] = report
