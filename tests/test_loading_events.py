"""The loader, which reads the parser's events, agrees with PyYAML's own composer and loader."""

from __future__ import annotations

import pytest
import yaml

from ncpi.check import loading
from ncpi.check.loading import POSITION_LOADERS, load_yaml_text

from support import FIXTURES, MATRIX, REPO

FILES = sorted(
    [*(REPO / "reports").glob("*.yaml"), *MATRIX.rglob("*.yaml"), *FIXTURES.rglob("*.yaml")]
)


def composed_positions(node, path=(), values=None, keys=None):
    """Each value's and key's place (1-based), by key path, in PyYAML's own node tree."""
    values = {} if values is None else values
    keys = {} if keys is None else keys
    values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            keys[(*path, key.value)] = (key.start_mark.line + 1, key.start_mark.column + 1)
            composed_positions(value, (*path, key.value), values, keys)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            composed_positions(item, (*path, index), values, keys)
    return values, keys


@pytest.mark.parametrize("parser", sorted(POSITION_LOADERS))
def test_what_loads_cleanly_has_pyyamls_data_and_places(monkeypatch, parser):
    monkeypatch.setattr(loading, "_PositionLoader", POSITION_LOADERS[parser])
    compared = 0
    for path in FILES:
        raw = path.read_bytes()
        loaded, problems = load_yaml_text(raw, path.name)
        if loaded is None or problems:
            continue  # Told apart from PyYAML on purpose: tests/test_loading_messages.py.
        text = raw.decode("utf-8")
        assert loaded.data == yaml.safe_load(text), path
        values, keys = composed_positions(yaml.compose(text, Loader=yaml.SafeLoader))
        assert loaded.value_positions == values, path
        assert loaded.key_positions == keys, path
        compared += 1
    assert compared >= 20  # the shipped reports, the matrix and the clean fixtures
