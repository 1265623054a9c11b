"""Plain English, as GOV.UK's style guide asks of public sector writing, checked at the line.

Warnings, never errors: a report may acknowledge one with a reason (a quotation, an
inspector's published words). What is checked, in each prose text of the English file:

- a sentence over 25 words;
- a paragraph over five sentences;
- a word on GOV.UK's list of words to avoid (the ones that are never needed; those it lists
  only as a verb, such as "impact" or "progress", are left alone, as telling the noun from
  the verb needs a grammar);
- an abbreviation not spelt out at its first use in the document (the report, or the press
  release): "multi-agency safeguarding hub (MASH)". The common data's `glossary` gives the
  words to suggest; the inspectorate's own abbreviations are spelt out by ncpi's sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ncpi.check.loading import LoadedYaml
from ncpi.model import NOT_PUBLISHED, PROSE, Common, Report
from ncpi.model_walk import field_at
from ncpi.problems import Problem, excerpt

#: GOV.UK's advice: sentences of 25 words at most, paragraphs of five sentences at most.
MOST_WORDS = 25
MOST_SENTENCES = 5
#: Words GOV.UK asks writers to avoid (www.gov.uk/guidance/style-guide/a-to-z, "words to
#: avoid"), with what to say instead where there is one plain word for it.
WORDS_TO_AVOID: dict[str, str] = {
    "collaborate": "say who is working with whom",
    "combat": "say 'solve', 'fix' or what is being done",
    "countering": "say 'answering' or 'responding to'",
    "deploy": "say what is being done: 'use', 'put into place'",
    "dialogue": "say 'discussion' or 'talk'",
    "disincentivise": "say 'discourage'",
    "empower": "say what people can now do",
    "facilitate": "say 'help' or what is being done",
    "foster": "say 'encourage' or 'help'",
    "leverage": "say 'use' or 'influence'",
    "liaise": "say 'work with' or 'talk to'",
    "overarching": "say 'overall', or leave it out",
    "robust": "say what makes it good: 'thorough', 'strong', 'reliable'",
    "streamline": "say what changes: 'simplify', 'speed up'",
    "utilise": "say 'use'",
}
#: Abbreviations every reader knows, which GOV.UK does not spell out.
WELL_KNOWN = frozenset({"UK", "HM", "NHS", "EU", "PDF"})

_WORD = re.compile(r"[^\W_][\w’'-]*")
# A sentence ends at . ! or ? (and a closing quote or bracket) before a space and a capital,
# a number or an opening quote; "e.g. the" does not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])[’”)]?\s+(?=[A-Z0-9‘“(])")
_ABBREVIATION = re.compile(r"\b[A-Z]{2,}(?=s?\b)")
_AVOIDED = re.compile(r"\b(" + "|".join(WORDS_TO_AVOID) + r")(?:s|d|ed|es|ing)?\b", re.IGNORECASE)


def _prose(data, path=()) -> Iterable[tuple[tuple, str]]:
    """Every prose text of a report file as loaded, with its key path, in the file's order."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield from _prose(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _prose(value, (*path, index))
    elif isinstance(data, str):
        found = field_at(Report, path)
        if found is not None and PROSE in found[1]:
            yield path, data


def _paragraphs(text: str) -> list[str]:
    """A text's paragraphs: a list item is one, as is the lead-in before the items."""
    lines = [line.strip() for line in text.splitlines()]
    if any(line.startswith("- ") for line in lines):
        return [line.removeprefix("- ") for line in lines if line]
    return [" ".join(lines)]


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences."""
    return [s for s in _SENTENCE_END.split(paragraph.strip()) if s]


def plain_english_problems(
    report: Report, loaded: LoadedYaml, common: Common | None
) -> list[Problem]:
    """Every plain-English warning in a report's English file, at its text's line."""
    del report  # The loaded file is read instead: a partial report's texts are checked too.
    known = set(WELL_KNOWN)
    glossary: dict[str, str] = {}
    # A name in capitals ("KENT is making progress") is not an abbreviation.
    force = loaded.data.get("force") if isinstance(loaded.data, dict) else None
    if isinstance(force, dict):
        known |= {w.upper() for w in re.findall(r"\w+", str(force.get("name", "")))}
        known |= {w.upper() for w in re.findall(r"\w+", str(force.get("slug", "")))}
    if common is not None:
        known |= {inspectorate.abbreviation for inspectorate in common.inspectorates}
        glossary = dict(common.glossary)
    problems: list[Problem] = []
    spelt_out: dict[str, set[str]] = {"report": set(), "press release": set()}
    for path, text in _prose(loaded.data):
        if path[0] in NOT_PUBLISHED:
            continue  # The authors' notes to one another: no reader sees them.
        document = "press release" if path[0] == "press_release" else "report"
        problems += _length_problems(loaded, path, text)
        avoided = _AVOIDED.search(text)
        if avoided:
            word = avoided.group(1).lower()
            problems.append(
                loaded.problem(
                    path,
                    f"'{avoided.group(0)}' is on GOV.UK's list of words to avoid: "
                    f"{WORDS_TO_AVOID[word]}",
                    severity="warning",
                    code="word-to-avoid",
                )
            )
        # Without the common data, the inspectorate's own abbreviations are unknown: a broken
        # common file is said once, not again as every "HMIC".
        for match in _ABBREVIATION.finditer(text) if common is not None else ():
            abbreviation = match.group(0)
            if abbreviation in known or abbreviation in spelt_out[document]:
                continue
            spelt_out[document].add(abbreviation)  # Said once, where it is first used.
            if text[max(0, match.start() - 1) : match.start()] == "(":
                continue  # "multi-agency safeguarding hub (MASH)": spelt out here.
            words = glossary.get(abbreviation)
            how = (
                f"write '{words} ({abbreviation})' there"
                if words
                else f"write its words and then '({abbreviation})' there, or add it to the "
                "glossary in reports/_common.yaml"
            )
            problems.append(
                loaded.problem(
                    path,
                    f"'{abbreviation}' is not spelt out at its first use in the {document}: {how}",
                    severity="warning",
                    code="abbreviation",
                )
            )
    return problems


def _length_problems(loaded: LoadedYaml, path: tuple, text: str) -> list[Problem]:
    """The long sentences and the long paragraphs of one text: one warning of each at most."""
    problems = []
    long_sentences, long_paragraph = [], None
    for paragraph in _paragraphs(text):
        found = sentences(paragraph)
        if len(found) > MOST_SENTENCES and long_paragraph is None:
            long_paragraph = len(found)
        long_sentences += [s for s in found if len(_WORD.findall(s)) > MOST_WORDS]
    if long_sentences:
        first = long_sentences[0]
        more = f" (and {len(long_sentences) - 1} more)" if len(long_sentences) > 1 else ""
        problems.append(
            loaded.problem(
                path,
                f"a sentence of {len(_WORD.findall(first))} words{more}: "
                f"'{excerpt(first, 60)}'; GOV.UK advises {MOST_WORDS} at most: split it",
                severity="warning",
                code="long-sentence",
            )
        )
    if long_paragraph is not None:
        problems.append(
            loaded.problem(
                path,
                f"a paragraph of {long_paragraph} sentences; GOV.UK advises {MOST_SENTENCES} "
                "at most: split it",
                severity="warning",
                code="long-paragraph",
            )
        )
    return problems
