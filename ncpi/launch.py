"""The `ncpi` command's process: set up as the short-lived command it is, then the command line."""

from __future__ import annotations

import sys
import types

from ncpi.processes import collect_rarely

#: Where pydantic asks which plugins to run (pydantic.plugin._schema_validator asks its
#: get_plugins(), and nothing else; tests/test_launch.py holds pydantic to that).
PYDANTIC_PLUGIN_LOADER = "pydantic.plugin._loader"


def main() -> None:
    """Entry point of the `ncpi` command and of `python -m ncpi`."""
    collect_rarely()  # Until its code is loaded and the reports checked: collect_as_usual().
    without_pydantic_plugins()
    # Loaded after the settings, which then cover loading the command line itself.
    from ncpi.cli import main as command_line

    command_line()


def without_pydantic_plugins() -> None:
    """Pydantic, in this process, runs no plugin and does not look for one.

    ncpi runs none (cli.main sets PYDANTIC_DISABLE_PLUGINS: a plugin, which any installed
    package can declare, must not change what ncpi accepts from one machine to the next), yet
    pydantic's loader imports importlib.metadata, and the email package with it, to be able
    to look: 15 ms, a twentieth of a first validation. A loader that finds none takes its place.
    """
    loader = types.ModuleType(PYDANTIC_PLUGIN_LOADER, without_pydantic_plugins.__doc__)
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules.setdefault(PYDANTIC_PLUGIN_LOADER, loader)


def _no_plugins() -> tuple[()]:
    """No plugin, as pydantic's own loader answers when they are disabled."""
    return ()
