"""The one exception family: click prints it once and exits without a traceback."""

from __future__ import annotations

import click


class NcpiError(click.ClickException):
    """A problem ncpi explains to its user; exit code 1."""

    exit_code = 1


class UnknownForce(NcpiError):
    """A force named on the command line has no report or is not in the registry."""


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
