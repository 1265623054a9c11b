"""Every output is a target of one graph: `clean` removes all of them and nothing else, and a
shorter rebuild leaves no stale preview page, in either language."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import ncpi
import ncpi.check.validate

from support import REPO, invoke, make_project


def _pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])


def _previews(project, slug: str) -> dict[str, list[int]]:
    """The preview pages in build/FORCE/preview/, as page numbers by prefix."""
    found: dict[str, list[int]] = {}
    for path in (project.build_dir / slug / "preview").glob("*.png"):
        prefix, number = path.stem.rsplit("-", 1)
        found.setdefault(prefix, []).append(int(number))
    return {prefix: sorted(numbers) for prefix, numbers in found.items()}


def _expected_previews(project, slug: str) -> dict[str, list[int]]:
    folder = project.build_dir / slug
    documents = {
        "page": f"{slug}-report.pdf",
        "cy-page": f"{slug}-report-cy.pdf",
        "press-release-page": f"{slug}-press-release.pdf",
        "cy-press-release-page": f"{slug}-press-release-cy.pdf",
    }
    return {prefix: list(range(1, _pages(folder / name) + 1)) for prefix, name in documents.items()}


@pytest.mark.pdf
@pytest.mark.process
def test_clean_removes_every_output_and_a_shorter_rebuild_leaves_no_stale_page(tmp_path):
    project = make_project(tmp_path, "shipped")
    for command in (
        ("build", "dyfed-powys", "--png"),
        ("press-release", "dyfed-powys", "--png"),
        ("national",),
        ("publish", "dyfed-powys", "--allow-past-embargo"),
    ):
        result = invoke(project, *command)
        assert result.exit_code == 0, (command, result.output, result.stderr)
    long = _expected_previews(project, "dyfed-powys")
    assert _previews(project, "dyfed-powys") == long
    for folder in ("national", "data", "publish"):
        assert (project.build_dir / folder).is_dir()
    # The index links both editions of the Welsh force, each only as it exists.
    index = (project.build_dir / "index.html").read_text("utf-8")
    for name in ("report", "press-release"):
        assert f'<a href="dyfed-powys/dyfed-powys-{name}.html">' in index
        assert f'<a href="dyfed-powys/dyfed-powys-{name}-cy.html" lang="cy" hreflang="cy">' in index
    assert 'href="essex/' not in index  # not built here: named, not linked

    # Smaller type: fewer pages in both languages; the rebuild's previews replace the old.
    css = project.templates_dir / "css" / "report.css"
    css.parent.mkdir(parents=True)
    builtin = (REPO / "templates" / "css" / "report.css").read_text("utf-8")
    css.write_text(builtin + "\n@media print { html, body, table { font-size: 7pt; } }\n")
    for command in ("build", "press-release"):
        result = invoke(project, command, "dyfed-powys", "--png")
        assert result.exit_code == 0, result.output
    short = _expected_previews(project, "dyfed-powys")
    assert len(short["cy-page"]) < len(long["cy-page"])
    assert len(short["page"]) < len(long["page"])
    assert _previews(project, "dyfed-powys") == short

    result = invoke(project, "clean")
    assert result.exit_code == 0, result.output
    assert not project.build_dir.exists(), sorted(
        p.relative_to(project.build_dir).as_posix() for p in project.build_dir.rglob("*")
    )


@pytest.mark.process
@pytest.mark.usefixtures("stand_in_pdfs")
@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("build", "dyfed-powys"),
        ("press-release", "dyfed-powys", "--force"),
        ("national",),
        ("publish", "dyfed-powys", "--allow-past-embargo"),
        ("list",),
    ],
)
def test_each_command_checks_the_project_once(tmp_path, monkeypatch, command):
    """The real checks run; they are only counted."""
    for module in pkgutil.walk_packages(ncpi.__path__, "ncpi."):  # so that each is patched below
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)

    project = make_project(tmp_path, "shipped")
    calls = []
    check_project = ncpi.check.validate.check_project

    def counted(*args, **kwargs):
        calls.append(args[1:2])
        return check_project(*args, **kwargs)

    # Wherever it was imported by name.
    for name, module in list(sys.modules.items()):
        if name.startswith("ncpi") and getattr(module, "check_project", None) is check_project:
            monkeypatch.setattr(module, "check_project", counted)
    result = invoke(project, *command)
    assert result.exit_code == 0, result.output + result.stderr
    assert len(calls) == 1, calls
