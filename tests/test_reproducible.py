"""Same inputs, same bytes: builds in separate processes give identical PDFs."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pikepdf
import pytest

from support import make_project

pytestmark = pytest.mark.process


def _build(root, env=None):
    for command in ("build", "press-release"):
        subprocess.run(
            [sys.executable, "-m", "ncpi", "--root", str(root), command, "essex"],
            check=True,
            capture_output=True,
            env={**os.environ, **(env or {})},
        )
    folder = root / "build" / "essex"
    # The build records (.manifest-*.json) name the project's folder, so they differ by design.
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if not p.name.startswith(".")
    }


def test_two_builds_in_two_processes_are_byte_identical(tmp_path):
    first = _build(make_project(tmp_path / "one").root)
    second = _build(make_project(tmp_path / "two").root)
    assert len(first) == 5
    assert first == second


def test_dates_come_from_the_data_or_source_date_epoch(tmp_path):
    root = make_project(tmp_path / "epoch").root
    _build(root, {"SOURCE_DATE_EPOCH": "1500000000"})
    with pikepdf.open(root / "build" / "essex" / "essex-report.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20161214")
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20170714")
