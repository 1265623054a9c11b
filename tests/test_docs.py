"""The documentation is tested like the code: every command and option is in the README, the
module map of docs/architecture.md is the package, and every link between the docs resolves."""

from __future__ import annotations

import re

import click
import pytest

from ncpi.cli import cli

from support import REPO

README = (REPO / "README.md").read_text("utf-8")
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "SECURITY.md"]


def _options(command: click.Command) -> list[str]:
    return [
        option
        for param in command.params
        for option in getattr(param, "opts", [])
        if option.startswith("-") and option not in ("-h", "--help")
    ]


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_of_every_command_is_in_the_readme(name):
    missing = [option for option in _options(cli.commands[name]) if option not in README]
    assert missing == [], f"ncpi {name}: {missing} not in README.md"


def test_every_global_option_is_in_the_readme():
    assert [option for option in _options(cli) if option not in README] == []


def test_the_readme_is_for_users_and_short():
    assert len(README.splitlines()) < 400


def _module_map() -> set[str]:
    """The modules docs/architecture.md names in its table of packages: a row's last cell is
    `ncpi/module.py`, or `ncpi/folder/` and then its modules' file names."""
    text = (REPO / "docs" / "architecture.md").read_text("utf-8")
    named = set()
    for cell in re.findall(r"^\|.*\| (`ncpi/.*) \|$", text, re.MULTILINE):
        first, *files = re.findall(r"`([^`]+)`", cell)
        if first.endswith(".py"):
            named.add(first)
        named |= {first.rstrip("/") + "/" + name for name in files if name.endswith(".py")}
    return named


def test_the_module_map_is_the_package():
    package = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "ncpi").rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    }
    assert _module_map() == package


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.relative_to(REPO).as_posix())
def test_every_link_between_the_docs_resolves(doc):
    text = doc.read_text("utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (doc.parent / target).exists(), f"{doc.name} links {target}, which does not exist"
