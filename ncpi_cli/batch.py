"""Many targets at once: skip what is up to date, validate the rest together, render in workers.

Each worker process imports WeasyPrint once and renders many documents. This process validates,
renders the HTML, and writes what the workers return. One target failing does not stop the
others; every outcome is returned for the summary.
"""

from __future__ import annotations

import os
import resource
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ncpi_cli.errors import NcpiError, RenderError
from ncpi_cli.incremental import (
    BuildOptions, Inputs, Target, current_inputs, manifest_path, why_stale,
)
from ncpi_cli.problems import Problem
from ncpi_cli.project import Project

# The build and validation modules (pydantic, pikepdf) are imported only when something is out
# of date, so that a build with nothing to do returns at once.


@dataclass
class Outcome:
    """What happened to one target: built, skipped as up to date, or failed (and why)."""

    target: Target
    state: str  # "built", "up to date" or "failed"
    paths: list[Path] = field(default_factory=list)
    reason: str = ""  # why it was rebuilt, or why it failed
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    peak_memory_kib: int = 0  # of the process that built it
    process_id: int = 0  # which process built it: workers render many documents each
    pdf: bytes | None = field(default=None, repr=False)  # from a worker, before it is written
    served: dict = field(default_factory=dict, repr=False)  # the files WeasyPrint read


@dataclass
class _Job:
    """A target validated and rendered by the parent; a worker makes its PDF and writes it."""

    rendered: object  # ncpi_cli.build.RenderedTarget
    options: BuildOptions
    inputs: Inputs
    reason: str

    @property
    def target(self) -> Target:
        return self.rendered.target


def default_jobs() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_parent_pid: int | None = None  # In a worker: the process that started it.


def _die_with_parent(parent: int) -> None:
    """Make this worker end when its parent does, however the parent ends (kill -9 included)."""
    global _parent_pid
    import signal

    _parent_pid = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle.
    # Not the parent's handlers (inherited by fork): a worker told to stop just stops, quietly.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:  # Linux: the kernel sends SIGKILL to this worker when the parent dies.
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # Elsewhere _run_job checks the parent before each job.
    if os.getppid() != parent:  # The parent died before the line above took effect.
        os._exit(1)


def _start_worker(parent: int) -> None:
    _die_with_parent(parent)
    # Paid once per worker, while the parent validates, rather than inside the first render.
    from ncpi_cli.pdf import import_weasyprint

    try:
        import_weasyprint()
    except NcpiError:
        pass  # The first build in this worker reports it, with the message.


def _failure(target: Target, error: Exception) -> Outcome:
    if isinstance(error, NcpiError):
        return Outcome(target, "failed", reason=error.format_message())
    return Outcome(target, "failed", reason=f"ncpi failed unexpectedly ({type(error).__name__}: "
                   f"{error}); please report this as a bug in ncpi")


def _run_job(project: Project, job: _Job) -> Outcome:
    """In a worker: make one target's PDF with WeasyPrint; a failure is an Outcome, not raised."""
    from ncpi_cli.build import make_pdf

    if _parent_pid is not None and os.getppid() != _parent_pid:
        os._exit(1)  # Orphaned (where the kernel cannot tell us): no one waits for this PDF.
    started = time.perf_counter()
    try:
        pdf, served = make_pdf(project, job.rendered, job.options)
        outcome = Outcome(job.target, "built", reason=job.reason, pdf=pdf, served=served)
    except Exception as error:  # noqa: BLE001 - one target's failure must not stop the other 85
        outcome = _failure(job.target, error)
    outcome.seconds = time.perf_counter() - started
    outcome.peak_memory_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome.process_id = os.getpid()
    return outcome


def _write_job(project: Project, job: _Job, outcome: Outcome) -> Outcome:
    """Here, while the workers render: finish the PDF and write the outputs, then the record."""
    from ncpi_cli.build import write_target

    if outcome.state == "built":
        started = time.perf_counter()
        try:
            outcome.paths = write_target(project, job.rendered, outcome.pdf, outcome.served,
                                         job.options, job.inputs)
        except Exception as error:  # noqa: BLE001 - e.g. a full disk: reported, others go on
            failed = _failure(job.target, error)
            outcome.state, outcome.reason = failed.state, failed.reason
        outcome.seconds += time.perf_counter() - started
    outcome.pdf, outcome.served = None, {}
    return outcome


def _problems_by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.file, []).append(problem)
    return grouped


def run_batch(project: Project, targets: list[Target], options: BuildOptions = BuildOptions(), *,
              jobs: int = 1, rebuild: bool = False, in_process: bool = False,
              on_start: Callable[[Target], None] = lambda target: None,
              on_done: Callable[[Outcome], None] = lambda outcome: None,
              on_note: Callable[[str], None] = lambda note: None) -> list[Outcome]:
    """Build the targets that are out of date (all with `rebuild`), `jobs` at a time.

    Workers start (and import WeasyPrint) while this process validates the reports; with
    `in_process`, everything happens here instead, which suits a long-lived `watch`, and is
    the fallback where worker processes cannot be started (no usable /dev/shm).
    """
    # Whatever has no build record will be built: start the workers (and their 1 s import of
    # WeasyPrint) at once. Otherwise only once the hashes show something to do.
    certain = rebuild or any(not manifest_path(project, target).is_file() for target in targets)
    pool = None if in_process or not certain else _start_pool(jobs, len(targets), on_note)
    in_process = in_process or (certain and pool is None)
    try:
        outcomes: list[Outcome] = []
        stale: dict[Target, tuple[str, Inputs]] = {}
        for target in targets:
            reason = "--force" if rebuild else why_stale(project, target, options.as_record())
            if reason is None:
                outcomes.append(Outcome(target, "up to date"))
                on_done(outcomes[-1])
            else:
                # Hashed before validation reads the files: an edit from now on means a rebuild.
                stale[target] = (reason, current_inputs(project, target))
        if not stale:
            return outcomes
        pool = pool or (None if in_process else _start_pool(jobs, len(stale), on_note))
        return outcomes + _build_stale(project, stale, options, pool, on_start, on_done)
    except BaseException:
        if pool is not None:  # Interrupted (Ctrl-C, SIGTERM): stop the workers now, not later.
            _kill_workers(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.executor.shutdown()


def _kill_workers(pool: _Pool) -> None:
    """End every worker at once, without waiting for the PDF it is making."""
    # ProcessPoolExecutor has no public way to do this before Python 3.14's terminate_workers().
    for process in list((getattr(pool.executor, "_processes", None) or {}).values()):
        process.kill()
    pool.executor.shutdown(wait=False, cancel_futures=True)


@dataclass(frozen=True)
class _Pool:
    """The worker processes and how many there are."""

    executor: ProcessPoolExecutor
    workers: int


def _start_pool(jobs: int, targets: int, on_note: Callable[[str], None]) -> _Pool | None:
    """Worker processes, started now: they import WeasyPrint while this process validates.

    None where they cannot be started (multiprocessing needs a writable /dev/shm): the caller
    then builds in this process.
    """
    workers = max(1, min(jobs, targets))
    # Workers only run WeasyPrint; validation, Jinja and writing stay in this process.
    try:
        executor = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                                       initargs=(os.getpid(),))
        executor.submit(int)  # The first task starts every worker.
    except (OSError, ImportError, NotImplementedError) as error:
        on_note(f"note: building in one process; worker processes cannot start here ({error})")
        return None
    return _Pool(executor, workers)


def _build_stale(project: Project, stale: dict, options: BuildOptions, pool: _Pool | None,
                 on_start, on_done) -> list[Outcome]:
    """Validate the stale targets' reports together, render them here, make PDFs in the pool."""
    import ncpi_cli.pdf_artifacts  # noqa: F401 - pikepdf loads here while workers load WeasyPrint
    from ncpi_cli.build import render_target
    from ncpi_cli.checking import check_project, template_problem

    outcomes: list[Outcome] = []
    slugs = list(dict.fromkeys(target.slug for target in stale))
    checked = check_project(project, slugs, dry_run=False)  # The build itself renders.
    by_file = _problems_by_file(checked.errors)
    shared = [p for p in checked.errors
              if p.file not in {project.display(project.report_path(slug)) for slug in slugs}]
    jobs_to_run: list[_Job] = []
    running: dict = {}
    for target, (reason, inputs) in stale.items():
        report = checked.reports.get(target.slug)
        if report is None or checked.common is None or shared:
            problems = shared + by_file.get(project.display(project.report_path(target.slug)), [])
            count = len(problems)
            outcomes.append(Outcome(target, "failed", reason=f"{count} problem(s) found; not built",
                                    problems=problems))
            on_done(outcomes[-1])
        else:
            try:
                rendered = render_target(project, target, options, (report, checked.common))
            except RenderError as error:  # A template's mistake: shown as FILE:LINE like others.
                if error.template is None:
                    outcomes.append(_failure(target, error))
                else:
                    outcomes.append(Outcome(target, "failed", reason="1 problem(s) found; not built",
                                            problems=[template_problem(project, error)]))
                on_done(outcomes[-1])
                continue
            except Exception as error:  # noqa: BLE001 - reported with the others at the end
                outcomes.append(_failure(target, error))
                on_done(outcomes[-1])
                continue
            job = _Job(rendered, options, inputs, reason)
            if pool is None:
                on_start(target)
                outcomes.append(_write_job(project, job, _run_job(project, job)))
                on_done(outcomes[-1])
            else:  # Submitted as soon as rendered: the workers start on the first at once.
                jobs_to_run.append(job)
                running[pool.executor.submit(_run_job, project, job)] = job
                if len(running) <= pool.workers:
                    on_start(target)
    if pool is None:
        return outcomes

    started = min(pool.workers, len(jobs_to_run))
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            job = running.pop(future)
            try:
                outcome = _write_job(project, job, future.result())
            except Exception as error:  # noqa: BLE001 - a worker died (killed, out of memory)
                outcome = Outcome(job.target, "failed",
                                  reason=f"the worker process stopped ({error})")
            outcomes.append(outcome)
            if started < len(jobs_to_run):
                on_start(jobs_to_run[started].target)
                started += 1
            on_done(outcome)
    return outcomes
