"""The worker pool: processes that import WeasyPrint once and then make many PDFs.

Workers only make PDFs; validation, Jinja and writing stay in the parent. A worker ends with its
parent however the parent ends (kill -9 included), and is never left behind. What a worker runs
is here, beside the pool, and needs neither pydantic nor Jinja: the command line starts the
pool before it loads the rest of the pipeline, so that the workers' import of WeasyPrint (the
longest step of a one-force build) runs while the parent loads, checks and renders.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from ncpi.build.outcomes import Outcome, failed_outcome
from ncpi.build.targets import BuildOptions, Target
from ncpi.defaults import builtin_templates_dir
from ncpi.errors import NcpiError
from ncpi.pdf.document import import_weasyprint, weasyprint_pdf
from ncpi.pdf.fonts import fonts_dir_for
from ncpi.processes import die_with_parent, parent_is_gone
from ncpi.project import Project


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
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
        # Waited for: with its workers dead, the pool's manager thread ends at once. Left
        # running, it could close its wake-up pipe while Python's exit handler writes to it,
        # which printed an OSError traceback as serve ended: in Python 3.11 the two take no
        # common lock (CPython gh-125451, fixed in later versions).
        self.executor.shutdown(wait=True, cancel_futures=True)


@dataclass
class MadePdf:
    """A worker's finished PDF (or why it could not make one), and the files it read."""

    pdf: bytes | None
    served: dict[str, str]
    failure: Outcome | None = None
    seconds: float = 0.0
    peak_memory_kib: int = 0
    process_id: int = 0
    #: Its page count, for the web page's download link: counted here, where pikepdf is
    #: loaded already, so that the parent never loads it (a 70 ms import).
    pages: int | None = None


#: Makes a document's PDF from its HTML: the PDF's bytes, and the files read (path -> SHA-256).
PdfMaker = Callable[[Project, str, BuildOptions], tuple[bytes, dict[str, str]]]


def pdf_settings(project: Project, options: BuildOptions) -> dict:
    """Where WeasyPrint finds the project's assets and fonts, and the PDF variant to make."""

    builtin = builtin_templates_dir()
    return {
        "base_dir": project.templates_dir if project.templates_dir.is_dir() else builtin,
        "fonts_dir": fonts_dir_for(project.templates_dir),
        "allowed_dirs": [project.templates_dir, builtin],
        "variant": options.pdf_variant,
    }


def make_pdf(project: Project, html: str, options: BuildOptions) -> tuple[bytes, dict[str, str]]:
    """The finished PDF of an HTML document, and the files WeasyPrint read (path -> SHA-256).

    WeasyPrint makes the PDF; finish_pdf does what PDF/UA-1 and PDF/A ask and WeasyPrint leaves
    undone (running headers as artifacts, uncompressed XMP, an /ID from the content).
    """

    served: dict[str, str] = {}
    return weasyprint_pdf(html, served=served, **pdf_settings(project, options)), served


def pdf_page_count(pdf: bytes | None) -> int | None:
    """How many pages a PDF has (None for no PDF)."""
    if pdf is None:
        return None
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as opened:
        return len(opened.pages)


def make_pdf_in_worker(
    project: Project, target: Target, html: str, options: BuildOptions, maker: PdfMaker
) -> MadePdf:
    """Make one target's PDF (in a worker or here); a failure is returned, never raised."""

    if parent_is_gone():
        os._exit(1)  # An orphaned worker (where the kernel cannot tell us): no one waits.
    started = time.perf_counter()
    try:
        made = MadePdf(*maker(project, html, options))
        made.pages = pdf_page_count(made.pdf)
    except Exception as error:
        made = MadePdf(None, {}, failure=failed_outcome(target, error))
    made.seconds = time.perf_counter() - started
    made.peak_memory_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    made.process_id = os.getpid()
    return made
