"""The languages ncpi writes, English and Welsh: their dates, counts and lists, and catalogue.

One object per language writes its dates, counts and lists (`LANGUAGES`). Welsh dates come
from Babel (the Unicode CLDR's month and day names); counts and lists follow Welsh grammar for
the nouns the templates count; the templates' own words come from a gettext catalogue,
templates/locale/cy/LC_MESSAGES/ncpi.po, which a user's templates folder may extend.
"""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from jinja2.ext import babel_extract

from ncpi import model
from ncpi.errors import RenderError
from ncpi.reading import read_bounded
from ncpi.render.names import ENGLISH, FILE_SUFFIXES, WELSH, catalogue_paths

#: The region of the forces whose documents are also published in Welsh.
WELSH_REGION = "Wales"


# One to nine in words, 10 and over in numerals: one rule for every count in prose, as in
# British publishing style, so a report never says "nine recommendations" and "referred 5 back".
_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# Welsh counts. Welsh puts the singular noun after a number, and the number's form depends on
# the noun's gender ("dau argymhelliad", "dwy ffeil achos"). Only the nouns the templates count
# are listed; a template counting a new noun fails in Welsh until it is added here, rather
# than printing English. These nouns start with a vowel or "ff", which no numeral mutates.
_WELSH_NOUNS = {
    # English singular: (Welsh singular, Welsh plural, gender)
    "recommendation": ("argymhelliad", "argymhellion", "m"),
    "case file": ("ffeil achos", "ffeiliau achos", "f"),
    "page": ("tudalen", "tudalennau", "f"),
    "change": ("newid", "newidiadau", "m"),
    "section": ("adran", "adrannau", "f"),
}
# Before a noun: "pum argymhelliad", "chwe argymhelliad"; alone: "pump", "chwech".
_WELSH_BEFORE_NOUN = {
    "m": ("dim", "un", "dau", "tri", "pedwar", "pum", "chwe", "saith", "wyth", "naw"),
    "f": ("dim", "un", "dwy", "tair", "pedair", "pum", "chwe", "saith", "wyth", "naw"),
}
_WELSH_ALONE = ("dim", "un", "dau", "tri", "pedwar", "pump", "chwech", "saith", "wyth", "naw")
_WELSH_VOWELS = set("aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ")


class Language(NamedTuple):
    """A language an edition is written in, and how it writes dates, counts and lists.

    This class writes English; Welsh overrides what it writes differently.
    """

    code: str  # ISO 639-1, as in file names and gettext: "en", "cy"
    tag: str  # as HTML's lang and the PDF's /Lang have it: "en-GB", "cy"
    name: str  # in English, for messages: "Welsh"
    file_suffix: str  # added to an edition's file names: "" for English, "-cy" for Welsh

    def month(self, day: dt.date) -> str:
        """'September'."""
        return f"{day:%B}"

    def month_year(self, day: dt.date) -> str:
        """'September 2016'."""
        return f"{self.month(day)} {day.year}"

    def months(self, start: dt.date, end: dt.date) -> str:
        """The months of a period: 'November 2015', 'November and December 2015',
        'December 2015 and January 2016', 'September to November 2015'."""
        first, last = self.month(start), self.month(end)
        span = (end.year - start.year) * 12 + end.month - start.month
        if span <= 0:
            return self.month_year(start)
        if start.year != end.year:
            first = self.month_year(start)
        if span == 1:
            return f"{first} {self.and_month(last)} {end.year}"
        return f"{self.month_span(first, last)} {end.year}"

    def and_month(self, month: str) -> str:
        """'and December': the second of two months."""
        return f"and {month}"

    def month_span(self, first: str, last: str) -> str:
        """'September to November': the first and last of three months or more."""
        return f"{first} to {last}"

    def long_date(self, day: dt.date) -> str:
        """'1 March 2017', without a leading zero."""
        return f"{day.day} {self.month_year(day)}"

    def date_range(self, start: dt.date, end: dt.date) -> str:
        """'25–28 August 2015', '29 June – 3 July 2015', across years in full."""
        if start == end:
            return self.long_date(start)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{self.long_date(end)}"
        if start.year == end.year:
            return f"{start.day} {self.month(start)} – {self.long_date(end)}"
        return f"{self.long_date(start)} – {self.long_date(end)}"

    def during(self, start: dt.date, end: dt.date) -> str:
        """When something happened, in a sentence: 'on 24 January 2017', 'from 12 to 16 …'."""
        return self._during(start, end, on="on", start_word="from", end_word="to")

    def _during(self, start: dt.date, end: dt.date, on: str, start_word: str, end_word: str):
        if start == end:
            return f"{on} {self.long_date(start)}"
        if (start.year, start.month) == (end.year, end.month):
            return f"{start_word} {start.day} {end_word} {self.long_date(end)}"
        if start.year == end.year:
            first = f"{start.day} {self.month(start)}"
            return f"{start_word} {first} {end_word} {self.long_date(end)}"
        return f"{start_word} {self.long_date(start)} {end_word} {self.long_date(end)}"

    def embargo_line(self, moment: dt.datetime) -> str:
        """'Embargoed until 00:01 Wednesday 14 December 2016': time, weekday, day, month, year."""
        return f"Embargoed until {moment:%H:%M} {moment:%A} {self.long_date(moment)}"

    def number_words(self, count: int) -> str:
        """A count as prose writes it: 'six' for 6, '15' for 15 (words for one to nine)."""
        return _NUMBER_WORDS[count] if 0 <= count < len(_NUMBER_WORDS) else f"{count:,}"

    def counted(self, count: int, singular: str, plural: str | None = None) -> str:
        """'one recommendation', 'five recommendations', '15 recommendations'."""
        noun = singular if count == 1 else (plural or singular + "s")
        return f"{self.number_words(count)} {noun}"

    def page_count(self, pages: int) -> str:
        """'8 pages', '1 page': in numerals, as a file's size is given."""
        return f"{pages} page{'s' if pages != 1 else ''}"

    def join_words(self, items, conjunction: str = "and") -> str:
        """'a', 'a and b', 'a, b and c': a list as prose writes it ('or' for a choice)."""
        items = [str(item) for item in items]
        if len(items) < 2:
            return "".join(items)
        word = self.conjunction(conjunction, items[-1])
        return f"{', '.join(items[:-1])} {word} {items[-1]}"

    def conjunction(self, conjunction: str, following: str) -> str:
        """The word for 'and' or 'or' before `following`."""
        return conjunction

    def and_before(self, following: str) -> str:
        """What ends a list item before the last: '; and'."""
        return "; and"

    def template_functions(self) -> tuple[dict, dict]:
        """The filters and the globals by which templates write this language."""
        filters = {
            "month_year": self.month_year,
            "long_date": self.long_date,
            "number_words": self.number_words,
            "embargo_line": self.embargo_line,
            "join_words": self.join_words,
        }
        functions = {
            "date_range": self.date_range,
            "months": self.months,
            "during": self.during,
            "counted": self.counted,
            "and_before": self.and_before,
        }
        return filters, functions


class Welsh(Language):
    """Welsh: month and day names from Babel (the Unicode CLDR), counts by the noun's gender."""

    __slots__ = ()  # A Language, as immutable: only its words differ.

    def month(self, day: dt.date) -> str:
        """'Medi'."""
        from babel.dates import get_month_names

        return get_month_names("wide", locale="cy")[day.month]

    def during(self, start: dt.date, end: dt.date) -> str:
        """'ar 24 Ionawr 2017', 'o 12 i 16 Medi 2016'.

        'o … i …' (from … to …) rather than 'rhwng … a …', whose 'a' would become 'ac' before a
        number read with a vowel ('ac wyth'), which the digits do not show.
        """
        return self._during(start, end, on="ar", start_word="o", end_word="i")

    def and_month(self, month: str) -> str:
        """'a Rhagfyr', 'ac Ebrill', 'a Thachwedd': 'a' mutates no month but Tachwedd (the aspirate
        mutation), and is 'ac' before a vowel."""
        if month.startswith("T") and not month.startswith("Th"):
            month = "Th" + month[1:]
        return f"{self.conjunction('and', month)} {month}"

    def month_span(self, first: str, last: str) -> str:
        """'Medi–Tachwedd': a dash, where 'o … i …' would mutate both months."""
        return f"{first}–{last}"

    def embargo_line(self, moment: dt.datetime) -> str:
        """'Embargo tan 00:01 dydd Mercher 14 Rhagfyr 2016'."""
        from babel.dates import get_day_names

        weekday = get_day_names("wide", locale="cy")[moment.weekday()]
        day_name = f"{weekday[:1].lower()}{weekday[1:]}"
        return f"Embargo tan {moment:%H:%M} {day_name} {self.long_date(moment)}"

    def number_words(self, count: int) -> str:
        """A count standing alone, as Welsh prose writes it: 'pump' for 5, '15' for 15."""
        return _WELSH_ALONE[count] if 0 <= count < len(_WELSH_ALONE) else f"{count:,}"

    def counted(self, count: int, singular: str, plural: str | None = None) -> str:
        """'un argymhelliad', 'pum argymhelliad', '15 argymhelliad', 'dwy ffeil achos'."""
        del plural  # the English plural; Welsh has its own in the table
        noun, noun_plural, gender = _WELSH_NOUNS[singular]
        if count == 0:
            return f"dim {noun_plural}"
        words = _WELSH_BEFORE_NOUN[gender]
        return f"{words[count] if count < len(words) else f'{count:,}'} {noun}"

    def page_count(self, pages: int) -> str:
        """'8 tudalen': a noun after a number stays singular."""
        return f"{pages} tudalen"

    def conjunction(self, conjunction: str, following: str) -> str:
        """'a' (and), 'ac' before a vowel, 'neu' (or): 'a, b a c'."""
        word = {"and": "a", "or": "neu"}[conjunction]
        return "ac" if word == "a" and following[:1].lower() in _WELSH_VOWELS else word

    def and_before(self, following: str) -> str:
        """What ends a list item before the last: '; a', or '; ac' before a vowel."""
        return "; ac" if following[:1].lower() in _WELSH_VOWELS else "; a"


LANGUAGES: dict[str, Language] = {
    ENGLISH: Language(ENGLISH, "en-GB", "English", FILE_SUFFIXES[ENGLISH]),
    WELSH: Welsh(WELSH, "cy", "Welsh", FILE_SUFFIXES[WELSH]),
}
#: English, the language every report is written in.
IN_ENGLISH = LANGUAGES[ENGLISH]

#: The templates of documents in English only: the national picture and its index.
ENGLISH_ONLY_TEMPLATES = ("national.html.j2", "index.html.j2")

#: Words ncpi's Python code (not a template) writes into a document; in the catalogue too.
PYTHON_MESSAGES = (
    "%(area)s – National Child Protection Re-inspection",
    "%(area)s – National Child Protection Inspection Post-Inspection Review",
    "%(area)s – National Child Protection Inspection",
    "Download the report (PDF, %(pages)s, %(size)s)",
    "Page %(page)s of %(pages)s",
    # What a screen reader says before a redline's deleted and inserted words (redline.py).
    "deleted",
    "inserted",
)


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
                mistake = format_mistake(message.id, str(text))
                if mistake is not None:
                    # At the catalogue's line: the template that asks for it is not at fault.
                    line = message.lineno or 1
                    raise RenderError(f"{path}:{line}: {mistake}", str(path), line)
                messages[message.id] = str(text)
    return messages


#: A placeholder a translation may hold ('%(count)s'), or a percent sign written '%%'.
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def format_mistake(english: str, translation: str) -> str | None:
    """What is wrong with a translation's '%' signs, or None: every '%' is '%%' or one of
    the English text's placeholders, since each text is filled in with Python's '%'."""
    placeholders = set(re.findall(r"%\((\w+)\)s", english))
    for found in _PLACEHOLDER.finditer(translation):
        name = found.group(1)
        if name is not None and name not in placeholders:
            known = ", ".join(f"%({p})s" for p in sorted(placeholders)) or "none"
            return (
                f"the translation has %({name})s, which the English text does not "
                f"(its placeholders: {known})"
            )
    if "%" in _PLACEHOLDER.sub("", translation):
        return (
            "the translation has a '%' that is not a placeholder such as '%(count)s': "
            "write a percent sign as '%%'"
        )
    return None


def document_messages(templates: Path) -> dict[str, list[tuple[str, int]]]:
    """Every text a document may need translated, with where it is used: a catalogue's entries.

    The texts of the templates in `templates` (what they pass to _()), the words ncpi's
    Python code writes, and the names of the model's choices (areas, grades, statuses).
    """

    found: dict[str, list[tuple[str, int]]] = {}
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    keywords = ("_", "gettext", "ngettext")
    for path in sorted(templates.rglob("*")):
        if path.suffix not in (".j2", ".css") or not path.is_file():
            continue
        if path.relative_to(templates).as_posix() in ENGLISH_ONLY_TEMPLATES:
            continue
        with path.open("rb") as file:
            for line, _, message, _ in babel_extract(file, keywords, [], options):
                # _("… %(x)s", x=…) gives the text then None; ngettext its two texts, then None.
                # Each of ngettext's texts is an entry of its own: Welsh counts take the noun's
                # singular after any number (Language.counted), so the catalogue needs no
                # plural forms, only the two sentences.
                texts = message if isinstance(message, tuple) else (message,)
                for text in texts:
                    if isinstance(text, str) and text:
                        place = (path.relative_to(templates).as_posix(), line)
                        found.setdefault(text, []).append(place)
    python = [
        *PYTHON_MESSAGES,
        *model.AREAS.values(),
        *model.GRADES.values(),
        *model.PROGRESS_STATUSES.values(),
        *model.TIMESCALES,
        *model.KINDS,
        model.INSPECTION_KIND,
        *model.PRACTICE_KINDS.values(),
        *model.TOPICS.values(),
        *model.JUDGMENT_GRADES.values(),
    ]
    for message in python:
        found.setdefault(message, []).append(("ncpi", 0))
    return found
