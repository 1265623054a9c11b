"""The one exception family: click prints it once and exits without a traceback."""

from __future__ import annotations

import os
import re

import click

from ncpi.problems import excerpt


class NcpiError(click.ClickException):
    """A problem ncpi explains to its user; exit code 1."""

    exit_code = 1


class UnknownForce(NcpiError):
    """A name on the command line is not one of the 43 forces: the command was used wrongly."""

    exit_code = 2


class NoReport(NcpiError):
    """A force named on the command line has no report file yet."""


class NotAProject(NcpiError):
    """ncpi was run outside a project (no reports/ folder here or above)."""

    exit_code = 2


class ValidationFailed(NcpiError):
    """One or more reports have problems; the problems are already printed."""

    def __init__(self, problems):
        self.problems = problems
        errors = sum(1 for p in problems if p.severity == "error")
        super().__init__(f"{errors} problem(s) found; nothing was built.")


class RenderError(NcpiError):
    """A template or WeasyPrint failed to produce a document."""

    def __init__(self, message: str, template: str | None = None, line: int = 1):
        super().__init__(message)
        self.template = template
        self.line = line


class OutputError(NcpiError):
    """An output could not be written; what was there before is still there."""


class Stopped(BaseException):
    """The user stopped ncpi (Ctrl-C, SIGTERM, SIGHUP); it exits 128 + the signal's number.

    A BaseException, like KeyboardInterrupt, so that no `except Exception` swallows it.
    """

    def __init__(self, signal_number: int):
        super().__init__(signal_number)
        self.signal_number = signal_number


#: The latest moment a PDF date can hold (9999-12-31T23:59:59Z).
_LAST_EPOCH = 253_402_300_799


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) as seconds, None if unset, else an error.

    Only ASCII digits within the years 1970-9999: int() would also take '１２３' and '+5'.
    """

    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not re.fullmatch(r"[0-9]{1,12}", value) or int(value) > _LAST_EPOCH:
        raise click.UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 in ASCII digits, up "
            f"to {_LAST_EPOCH} (the end of 9999); it is '{excerpt(value)}'. Unset it to date "
            "documents by their publication date"
        )
    return int(value)
