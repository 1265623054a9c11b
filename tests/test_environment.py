"""The environment is the one checked: setup installs with constraints.txt, which pins every
package ncpi and its tests need, so a library's new release cannot change a document's bytes."""

from __future__ import annotations

import re
from importlib import metadata

from packaging.requirements import Requirement

from support import REPO


def _pins() -> dict[str, str]:
    lines = (REPO / "constraints.txt").read_text("utf-8").splitlines()
    pins = {}
    for line in lines:
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _requirements(name: str, extras: tuple[str, ...] = ()) -> set[str]:
    """A distribution's requirements, followed through every installed dependency."""
    seen: set[str] = set()
    todo = [(name, extras)]
    while todo:
        current, wanted = todo.pop()
        for text in metadata.requires(current) or []:
            requirement = Requirement(text)
            environment = [{"extra": extra} for extra in (*wanted, "")]
            if requirement.marker and not any(requirement.marker.evaluate(e) for e in environment):
                continue
            key = re.sub(r"[-_.]+", "-", requirement.name).lower()
            if key not in seen:
                seen.add(key)
                todo.append((requirement.name, tuple(requirement.extras)))
    return seen


def test_every_package_ncpi_and_its_tests_need_is_pinned_at_its_installed_version():
    pins = _pins()
    needed = _requirements("ncpi", ("test",))
    assert needed - set(pins) == set(), "not pinned in constraints.txt"
    for name in needed:
        assert metadata.version(name) == pins[name], name
