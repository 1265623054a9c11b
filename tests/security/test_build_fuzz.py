"""Property: any text in any text field builds with the text shown as typed, or fails cleanly."""

from __future__ import annotations

import contextlib
import copy
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ncpi.build.outcomes import Outcome
from ncpi.build.pipeline import Run, build_targets
from ncpi.build.targets import output_paths, targets_of
from ncpi.project import Project

from support import FIXTURES, REPO

VALID = yaml.safe_load((FIXTURES / "valid" / "reports" / "kent.yaml").read_text("utf-8"))
COMMON = (REPO / "reports" / "_common.yaml").read_bytes()
# Not free text: ids, enumerations and names that must match the registry.
NOT_TEXT = {"status", "slug", "area", "timescale", "kind", "id", "recommendation", "notes"}


def _text_fields(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_TEXT and path != ("force",):
                yield from _text_fields(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _text_fields(value, (*path, index))
    elif isinstance(node, str):
        yield path


TEXT_FIELDS = sorted(_text_fields(VALID), key=str)
# Fields the plain-text press release prints as they are.
IN_TEXT_OUTPUT = [
    p
    for p in TEXT_FIELDS
    if (p[0] == "press_release" and p[1] != "quote")
    or (p[:2] == ("press_release", "quote") and p[2] == "paragraphs")
]

texts = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


def test_the_text_fields_are_found():
    assert len(TEXT_FIELDS) >= 20 and ("press_release", "headline") in IN_TEXT_OUTPUT


def _with_text(fields: list[tuple], text: str) -> dict:
    """The valid report with `text` in each of the fields."""
    data = copy.deepcopy(VALID)
    for field in fields:
        node = data
        for key in field[:-1]:
            node = node[key]
        node[field[-1]] = text
    return data


@contextlib.contextmanager
def _built(data) -> Iterator[tuple[Project, dict[str, Path] | None, list[Outcome]]]:
    """Kent's press release and report built from `data` in a temporary project, removed after."""
    with tempfile.TemporaryDirectory(prefix="ncpi-fuzz-") as folder:
        root = Path(folder)
        (root / "reports").mkdir()
        (root / "reports" / "_common.yaml").write_bytes(COMMON)
        (root / "reports" / "kent.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8"
        )
        project = Project(root)
        outcomes = build_targets(project, targets_of("kent"), run=Run(in_process=True))
        failed = [outcome for outcome in outcomes if outcome.state == "failed"]
        paths = None if failed else {p.name: p for o in outcomes for p in o.paths}
        yield project, paths, failed


def _refused_cleanly(project: Project, failed: list[Outcome]) -> None:
    """Each failure says why in words or located problems, and left none of its outputs."""
    for outcome in failed:
        assert outcome.reason.strip()
        assert "unexpectedly" not in outcome.reason, outcome.reason
        for path in output_paths(project, outcome.target).values():
            assert not path.exists(), path
    assert not list(project.build_dir.rglob("*.tmp"))


@pytest.mark.pdf
@pytest.mark.process
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(TEXT_FIELDS), text=texts)
def test_any_text_in_any_field_is_built_verbatim_or_refused_cleanly(field, text):
    with _built(_with_text([field], text)) as (project, paths, failed):
        if paths is None:
            _refused_cleanly(project, failed)
            return
        assert paths["kent-report.pdf"].read_bytes().startswith(b"%PDF-")
        if field in IN_TEXT_OUTPUT:
            _assert_shown_as_text(text, paths["kent-press-release.txt"])


# Tricky text, and what the plain-text press release shows of it: as typed, but for markup
# (emphasis dropped, a link as its words and address) and typographic quotation marks.
PLAIN_TEXT = {
    "{{ 7*7 }}": "{{ 7*7 }}",
    "<script>x</script>": "<script>x</script>",
    "*a* [b](https://x.org)": "a b (https://x.org)",
    "**now** and *real*": "now and real",
    "- a\n- b": "- a\n- b",
    "tab\there": "tab\there",
    "€ “quotes” ’": "€ “quotes” ’",
    'the force\'s "new" unit': "the force’s “new” unit",
    "Ŵ ŷ â": "Ŵ ŷ â",
}


def _assert_shown_as_text(text: str, txt: Path) -> None:
    """What the plain-text edition shows of `text`: every character as typed, except the
    markup's own marks (dropped) and quotation marks (made typographic)."""
    # Bytes, not read_text(): that would turn a "\r" ncpi wrote unchanged into "\n".
    shown = txt.read_bytes()
    for run in re.split(r"[*\[\]'\"]+", text):
        assert run.encode() in shown, run


@pytest.mark.pdf
@settings(max_examples=15, deadline=None)
@given(text=st.sampled_from(sorted(PLAIN_TEXT)), field=st.sampled_from(IN_TEXT_OUTPUT))
def test_tricky_text_reaches_the_text_output_as_plain_text(text, field):
    # The headline is one line (it is also the email's subject): over two, it is refused.
    assume(not ("\n" in text and field == ("press_release", "headline")))
    with _built(_with_text([field], text)) as (_, paths, failed):
        assert paths is not None, failed
        assert PLAIN_TEXT[text].encode() in paths["kent-press-release.txt"].read_bytes()


@pytest.mark.pdf
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_the_same_text_in_every_field_at_once(text):
    with _built(_with_text(TEXT_FIELDS, text)) as (project, paths, failed):
        if paths is None:
            _refused_cleanly(project, failed)
            return
        assert text.encode() in paths["kent-press-release.txt"].read_bytes()
        assert paths["kent-report.pdf"].read_bytes().startswith(b"%PDF-")
