"""The command line's shared options and arguments: verbosity, forces, the batch options, a
moment in UK time, and handing a command its session or project."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from ncpi.errors import NcpiError
from ncpi.pdf import DEFAULT_VARIANT, PDF_VARIANTS
from ncpi.project import Project
from ncpi.terminal import Session

EXIT_CODES = """
Exit codes: 0 everything is fine; 1 problems were found or a build failed; 2 the command was
used wrongly (an unknown option or force, or not in a project); 130 stopped by Ctrl-C.
"""


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


def verbosity_on_every_command(group: click.Group) -> None:
    """Give every command of `group` that lacks them -q and -v after its name, as the README
    promises for any command (`ncpi clean -q` was refused)."""
    for command in group.commands.values():
        if not any("-q" in getattr(param, "opts", ()) for param in command.params):
            verbosity(command)


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


def complete_forces(with_report: bool):
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


FORCES_WITH_REPORTS = click.argument(
    "forces", nargs=-1, metavar="[FORCE]...", shell_complete=complete_forces(with_report=True)
)


def batch_options(function):
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


class Moment(click.ParamType):
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


def not_empty_host(host: str) -> str:
    """--host as given; an empty one (which would mean every interface) is refused."""
    if not host.strip():
        raise click.BadParameter("is empty: give the address to listen on, such as 127.0.0.1")
    return host


def output_format(*choices: str, help: str):
    """--format, with its choices (the first is the default) and what each is for."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


#: --welsh: the Welsh edition (FORCE.cy.yaml) rather than the English; as `language`.
welsh_edition = click.option(
    "--welsh",
    "language",
    flag_value="cy",
    default="en",
    help="The Welsh edition, from FORCE.cy.yaml.",
)
#: `ncpi new --inspection`: the file of an initial inspection's own report (the 2024 programme).
initial_inspection = click.option(
    "--inspection",
    is_flag=True,
    help="Start an initial inspection's own report (kind: inspection, the 2024 programme's "
    "topics and judgments) instead of a follow-up's.",
)
#: `ncpi new --inspection --programme 2014`: an initial inspection of the child's journey.
inspection_programme = click.option(
    "--programme",
    type=click.Choice(["2014", "2024"]),
    default=None,
    help="With --inspection: the programme's version. 2024 (the default): five graded "
    "topics; 2014: the child's journey, areas without grades.",
)


def check_and_remember(files, slugs: list[str] | None):
    """A full validation (a CheckResult) of the project whose files are `files` (a Snapshot,
    which keeps what it hashed), remembered; a force whose files an earlier validation
    checked as they are now is not checked again, and the dry run renders only what neither
    a build nor an earlier validation rendered from these very files."""
    from ncpi.build.check_record import remember_findings, remembered_forces, rendered_before
    from ncpi.build.incremental import built_editions
    from ncpi.check.validate import check_project
    from ncpi.processes import default_jobs

    project = files.project
    before = files.taken(slugs)
    rendered = built_editions(project, slugs) | rendered_before(project, slugs, before)
    remembered = remembered_forces(project, slugs, before)
    result = check_project(
        project,
        slugs,
        rendered=rendered,
        remembered=remembered,
        jobs=default_jobs(),
        keep_reports=False,  # validate says which passed; it renders nothing of theirs
    )
    remember_findings(project, slugs, result, before)
    return result
