"""The command line: parse options, call one library function, turn its errors into output."""

from __future__ import annotations

import functools
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from ncpi import __version__
from ncpi.errors import NcpiError, NotAProject, Stopped, ValidationFailed
from ncpi.pdf.document import (  # constants only; WeasyPrint loads later
    DEFAULT_VARIANT,
    PDF_VARIANTS,
)
from ncpi.problems import printable, problems_as_json
from ncpi.project import REPORTS_FOLDER, Project

EXIT_CODES = """
Exit codes: 0 everything is fine; 1 problems were found or a build failed; 2 the command was
used wrongly (an unknown option or force, or not in a project); 130 stopped by Ctrl-C.
"""


#: Problems shown per file in text and GitHub output; the rest are counted (JSON has them all).
MAX_PROBLEMS_SHOWN = 100


def use_colour(stream) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    return not os.environ.get("NO_COLOR") and stream.isatty()


@dataclass
class Session:
    """What the group's options decide for every command: the project, and how much to say."""

    root: Path | None = None
    quiet: bool = False
    verbose: bool = False
    _project: Project | None = field(default=None, repr=False)

    def project(self) -> Project:
        """The project given by --root, or found upward from the current folder."""
        if self._project is not None:
            return self._project
        if self.root is None:
            self._project = Project.find(Path.cwd())
        elif not (self.root / REPORTS_FOLDER).is_dir():  # Given: that folder, not one above it.
            raise NotAProject(
                f"{self.root} is not an ncpi project: it has no reports/ "
                "folder. `ncpi init` starts one there"
            )
        else:
            self._project = Project(self.root.resolve())
        return self._project

    def say(self, message: str = "", *, err: bool = False) -> None:
        """Progress and what was written; nothing under --quiet."""
        if not self.quiet:
            click.echo(message, err=err)

    def detail(self, message: str, *, err: bool = True) -> None:
        """What only --verbose shows: why each document was rebuilt, and timings."""
        if self.verbose:
            click.echo(message, err=err)

    def problems(
        self, problems, output_format: str = "text", *, err: bool = False, indent: str = ""
    ) -> None:
        """Problems as text (coloured on a terminal), JSON or GitHub annotations."""
        if output_format == "json":
            click.echo(problems_as_json(problems), err=err)
            return
        stream = sys.stderr if err else sys.stdout
        colour = output_format == "text" and use_colour(stream)
        shown: dict[str, int] = {}
        for problem in problems:
            shown[problem.file] = shown.get(problem.file, 0) + 1
            if shown[problem.file] > MAX_PROBLEMS_SHOWN:
                continue
            if output_format == "github":
                click.echo(problem.as_github(), err=err)
            else:
                hue = "red" if problem.severity == "error" else "yellow"
                text = indent + problem.as_text()
                click.echo(click.style(text, fg=hue) if colour else text, err=err, color=colour)
        for file, count in shown.items():
            if count > MAX_PROBLEMS_SHOWN:
                click.echo(
                    f"{printable(file)}: … and {count - MAX_PROBLEMS_SHOWN:,} more problems: "
                    "fix these first (or see them all with --format json)",
                    err=err,
                )

    def summary(self, message: str, *, failed: bool) -> None:
        """The last line: always shown, to stderr when something failed, bold on a terminal."""
        stream = sys.stderr if failed else sys.stdout
        colour = use_colour(stream)
        styled = (
            click.style(message, bold=True, fg="red" if failed else None) if colour else message
        )
        click.echo(styled, err=failed, color=colour)


def _set_on_session(name: str):
    def set_flag(ctx: click.Context, param, value: bool) -> None:
        if value:
            session = ctx.ensure_object(Session)
            setattr(session, name, True)
            if session.quiet and session.verbose:
                raise click.UsageError("--quiet and --verbose contradict each other: choose one")

    return set_flag


def verbosity(function):
    """-q and -v after the command as well as before it: `ncpi build essex -q`."""
    function = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        callback=_set_on_session("verbose"),
        help="Also say why each document was rebuilt.",
    )(function)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_on_session("quiet"),
        help="Say only the problems and the final summary.",
    )(function)


def pass_project(function):
    """Give the command the project as its first argument; found only once options are parsed,
    so that `ncpi build --help` works anywhere."""

    @click.pass_context
    def run(ctx: click.Context, *args, **kwargs):
        return function(ctx.ensure_object(Session).project(), *args, **kwargs)

    return functools.update_wrapper(run, function)


def pass_session(function):
    """Give the command the session (quiet, verbose) as its first argument."""

    @click.pass_context
    def run(ctx: click.Context, *args, **kwargs):
        return function(ctx.ensure_object(Session), *args, **kwargs)

    return functools.update_wrapper(run, function)


def _complete_forces(with_report: bool):
    """Shell completion of force names: those with a report, or (for `new`) those without."""

    def complete(ctx: click.Context, param, incomplete: str):
        from click.shell_completion import CompletionItem

        from ncpi.registry import forces

        try:
            root = ctx.find_root().params.get("root")
            have = set(Project.find(root or Path.cwd()).report_slugs())
        except NcpiError:
            have = set()
        slugs = sorted(have) if with_report else [s for s in forces() if s not in have]
        return [
            CompletionItem(slug, help=forces()[slug].name)
            for slug in slugs
            if slug.startswith(incomplete.casefold())
        ]

    return complete


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(__version__, "--version", "-V", prog_name="ncpi")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The project folder, which holds reports/ (and templates/)  [default: the "
    "nearest folder upward that has reports/]",
)
@click.option("-q", "--quiet", is_flag=True, help="Say only the problems and the final summary.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also say why each document was rebuilt, and how long it took.",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None, quiet: bool, verbose: bool) -> None:
    """Check and compile National Child Protection Inspection re-inspection reports.

    Each force's report is a YAML file, reports/FORCE.yaml. ncpi checks the files and compiles
    them into the re-inspection report (PDF and HTML) and the press release (text, HTML and
    PDF), from the same facts.

    \b
    Example:
      ncpi validate && ncpi build essex && ncpi press-release essex

    Forces can be named by slug (essex), official name ("Norfolk Constabulary") or a common
    short name (met). Shell completion: eval "$(_NCPI_COMPLETE=bash_source ncpi)".
    """
    from ncpi.errors import source_date_epoch

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose contradict each other: choose one")
    source_date_epoch()  # A wrong value is a usage error now, not a failure in every build.
    ctx.obj = Session(root, quiet, verbose)


FORCES_WITH_REPORTS = click.argument(
    "forces", nargs=-1, metavar="[FORCE]...", shell_complete=_complete_forces(with_report=True)
)


@cli.command(epilog=EXIT_CODES)
@FORCES_WITH_REPORTS
@verbosity
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for GitHub Actions annotations.",
)
@pass_session
def validate(session: Session, forces: tuple[str, ...], strict: bool, output_format: str) -> None:
    """Check every report (or the FORCEs named): YAML, schema, domain rules, templates.

    Each problem is printed as FILE:LINE:COLUMN: KEY.PATH: MESSAGE, all of them at once.

    \b
    Examples:
      ncpi validate
      ncpi validate essex --strict
      ncpi validate --format json
    """
    from ncpi.check.validate import check_project

    project = session.project()
    slugs = [project.resolve_force(name) for name in forces] or None
    result = check_project(project, slugs)
    # Under --quiet, acknowledged warnings (already checked and accepted) are not repeated.
    shown = [p for p in result.problems if not (session.quiet and p.severity == "acknowledged")]
    session.problems(shown, output_format)
    failing = result.errors + (result.warnings if strict else [])
    if output_format != "json":
        if session.verbose:
            for slug in slugs or project.report_slugs():
                session.detail(f"checked {project.display(project.report_path(slug))}", err=False)
        summary = (
            f"{result.files_checked} file(s) checked: {len(result.errors)} error(s), "
            f"{len(result.warnings)} warning(s)."
        )
        if result.acknowledged:
            summary += f" {len(result.acknowledged)} acknowledged warning(s) not counted."
        session.summary(summary, failed=bool(failing))
    if failing:
        sys.exit(1)


def _batch_options(function):
    """The options `build` and `press-release` share."""
    for option in reversed(
        [
            FORCES_WITH_REPORTS,
            click.option(
                "--all", "all_forces", is_flag=True, help="Every force that has a report."
            ),
            click.option(
                "-j",
                "--jobs",
                type=click.IntRange(min=1),
                default=None,
                help="Worker processes  [default: the number of cores]",
            ),
            click.option(
                "--force", "rebuild", is_flag=True, help="Rebuild even what is up to date."
            ),
            click.option(
                "--watch",
                is_flag=True,
                help="Keep running; rebuild whenever an input changes. Ctrl-C stops.",
            ),
            click.option(
                "--pdf-variant",
                type=click.Choice(PDF_VARIANTS),
                default=DEFAULT_VARIANT,
                show_default=True,
                help="The PDF standard to meet.",
            ),
            click.option(
                "--final", is_flag=True, help="Refuse to build a report whose status is draft."
            ),
            click.option(
                "--png",
                is_flag=True,
                help="Also render each page as a PNG image, in build/FORCE/preview/.",
            ),
            verbosity,
        ]
    ):
        function = option(function)
    return function


def _targets(project: Project, forces: tuple[str, ...], all_forces: bool, kinds: list[str]):
    from ncpi.build.targets import Target

    if all_forces and forces:
        raise click.UsageError("name forces or use --all, not both")
    if not all_forces and not forces:
        raise click.UsageError("name a force (e.g. essex), or use --all for every report")
    slugs = project.report_slugs() if all_forces else [project.resolve_force(f) for f in forces]
    if not slugs:
        raise NcpiError("there are no reports to build: `ncpi new FORCE` starts one")
    return [
        Target(slug, kind, language)
        for slug in dict.fromkeys(slugs)
        for language in project.languages(slug)
        for kind in kinds
    ]


def _build_and_report(
    session: Session,
    targets,
    options,
    *,
    jobs: int | None,
    rebuild: bool,
    png: bool = False,
    in_process: bool = False,
) -> list:
    """Run the pipeline with progress; print what was written, what failed and a summary."""
    from ncpi.build.pipeline import Events, Run, build_targets, preview_pages
    from ncpi.build.progress import Progress
    from ncpi.build.workers import default_jobs

    project = session.project()
    started = time.perf_counter()
    progress = Progress(
        len(targets),
        sys.stderr,
        terminal=sys.stderr.isatty() and not session.verbose,
        quiet=session.quiet,
        colour=use_colour(sys.stderr),
    )
    events = Events(
        on_start=progress.start,
        on_done=progress.finish,
        on_note=lambda note: session.say(note, err=True),
    )
    outcomes = build_targets(
        project,
        targets,
        options,
        events=events,
        run=Run(jobs=jobs or default_jobs(), rebuild=rebuild, in_process=in_process),
    )
    progress.close()
    order = {target: index for index, target in enumerate(targets)}
    outcomes.sort(key=lambda outcome: order[outcome.target])
    for outcome in outcomes:
        for path in outcome.paths:
            session.say(f"wrote {project.display(path)}")
        if png and outcome.state == "built":
            for path in preview_pages(project, outcome.target):
                session.say(f"wrote {project.display(path)}")
    failed = [outcome for outcome in outcomes if outcome.state == "failed"]
    # A report's problems stop its report and its press release alike: said once for both.
    alike: dict[tuple, list] = {}
    for outcome in failed:
        key = (outcome.reason, tuple(problem.as_text() for problem in outcome.problems))
        alike.setdefault(key, []).append(outcome)
    for same in alike.values():
        names = " and ".join(str(outcome.target) for outcome in same)
        click.echo(f"{names} failed: {same[0].reason}", err=True)
        session.problems(same[0].problems, err=True, indent="  ")
    counts = {
        state: sum(1 for o in outcomes if o.state == state)
        for state in ("built", "up to date", "failed")
    }
    summary = ", ".join(f"{count} {state}" for state, count in counts.items())
    session.summary(f"{summary} ({time.perf_counter() - started:.1f} s).", failed=bool(failed))
    if counts["up to date"] and not counts["built"] and not failed:
        session.say("Nothing changed since the last build; --force rebuilds anyway.")
    return outcomes


@dataclass(frozen=True)
class _Batch:
    """What `build` or `press-release` was asked: which forces, and how (their options)."""

    forces: tuple[str, ...]
    all_forces: bool
    jobs: int | None
    rebuild: bool
    watch: bool
    pdf_variant: str
    final: bool
    png: bool


def _batch_command(session: Session, kinds: list[str], asked: _Batch) -> None:
    from ncpi.build.targets import BuildOptions

    options = BuildOptions(asked.pdf_variant, asked.final)
    targets = _targets(session.project(), asked.forces, asked.all_forces, kinds)
    if asked.watch:
        _watch(session, targets, options, asked.png)
        return
    outcomes = _build_and_report(
        session, targets, options, jobs=asked.jobs, rebuild=asked.rebuild, png=asked.png
    )
    if any(outcome.state == "failed" for outcome in outcomes):
        sys.exit(1)


def _watch(session: Session, targets, options, png: bool = False) -> None:
    """Build, then rebuild on every change until stopped; a stop exits 128 + the signal."""
    from ncpi.commands.watch import watch

    def rebuild() -> None:
        session.say(time.strftime("%H:%M:%S") + " building…", err=True)
        # In this process: WeasyPrint is imported by the first build and kept for the rest.
        _build_and_report(
            session, targets, options, jobs=1, rebuild=False, png=png, in_process=True
        )

    forces_watched = ", ".join(dict.fromkeys(t.slug for t in targets))
    session.say(
        f"Watching {forces_watched}: rebuilding when its report, the common data or a "
        "template changes. Ctrl-C stops.",
        err=True,
    )
    try:
        watch(session.project(), [t.slug for t in targets], rebuild)
    except KeyboardInterrupt:  # Where ncpi's own signal handlers are not installed.
        raise Stopped(2) from None


@cli.command(epilog=EXIT_CODES)
@_batch_options
@pass_session
def build(session: Session, **options) -> None:
    """Validate, then write each FORCE's re-inspection report to build/FORCE/ (PDF + HTML).

    Only what changed is rebuilt: a report is skipped while its file, the common data, its
    templates, fonts and images, ncpi and the options are the same as at its last build.
    Forces are built in parallel, one worker per core; one failing does not stop the others.

    \b
    Examples:
      ncpi build essex
      ncpi build "Norfolk Constabulary" met
      ncpi build --all              # every force, in parallel
      ncpi build essex --png        # and look at the pages
      ncpi build essex --watch      # rebuild on every save
    """
    _batch_command(session, ["report"], _Batch(**options))


@cli.command("press-release", epilog=EXIT_CODES)
@_batch_options
@pass_session
def press_release(session: Session, **options) -> None:
    """Validate, then write each FORCE's press release (text for email, HTML, PDF).

    Incremental and parallel like `ncpi build`, with the same options.

    \b
    Examples:
      ncpi press-release essex
      ncpi press-release --all -j 4
    """
    _batch_command(session, ["press-release"], _Batch(**options))


@cli.command(epilog=EXIT_CODES)
@FORCES_WITH_REPORTS
@click.option("--all", "all_forces", is_flag=True, help="Every force that has a report.")
@click.option("--allow-past-embargo", is_flag=True, help="Publish even if the embargo has passed.")
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=DEFAULT_VARIANT,
    show_default=True,
    help="The PDF standard to meet.",
)
@verbosity
@pass_session
def publish(
    session: Session, forces, all_forces: bool, allow_past_embargo: bool, pdf_variant: str
) -> None:
    """Check, build with --final, and bundle each FORCE for the web team and the press office.

    Refuses a draft and anything `validate --strict` refuses. Writes build/publish/FORCE/:
    the report (PDF, HTML), the press release (text, HTML, PDF, and an email draft, .eml),
    metadata.json (schema.org) and SHA256SUMS; and build/publish/FORCE.zip, whose bytes
    depend only on the files.

    \b
    Example:
      ncpi publish essex && (cd build/publish/essex && sha256sum -c SHA256SUMS)
    """
    from ncpi.commands.publish import publish as publish_forces

    project = session.project()
    slugs = [target.slug for target in _targets(project, forces, all_forces, ["report"])]
    try:
        bundles = publish_forces(
            project, slugs, allow_past_embargo=allow_past_embargo, pdf_variant=pdf_variant
        )
    except ValidationFailed as failure:
        session.problems(failure.problems, err=True)
        raise NcpiError(
            "publish refuses what `validate --strict` refuses: fix the problems "
            "above (warnings included)"
        ) from None
    for bundle in bundles:
        for path in [*bundle.files, bundle.archive]:
            session.say(f"wrote {project.display(path)}")
    session.summary(f"{len(bundles)} force(s) ready to publish, in build/publish/.", failed=False)


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=_complete_forces(with_report=True))
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=DEFAULT_VARIANT,
    show_default=True,
    help="The PDF standard to meet.",
)
@pass_session
def watch(session: Session, force: str, pdf_variant: str) -> None:
    """Build FORCE's report and press release, then rebuild them whenever an input changes.

    For editing with the PDF open in a viewer: save the YAML file and the PDF follows. A
    mistake is printed with its line; the previous PDF stays until the file is fixed.
    Ctrl-C stops (exit code 130).

    \b
    Example:
      ncpi watch essex
    """
    from ncpi.build.targets import BuildOptions, targets_of

    slug = session.project().resolve_force(force)
    project = session.project()
    _watch(session, targets_of(slug, project.languages(slug)), BuildOptions(pdf_variant))


class _Moment(click.ParamType):
    """A date, or a date and time, UK time unless an offset is given."""

    name = "DATETIME"

    def convert(self, value, param, ctx):
        from ncpi.publication import parse_as_of

        if not isinstance(value, str):
            return value
        try:
            return parse_as_of(value)
        except ValueError:
            self.fail(
                f"'{value}' is not a date or a date and time: write 2016-12-14 or "
                "2016-12-14T00:01 (UK time)",
                param,
                ctx,
            )


@cli.command(epilog=EXIT_CODES)
@click.option("--force", "rebuild", is_flag=True, help="Rebuild even if nothing changed.")
@click.option(
    "--as-of",
    "as_of",
    type=_Moment(),
    default=None,
    help="Count the reports published at this moment (UK time), e.g. 2016-12-14T00:01; "
    "by default now (SOURCE_DATE_EPOCH if set).",
)
@click.option(
    "--include-unpublished",
    is_flag=True,
    help="Also count drafts and reports whose date or embargo is still to come; every page is "
    "then marked 'Not for publication'.",
)
@pass_session
def national(session: Session, rebuild: bool, as_of, include_unpublished: bool) -> None:
    """Every published report together: the national overview, open data and the site index.

    Reads every report with the checks of `validate`; a report that does not pass is named,
    with its problems, and left out (exit code 1). Only reports published as of now (or
    --as-of) are counted: a draft, or a report whose publication date or embargo is still to
    come, is left out, and the overview says how many were. Writes
    build/national/national-overview.pdf and .html, build/data/ (recommendations.csv and
    forces.csv with their CSV on the Web metadata, recommendations.json) and build/index.html.
    Incremental, as `build` is.

    \b
    Examples:
      ncpi build --all && ncpi press-release --all && ncpi national
      ncpi national --as-of 2016-12-14T00:01
      ncpi national --include-unpublished
    """
    from ncpi.commands.national import build_national

    project = session.project()
    outcome = build_national(
        project, as_of=as_of, include_unpublished=include_unpublished, rebuild=rebuild
    )
    for slug, problems in outcome.left_out.items():
        session.problems(problems, err=True)
        click.echo(f"left out of the national overview: {slug} (its report has errors)", err=True)
    for slug, reason in outcome.withheld.items():
        session.say(f"not counted: {slug} is not yet published ({reason})", err=True)
    for path in outcome.paths:
        session.say(f"wrote {project.display(path)}")
    state = "built" if outcome.state == "built" else "up to date"
    unpublished = sum(1 for entry in outcome.entries if entry.unpublished)
    marked = f", {unpublished} of them not yet published" if unpublished else ""
    withheld = f", {len(outcome.withheld)} not yet published" if outcome.withheld else ""
    session.summary(
        f"National overview and data {state}; {len(outcome.entries)} report(s) included{marked}, "
        f"{len(outcome.left_out)} left out{withheld} ({outcome.seconds:.1f} s).",
        failed=bool(outcome.left_out),
    )
    if outcome.left_out:
        raise SystemExit(1)


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=_complete_forces(with_report=True))
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; only this machine by default. Another (0.0.0.0 for every "
    "interface) makes the draft report readable by anyone on the network.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@pass_session
def serve(session: Session, force: str, port: int, host: str, open_browser: bool) -> None:
    """Show FORCE's report in the browser, and reload it on every save.

    The report is at http://127.0.0.1:8000/ and its press release at /press-release (in Welsh
    at /cy and /cy/press-release). On each save of the report, the common data or a template
    the page reloads itself; the PDFs are then rebuilt into build/ in the background and
    linked from the page. A mistake shows on the page, with its file and line. Ctrl-C stops.

    \b
    Examples:
      ncpi serve essex --open
      ncpi serve essex --port 8080
    """
    from ncpi.commands.serve import serve as serve_pages

    project = session.project()
    slug = project.resolve_force(force)
    serve_pages(
        project,
        slug,
        host,
        port,
        open_browser=open_browser,
        say=lambda message: session.say(message, err=True),
        show_problems=lambda problems: session.problems(problems, err=True),
    )


@cli.command("list", epilog=EXIT_CODES)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for tools.",
)
@pass_project
def list_forces(project: Project, output_format: str) -> None:
    """List the 43 forces: slug, region, whether a report exists, its status, validity, outputs.

    The slug is the name to give other commands (official and short names work too).

    \b
    Examples:
      ncpi list
      ncpi list --format json
    """
    import json

    from ncpi.commands.listing import force_rows, rows_as_table

    rows = force_rows(project)
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(rows_as_table(rows))


@cli.command(epilog=EXIT_CODES)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), required=False)
@pass_session
def init(session: Session, folder: Path | None) -> None:
    """Start a project in FOLDER (by default here): reports/ with the common data, schema/,
    a .gitignore for build/ and a short README. Nothing that exists is overwritten.

    \b
    Example:
      ncpi init inspections && cd inspections && ncpi new kent
    """
    from ncpi.commands.scaffold import init_project

    folder = folder or session.root or Path(".")
    for path in init_project(folder):
        session.say(f"wrote {path}")
    session.say(f"Next: `ncpi new FORCE` in {folder} starts a report.")


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=_complete_forces(with_report=False))
@click.option(
    "--welsh",
    is_flag=True,
    help="Start the Welsh text, reports/FORCE.cy.yaml, from the force's English report.",
)
@pass_project
def new(project: Project, force: str, welsh: bool) -> None:
    """Start reports/FORCE.yaml for a force, with its name filled in and TODO blanks to fill.

    With --welsh, start its Welsh text instead: every prose field of the English report, as a
    TODO blank showing the English. `ncpi validate FORCE` lists the blanks left, with their
    lines. An existing file is never overwritten.

    \b
    Examples:
      ncpi new kent && ncpi validate kent
      ncpi new gwent --welsh
    """
    from ncpi.commands.scaffold import new_report, new_welsh

    path = new_welsh(project, force) if welsh else new_report(project, force)
    click.echo(
        f"wrote {project.display(path)}: fill in its TODO values; "
        f"`ncpi validate {path.name.split('.')[0]}` lists them."
    )


@cli.command(epilog=EXIT_CODES)
@FORCES_WITH_REPORTS
@pass_session
def clean(session: Session, forces: tuple[str, ...]) -> None:
    """Remove the built documents of the FORCEs named (of every force by default).

    Only files ncpi writes are removed: outputs, previews, build records, unfinished temporary
    files. Reports and templates are never touched.

    \b
    Examples:
      ncpi clean
      ncpi clean essex
    """
    from ncpi.build.outputs import remove_outputs
    from ncpi.project import check_slug

    project = session.project()
    slugs = [check_slug(name) for name in forces] or None
    removed = remove_outputs(project, slugs)
    session.summary(
        f"removed {len(removed)} file(s) from {project.display(project.build_dir)}/.", failed=False
    )


@cli.command(epilog=EXIT_CODES)
@click.option("--check", is_flag=True, help="Do not write; exit 1 if schema/ is out of date.")
@pass_project
def schema(project: Project, check: bool) -> None:
    """Write the JSON Schema of reports and the format reference (schema/format.md) to schema/.

    Each report's first line, `# yaml-language-server: $schema=../schema/report.schema.json`,
    points VS Code (with the YAML extension) and other editors at the schema.

    \b
    Example:
      ncpi schema
    """
    from ncpi.commands.schema import schema_texts, write_schemas

    folder = project.root / "schema"
    if check:
        stale = [
            name
            for name, text in schema_texts().items()
            if not (folder / name).is_file() or (folder / name).read_text("utf-8") != text
        ]
        if stale:
            raise NcpiError(f"schema/ is out of date ({', '.join(stale)}): run `ncpi schema`")
        click.echo("schema/ is up to date.")
        return
    for path in write_schemas(folder):
        click.echo(f"wrote {project.display(path)}")


class _ForgivingStream:
    """A text stream whose writes are dropped once its reader has gone (broken pipe, closed)."""

    def __init__(self, stream):
        self._stream, self._gone = stream, stream is None

    @classmethod
    def around(cls, stream):
        return stream if isinstance(stream, cls) else cls(stream)

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except (BrokenPipeError, OSError, ValueError):
                self._gone = True
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                self._gone = True

    def isatty(self) -> bool:
        return not self._gone and self._stream.isatty()

    def __getattr__(self, name):
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _stop_on(signal_number: int, frame) -> None:
    raise Stopped(signal_number)


def main() -> None:
    """Entry point of the `ncpi` command."""
    import signal

    # A closed or vanished stdout or stderr (`ncpi build --all | head -1`, `>&-`) must not stop
    # a build or change its exit code: output to it is dropped.
    sys.stdout, sys.stderr = (
        _ForgivingStream.around(sys.stdout),
        _ForgivingStream.around(sys.stderr),
    )
    # Ctrl-C, `kill` and a closed terminal all stop ncpi the same way: workers are ended, no
    # temporary file is left, and the exit code is 128 + the signal (130, 143, 129).
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _stop_on)
    try:
        cli(prog_name="ncpi")
        code = 0
    except Stopped as stopped:
        print("Stopped.", file=sys.stderr)
        code = 128 + stopped.signal_number
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0 if done.code is None else 1
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # Forgiving: `ncpi list | head` has no reader left, which is no error.
    # A normal exit, so that atexit handlers and any library's buffered output are honoured.
    # os._exit() saved some 0.03 s of module teardown (measured: 0.37 s against 0.40 s for
    # `ncpi validate`); gc.freeze() and gc.disable() did not get it back, so it is not worth it.
    sys.exit(code)


__all__ = ["NcpiError", "cli", "main"]
