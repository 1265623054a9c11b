"""The shipped reports: what their comments point to is in the repository."""

from __future__ import annotations

import re

import pytest

from support import REPO

SHIPPED = sorted((REPO / "reports").glob("*.yaml"))
# A word with a slash or a file extension, as a comment names a file: tests/golden/x.txt.
FILE_NAME = re.compile(r"(?<![\w/.])((?:[\w.-]+/)+[\w.-]*|[\w-]+\.(?:txt|md|yaml|json|csv))")


def _comment_file_names(path):
    for line in path.read_text("utf-8").splitlines():
        if line.lstrip().startswith("#"):
            for name in FILE_NAME.findall(line):
                if not name.startswith(("http", "www.")) and "://" not in line:
                    yield name.rstrip(".,;:)")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_files_named_in_comments_exist(path):
    named = list(_comment_file_names(path))
    missing = [
        name for name in named if not (REPO / name).exists() and not (path.parent / name).exists()
    ]
    assert not missing, f"{path.name} names files that are not in the repository: {missing}"


def test_the_check_finds_file_names():
    names = list(FILE_NAME.findall("# see shared/reference/essex.txt and domain.md, not 2016."))
    assert names == ["shared/reference/essex.txt", "domain.md"]
