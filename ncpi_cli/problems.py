"""A problem found in a report: where it is, how bad, and what to do about it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem, printed as `file:line:col: path: message`."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"  # "error", "warning", or "acknowledged" (a warning the report accepts)
    code: str = "invalid"

    def as_text(self) -> str:
        """The line a person reads in a terminal or an editor's problem list."""
        prefix = {"warning": "warning: ", "acknowledged": "acknowledged warning: "}.get(
            self.severity, "")
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{prefix}{self.message}"

    def as_github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in a pull request."""
        message = self.as_text().split(": ", 1)[1]
        for raw, escaped in (("%", "%25"), ("\r", "%0D"), ("\n", "%0A")):
            message = message.replace(raw, escaped)
        command = {"acknowledged": "notice"}.get(self.severity, self.severity)
        return (
            f"::{command} file={self.file},line={self.line},col={self.column},"
            f"title=ncpi {self.code}::{message}"
        )


def format_path(path: KeyPath) -> str:
    """Render a key path as a breadcrumb: `reinspection.progress[2].status`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def problems_as_json(problems: list[Problem]) -> str:
    """The problems as a JSON list, for tools."""
    return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
