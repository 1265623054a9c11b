"""Make templates/fonts/web/*.woff: Lato for the HTML editions, from the TTFs the PDF embeds.

A fixed subset (the Latin letters of English and Welsh, British punctuation and symbols), so
the files are small enough to inline in each HTML file and never change between builds.
Run after replacing the TTFs:  .venv/bin/python scripts/make_web_fonts.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "templates" / "fonts"
#: Basic Latin, Latin-1, Latin Extended-A (Welsh ŵ ŷ), Welsh's ẁ ẃ ẅ ỳ (Latin Extended
#: Additional), general punctuation, £ € and •.
CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x1E80, 0x1E86),
    0x1EF2,
    0x1EF3,
    *range(0x2010, 0x2028),
    0x2030,
    0x2032,
    0x2033,
    0x20AC,
    0x2122,
    0x2212,
]


def web_font(ttf: Path) -> bytes:
    """The font as WOFF, subset to CHARACTERS, without hinting; the same bytes every time."""
    font = TTFont(ttf, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=CHARACTERS)
    subsetter.subset(font)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


def main() -> int:
    (FONTS / "web").mkdir(exist_ok=True)
    for ttf in sorted(FONTS.glob("Lato-*.ttf")):
        target = FONTS / "web" / f"{ttf.stem}.woff"
        target.write_bytes(web_font(ttf))
        print(f"wrote {target.relative_to(FONTS.parent.parent)} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
