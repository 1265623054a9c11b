"""ncpi's own files hashed at install: trusted while each file is as it was, never otherwise."""

from __future__ import annotations

import hashlib
import json
import os
import time
from types import SimpleNamespace

import pytest

from ncpi.build import incremental
from ncpi.build.incremental import (
    RACY_NANOSECONDS,
    code_fingerprint,
    installed_hash,
    own_code_files,
    own_files,
    record_installed_hashes,
)
from ncpi.defaults import builtin_templates_dir


@pytest.fixture
def installed_at(tmp_path, monkeypatch):
    """The installation's record of hashes, at a place of the test's own."""
    path = tmp_path / "share" / "ncpi" / "own-files.json"
    monkeypatch.setattr(incremental, "installed_hashes_path", lambda: path)
    incremental._installed_hashes.cache_clear()
    yield path
    incremental._installed_hashes.cache_clear()
    code_fingerprint.cache_clear()


def test_every_own_file_is_recorded_with_its_hash(installed_at):
    assert record_installed_hashes() == len(own_files())
    files = json.loads(installed_at.read_text())["files"]
    code = own_code_files()
    assert any(p.name == "loading.py" for p in code) and any(p.name == "forces.tsv" for p in code)
    assert any(
        p.suffix == ".ttf" and p.is_relative_to(builtin_templates_dir()) for p in own_files()
    )
    for path in own_files():
        assert files[str(path)][4] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert installed_hash(str(path), os.stat(path)) == files[str(path)][4]


def test_the_fingerprint_is_the_same_with_or_without_the_record(installed_at):
    code_fingerprint.cache_clear()
    without = code_fingerprint()
    record_installed_hashes()
    incremental._installed_hashes.cache_clear()
    code_fingerprint.cache_clear()
    assert code_fingerprint() == without


def test_a_hash_is_trusted_only_while_its_file_is_as_it_was(installed_at, tmp_path, monkeypatch):
    own = tmp_path / "own.py"
    own.write_text("print('one')\n")
    past = time.time_ns() - 10 * RACY_NANOSECONDS
    os.utime(own, ns=(past, past))
    monkeypatch.setattr(incremental, "own_files", lambda: [own])
    later = time.time_ns() + RACY_NANOSECONDS  # Its status (the utime) then changed long ago.
    monkeypatch.setattr(incremental, "time", SimpleNamespace(time_ns=lambda: later))
    assert record_installed_hashes() == 1
    recorded = json.loads(installed_at.read_text())["files"][str(own)][4]
    assert installed_hash(str(own), os.stat(own)) == recorded
    own.write_text("print('two')\n")  # The same size; new times
    os.utime(own, ns=(past, past))  # even with the old modification time: its change time moved
    assert installed_hash(str(own), os.stat(own)) is None


def test_a_file_saved_just_before_the_record_is_left_out(installed_at, tmp_path, monkeypatch):
    own = tmp_path / "own.py"
    own.write_text("print('one')\n")
    monkeypatch.setattr(incremental, "own_files", lambda: [own])
    assert record_installed_hashes() == 0


@pytest.mark.parametrize(
    "text", ["not json", "[]", '{"format": 9, "files": {}}', '{"format": 1, "files": {"a": [1]}}']
)
def test_an_unsound_record_is_ignored(installed_at, text):
    installed_at.parent.mkdir(parents=True)
    installed_at.write_text(text)
    path = own_files()[0]
    assert installed_hash(str(path), os.stat(path)) is None


def test_validates_record_of_templates_is_the_same_with_or_without_the_record(
    installed_at, project_from
):
    from ncpi.build.check_record import Snapshot

    project = project_from("essex")
    without = Snapshot(project).templates()
    record_installed_hashes()
    incremental._installed_hashes.cache_clear()
    assert incremental._installed_hashes()  # in use
    assert Snapshot(project).templates() == without
