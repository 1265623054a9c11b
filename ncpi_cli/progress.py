"""Progress of a batch build: a bar on a terminal, plain lines anywhere else (CI logs, pipes)."""

from __future__ import annotations

import time
from typing import TextIO

from ncpi_cli.build import Outcome
from ncpi_cli.targets import Target

BAR_WIDTH = 24


def _elapsed(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


class Progress:
    """Counts finished documents; redraws one line on a terminal, else prints one per document."""

    def __init__(self, total: int, stream: TextIO, *, terminal: bool):
        self.total = total
        self.stream = stream
        self.terminal = terminal
        self.done = 0
        self.current = ""
        self.started = time.monotonic()

    def start(self, target: Target) -> None:
        """A target has started building."""
        self.current = str(target)
        if self.terminal:
            self._draw()

    def finish(self, outcome: Outcome) -> None:
        """A target is built, skipped or failed."""
        self.done += 1
        if self.terminal:
            self._draw()
            return
        if outcome.state == "built":
            detail = f"built in {outcome.seconds:.1f} s ({outcome.reason})"
        elif outcome.state == "failed":
            detail = "FAILED"
        else:
            detail = "up to date"
        self.stream.write(f"[{self.done}/{self.total}] {outcome.target}: {detail}\n")
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar so that the summary starts on a clean line."""
        if self.terminal:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _draw(self) -> None:
        filled = BAR_WIDTH * self.done // max(self.total, 1)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        current = f" · {self.current}" if self.current and self.done < self.total else ""
        line = (f"{bar} {self.done}/{self.total} documents{current} · "
                f"{_elapsed(time.monotonic() - self.started)}")
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
