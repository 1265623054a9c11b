"""The languages ncpi writes, English and Welsh: their dates, counts and lists, and catalogue.

English is written by the functions in templating.py, as it always was. Welsh dates come from
Babel (the Unicode CLDR's month and day names); counts and lists follow Welsh grammar for the
nouns the templates count; the templates' own words come from a gettext catalogue,
templates/locale/cy/LC_MESSAGES/ncpi.po, which a user's templates folder may extend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from jinja2.ext import babel_extract

from ncpi import model
from ncpi.defaults import builtin_templates_dir
from ncpi.reading import read_bounded

#: The language every report is written in; the default edition.
ENGLISH = "en"
#: The second language of the four Welsh forces (Welsh Language Standards).
WELSH = "cy"
#: The region of the forces whose documents are also published in Welsh.
WELSH_REGION = "Wales"
#: Where the catalogue of a language lives, under a templates folder.
CATALOGUE = "locale/{code}/LC_MESSAGES/ncpi.po"


@dataclass(frozen=True)
class Language:
    """A language an edition is written in."""

    code: str  # ISO 639-1, as in file names and gettext: "en", "cy"
    tag: str  # as HTML's lang and the PDF's /Lang have it: "en-GB", "cy"
    name: str  # in English, for messages: "Welsh"
    file_suffix: str  # added to an edition's file names: "" for English, "-cy" for Welsh


LANGUAGES = {
    ENGLISH: Language(ENGLISH, "en-GB", "English", ""),
    WELSH: Language(WELSH, "cy", "Welsh", "-cy"),
}

#: Words ncpi's Python code (not a template) writes into a document; in the catalogue too.
PYTHON_MESSAGES = (
    "%(area)s – National Child Protection Re-inspection",
    "%(area)s – National Child Protection Inspection Post-Inspection Review",
    "Download the report (PDF, %(pages)s, %(size)s)",
    "Page %(page)s of %(pages)s",
)


# Welsh counts. Welsh puts the singular noun after a number, and the number's form depends on
# the noun's gender ("dau argymhelliad", "dwy ffeil achos"). Only the nouns the templates count
# are listed; a template counting a new noun fails in Welsh until it is added here, rather
# than printing English. These nouns start with a vowel or "ff", which no numeral mutates.
_WELSH_NOUNS = {
    # English singular: (Welsh singular, Welsh plural, gender)
    "recommendation": ("argymhelliad", "argymhellion", "m"),
    "case file": ("ffeil achos", "ffeiliau achos", "f"),
    "page": ("tudalen", "tudalennau", "f"),
}
# Before a noun: "pum argymhelliad", "chwe argymhelliad"; alone: "pump", "chwech".
_WELSH_BEFORE_NOUN = {
    "m": ("dim", "un", "dau", "tri", "pedwar", "pum", "chwe", "saith", "wyth", "naw"),
    "f": ("dim", "un", "dwy", "tair", "pedair", "pum", "chwe", "saith", "wyth", "naw"),
}
_WELSH_ALONE = ("dim", "un", "dau", "tri", "pedwar", "pump", "chwech", "saith", "wyth", "naw")
_WELSH_VOWELS = set("aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ")


def welsh_number_words(count: int) -> str:
    """A count standing alone, as Welsh prose writes it: 'pump' for 5, '15' for 15."""
    return _WELSH_ALONE[count] if 0 <= count < len(_WELSH_ALONE) else f"{count:,}"


def welsh_counted(count: int, singular: str, plural: str | None = None) -> str:
    """'un argymhelliad', 'pum argymhelliad', '15 argymhelliad', 'dwy ffeil achos'."""
    del plural  # the English plural; Welsh has its own in the table
    noun, noun_plural, gender = _WELSH_NOUNS[singular]
    if count == 0:
        return f"dim {noun_plural}"
    words = _WELSH_BEFORE_NOUN[gender]
    return f"{words[count] if count < len(words) else f'{count:,}'} {noun}"


def welsh_and_before(following: str) -> str:
    """What ends a list item before the last: '; a', or '; ac' before a vowel."""
    return "; ac" if following[:1].lower() in _WELSH_VOWELS else "; a"


def english_and_before(following: str) -> str:
    """What ends a list item before the last: '; and'."""
    return "; and"


def welsh_join_words(items, conjunction: str = "and") -> str:
    """'a, b a c'; 'ac' before a vowel; 'neu' for 'or'."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    word = {"and": "a", "or": "neu"}[conjunction]
    if word == "a" and items[-1][:1].lower() in _WELSH_VOWELS:
        word = "ac"
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _welsh_month(day: dt.date) -> str:
    from babel.dates import get_month_names

    return get_month_names("wide", locale="cy")[day.month]


def welsh_month_year(day: dt.date) -> str:
    """'Medi 2016'."""
    return f"{_welsh_month(day)} {day.year}"


def welsh_long_date(day: dt.date) -> str:
    """'1 Mawrth 2017'."""
    return f"{day.day} {welsh_month_year(day)}"


def welsh_date_range(start: dt.date, end: dt.date) -> str:
    """'12–16 Medi 2016', '29 Mehefin – 3 Gorffennaf 2015', across years in full."""
    if start == end:
        return welsh_long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{welsh_long_date(end)}"
    if start.year == end.year:
        return f"{start.day} {_welsh_month(start)} – {welsh_long_date(end)}"
    return f"{welsh_long_date(start)} – {welsh_long_date(end)}"


def welsh_during(start: dt.date, end: dt.date) -> str:
    """When something happened, in a sentence: 'ar 24 Ionawr 2017', 'o 12 i 16 Medi 2016'.

    'o … i …' (from … to …) rather than 'rhwng … a …', whose 'a' would become 'ac' before a
    number read with a vowel ('ac wyth'), which the digits do not show.
    """
    if start == end:
        return f"ar {welsh_long_date(start)}"
    if (start.year, start.month) == (end.year, end.month):
        return f"o {start.day} i {welsh_long_date(end)}"
    if start.year == end.year:
        return f"o {start.day} {_welsh_month(start)} i {welsh_long_date(end)}"
    return f"o {welsh_long_date(start)} i {welsh_long_date(end)}"


def welsh_embargo_line(moment: dt.datetime) -> str:
    """'Embargo tan 00:01 dydd Mercher 14 Rhagfyr 2016'."""
    from babel.dates import get_day_names

    weekday = get_day_names("wide", locale="cy")[moment.weekday()]
    return (
        f"Embargo tan {moment:%H:%M} {weekday[:1].lower()}{weekday[1:]} {welsh_long_date(moment)}"
    )


def welsh_functions() -> tuple[dict, dict]:
    """The filters and globals that write Welsh dates, counts and lists (see templating)."""
    filters = {
        "month_year": welsh_month_year,
        "long_date": welsh_long_date,
        "number_words": welsh_number_words,
        "embargo_line": welsh_embargo_line,
        "join_words": welsh_join_words,
    }
    functions = {
        "date_range": welsh_date_range,
        "during": welsh_during,
        "counted": welsh_counted,
        "and_before": welsh_and_before,
    }
    return filters, functions


def catalogue_paths(code: str, user_templates: Path | None) -> list[Path]:
    """The catalogues of a language that exist: ncpi's own, then the user's (which wins)."""
    folders = [builtin_templates_dir(), user_templates]
    return [
        folder / CATALOGUE.format(code=code)
        for folder in dict.fromkeys(folders)
        if folder is not None and (folder / CATALOGUE.format(code=code)).is_file()
    ]


#: The largest catalogue read; ncpi's own is about 20 kB.
MAX_CATALOGUE_BYTES = 2_000_000


def read_catalogue(code: str, user_templates: Path | None) -> dict[str, str]:
    """msgid -> translation, from every catalogue of the language; untranslated ones left out."""

    from babel.messages.pofile import read_po

    messages: dict[str, str] = {}
    for path in catalogue_paths(code, user_templates):
        data = read_bounded(path, limit=MAX_CATALOGUE_BYTES, within=[path.parents[3]])
        for message in read_po(BytesIO(data), locale=code):
            text = message.string  # A plural entry's is a tuple: ncpi's catalogue has none.
            translated = isinstance(text, str) and text and not message.fuzzy
            if message.id and isinstance(message.id, str) and translated:
                messages[message.id] = str(text)
    return messages


def page_count(code: str, pages: int) -> str:
    """'8 pages', '1 page'; in Welsh '8 tudalen' (a noun after a number stays singular)."""
    if code == WELSH:
        return f"{pages} tudalen"
    return f"{pages} page{'s' if pages != 1 else ''}"


def document_messages(templates: Path) -> dict[str, list[tuple[str, int]]]:
    """Every text a document may need translated, with where it is used: a catalogue's entries.

    The texts of the templates in `templates` (what they pass to _()), the words ncpi's
    Python code writes, and the names of the model's choices (areas, grades, statuses).
    """

    found: dict[str, list[tuple[str, int]]] = {}
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    for path in sorted(templates.rglob("*")):
        if path.suffix not in (".j2", ".css") or not path.is_file():
            continue
        with path.open("rb") as file:
            for line, _, message, _ in babel_extract(file, ("_", "gettext"), [], options):
                if isinstance(message, tuple):  # _("… %(x)s", x=…): the text, then None for x
                    message = message[0]
                if isinstance(message, str) and message:
                    place = (path.relative_to(templates).as_posix(), line)
                    found.setdefault(message, []).append(place)
    python = [
        *PYTHON_MESSAGES,
        *model.AREAS.values(),
        *model.GRADES.values(),
        *model.PROGRESS_STATUSES.values(),
        *model.TIMESCALES,
        *model.KINDS,
    ]
    for message in python:
        found.setdefault(message, []).append(("ncpi", 0))
    return found
