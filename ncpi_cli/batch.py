"""Many targets at once: skip what is up to date, validate the rest together, render in workers.

Each worker process imports WeasyPrint once and renders many documents. One target failing
does not stop the others; every outcome is returned for the summary.
"""

from __future__ import annotations

import os
import resource
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ncpi_cli.build import BuildOptions, build_target
from ncpi_cli.checking import check_project
from ncpi_cli.errors import NcpiError
from ncpi_cli.incremental import Inputs, Target, current_inputs, why_stale
from ncpi_cli.model import Common, Report
from ncpi_cli.problems import Problem
from ncpi_cli.project import Project


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


@dataclass
class _Job:
    target: Target
    options: BuildOptions
    checked: tuple[Report, Common]
    inputs: Inputs
    reason: str


def default_jobs() -> int:
    """The number of cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker() -> None:
    # Paid once per worker, before its first document, rather than inside the first render.
    from ncpi_cli.pdf import import_weasyprint

    try:
        import_weasyprint()
    except NcpiError:
        pass  # The first build in this worker reports it, with the message.


def _run_job(project: Project, job: _Job) -> Outcome:
    """Build one target in this process; a failure becomes an Outcome, never an exception."""
    started = time.perf_counter()
    try:
        paths = build_target(project, job.target, job.options, checked=job.checked,
                             inputs=job.inputs)
        outcome = Outcome(job.target, "built", paths, job.reason)
    except NcpiError as error:
        outcome = Outcome(job.target, "failed", reason=error.format_message())
    except Exception as error:  # noqa: BLE001 - one target's bug must not stop the other 85
        outcome = Outcome(job.target, "failed",
                          reason=f"ncpi failed unexpectedly ({type(error).__name__}: {error}); "
                          "please report this as a bug in ncpi")
    outcome.seconds = time.perf_counter() - started
    outcome.peak_memory_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome.process_id = os.getpid()
    return outcome


def _problems_by_file(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = {}
    for problem in problems:
        grouped.setdefault(problem.file, []).append(problem)
    return grouped


def run_batch(project: Project, targets: list[Target], options: BuildOptions = BuildOptions(), *,
              jobs: int = 1, rebuild: bool = False,
              on_start: Callable[[Target], None] = lambda target: None,
              on_done: Callable[[Outcome], None] = lambda outcome: None) -> list[Outcome]:
    """Build the targets that are out of date (all with `rebuild`), `jobs` at a time."""
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

    slugs = list(dict.fromkeys(target.slug for target in stale))
    checked = check_project(project, slugs)
    by_file = _problems_by_file(checked.errors)
    shared = [p for p in checked.errors
              if p.file not in {project.display(project.report_path(slug)) for slug in slugs}]
    jobs_to_run: list[_Job] = []
    for target, (reason, inputs) in stale.items():
        report = checked.reports.get(target.slug)
        if report is None or checked.common is None or shared:
            problems = shared + by_file.get(project.display(project.report_path(target.slug)), [])
            count = len(problems)
            outcomes.append(Outcome(target, "failed", reason=f"{count} problem(s) found; not built",
                                    problems=problems))
            on_done(outcomes[-1])
        else:
            jobs_to_run.append(_Job(target, options, (report, checked.common), inputs, reason))

    if jobs <= 1 or len(jobs_to_run) <= 1:
        for job in jobs_to_run:
            on_start(job.target)
            outcomes.append(_run_job(project, job))
            on_done(outcomes[-1])
        return outcomes

    with ProcessPoolExecutor(max_workers=min(jobs, len(jobs_to_run)),
                             initializer=_start_worker) as pool:
        running = {pool.submit(_run_job, project, job): job for job in jobs_to_run}
        for job in jobs_to_run[:jobs]:
            on_start(job.target)
        started = min(jobs, len(jobs_to_run))
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # noqa: BLE001 - a worker died (killed, out of memory)
                    outcome = Outcome(job.target, "failed",
                                      reason=f"the worker process stopped ({error})")
                outcomes.append(outcome)
                if started < len(jobs_to_run):
                    on_start(jobs_to_run[started].target)
                    started += 1
                on_done(outcome)
    return outcomes
