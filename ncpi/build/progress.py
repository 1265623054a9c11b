"""Progress of a build: a bar on a terminal, plain lines anywhere else (CI logs, pipes)."""

from __future__ import annotations

import shutil
import time
from typing import TextIO

from ncpi.build.outcomes import Outcome
from ncpi.build.targets import Target

BAR_WIDTH = 24
#: The narrowest terminal the bar is drawn for; narrower ones get only the counts.
_NARROWEST_FOR_BAR = 50


def _elapsed(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


class Progress:
    """Counts finished documents; redraws one line on a terminal, else prints one per document.

    On a terminal a failure is printed above the bar as it happens, not only in the summary.
    """

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        terminal: bool,
        quiet: bool = False,
        colour: bool = False,
    ):
        self.total = total
        self.stream = stream
        self.terminal = terminal
        self.quiet = quiet
        self.colour = colour
        self.done = 0
        self.failed = 0
        self.current = ""
        self.started = time.monotonic()

    def start(self, target: Target) -> None:
        """A target has started building."""
        self.current = str(target)
        if self.terminal and not self.quiet:
            self._draw()

    def finish(self, outcome: Outcome) -> None:
        """A target is built, skipped or failed."""
        self.done += 1
        self.failed += outcome.state == "failed"
        if self.quiet:
            return
        if self.terminal:
            if outcome.state == "failed":
                self._write("\r\x1b[K" + self._red(f"✗ {outcome.target} failed") + "\n")
            self._draw()
            return
        if outcome.state == "built":
            detail = f"built in {outcome.seconds:.1f} s ({outcome.reason})"
        elif outcome.state == "failed":
            detail = "FAILED"
        else:
            detail = "up to date"
        self._write(f"[{self.done}/{self.total}] {outcome.target}: {detail}\n")

    def close(self) -> None:
        """Clear the bar so that the summary starts on a clean line."""
        if self.terminal and not self.quiet:
            self._write("\r\x1b[K")

    def line(self, columns: int) -> str:
        """The bar's line, cut to fit a terminal `columns` wide (never wrapping onto a second)."""
        filled = BAR_WIDTH * self.done // max(self.total, 1)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        failed = f" · {self.failed} failed" if self.failed else ""
        current = f" · {self.current}" if self.current and self.done < self.total else ""
        counts = f"{self.done}/{self.total} documents{failed}"
        elapsed = f" · {_elapsed(time.monotonic() - self.started)}"
        line = (
            f"{bar} {counts}{elapsed}{current}"
            if columns >= _NARROWEST_FOR_BAR
            else f"{counts}{elapsed}"
        )
        return line[: max(columns - 1, 1)]

    def _draw(self) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns
        self._write("\r\x1b[K" + self.line(columns))

    def _red(self, text: str) -> str:
        return f"\x1b[31m{text}\x1b[0m" if self.colour else text

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
