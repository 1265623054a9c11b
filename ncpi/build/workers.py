"""The worker pool: processes that import WeasyPrint once and then make many PDFs.

Workers only make PDFs; validation, Jinja and writing stay in the parent. A worker ends with its
parent however the parent ends (kill -9 included), and is never left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor

import ncpi.pdf.artifacts  # noqa: F401 - pikepdf, for the PDF's last step
from ncpi.errors import NcpiError
from ncpi.pdf.document import import_weasyprint

_parent_pid: int | None = None  # In a worker: the process that started it.


def default_jobs() -> int:
    """The number of cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def parent_is_gone() -> bool:
    """In a worker: whether the process that started it has ended (so no one waits for it)."""
    return _parent_pid is not None and os.getppid() != _parent_pid


def _die_with_parent(parent: int) -> None:
    """Make this worker end when its parent does, however the parent ends (kill -9 included)."""
    global _parent_pid
    _parent_pid = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle.
    # Not the parent's handlers (inherited by fork): a worker told to stop just stops, quietly.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:  # Linux: the kernel sends SIGKILL to this worker when the parent dies.
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # Elsewhere each job checks parent_is_gone() first.
    if os.getppid() != parent:  # The parent died before the line above took effect.
        os._exit(1)


def _start_worker(parent: int) -> None:
    _die_with_parent(parent)
    # Paid once per worker, while the parent validates, rather than inside the first PDF.
    # If it fails, the first PDF made in this worker reports it, with the message.
    with contextlib.suppress(NcpiError):
        import_weasyprint()


class WorkerPool:
    """Worker processes, started at once so that they import WeasyPrint while the parent works."""

    def __init__(self, executor: ProcessPoolExecutor, workers: int):
        self.executor = executor
        self.workers = workers

    @classmethod
    def start(cls, jobs: int, targets: int, on_note: Callable[[str], None]) -> WorkerPool | None:
        """Start min(jobs, targets) workers; None where processes cannot start (no /dev/shm)."""
        workers = max(1, min(jobs, targets))
        try:
            executor = ProcessPoolExecutor(
                max_workers=workers, initializer=_start_worker, initargs=(os.getpid(),)
            )
            executor.submit(int)  # The first task starts every worker.
        except (OSError, ImportError, NotImplementedError) as error:
            on_note(f"note: building in one process; worker processes cannot start here ({error})")
            return None
        return cls(executor, workers)

    def submit(self, function: Callable, *args) -> Future:
        """Run function(*args) in a worker."""
        return self.executor.submit(function, *args)

    def close(self) -> None:
        """Wait for the workers to finish what they were given, then end them."""
        self.executor.shutdown()

    def kill(self) -> None:
        """End every worker at once, without waiting for the PDF it is making."""
        # ProcessPoolExecutor has no public way to do this before Python 3.14's
        # terminate_workers(); its _processes is read defensively.
        for process in list((getattr(self.executor, "_processes", None) or {}).values()):
            process.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)
