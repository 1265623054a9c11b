"""The command line: parse options, call one library function, turn its errors into output."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ncpi import __version__
from ncpi.cli_options import (
    EXIT_CODES,
    FORCES_WITH_REPORTS,
    Moment,
    batch_options,
    check_and_remember,
    complete_forces,
    initial_inspection,
    inspection_programme,
    not_empty_host,
    output_format,
    pass_project,
    pass_session,
    verbosity_on_every_command,
    welsh_edition,
)
from ncpi.errors import NcpiError
from ncpi.pdf import DEFAULT_VARIANT, PDF_VARIANTS
from ncpi.project import Project
from ncpi.terminal import (
    Batch,
    Session,
    batch_command,
    exit_without_teardown,
    publish_and_report,
    run_command_line,
    watch_and_build,
)


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
    """Check and compile National Child Protection Inspection reports.

    Each force's report is a YAML file, reports/FORCE.yaml. ncpi checks the files and compiles
    them into the report (PDF and HTML) and the press release (text, HTML, PDF), from one source.

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


@cli.command(epilog=EXIT_CODES)
@FORCES_WITH_REPORTS
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@output_format(
    "text", "json", "github", help="text for people, json for tools, github for GitHub Actions."
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
    from ncpi.build.check_record import Snapshot, remembered_findings

    project = session.project()
    slugs = [project.resolve_force(name) for name in forces] or None
    files = Snapshot(project)
    # The same files as last time: the same answer, without loading the checker.
    result = remembered_findings(project, slugs, files) or check_and_remember(files, slugs)
    if session.validation(project, result, slugs or project.report_slugs(), output_format, strict):
        sys.exit(1)


@cli.command(epilog=EXIT_CODES)
@batch_options
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
    batch_command(session, ["report"], Batch(**options))


@cli.command("press-release", epilog=EXIT_CODES)
@batch_options
@pass_session
def press_release(session: Session, **options) -> None:
    """Validate, then write each FORCE's press release (text for email, HTML, PDF).

    Incremental and parallel like `ncpi build`, with the same options.

    \b
    Examples:
      ncpi press-release essex
      ncpi press-release --all -j 4
    """
    batch_command(session, ["press-release"], Batch(**options))


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
    publish_and_report(
        session, forces, all_forces, allow_past_embargo=allow_past_embargo, pdf_variant=pdf_variant
    )


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=complete_forces(with_report=True))
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
    watch_and_build(session, targets_of(slug, project.languages(slug)), BuildOptions(pdf_variant))


@cli.command(epilog=EXIT_CODES)
@click.option("--force", "rebuild", is_flag=True, help="Rebuild even if nothing changed.")
@click.option(
    "--as-of",
    "as_of",
    type=Moment(),
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

    A report that does not pass `validate` is named and left out (exit code 1); a draft, or a
    report whose date or embargo is to come (as of now, or --as-of), is left out and counted.
    Writes build/national/ (the overview, PDF and HTML), build/data/ (CSV with CSV on the Web
    metadata, and JSON) and build/index.html. Incremental, as `build` is.

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
    session.national_outcome(project, outcome)
    if outcome.left_out:
        raise SystemExit(1)


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=complete_forces(with_report=True))
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=lambda ctx, param, value: not_empty_host(value),
    help="The address to listen on (IPv4 or IPv6, or a name); only this machine by default. "
    "Another (0.0.0.0 or :: for every interface) makes the draft report readable by anyone on "
    "the network, and ncpi says so.",
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
@output_format("table", "json", help="table for people, json for tools.")
@pass_project
def list_forces(project: Project, output_format: str) -> None:
    """List the 43 forces: slug, region, whether a report exists, its status, validity, outputs.

    The slug is the name to give other commands (official and short names work too).

    \b
    Examples:
      ncpi list
      ncpi list --format json
    """
    from ncpi.commands.listing import force_rows, rows_as_json, rows_as_table

    rows = force_rows(project)
    click.echo(rows_as_json(rows) if output_format == "json" else rows_as_table(rows))


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=complete_forces(with_report=True))
@click.option("--docx", is_flag=True, required=True, help="As a Word document (.docx).")
@click.option("--from", "since", help="Mark what changed since: a git revision or a YAML file.")
@welsh_edition
@pass_project
def export(project: Project, force: str, docx: bool, since: str | None, language: str) -> None:
    """Write FORCE's report as a Word document, build/FORCE/FORCE-report.docx, for a force's
    factual accuracy check; with --from, the changes since as Word's tracked changes.

    \b
    Example:
      ncpi export essex --docx --from v1-draft
    """
    from ncpi.commands.export import export_word

    done = export_word(project, project.resolve_force(force), since, language)
    revisions = f" ({done.revisions} tracked change(s) since {since})" if since else ""
    click.echo(f"wrote {project.display(done.path)}{revisions}")


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=complete_forces(with_report=True))
@pass_project
def translated(project: Project, force: str) -> None:
    """Record that FORCE's Welsh text is translated from its English as it is now, once a
    translator has checked it: validate then warns about a Welsh text whose English changes.

    \b
    Example:
      ncpi translated dyfed-powys
    """
    from ncpi.commands.scaffold import record_translated

    path = record_translated(project, project.resolve_force(force))
    click.echo(f"wrote {project.display(path)}: its Welsh is recorded as up to date")


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=complete_forces(with_report=True))
@click.option("--from", "since", required=True, help="A git revision, or an earlier YAML file.")
@click.option("--press-release", "press", is_flag=True, help="The press release's redline.")
@welsh_edition
@pass_project
def diff(project: Project, force: str, since: str, press: bool, language: str) -> None:
    """Write a redline of FORCE's report since an earlier version: build/FORCE/FORCE-report-
    changes.html and .pdf, every change marked and listed, as the documents read.

    \b
    Examples:
      ncpi diff essex --from HEAD~1
      ncpi diff essex --from drafts/essex-sent-to-force.yaml --press-release
    """
    from ncpi.commands.diff import build_changes

    slug = project.resolve_force(force)
    kind = "press-release" if press else "report"
    done = build_changes(project, slug, since, kind, language=language)
    for path in done.paths:
        click.echo(f"wrote {project.display(path)}")
    click.echo(f"{done.changes} change(s) in {done.sections} section(s) since {since}.")


@cli.command(epilog=EXIT_CODES)
@click.argument("force", shell_complete=complete_forces(with_report=True))
@output_format("table", "csv", help="table for people; csv for the file sent to the force.")
@pass_project
def review(project: Project, force: str, output_format: str) -> None:
    """Print FORCE's factual accuracy check: each point raised (`review:` in the report), its
    decision and reason. The log never appears in a published document.

    \b
    Examples:
      ncpi review essex
      ncpi review essex --format csv > essex-review.csv
    """
    from ncpi.commands.review import review_csv, review_rows, review_table

    rows = review_rows(project, project.resolve_force(force))
    if output_format == "csv":
        click.echo(review_csv(rows).decode("utf-8"), nl=False)
    else:
        click.echo(review_table(rows))


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
@click.argument("force", shell_complete=complete_forces(with_report=False))
@click.option(
    "--welsh",
    is_flag=True,
    help="Start the Welsh text, reports/FORCE.cy.yaml, from the force's English report.",
)
@initial_inspection
@inspection_programme
@pass_project
def new(project: Project, force: str, welsh: bool, inspection: bool, programme: str | None) -> None:
    """Start reports/FORCE.yaml for a force, with its name filled in and TODO blanks to fill.

    With --welsh, start its Welsh text instead: every prose field of the English report, as a
    TODO blank showing the English. `ncpi validate FORCE` lists the blanks left, with their
    lines. An existing file is never overwritten.

    \b
    Examples:
      ncpi new kent && ncpi validate kent
      ncpi new wiltshire --inspection; ncpi new gwent --welsh
      ncpi new norfolk --inspection --programme 2014
    """
    from ncpi.commands.scaffold import new_report, new_welsh

    if programme is not None and not inspection:
        raise click.UsageError(
            "--programme is for an initial inspection's report: add --inspection (a "
            "follow-up's programme is its inspection's)"
        )
    if welsh and inspection:
        raise click.UsageError(
            "--welsh starts the Welsh text of a report that exists: start the English report "
            "with --inspection first, then `ncpi new FORCE --welsh`"
        )
    path = (
        new_welsh(project, force)
        if welsh
        else new_report(project, force, inspection, programme or "2024")
    )
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
      ncpi clean; ncpi clean essex
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
    from ncpi.commands.schema import stale_schemas, write_schemas

    folder = project.root / "schema"
    if check:
        stale = stale_schemas(folder)
        if stale:
            raise NcpiError(f"schema/ is out of date ({', '.join(stale)}): run `ncpi schema`")
        click.echo("schema/ is up to date.")
        return
    for path in write_schemas(folder):
        click.echo(f"wrote {project.display(path)}")


verbosity_on_every_command(cli)  # -q and -v after any command's name, as before it


def main() -> None:
    """Entry point of the `ncpi` command."""
    # A pydantic plugin (an experimental hook that any installed package can declare) must not
    # change what ncpi accepts from one machine to the next; finding them cost each validation
    # a scan of every installed package. Set before the model is first loaded.
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    exit_without_teardown(run_command_line(cli))


__all__ = ["NcpiError", "cli", "main"]
