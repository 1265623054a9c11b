"""Property-based: however a valid report is mutated, validation never raises."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ncpi.check.validate import check_project
from ncpi.project import Project

from support import FIXTURES, REPO

VALID_TEXT = (FIXTURES / "valid" / "reports" / "kent.yaml").read_text(encoding="utf-8")
VALID = yaml.safe_load(VALID_TEXT)
COMMON = (REPO / "reports" / "_common.yaml").read_bytes()

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.dates(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


ALL_PATHS = list(_paths(VALID))[1:]


@st.composite
def mutated_reports(draw):
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                parent[path[-1]] = draw(values)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(max_size=12))] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")


@st.composite
def mangled_text(draw):
    text = bytearray(VALID_TEXT.encode("utf-8"))
    for _ in range(draw(st.integers(1, 5))):
        position = draw(st.integers(0, len(text)))
        if draw(st.booleans()) and position < len(text):
            del text[position : position + draw(st.integers(1, 20))]
        else:
            text[position:position] = draw(st.binary(min_size=1, max_size=8))
    return bytes(text)


def _check(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "reports"
        reports.mkdir()
        (reports / "_common.yaml").write_bytes(COMMON)
        (reports / "kent.yaml").write_bytes(data)
        result = check_project(Project(Path(folder)))
    for problem in result.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message
        assert problem.code != "internal-error", problem
    return result


@pytest.mark.long
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_reports())
def test_mutated_data_never_raises(data):
    _check(data)


@pytest.mark.long
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_text())
def test_mangled_text_never_raises(data):
    _check(data)
