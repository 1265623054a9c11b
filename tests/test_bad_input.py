"""Bad input of every kind gives located problems, exit 1 and never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ncpi.check.loading import MAX_FILE_BYTES

from support import FIXTURES, invoke, replaced

CORPUS = Path(__file__).resolve().parent / "corpora" / "yaml-test-suite-errors"
VALID = (FIXTURES / "valid" / "reports" / "kent.yaml").read_text(encoding="utf-8")
LOCATED = re.compile(r"^reports/kent\.yaml:\d+:\d+: \S")


def _edit(old: str, new: str) -> bytes:
    return replaced(VALID, old, new).encode("utf-8")


BILLION_LAUGHS = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""

CASES: dict[str, bytes] = {
    "empty file": b"",
    "only white space": b"   \n\n  \n",
    "only a comment": b"# nothing here\n",
    "a list instead of a mapping": b"- one\n- two\n",
    "a bare string": b"just some text\n",
    "a number": b"42\n",
    "null": b"~\n",
    "binary": bytes(range(256)) * 4,
    "not UTF-8 (Latin-1)": _edit("Zoë Billingham", "Zoë Billingham").replace(
        "Zoë".encode(), b"Zo\xeb"
    ),
    "UTF-16": VALID.encode("utf-16"),
    "a NUL byte": _edit("Progress is good.", "Progress\x00 is good."),
    "a control character": _edit("Progress is good.", "Progress\x07 is good."),
    "a control character first": b"\x01" + VALID.encode("utf-8"),
    "tabs for indentation": _edit("  slug: kent\n", "\tslug: kent\n"),
    "a very long line": _edit("status: final\n", "x" * 200_000 + ": 1\nstatus: final\n"),
    "above the size limit": b"a: " + b"x" * (MAX_FILE_BYTES + 10) + b"\n",
    "deeply nested lists": b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "deeply nested mappings": "".join(f"{'  ' * i}k{i}:\n" for i in range(200)).encode(),
    "alias bomb": BILLION_LAUGHS,
    "an anchor": _edit("status: final", "status: &s final"),
    "a merge key": _edit("force:\n", "base: {a: 1}\nforce:\n  <<: {x: 1}\n"),
    "a duplicate top-level key": _edit("status: final\n", "status: final\nstatus: draft\n"),
    "two documents": VALID.encode() + b"---\nstatus: final\n",
    "an unclosed quote": _edit("headline: Kent", 'headline: "Kent'),
    "an unclosed bracket": _edit("status: final", "status: [final"),
    "a python tag": _edit("status: final", "status: !!python/object/apply:os.system ['true']"),
    "a custom tag": _edit("status: final", "status: !secret final"),
    "an impossible date": _edit("published: 2015-07-01", "published: 2015-02-30"),
    "a text date": _edit("published: 2015-07-01", "published: yesterday"),
    "a list as a key": _edit("status: final\n", "? [a, b]\n: c\nstatus: final\n"),
    "a number as a key": _edit("status: final\n", "1: c\nstatus: final\n"),
    "status is a yes/no": _edit("status: final", "status: yes"),
    "force is text": _edit("force:\n  slug: kent\n  name: Kent Police\n", "force: Kent\n"),
    "inspection is a list": _edit("inspection:\n", "inspection:\n  - a\nx:\n"),
    "recommendations is a mapping": _edit(
        "  recommendations:\n    - id: R1\n",
        "  recommendations:\n    one:\n      id: R1\n    two:\n",
    ),
    "a recommendation is text": _edit(
        "    - id: R1\n      area: initial-contact\n"
        "      timescale: immediately\n"
        "      text: ensure that officers record the risks to children.\n",
        "    - R1\n",
    ),
    "fieldwork is text": _edit(
        "  fieldwork:\n    start: 2015-03-02\n    end: 2015-03-13\n", "  fieldwork: March 2015\n"
    ),
    "progress is empty": _edit("  progress:\n", "  progress:\n  old_progress:\n"),
    "negative cases": _edit("cases: 60", "cases: -1"),
    "grades is a list": _edit(
        "    good: 20\n    adequate: 25\n    inadequate: 15\n", "    - good\n"
    ),
    "quote paragraphs is text": _edit(
        "      - I am pleased.\n      - There is more to do.\n", "      I am pleased.\n"
    ),
    "notes is a number": _edit(
        "  notes:\n    - ncpi-programme\n    - press-office\n", "  notes: 7\n"
    ),
    "kind is unknown": _edit("kind: post-inspection review", "kind: inspection"),
    "an enormous number": _edit("cases: 60", "cases: " + "9" * 500),
    "not a number": _edit("cases: 60", "cases: .nan"),
    "binary in a text field": _edit(
        "headline: Kent Police is making progress in protecting children",
        "headline: !!binary aGVsbG8=",
    ),
    "only a document marker": b"---\n",
    "only an end marker": b"...\n",
    "an emoji key": _edit("status: final\n", "\U0001f600: 1\nstatus: final\n"),
}


def validate_bytes(tmp_path: Path, data: bytes):
    reports = tmp_path / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "_common.yaml").write_bytes(
        (FIXTURES.parent.parent / "reports" / "_common.yaml").read_bytes()
    )
    (reports / "kent.yaml").write_bytes(data)
    return invoke(tmp_path, "validate")


def assert_located_failure(result):
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stdout.splitlines() if line.startswith("reports/")]
    assert lines, result.output
    assert all(LOCATED.match(line) for line in lines), lines


def test_at_least_forty_own_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_own_bad_input(tmp_path, case):
    assert_located_failure(validate_bytes(tmp_path, CASES[case]))


@pytest.mark.parametrize("document", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.stem)
def test_yaml_test_suite_invalid_documents(tmp_path, document):
    assert_located_failure(validate_bytes(tmp_path, document.read_bytes()))


def test_corpus_is_all_there():
    assert len(list(CORPUS.glob("*.yaml"))) == 94


def test_alias_bomb_is_refused_at_the_first_anchor(tmp_path):
    result = validate_bytes(tmp_path, BILLION_LAUGHS)
    assert result.stdout.splitlines()[0] == (
        "reports/kent.yaml:1:4: YAML syntax: an anchor (&name) is not allowed in a report: "
        "write the text out in full"
    )


def test_byte_order_mark_and_crlf_are_accepted(tmp_path):
    data = b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode("utf-8")
    result = validate_bytes(tmp_path, data)
    assert result.exit_code == 0, result.output


def test_not_utf8_is_located(tmp_path):
    data = VALID.replace("Zoë", "Zo\udceb").encode("utf-8", "surrogateescape")
    result = validate_bytes(tmp_path, data)
    line = VALID[: VALID.index("Zoë")].count("\n") + 1
    assert result.stdout.splitlines()[0] == (
        f"reports/kent.yaml:{line}:13: the file is not UTF-8 text (byte 0xeb): save it as UTF-8 "
        "in your editor"
    )


def test_duplicate_key_and_schema_errors_in_one_run(tmp_path):
    result = validate_bytes(tmp_path, CASES["a duplicate top-level key"])
    assert (
        "reports/kent.yaml:3:1: status: duplicate key 'status': first written on line 2, "
        "again on line 3; YAML would silently keep only the last one" in result.stdout
    )
