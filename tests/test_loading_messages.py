"""The loader's every message, word for word and at its place, with each YAML parser.

Bad YAML is the first mistake a report's author meets, so what the loader says is held in a
reviewed golden file per parser (libyaml's wording differs from PyYAML's): a change to a
message or its line and column shows up as a diff. Regenerate after a reviewed change with:

    .venv/bin/python -m pytest tests/test_loading_messages.py --update-golden
"""

from __future__ import annotations

import pytest
from test_bad_input import CASES, CORPUS, VALID

from ncpi.check import loading
from ncpi.check.loading import POSITION_LOADERS, LoadedYaml, load_yaml_file, load_yaml_text
from ncpi.problems import Problem

from support import replaced
from support.golden import GOLDEN

HEADLINE = "  headline: Kent Police is making progress in protecting children"


def _edit(old: str, new: str) -> bytes:
    return replaced(VALID, old, new).encode("utf-8")


# One case for each way _explain puts a syntax error in plain words, and each loader refusal.
EXPLAINED: dict[str, bytes] = {
    **{
        f"a value that starts with '{start}'": _edit(
            "status: final", f"status: final\nheadline: {start}Kent is better\nnote: x"
        )
        for start in "*&[{!|>@`%"
    },
    "a list item that starts with '@'": _edit(
        "      - I am pleased.\n", "      - I am pleased.\n      - @Kent\n"
    ),
    "an apostrophe inside single quotes": _edit(HEADLINE, "  headline: 'Kent Police's work'"),
    "quoted text that goes on": _edit(HEADLINE, '  headline: "Kent" Police'),
    "single-quoted text that goes on": _edit(HEADLINE, "  headline: 'Kent Police.' More"),
    "a quote never closed, mid-file": _edit("status: final", "status: 'final"),
    "a tab after a key": _edit("status: final", "status:\tfinal\n\tx: 1"),
    "a tab inside a list": _edit("      - I am pleased.\n", "      -\tI am pleased.\n\t- x\n"),
    "a colon in plain text": _edit(HEADLINE, "  headline: Kent Police: better at it"),
    "an item less indented": _edit("    - id: R1\n", "    - id: R1\n   x: 1\n"),
    "a key more indented": _edit("status: final\n", "status: final\n   x: 1\n"),
    "a key without a value": _edit("status: final\n", "status: final\njust words\nx: 1\n"),
    "a list item among keys": _edit("status: final\n", "status: final\n- item\n"),
    "a flow mapping not closed": _edit("status: final", "status: {a: 1"),
    "a month that does not exist": _edit("published: 2015-07-01", "published: 2015-13-01"),
    "month zero": _edit("published: 2015-07-01", "published: 2015-00-10"),
    "January the 32nd": _edit("published: 2015-07-01", "published: 2015-01-32"),
    "December the 32nd": _edit("published: 2015-07-01", "published: 2015-12-32"),
    "a bad time on a month's last day": _edit(
        "published: 2015-07-01", "published: 2015-06-30 25:00:00"
    ),
    "a list tag on text": _edit("status: final", "status: !!seq final"),
    "a mapping tag on text": _edit("status: final", "status: !!map final"),
    "a NUL on line 2 after an empty first line": b"\na: \x00\n",
    "not UTF-8 after an empty first line and a multi-byte letter": b"\na: \xc3\xab\xe9\n",
    "a colon then a tab in plain text": b"a: b:\tc\n",
    "a tab after spaces, the error further on": b"a: 1\n  \tb: 2\n",
    "two tabs, the error after both": b"a: 1\n  \tb\t: 2\n",
    "an alias without a name": b"a: *\n",
    "a byte-order mark, then a quote that ends too soon": b"\xef\xbb\xbf'a' b\n",
    "two NUL bytes": b"a: 1\nb: \x00\x00\n",
    "a quoted key less indented": b"a:\n  b: 1\n 'c': 2\n",
    "two quoted lines": b"'a'\n'b'\n",
    "an anchor without a name": b"a: & x\n",
    "a list item that is an alias without a name": b"- *\n",
    "empty quotes, then text": b"a: ''x\n",
    "empty double quotes, then text": b'a: ""x\n',
    "quoted text ending one letter before the line": b"a: 'ab'c\n",
    "a day that does not exist": _edit("published: 2015-07-01", "published: 2015-06-31"),
    "a leap day in a common year": _edit("published: 2015-07-01", "published: 2015-02-29"),
    "a time that does not exist": _edit("published: 2015-07-01", "published: 2015-07-01 25:00:00"),
    "a set": _edit("status: final", "status: !!set {a, b}"),
    "an integer tag on text": _edit("status: final", "status: !!int final"),
    "a float tag on text": _edit("status: final", "status: !!float final"),
    "a boolean tag on text": _edit("status: final", "status: !!bool final"),
    "a comment after plain text": _edit(HEADLINE, "  headline: Kent #1 force"),
    "a comment after a plain list item": _edit(
        "      - I am pleased.\n", "      - I am pleased. #really\n"
    ),
    "a comment after quoted text": _edit(HEADLINE, '  headline: "Kent" # fine'),
    "an unclosed bracket in a list": _edit("    - id: R1\n", "    - [R1\n    - id: R1\n"),
    "a list item after a key's value": _edit("status: final", "status: - final"),
    "'---' inside quoted text": _edit(HEADLINE, '  headline: "Kent\n---\n  Police"'),
    "a tag without a space": _edit("status: final", "status: !!str,x final"),
    "a text date": _edit("published: 2015-07-01", "published: !!timestamp yesterday"),
    "day zero": _edit("published: 2015-07-01", "published: 2015-07-00"),
    "an embargo at 24:00": _edit("status: final", "status: final\nembargo: 2016-02-10 24:00:00"),
    "a whole number too long": _edit("cases: 60", "cases: " + "9" * 5000),
    "a null tag on text": _edit("status: final", "status: !!null final"),
    "a duplicate key three times": _edit(
        "status: final\n", "status: final\nstatus: draft\nstatus: final\n"
    ),
    "a duplicate nested key": _edit("  slug: kent\n", "  slug: kent\n  slug: essex\n"),
    "a line separator": _edit("Progress is good.", "Progress\u2028is good."),
    "a paragraph separator": _edit("Progress is good.", "Progress\u2029is good."),
    "a next-line character": _edit("Progress is good.", "Progress\x85is good."),
    "a NUL on line 3": b"a: 1\nb: 2\nc: \x00\n",
    "a byte-order mark then an error": b"\xef\xbb\xbfa: 1\nb: [\n",
    "not UTF-8 on line 2": b"a: 1\nb: caf\xe9\n",
    "a control character on line 2": b"a: 1\nb: x\x07y\n",
    "exactly the size limit": b"a: " + b"x" * (loading.MAX_FILE_BYTES - 4) + b"\n",
    "one byte over the size limit": b"a: " + b"x" * (loading.MAX_FILE_BYTES - 3) + b"\n",
    f"nested {loading.MAX_DEPTH} levels": b"a: " + b"[" * 39 + b"]" * 39 + b"\n",
    f"nested {loading.MAX_DEPTH + 1} levels": b"a: " + b"[" * 40 + b"]" * 40 + b"\n",
}

ALL_CASES: dict[str, bytes] = {
    **{f"own: {name}": data for name, data in CASES.items()},
    **{f"explained: {name}": data for name, data in EXPLAINED.items()},
    **{
        f"yaml-test-suite: {path.stem}": path.read_bytes() for path in sorted(CORPUS.glob("*.yaml"))
    },
}


def _messages(data: bytes) -> str:
    """What the loader says of one file: each problem's place, path, code and message."""
    loaded, problems = load_yaml_text(data, "reports/kent.yaml")
    # A problem without a key path has an empty one (JSON's "path": ""), never None.
    assert all(isinstance(p.path, str) and p.severity == "error" for p in problems)
    assert all(p.file == "reports/kent.yaml" for p in problems)
    lines = [f"  {p.line}:{p.column} {p.path or '-'} [{p.code}] {p.message}" for p in problems]
    if loaded is not None:
        comments = sorted(loaded.comments_after_plain_text.items(), key=lambda item: item[1])
        lines += [
            f"  comment after plain text at {line}:{column} in {path}"
            for path, (line, column) in comments
        ]
    return "\n".join(lines) if lines else "  (loaded, no problem)"


@pytest.mark.parametrize("parser", sorted(POSITION_LOADERS))
def test_every_message_is_the_reviewed_one(monkeypatch, update_golden, parser):
    monkeypatch.setattr(loading, "_PositionLoader", POSITION_LOADERS[parser])
    produced = "".join(f"## {name}\n{_messages(data)}\n" for name, data in ALL_CASES.items())
    golden = GOLDEN / f"loading-messages-{parser}.txt"
    if update_golden:
        golden.write_text(produced, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with --update-golden"
    expected = golden.read_text(encoding="utf-8")
    # Compared case by case, so that a failure names the case rather than a long diff.
    produced_cases = produced.split("\n## ")
    expected_cases = expected.split("\n## ")
    for produced_case, expected_case in zip(produced_cases, expected_cases, strict=False):
        assert produced_case == expected_case
    assert len(produced_cases) == len(expected_cases)


def test_the_machine_has_libyaml_as_ci_does():
    # Without it, only the pure-Python parser's golden file would be checked.
    assert "libyaml" in POSITION_LOADERS


def test_a_position_falls_back_to_the_nearest_parent_and_then_the_first_line():
    loaded, _ = load_yaml_text(b"# a comment\nforce:\n  slug: kent\nlist:\n  - one\n", "x.yaml")
    assert loaded.position(("force", "slug")) == (3, 9)
    assert loaded.position(("force", "slug"), key=True) == (3, 3)
    assert loaded.position(("force", "name")) == (3, 3)  # force's value starts at slug
    assert loaded.position(("force", "name"), key=True) == (3, 3)  # not force's key (2, 1)
    assert loaded.position(("list", 3, "text")) == (5, 3)
    assert loaded.position(("nowhere", "deeper")) == (2, 1)  # where the mapping begins
    assert loaded.position(()) == (2, 1)
    assert LoadedYaml("made.yaml", {}).position(("any",), key=True) == (1, 1)
    problem = loaded.problem(("force", "slug"), "a message", key=True, code="c")
    assert (problem.line, problem.column, problem.path, problem.code) == (3, 3, "force.slug", "c")


def test_files_that_may_not_or_cannot_be_read_are_one_problem_each(tmp_path):
    from ncpi.project import Project

    project = Project(tmp_path / "project")
    reports = project.root / "reports"
    reports.mkdir(parents=True)
    (tmp_path / "secret.yaml").write_text("a: 1\n")
    (reports / "outside.yaml").symlink_to(tmp_path / "secret.yaml")
    (reports / "folder.yaml").mkdir()
    (reports / "loop.yaml").symlink_to("loop.yaml")
    (reports / "big.yaml").write_bytes(b"a: " + b"x" * loading.MAX_FILE_BYTES)
    expected = {
        "outside": "is a link to a file outside the project; ncpi reads only files inside it",
        "folder": "is not a regular file (a device, a pipe or a folder); ncpi reads only "
        "ordinary files",
        "loop": "cannot read reports/loop.yaml: Too many levels of symbolic links",
        "big": "is larger than 1,000,000 bytes, the most ncpi reads from such a file: is it "
        "the right file?",
        "missing": "cannot read the file: No such file or directory",
    }
    for name, message in expected.items():
        shown = f"reports/{name}.yaml"
        assert load_yaml_file(reports / f"{name}.yaml", shown, project) == (
            None,
            [Problem(shown, 1, 1, "", message, code="unreadable")],
        )


def test_without_a_project_a_file_may_be_read_only_from_its_own_folder(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "report.yaml").write_text("a: 1\n")
    (tmp_path / "folder" / "link.yaml").symlink_to("report.yaml")
    (tmp_path / "folder" / "out.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    (tmp_path / "elsewhere.yaml").write_text("b: 2\n")
    assert load_yaml_file(tmp_path / "folder" / "link.yaml", "link.yaml")[0].data == {"a": 1}
    loaded, [problem] = load_yaml_file(tmp_path / "folder" / "out.yaml", "out.yaml")
    assert loaded is None and problem.code == "unreadable"


def test_the_keys_after_a_refused_key_are_still_read():
    text = b"force:\n  <<: {x: 1}\n  slug: kent\n  ? [a, b]\n  : c\n  name: Kent Police\n"
    loaded, problems = load_yaml_text(text, "kent.yaml")
    assert [problem.code for problem in problems] == ["yaml-merge", "yaml-key"]
    assert loaded.data == {"force": {"slug": "kent", "name": "Kent Police"}}


def test_a_place_that_is_not_in_the_file_is_its_nearest_parent():
    """A problem about a key that is missing is put where it would go: inside its parent."""
    loaded, problems = load_yaml_text(b"a:\n  b:\n    c: 1\n  d: [x, y]\n", "x.yaml")
    assert problems == []
    assert loaded.position(("a", "b", "c")) == (3, 8)
    assert loaded.position(("a", "b", "c"), key=True) == (3, 5)
    assert loaded.position(("a", "b", "missing")) == (3, 5)
    assert loaded.position(("a", "b", "missing", 0, "x"), key=True) == (3, 5)
    assert loaded.position(("a", "d", 2)) == (4, 6)
    assert loaded.position(("nothing", "here")) == (1, 1)
