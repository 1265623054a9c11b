"""The markup scanners do what the old regular expressions did, in time linear in the text."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ncpi.check.loading import load_yaml_text
from ncpi.check.validate import link_problems
from ncpi.render.markup import _em, _find_links, _strong, inline, links_in, plain

from support import invoke

# The old patterns: correct, but quadratic on hostile text. Kept here as the oracle.
OLD_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
OLD_LINK_LIKE = re.compile(r"\[([^\[\]\n]+)\]\((\S*)\)")
OLD_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
OLD_EMPHASIS = re.compile(r"\*(?=\S)([^*\n]+?)(?<=\S)\*")

markup_text = st.lists(
    st.sampled_from([*list("*[]() \n\tax:/"), "https://", "**"]), max_size=40
).map("".join)


@pytest.mark.long
@settings(max_examples=2000, deadline=None)
@given(markup_text)
def test_the_scanners_agree_with_the_old_patterns(text):
    assert _strong(text) == OLD_STRONG.sub(r"<strong>\1</strong>", text)
    assert _em(text) == OLD_EMPHASIS.sub(r"<em>\1</em>", text)
    assert links_in(text) == OLD_LINK_LIKE.findall(text)
    assert [
        (label, url) for _, _, label, url in _find_links(text, strict=True)
    ] == OLD_LINK.findall(text)


def _agree(text: str) -> bool:
    return (
        _strong(text) == OLD_STRONG.sub(r"<strong>\1</strong>", text)
        and _em(text) == OLD_EMPHASIS.sub(r"<em>\1</em>", text)
        and links_in(text) == OLD_LINK_LIKE.findall(text)
        and [(label, url) for _, _, label, url in _find_links(text, strict=True)]
        == OLD_LINK.findall(text)
    )


@pytest.mark.long
def test_the_scanners_agree_with_the_old_patterns_on_every_short_text():
    """Every text of up to five of these pieces (111,111 of them, in about two seconds): the
    boundaries the random texts above may miss, such as markup at either end or a line
    break inside it."""
    # X for the letter: mutation testing marks a changed string with X's. "](" as one piece
    # lets a whole link, [X](X), fit in five.
    pieces = ["*", "**", "[", "]", "](", "(", ")", " ", "\n", "X"]
    texts = (
        "".join(parts) for size in range(6) for parts in itertools.product(pieces, repeat=size)
    )
    disagreeing = [text for text in texts if not _agree(text)]
    assert disagreeing == []


def _seconds(function, text) -> float:
    """The best of five runs in CPU time of this process: other processes' load (CI's other
    jobs, a parallel run) does not count, as it does on the wall clock."""
    import gc

    best = float("inf")
    gc.disable()
    try:
        for _ in range(5):
            started = time.process_time()
            function(text)
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best


def _validate_paragraph(paragraph: str):
    loaded, _ = load_yaml_text(f"p: '{paragraph}'\n".encode(), "x.yaml")
    return link_problems(loaded)


@pytest.mark.long
def test_hostile_markup_takes_time_linear_in_its_length():
    """4 times the text must take well under 16 times as long (quadratic); allow 8."""
    for piece in (
        "**a ",
        "[a](",
        "*a ",
        "[a](b ",
        "**",
        "]{lang=en}",
        "[a]{lang=en} [",
        "[a]{lang=",
    ):
        # Language spans are the renderer's alone; at 80,000 times they pass the size a
        # report may have, which validation refuses first.
        checks = (inline, plain) if "lang" in piece else (inline, _validate_paragraph)
        for function in checks:
            small, large = piece * 20_000, piece * 80_000
            ratio = _seconds(function, large) / max(_seconds(function, small), 1e-4)
            assert ratio < 8, (piece, function.__name__, ratio)


@pytest.mark.long
def test_a_flood_of_problems_prints_a_bounded_summary(tmp_path):
    """2,000 progress entries naming unknown ids: short messages, 100 shown, the rest counted."""
    import shutil
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from growth import report_text

    (tmp_path / "reports").mkdir()
    shutil.copy(
        Path(__file__).resolve().parent.parent / "reports" / "_common.yaml",
        tmp_path / "reports" / "_common.yaml",
    )
    text = report_text(2000).replace("  - recommendation: R", "  - recommendation: X")
    (tmp_path / "reports" / "kent.yaml").write_text(text, "utf-8")
    result = invoke(tmp_path, "validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 101 and len(result.stdout) < 60_000
    assert lines[-1] == (
        "reports/kent.yaml: … and 3,900 more problems: fix these first (or see "
        "them all with --format json)"
    )
    import json

    every = json.loads(invoke(tmp_path, "validate", "--format", "json").stdout)
    unknown = [p["message"] for p in every if p["code"] == "unknown-recommendation"]
    assert len(every) == 4000 and len(unknown) == 2000
    # The ids listed in one message are capped too: not 2,000 ids in each of 2,000 messages.
    assert all(len(message) < 300 and message.endswith("and 1,990 more.") for message in unknown)


def _well_nested(html: str) -> bool:
    """Whether every <strong> and <em> closes before the element it opened inside."""
    open_tags: list[str] = []
    for tag in re.findall(r"</?(?:strong|em)>", html):
        if tag.startswith("</"):
            if not open_tags or open_tags.pop() != tag[2:-1]:
                return False
        else:
            open_tags.append(tag[1:-1])
    return not open_tags


def test_triple_stars_nest_strong_around_emphasis():
    assert str(inline("***now***")) == "<strong><em>now</em></strong>"
    assert str(inline("**a *b** c*")) == "<strong>a <em>b</em></strong><em> c</em>"


@settings(max_examples=500, deadline=None)
@given(markup_text)
def test_emphasis_is_always_well_nested(text):
    assert _well_nested(str(inline(text)))
