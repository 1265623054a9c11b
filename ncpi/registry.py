"""The registry of the 43 territorial police forces of England and Wales."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple


class Force(NamedTuple):
    """A force as HMIC names it in its reports of 2014–2017 (immutable: see Problem)."""

    slug: str
    name: str
    region: str
    also_known_as: tuple[str, ...] = ()  # common short names: "the Met", "GMP"
    welsh_name: str = ""  # the four Welsh forces' own Welsh names: "Heddlu Dyfed-Powys"

    @property
    def is_welsh(self) -> bool:
        """Whether its documents are also published in Welsh (the Welsh Language Standards)."""
        return bool(self.welsh_name)

    def in_language(self, code: str) -> Force:
        """The force as a document in that language names it (its Welsh name in Welsh)."""
        if code == "cy" and self.welsh_name:
            return self._replace(name=self.welsh_name)
        return self

    @property
    def area_name(self) -> str:
        """The name used in report titles: 'Essex' for Essex Police."""
        if self.name.startswith("Heddlu "):
            return self.name.removeprefix("Heddlu ")  # Welsh: "Heddlu Gogledd Cymru"
        if self.name.endswith(" Police Service"):
            return self.name  # HMIC titles the Met's reports with its full name.
        for suffix in (" Constabulary", " Police"):
            if self.name.endswith(suffix):
                return self.name.removesuffix(suffix)
        return self.name


@cache
def forces() -> dict[str, Force]:
    """Every force in the registry, by slug, in the registry's (alphabetical) order."""
    # Beside this module, as ncpi's templates are (ncpi.defaults): importlib.resources would
    # cost every command 5 ms of imports (tempfile, shutil, bz2, lzma) to find it there.
    text = (Path(__file__).parent / "forces.tsv").read_text(encoding="utf-8")
    # Tab-separated, never quoted: split, as the csv module would, without loading it.
    header, *lines = text.splitlines()
    names = header.split("\t")
    rows = [dict(zip(names, line.split("\t"), strict=True)) for line in lines if line]
    return {
        row["slug"]: Force(
            row["slug"],
            row["official name"],
            row["region"],
            tuple(n.strip() for n in row["also known as"].split(";") if n.strip()),
            row["welsh name"].strip(),
        )
        for row in rows
    }


def _name_key(name: str) -> str:
    """A name as a person might type it, reduced: 'Dyfed Powys', 'dyfed-powys' -> 'dyfed-powys'."""
    reduced = re.sub(r"[^a-z0-9]+", "-", name.casefold().replace("&", " and "))
    return reduced.strip("-")


@cache
def _by_any_name() -> dict[str, str]:
    """Every name a force goes by (slug, official name, area name, short names) -> its slug."""
    names: dict[str, str] = {}
    for force in forces().values():
        welsh = (force.welsh_name,) if force.welsh_name else ()
        for name in (force.slug, force.name, force.area_name, *force.also_known_as, *welsh):
            names.setdefault(_name_key(name), force.slug)
    return names


def find_force(name: str) -> str | None:
    """The slug of the force a person means: 'essex', 'Norfolk Constabulary', 'the Met'."""
    if len(name) > 200 or "/" in name or "\\" in name:  # A path is never a force's name.
        return None
    return _by_any_name().get(_name_key(name))


def nearest_forces(name: str, limit: int = 3) -> list[str]:
    """The slugs of the forces whose names are closest to a name that matched none."""
    if len(name) > 200:  # Nothing that long is a misspelling; difflib would take quadratic time.
        return []
    import difflib  # Only for a message: loading it cost every command 0.9 ms.

    names = _by_any_name()
    close = difflib.get_close_matches(_name_key(name), list(names), n=limit * 3, cutoff=0.6)
    return list(dict.fromkeys(names[match] for match in close))[:limit]


_NUMBERS_IN_WORDS = dict(
    enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ),
        start=0,
    )
)


def _comparable(word: str) -> str:
    """A word as a person means it: case ignored, '3' read as 'three'."""
    return re.sub(
        r"\d+", lambda m: _NUMBERS_IN_WORDS.get(int(m.group()), m.group()), word.strip().casefold()
    )


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
    import difflib

    matches = difflib.get_close_matches(key, list(by_comparable), n=1, cutoff=0.6)
    if matches:
        return f" Did you mean '{by_comparable[matches[0]]}'?"
    # A renamed id shares its first word more often than its letters: 'about-hmic' is now
    # 'about-the-inspectorate'. Suggested only when one candidate begins so.
    first = re.split(r"[-_ ]", key, maxsplit=1)[0]
    sharing = [c for k, c in by_comparable.items() if first and re.split(r"[-_ ]", k)[0] == first]
    return f" Did you mean '{sharing[0]}'?" if len(sharing) == 1 else ""
