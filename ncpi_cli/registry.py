"""The registry of the 43 territorial police forces of England and Wales."""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Force:
    """A force as HMIC names it in its reports of 2014–2017."""

    slug: str
    name: str
    region: str

    @property
    def area_name(self) -> str:
        """The name used in report titles: 'Essex' for Essex Police."""
        if self.name.endswith(" Police Service"):
            return self.name  # HMIC titles the Met's reports with its full name.
        for suffix in (" Constabulary", " Police"):
            if self.name.endswith(suffix):
                return self.name.removesuffix(suffix)
        return self.name


@cache
def forces() -> dict[str, Force]:
    """Every force in the registry, by slug, in the registry's (alphabetical) order."""
    text = resources.files("ncpi_cli").joinpath("forces.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return {row["slug"]: Force(row["slug"], row["official name"], row["region"]) for row in rows}


_NUMBERS_IN_WORDS = dict(enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve"), start=0))


def _comparable(word: str) -> str:
    """A word as a person means it: case ignored, '3' read as 'three'."""
    return re.sub(r"\d+", lambda m: _NUMBERS_IN_WORDS.get(int(m.group()), m.group()),
                  word.strip().casefold())


def suggest(word: str, candidates) -> str:
    """' Did you mean 'x'?' for the closest candidate, or an empty string."""
    candidates = list(candidates)
    if len(candidates) > 500:  # difflib compares with each: too slow to be worth it then.
        return ""
    by_comparable = {_comparable(str(c)): c for c in candidates}
    key = _comparable(word)
    if key in by_comparable:
        found = by_comparable[key]
        return "" if found == word else f" Did you mean '{found}'?"
    if len(key) > 200:  # Nothing that long is a misspelling; difflib would take quadratic time.
        return ""
    matches = difflib.get_close_matches(key, list(by_comparable), n=1, cutoff=0.6)
    return f" Did you mean '{by_comparable[matches[0]]}'?" if matches else ""
