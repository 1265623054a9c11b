"""The `ncpi` command's process: set up as the short-lived command it is, then the command line."""

from __future__ import annotations

from ncpi.processes import collect_rarely


def main() -> None:
    """Entry point of the `ncpi` command and of `python -m ncpi`."""
    collect_rarely()  # Until its code is loaded and the reports checked: collect_as_usual().
    # Loaded after the setting, which then covers loading the command line itself.
    from ncpi.cli import main as command_line

    command_line()
