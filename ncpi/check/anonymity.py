"""A case example must not identify the child: names, ages beside names, dates of birth,
addresses, postcodes, schools, telephone numbers and email addresses are refused at their line.

The inspectorate anonymises every case it publishes ("a 14-year-old girl", "Child A"). These
patterns find what a careful reader would stop at; they cannot prove a text anonymous, so the
message asks the author to rewrite, never to hide the words from the check. Every repetition
in them is bounded (a street or school of at most a few words), so that the time they take
grows with a text's length, never with its square.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ncpi.check.loading import LoadedYaml
from ncpi.model import INSPECTION_KIND, Report
from ncpi.problems import Problem, excerpt

# Words that may stand before an age or after a title without being a name.
_NOT_NAMES = frozenset(
    "A An The This That Her His Their Our One Each Every Child Children Young Person People "  # noqa: SIM905
    "Boy Girl Baby Infant Teenager Mother Father Parent Sibling Brother Sister She He They "
    "Officer Officers Police Social Worker Victim Suspect Adult".split()
)
_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"

#: (pattern, what it looks like, how to write it instead); each pattern's first group is what
#: the message quotes.
_IDENTIFYING: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(rf"\b((?:Mr|Mrs|Ms|Miss|Mx|Dr)\.? {_NAME})"),
        "a person's name",
        "say who they are to the child ('the mother', 'a teacher')",
    ),
    (
        re.compile(rf"\b({_NAME},? (?:aged|age) \d{{1,2}})\b"),
        "a name with an age",
        "write 'a seven-year-old boy' or 'Child A'",
    ),
    (
        re.compile(rf"\b({_NAME} \(\d{{1,2}}\))"),
        "a name with an age",
        "write 'a seven-year-old boy' or 'Child A'",
    ),
    (
        re.compile(rf"\b(\d{{1,2}}-year-old {_NAME})\b"),
        "an age with a name",
        "write 'a seven-year-old boy' or 'Child A'",
    ),
    (
        re.compile(
            r"\b(date of birth|DOB|born (?:on |in )?(?:the )?(?:\d{1,4}\b|"
            r"(?:January|February|March|April|May|June|July|August|September|October|"
            r"November|December)\b)(?: \S+)?)",
            re.IGNORECASE,
        ),
        "a date of birth",
        "give the child's age instead",
    ),
    (
        re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b"),
        "a postcode",
        "name the kind of place ('a town in the county') instead",
    ),
    (
        re.compile(
            r"\b(\d+[a-z]? (?:[A-Z][a-z]+ ){1,3}(?:Street|Road|Avenue|Lane|Close|Drive|Way|Court|"
            r"Place|Crescent|Gardens|Terrace|Grove|Square))\b"
        ),
        "an address",
        "name the kind of place ('the family home') instead",
    ),
    (
        re.compile(
            rf"\b((?:{_NAME}(?:['’]s)? ){{1,4}}(?:(?:Primary|Secondary|High|Junior|Infant|Grammar) "
            r"School|Academy))\b"
        ),
        "a school's name",
        "write 'the child's school'",
    ),
    (
        re.compile(r"(?<![\w/.])(0\d{2,4}(?: ?\d{3,4}){1,2})(?![\w/])"),
        "a telephone number",
        "leave it out",
    ),
    (
        re.compile(r"\b([\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{1,190})"),
        "an email address",
        "leave it out",
    ),
]


def identifying_text(text: str) -> tuple[str, str, str] | None:
    """The first thing in `text` that could identify a child: (the words, what they look
    like, what to write instead); None if nothing does."""
    found: list[tuple[int, str, str, str]] = []
    for pattern, what, instead in _IDENTIFYING:
        for match in pattern.finditer(text):
            words = match.group(1)
            first = words.split()[0].rstrip(",")
            if first in _NOT_NAMES or (first[:1].isdigit() and words.split()[-1] in _NOT_NAMES):
                continue
            found.append((match.start(1), words, what, instead))
            break
    if not found:
        return None
    _, words, what, instead = min(found)
    return words, what, instead


def case_example_problems(report: Report, loaded: LoadedYaml) -> Iterable[Problem]:
    """An error at each case example text that looks identifying, one per text."""
    if report.inspection.kind == INSPECTION_KIND:
        chapters, where = report.inspection.chapters, ("inspection", "chapters")
    elif report.reinspection is not None:
        chapters, where = report.reinspection.findings, ("reinspection", "findings")
    else:
        return  # a follow-up without its part: the shape rule says so
    for area_index, findings in enumerate(chapters):
        for example_index, example in enumerate(findings.case_examples):
            base = (*where, area_index, "case_examples", example_index)
            texts: list[tuple[tuple, str]] = [((*base, "title"), example.title)]
            texts += [
                ((*base, "paragraphs", index), text)
                for index, text in enumerate(example.paragraphs)
            ]
            for path, text in texts:
                found = identifying_text(text)
                if found is None:
                    continue
                words, what, instead = found
                yield loaded.problem(
                    path,
                    f"'{excerpt(words)}' looks like {what}: a case example must not identify "
                    f"the child or anyone around them; {instead}",
                    code="identifying",
                )
