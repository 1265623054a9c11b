"""What ncpi says on the terminal: the session's verbosity, problems, summaries, colour, builds
run with a progress bar and their outcomes, and output that survives a reader who has gone."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, NoReturn

import click

from ncpi.errors import NcpiError, NotAProject, Stopped, ValidationFailed
from ncpi.problems import printable, problems_as_json
from ncpi.project import REPORTS_FOLDER, Project

#: Problems shown per file in text and GitHub output; the rest are counted (JSON has them all).
MAX_PROBLEMS_SHOWN = 100


def can_redraw(stream) -> bool:
    """Whether the stream is a terminal that understands escape sequences ('\\r\\e[K' to
    redraw a line, colours): not a pipe or file, nor TERM=dumb (Emacs' shell, some CI logs)."""
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def use_colour(stream) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    return not os.environ.get("NO_COLOR") and can_redraw(stream)


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

    def validation(
        self, project: Project, result, slugs: list[str], output_format: str, strict: bool
    ) -> bool:
        """What `validate` prints: the problems, then a summary; whether it fails."""
        # Under --quiet, acknowledged warnings (already checked and accepted) are not repeated.
        quiet = self.quiet
        shown = [p for p in result.problems if not (quiet and p.severity == "acknowledged")]
        self.problems(shown, output_format)
        failing = result.errors + (result.warnings if strict else [])
        if output_format != "json":
            if self.verbose:
                for slug in slugs:
                    self.detail(f"checked {project.display(project.report_path(slug))}", err=False)
            summary = (
                f"{result.files_checked} file(s) checked: {len(result.errors)} error(s), "
                f"{len(result.warnings)} warning(s)."
            )
            if result.acknowledged:
                summary += f" {len(result.acknowledged)} acknowledged warning(s) not counted."
            self.summary(summary, failed=bool(failing))
        return bool(failing)

    def national_outcome(self, project: Project, outcome) -> None:
        """What `ncpi national` did: what it left out and why, what it wrote, a summary."""
        for slug, problems in outcome.left_out.items():
            self.problems(problems, err=True)
            click.echo(
                f"left out of the national overview: {slug} (its report has errors)", err=True
            )
        for slug, reason in outcome.withheld.items():
            self.say(f"not counted: {slug} is not yet published ({reason})", err=True)
        for path in outcome.paths:
            self.say(f"wrote {project.display(path)}")
        state = "built" if outcome.state == "built" else "up to date"
        unpublished = sum(1 for entry in outcome.entries if entry.unpublished)
        marked = f", {unpublished} of them not yet published" if unpublished else ""
        withheld = f", {len(outcome.withheld)} not yet published" if outcome.withheld else ""
        self.summary(
            f"National overview and data {state}; {len(outcome.entries)} report(s) included"
            f"{marked}, {len(outcome.left_out)} left out{withheld} ({outcome.seconds:.1f} s).",
            failed=bool(outcome.left_out),
        )

    def summary(self, message: str, *, failed: bool) -> None:
        """The last line: always shown, to stderr when something failed, bold on a terminal."""
        stream = sys.stderr if failed else sys.stdout
        colour = use_colour(stream)
        styled = (
            click.style(message, bold=True, fg="red" if failed else None) if colour else message
        )
        click.echo(styled, err=failed, color=colour)


class ForgivingStream:
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


def targets_named(project: Project, forces: tuple[str, ...], all_forces: bool, kinds: list[str]):
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


def build_and_report(
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
    from ncpi.build.outcomes import Events
    from ncpi.build.progress import Progress

    project = session.project()
    started = time.perf_counter()
    progress = Progress(
        len(targets),
        sys.stderr,
        terminal=can_redraw(sys.stderr) and not session.verbose,
        quiet=session.quiet,
        colour=use_colour(sys.stderr),
    )
    events = Events(
        on_start=progress.start,
        on_done=progress.finish,
        on_note=lambda note: session.say(note, err=True),
    )
    stale = len(targets) if rebuild else _stale_count(project, targets, options)
    if not stale:
        outcomes = _all_up_to_date(targets, events)
    else:  # Something to do: only now load the pipeline (pydantic, Jinja, …), once the
        # workers (one per stale document, at most) have started importing WeasyPrint.
        from ncpi.build.workers import WorkerPool
        from ncpi.processes import default_jobs

        jobs = jobs or default_jobs()
        pool = None if in_process else WorkerPool.start(jobs, stale, events.on_note)
        try:
            from ncpi.build.pipeline import Run, build_targets
        except BaseException:
            if pool is not None:
                pool.kill()
            raise
        run = Run(jobs=jobs, rebuild=rebuild, in_process=in_process or pool is None, workers=pool)
        outcomes = build_targets(project, targets, options, events=events, run=run)
    progress.close()
    order = {target: index for index, target in enumerate(targets)}
    outcomes.sort(key=lambda outcome: order[outcome.target])
    for outcome in outcomes:
        for path in outcome.paths:
            session.say(f"wrote {project.display(path)}")
        if png and outcome.state == "built":
            from ncpi.build.pipeline import preview_pages

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


def _stale_count(project: Project, targets, options) -> int:
    """How many targets the build records say are stale. They answer without the pipeline,
    so that a build with nothing to do returns at once; the pipeline asks the same records
    (`why_stale`) again for the ones it builds."""
    from ncpi.build.incremental import why_stale

    record = options.as_record()
    return sum(why_stale(project, target, record) is not None for target in targets)


def _all_up_to_date(targets, events) -> list:
    """Every target's outcome when the records show all of them up to date."""
    from ncpi.build.outcomes import Outcome

    outcomes = [Outcome(target, "up to date") for target in targets]
    for outcome in outcomes:
        events.on_done(outcome)
    return outcomes


class Batch(NamedTuple):
    """What `build` or `press-release` was asked: which forces, and how (their options)."""

    forces: tuple[str, ...]
    all_forces: bool
    jobs: int | None
    rebuild: bool
    watch: bool
    pdf_variant: str
    final: bool
    png: bool


def batch_command(session: Session, kinds: list[str], asked: Batch) -> None:
    from ncpi.build.targets import BuildOptions

    options = BuildOptions(asked.pdf_variant, asked.final)
    targets = targets_named(session.project(), asked.forces, asked.all_forces, kinds)
    if asked.watch:
        watch_and_build(session, targets, options, asked.png)
        return
    outcomes = build_and_report(
        session, targets, options, jobs=asked.jobs, rebuild=asked.rebuild, png=asked.png
    )
    if any(outcome.state == "failed" for outcome in outcomes):
        sys.exit(1)


def watch_and_build(session: Session, targets, options, png: bool = False) -> None:
    """Build, then rebuild on every change until stopped; a stop exits 128 + the signal."""
    from ncpi.commands.watch import watch

    def rebuild() -> None:
        session.say(time.strftime("%H:%M:%S") + " building…", err=True)
        # In this process: WeasyPrint is imported by the first build and kept for the rest.
        build_and_report(session, targets, options, jobs=1, rebuild=False, png=png, in_process=True)

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


def publish_and_report(session: Session, forces, all_forces: bool, **options) -> None:
    """`ncpi publish`: check, build with --final and bundle; say what was written, or why not."""
    from ncpi.commands.publish import publish as publish_forces

    project = session.project()
    # Once each: a Welsh force has a target per language, and its bundle holds both.
    targets = targets_named(project, forces, all_forces, ["report"])
    slugs = list(dict.fromkeys(target.slug for target in targets))
    try:
        bundles = publish_forces(project, slugs, **options)
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


def _stop_on(signal_number: int, frame) -> None:
    raise Stopped(signal_number)


def run_command_line(command: click.Command) -> int:
    """Run the command line as `ncpi` does, and give its exit code."""
    # A closed or vanished stdout or stderr (`ncpi build --all | head -1`, `>&-`) must not stop
    # a build or change its exit code: output to it is dropped.
    sys.stdout, sys.stderr = (
        ForgivingStream.around(sys.stdout),
        ForgivingStream.around(sys.stderr),
    )
    # Ctrl-C, `kill` and a closed terminal all stop ncpi the same way: workers are ended, no
    # temporary file is left, and the exit code is 128 + the signal (130, 143, 129).
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _stop_on)
    try:
        command(prog_name="ncpi")
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
    return code


def exit_without_teardown(code: int) -> NoReturn:
    """Exit with `code` as sys.exit does, less freeing every object one by one at the end.

    That teardown was a tenth of `ncpi validate` with one report changed (0.03 s of 0.35 s);
    mypy ends the same way. What an exit must still do is done: the atexit handlers run (the
    logging's flush, weakref finalizers such as temporary folders) and the output is flushed.
    Every file ncpi writes is closed by then (build/outputs.py). While another thread or a
    child process is alive, whose end Python's own exit waits for, it exits as usual.
    """
    children = "multiprocessing" in sys.modules and sys.modules["multiprocessing"].active_children()
    if threading.active_count() > 1 or children:
        sys.exit(code)
    # Private but long-standing: what Py_FinalizeEx calls first; multiprocessing's children
    # end the same way before their os._exit.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)
