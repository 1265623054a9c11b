"""What a build tells its caller: each target's outcome, and the events heard while it runs.

Apart from the pipeline, so that a build with nothing to do can say so without loading it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ncpi.build.targets import Target
from ncpi.errors import NcpiError
from ncpi.problems import Problem


@dataclass
class Outcome:
    """What happened to one target: built, skipped as up to date, or failed (and why)."""

    target: Target
    state: str  # "built", "up to date" or "failed"
    paths: list[Path] = field(default_factory=list)
    reason: str = ""  # why it was rebuilt, or why it failed
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    peak_memory_kib: int = 0  # of the process that made its PDF
    process_id: int = 0  # which process made its PDF: workers make many each


@dataclass(frozen=True)
class Events:
    """What the caller hears while a build runs: a progress bar, a log."""

    on_start: Callable[[Target], None] = lambda target: None
    on_done: Callable[[Outcome], None] = lambda outcome: None
    on_note: Callable[[str], None] = lambda note: None


def failed_outcome(target: Target, error: Exception) -> Outcome:
    """A target that failed on `error`: in its own words if it is ncpi's, else as a bug."""
    if isinstance(error, NcpiError):
        return Outcome(target, "failed", reason=error.format_message())
    return Outcome(
        target,
        "failed",
        reason=f"ncpi failed unexpectedly ({type(error).__name__}: "
        f"{error}); please report this as a bug in ncpi",
    )
