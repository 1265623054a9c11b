"""The command line: parse options, call one library function, turn its errors into output."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ncpi_cli import __version__
from ncpi_cli.errors import NcpiError, ValidationFailed
from ncpi_cli.problems import problems_as_json
from ncpi_cli.project import Project

EXIT_CODES = """
Exit codes: 0 everything is fine; 1 problems were found or a build failed; 2 the command was
used wrongly (an unknown option, say).
"""


def _print_problems(problems, output_format: str = "text", *, err: bool = False) -> None:
    if output_format == "json":
        click.echo(problems_as_json(problems), err=err)
        return
    for problem in problems:
        click.echo(problem.as_github() if output_format == "github" else problem.as_text(), err=err)


def _run(action):
    """Run a library call; print a validation failure's problems before its summary."""
    try:
        return action()
    except ValidationFailed as failure:
        _print_problems(failure.problems, err=True)
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(__version__, "--version", "-V", prog_name="ncpi")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The project folder, which holds reports/ (and templates/).")
@click.pass_context
def cli(ctx: click.Context, root: Path) -> None:
    """Check and compile National Child Protection Inspection re-inspection reports.

    Each force's report is a YAML file, reports/FORCE.yaml. ncpi checks the files and compiles
    them into the re-inspection report (PDF and HTML) and the press release (text, HTML and
    PDF), from the same facts.

    \b
    Example:
      ncpi validate && ncpi build essex && ncpi press-release essex
    """
    ctx.obj = Project(root.resolve())


@cli.command(epilog=EXIT_CODES)
@click.argument("forces", nargs=-1, metavar="[FORCE]...")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True,
              help="text for people, json for tools, github for GitHub Actions annotations.")
@click.pass_obj
def validate(project: Project, forces: tuple[str, ...], strict: bool, output_format: str) -> None:
    """Check every report (or the FORCEs named): YAML, schema, domain rules, templates.

    Each problem is printed as FILE:LINE:COLUMN: KEY.PATH: MESSAGE, all of them at once.

    \b
    Examples:
      ncpi validate
      ncpi validate essex --strict
      ncpi validate --format json
    """
    from ncpi_cli.checking import check_project

    slugs = [project.resolve_force(name) for name in forces] or None
    result = check_project(project, slugs)
    _print_problems(result.problems, output_format)
    failing = result.errors + (result.warnings if strict else [])
    if output_format != "json":
        summary = (f"{result.files_checked} file(s) checked: {len(result.errors)} error(s), "
                   f"{len(result.warnings)} warning(s).")
        click.echo(summary, err=bool(failing))
    if failing:
        sys.exit(1)


def _pdf_variant_option(function):
    from ncpi_cli.pdf import DEFAULT_VARIANT, PDF_VARIANTS

    return click.option("--pdf-variant", type=click.Choice(PDF_VARIANTS), default=DEFAULT_VARIANT,
                        show_default=True, help="The PDF standard to meet.")(function)


@cli.command(epilog=EXIT_CODES)
@click.argument("force")
@_pdf_variant_option
@click.option("--final", is_flag=True, help="Refuse to build a report whose status is draft.")
@click.option("--png", is_flag=True, help="Also render each page as a PNG (build/FORCE/preview/).")
@click.pass_obj
def build(project: Project, force: str, pdf_variant: str, final: bool, png: bool) -> None:
    """Validate FORCE's report, then write its re-inspection report to build/FORCE/ (PDF + HTML).

    \b
    Example:
      ncpi build essex
      ncpi build essex --png        # and look at the pages
    """
    from ncpi_cli.build import BuildOptions, build_report

    slug = project.resolve_force(force)
    paths = _run(lambda: build_report(project, slug, BuildOptions(pdf_variant, final)))
    if png:
        from ncpi_cli.build import preview_pages

        paths += preview_pages(project, slug)
    for path in paths:
        click.echo(f"wrote {project.display(path)}")


@cli.command("press-release", epilog=EXIT_CODES)
@click.argument("force")
@_pdf_variant_option
@click.option("--final", is_flag=True, help="Refuse to build a report whose status is draft.")
@click.pass_obj
def press_release(project: Project, force: str, pdf_variant: str, final: bool) -> None:
    """Validate FORCE's report, then write its press release (text for email, HTML, PDF).

    \b
    Example:
      ncpi press-release essex
    """
    from ncpi_cli.build import BuildOptions, build_press_release

    slug = project.resolve_force(force)
    paths = _run(lambda: build_press_release(project, slug, BuildOptions(pdf_variant, final)))
    for path in paths:
        click.echo(f"wrote {project.display(path)}")


@cli.command(epilog=EXIT_CODES)
@click.option("--check", is_flag=True, help="Do not write; exit 1 if schema/ is out of date.")
@click.pass_obj
def schema(project: Project, check: bool) -> None:
    """Write the JSON Schema of reports to schema/, for editors that complete and check keys.

    Each report's first line, `# yaml-language-server: $schema=../schema/report.schema.json`,
    points VS Code (with the YAML extension) and other editors at it.

    \b
    Example:
      ncpi schema
    """
    from ncpi_cli.schema_export import schema_texts, write_schemas

    folder = project.root / "schema"
    if check:
        stale = [name for name, text in schema_texts().items()
                 if not (folder / name).is_file() or (folder / name).read_text("utf-8") != text]
        if stale:
            raise NcpiError(f"schema/ is out of date ({', '.join(stale)}): run `ncpi schema`")
        click.echo("schema/ is up to date.")
        return
    for path in write_schemas(folder):
        click.echo(f"wrote {project.display(path)}")


def main() -> None:
    """Entry point of the `ncpi` command."""
    cli(prog_name="ncpi")


__all__ = ["cli", "main", "NcpiError"]
