"""A problem found in a report: where it is, how bad, and what to do about it."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

KeyPath = tuple[str | int, ...]

# Shown escaped wherever ncpi prints text from a file: C0 and C1 controls (an escape sequence
# could clear the screen or fake a line), bidirectional overrides and line separators.
_UNSAFE_TO_SHOW = {
    *range(0x20),
    *range(0x7F, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x2028,
    0x2029,
    0x200E,
    0x200F,
    0x061C,
}


def printable(text: str) -> str:
    """Text safe to print on a terminal or in a CI log: control characters escaped, as \\x1b."""
    return "".join(
        f"\\x{ord(c):02x}"
        if ord(c) < 0x100 and ord(c) in _UNSAFE_TO_SHOW
        else f"\\u{ord(c):04x}"
        if ord(c) in _UNSAFE_TO_SHOW
        else c
        for c in text
    )


#: Characters that break a line or space it, by the words a message uses for them.
_LINE_AND_SPACE_CHARACTERS = {
    "\n": "a line break",
    "\r": "a carriage return",
    "\t": "a tab",
    "\v": "a vertical tab",
    "\f": "a page break",
    "\u0085": "a line break",
    "\u2028": "a line break",
    "\u2029": "a paragraph break",
}


#: What a character with no Unicode name is, by its category.
_UNNAMED = {
    "Cc": "a control character",
    "Co": "a private-use character",
    "Cn": "an unassigned character",
}


def character_name(character: str) -> str:
    """A character's Unicode name, or what it is when it has none ('a control character')."""
    return unicodedata.name(character, "") or _UNNAMED.get(
        unicodedata.category(character), "a character with no name"
    )


def odd_character(character: str, advice: str) -> str:
    """Why a character does not belong in a one-line value, in plain words: 'contains a line
    break (U+000A): …', or a look-alike or invisible character by its Unicode name."""
    code = f"U+{ord(character):04X}"
    if character in _LINE_AND_SPACE_CHARACTERS:
        what = _LINE_AND_SPACE_CHARACTERS[character]
        return f"contains {what} ({code}): write it on one line, without {what}"
    return (
        f"contains {code} ({character_name(character)}), which only looks like an ordinary "
        f"character or cannot be seen: {advice}"
    )


def excerpt(value, limit: int = 40) -> str:
    """A short, escaped excerpt of a value for a message: never more than `limit` characters."""
    text = printable(str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Problem(NamedTuple):
    """One located problem, printed as `file:line:col: path: message`.

    A named tuple: immutable, hashable and ordered field by field, as a frozen dataclass
    would be, and defined in a fifth of the time, which every run of the command pays.
    """

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
            self.severity, ""
        )
        where = f"{self.path}: " if self.path else ""
        return printable(f"{self.file}:{self.line}:{self.column}: {where}{prefix}{self.message}")

    def as_github(self) -> str:
        """A GitHub Actions workflow command that annotates the line in a pull request.

        Escaped as GitHub's toolkit does, so that no text from a file (a newline in a file name,
        say) can start a workflow command of its own.
        """

        def data(text: str) -> str:
            return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def prop(text: str) -> str:
            return data(text).replace(":", "%3A").replace(",", "%2C")

        where = f"{self.path}: " if self.path else ""
        prefix = {"warning": "warning: ", "acknowledged": "acknowledged warning: "}.get(
            self.severity, ""
        )
        message = printable(f"{where}{prefix}{self.message}")
        command = {"acknowledged": "notice"}.get(self.severity, self.severity)
        return (
            f"::{command} file={prop(printable(self.file))},line={self.line},"
            f"col={self.column},title={prop(f'ncpi {self.code}')}::{data(message)}"
        )


@dataclass
class Findings:
    """What a check found: every problem, in reading order, and how many files it read."""

    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def acknowledged(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "acknowledged"]


def format_path(path: KeyPath) -> str:
    """Render a key path as a breadcrumb: `reinspection.progress[2].status`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


_KEY_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\[\d{1,9}\])*(?:\.[A-Za-z_][\w-]*(?:\[\d{1,9}\])*)*")


def parse_path(text: str) -> KeyPath | None:
    """A breadcrumb as format_path writes it, back into a key path; None if it is not one."""
    if len(text) > 1000 or not _KEY_PATH.fullmatch(text):
        return None
    path: list[str | int] = []
    for key, index in re.findall(r"([A-Za-z_][\w-]*)|\[(\d+)\]", text):
        path.append(key if key else int(index))
    return tuple(path)


def problems_as_json(problems: list[Problem]) -> str:
    """The problems as a JSON list, for tools."""
    return json.dumps([p._asdict() for p in problems], indent=2, ensure_ascii=False)
