"""The fonts a document embeds, and what they draw: asked by validate, so it loads no PDF code."""

from __future__ import annotations

from pathlib import Path

from ncpi.defaults import builtin_templates_dir

FONT_FILES = {
    ("normal", "400"): "Lato-Regular.ttf",
    ("italic", "400"): "Lato-Italic.ttf",
    ("normal", "700"): "Lato-Bold.ttf",
    ("italic", "700"): "Lato-BoldItalic.ttf",
}


def fonts_dir_for(templates_dir: Path) -> Path:
    """The fonts a build embeds: the project's templates/fonts/ if it has Lato, else ncpi's."""

    own = templates_dir / "fonts"
    return (
        own
        if (own / FONT_FILES[("normal", "400")]).is_file()
        else builtin_templates_dir() / "fonts"
    )


#: Characters outside Latin-1 that reports use every day and every face of ncpi's Lato draws
#: (a test reads the fonts to prove it): a text of these and Latin-1 needs no font read.
EVERYDAY_DRAWABLE = frozenset("‘’‚“”„–—‐…•€™†‡‰′″ŴŵŶŷŒœŠšŽžŸƒˆ˜")


def drawable_characters(fonts_dir: Path) -> frozenset[int] | None:
    """The code points every face of the font can draw (None if the fonts cannot be read).

    Read with fontTools (which WeasyPrint uses too), not WeasyPrint itself: validate stays fast.
    """
    try:
        from fontTools.ttLib import TTFont

        faces = [
            set(TTFont(fonts_dir / name, lazy=True).getBestCmap()) for name in FONT_FILES.values()
        ]
    except Exception:
        return None
    return frozenset(set.intersection(*faces))
